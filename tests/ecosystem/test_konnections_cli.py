"""`roundtable konnections` and `roundtable candidates`: the same answers in a terminal."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.ecosystem.factories import make_konnections_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return make_konnections_world(cast.acme)


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_konnections_table_by_domain(world):
    out, err = run("konnections", "loop.example", "--workspace", "acme")

    lines = out.splitlines()
    assert lines[0].split() == [
        "organization", "kind", "status", "you", "partner", "too", "partnership", "ours",
    ]  # fmt: skip
    assert lines[1].startswith("Nordic Ads")
    assert "yes, since 2023-06" in out
    assert "5 of 5 partners (2 mutual): Loop Agency." in err


def test_konnections_mutual_only_with_a_tag_as_csv(world):
    out, _ = run(
        "konnections", "Loop Agency", "--workspace", "acme", "--mutual",
        "--tag", "region:EMEA", "--format", "csv",
    )  # fmt: skip

    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["organization"] for row in rows] == ["Mailflow"]
    assert rows[0]["you_partner_too"] == "yes"


def test_konnections_in_common_with_another_organization_as_json(world):
    out, _ = run(
        "konnections", "loop.example", "--with", "mailflow.example", "--workspace", "acme",
        "--format", "json",
    )  # fmt: skip

    names = {record["organization"] for record in json.loads(out)}
    assert names == {"Nordic Ads", "Berlin Builders", "Pixel Studio"}


def test_candidates_for_an_icp(world):
    out, err = run(
        "candidates", "--core", "loop.example", "--workspace", "acme",
        "--tag", "ecosystem:Shopify", "--tag", "region:EMEA", "--tag", "vertical:D2C",
        "--tag", "size:under $25M", "--weight", "activity=0", "--format", "csv",
    )  # fmt: skip

    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["organization"] == "Nordic Ads"
    # The partnerships person first, then the CEO.
    assert rows[0]["emails"] == "nina@nordic.example; nils@nordic.example"
    assert rows[0]["reasons"].startswith("partners with Loop Agency and with 3 of our partners")
    assert "candidates around Loop Agency" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["konnections", "nowhere.example", "--workspace", "acme"], "no organization 'nowhere"),
        (["konnections", "loop.example", "--workspace", "nope"], "No workspace with the slug"),
        (
            ["konnections", "loop.example", "--workspace", "acme", "--tag", "region:Atlantis"],
            "--tag: There is no tag",
        ),
        (
            ["candidates", "--core", "loop.example", "--workspace", "acme", "--weight", "x=1"],
            "--weight 'x=1'",
        ),
        (
            ["candidates", "--core", "loop.example", "--workspace", "acme", "--weight", "tags=99"],
            "--weight tags: Ensure this value is less than or equal to 10",
        ),
        (["candidates", "--core", "acme.example", "--workspace", "acme"], "your own company"),
    ],
)
def test_bad_input_is_a_clear_error(world, args, message):
    with pytest.raises(CommandError, match=message.replace("$", r"\$")):
        run(*args)


def test_the_other_workspace_cannot_be_reached(cast, world):
    with pytest.raises(CommandError, match="no organization 'loop.example'"):
        run("konnections", "loop.example", "--workspace", cast.globex.slug)
