"""The demo's two Circles: the right people, dated back from the day the demo runs, and
idempotent (a re-run adds nothing; on a later day it only moves the dates)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from roundtable.circles import demo
from roundtable.circles.demo import CONFERENCE_CIRCLE, DEMO_GUEST, FIRST_CIRCLE
from roundtable.circles.models import Circle, CircleInvitation, CircleMember
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


def test_the_demo_has_two_circles_built_from_the_ecosystem(settings, monkeypatch):
    # Both runs on one day, even if they straddle midnight.
    today = timezone.now().date()
    monkeypatch.setattr(demo, "demo_today", lambda: today)
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
        assert sorted(m.status for m in current) == ["active"] * 4 + ["invited"]
        assert len({m.person.organization_id for m in current}) == 5
        assert all(m.person.organization.tags.filter(name="HubSpot").exists() for m in current)

    call_command("demo")
    assert snapshot(workspace) == first_state

    guest = Client()
    assert guest.login(email=DEMO_GUEST, password="roundtable-demo")
    assert guest.get(f"/w/demo/circles/{first.uuid}/").status_code == 200
    assert guest.get(f"/w/demo/circles/{conference.uuid}/").status_code == 404
    assert_the_conference_shows_four_members_and_a_pending_invitation(workspace, conference)


def assert_the_conference_shows_four_members_and_a_pending_invitation(workspace, conference):
    """What the CLI says of it: 4 members (the issue's count) and an invitation still open."""
    with scope(workspace=workspace):
        invitation = CircleInvitation.objects.get(
            member__circle=conference, member__status="invited"
        )
    listed, shown = io.StringIO(), io.StringIO()

    call_command("circles", "list", "--workspace", "demo", stdout=listed, stderr=io.StringIO())
    call_command("circles", "show", str(conference.uuid), stdout=shown)

    assert invitation.state == "pending"
    assert invitation.expires_at > timezone.now() + timedelta(days=7)
    (row,) = [line for line in listed.getvalue().splitlines() if line.startswith(CONFERENCE_CIRCLE)]
    assert row.split()[4] == "4/5"
    assert "Members:      4 active of 5 wanted" in shown.getvalue()
    (line,) = [line for line in shown.getvalue().splitlines() if line.startswith(invitation.email)]
    assert line.split()[1] == "pending"
    assert "expired" not in shown.getvalue()


def test_a_later_run_moves_the_dates_and_adds_nothing(monkeypatch):
    call_command("demo")
    workspace = Workspace.objects.get(slug="demo")
    with scope(workspace=workspace):
        rows = {(m.uuid, m.status): m.invited_at for m in CircleMember.objects.all()}
        invitations = CircleInvitation.objects.count()
    later = timezone.now().date() + timedelta(days=30)
    monkeypatch.setattr(demo, "demo_today", lambda: later)

    demo.load_circles(workspace)

    with scope(workspace=workspace):
        again = {(m.uuid, m.status): m.invited_at for m in CircleMember.objects.all()}
        assert CircleInvitation.objects.count() == invitations
        assert Circle.objects.count() == 2
    assert again.keys() == rows.keys()
    assert {again[key] - rows[key] for key in rows} == {timedelta(days=30)}
