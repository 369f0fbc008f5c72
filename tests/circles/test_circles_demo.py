"""The demo's two Circles: the right people, deterministic and idempotent."""

import pytest
from django.core.management import call_command
from django.test import Client
from django_scopes import scope

from roundtable.circles.demo import CONFERENCE_CIRCLE, DEMO_GUEST, FIRST_CIRCLE
from roundtable.circles.models import Circle, CircleMember
from roundtable.ecosystem.demo import DEMO_CORE_PARTNER_DOMAIN, DEMO_FIRST_CIRCLE_EMAILS
from roundtable.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def snapshot(workspace):
    with scope(workspace=workspace):
        circles = sorted(
            (c.uuid, c.name, c.purpose_kind, c.status, c.core_partner.domain, c.host.email,
             c.created_at, tuple(sorted(t.label for t in c.tags.all())))
            for c in Circle.objects.select_related("core_partner", "host")
        )  # fmt: skip
        members = sorted(
            CircleMember.objects.values_list("uuid", "circle__name", "email", "status", "role",
                                             "invited_at", "joined_at", "ended_at")
        )  # fmt: skip
    return circles, members


def test_the_demo_has_two_circles_built_from_the_ecosystem(settings):
    call_command("demo")
    workspace = Workspace.objects.get(slug="demo")
    first_state = snapshot(workspace)

    with scope(workspace=workspace):
        first = Circle.objects.get(name=FIRST_CIRCLE)
        active = list(first.members.active().select_related("person__organization"))
        assert sorted(m.email for m in active) == sorted(DEMO_FIRST_CIRCLE_EMAILS)
        assert len({m.person.organization_id for m in active}) == 5
        assert first.core_partner.domain == DEMO_CORE_PARTNER_DOMAIN
        assert first.members.filter(status="replaced").count() == 1
        conference = Circle.objects.get(name=CONFERENCE_CIRCLE)
        current = list(conference.members.current().select_related("person__organization"))
        assert len(current) == 4
        assert len({m.person.organization_id for m in current}) == 4
        assert all(m.person.organization.tags.filter(name="HubSpot").exists() for m in current)

    call_command("demo")
    assert snapshot(workspace) == first_state

    guest = Client()
    assert guest.login(email=DEMO_GUEST, password="roundtable-demo")
    assert guest.get(f"/w/demo/circles/{first.uuid}/").status_code == 200
    assert guest.get(f"/w/demo/circles/{conference.uuid}/").status_code == 404
