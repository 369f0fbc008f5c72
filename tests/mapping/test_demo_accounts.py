"""The demo's accounts: a few thousand per partner, overlapping ours, loaded once."""

import polars as pl
import pytest
from django.core.management import call_command
from django.db.models import Count
from django_scopes import scope

from roundtable.ecosystem.models import Organization
from roundtable.mapping.demo import DEMO_SOURCE, OUR_ACCOUNTS
from roundtable.mapping.models import Account
from roundtable.mapping.overlap import map_frames
from roundtable.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def frame_of(owner):
    rows = Account.objects.filter(owner=owner).values("id", "name", "website", "country")
    return pl.DataFrame(list(rows)).rename({"id": "row"})


def test_every_partner_has_a_few_thousand_accounts_that_overlap_ours():
    call_command("demo")
    workspace = Workspace.objects.get(slug="demo")
    with scope(workspace=workspace):
        ours = Organization.objects.ours().get()
        counts = dict(
            Account.objects.values("owner").annotate(n=Count("id")).values_list("owner", "n")
        )
        partners = list(Organization.objects.partners())
        assert counts[ours.pk] == OUR_ACCOUNTS
        assert all(1_000 <= counts[p.pk] < 3_000 for p in partners)
        statuses = set(Account.objects.values_list("status", flat=True).distinct())
        assert statuses == {"customer", "prospect", "opportunity"}
        assert Account.objects.filter(status="opportunity", amount__isnull=True).count() == 0
        # A partner's export shares a fifth to a third of its companies with ours, found by
        # the matching engine through messy websites and legal forms.
        partner = partners[0]
        result, _, _ = map_frames(frame_of(ours), frame_of(partner))
        assert 0.15 * counts[partner.pk] <= result.matched <= 0.4 * counts[partner.pk]
        assert result.by_method["domain"]
        assert result.by_method["name"]

        # A second run keeps what is there, including a user's change.
        account = Account.objects.filter(owner=partner, source=DEMO_SOURCE).first()
        Account.objects.filter(pk=account.pk).update(salesperson="Changed by a user")
        total = Account.objects.count()
    call_command("demo")
    with scope(workspace=workspace):
        assert Account.objects.count() == total
        assert Account.objects.get(pk=account.pk).salesperson == "Changed by a user"
