"""`roundtable circles list` and `roundtable circles show`: the same answers in a terminal."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from roundtable.circles import actions
from tests.circles.factories import make_circle, make_person, member_of
from tests.ecosystem.factories import make_partner

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def circles(cast):
    loop = make_partner(cast.acme, "Loop Agency", "loop.example")
    nina = make_person(cast.acme, loop, "Nina", "Nord", "nina@loop.example")
    d2c = make_circle(cast.acme, cast.alice, name="D2C Shopify EMEA", people=[nina],
                      core_partner=loop, status="active")  # fmt: skip
    inbound = make_circle(cast.acme, cast.alice, name="INBOUND conference",
                          purpose_kind="conference")  # fmt: skip
    make_circle(cast.globex, cast.charlie, name="Globex secret Circle")
    actions.invite(member_of(d2c, nina), inviter=cast.alice)
    return d2c, inbound


def test_list_as_a_table_ends_each_row_with_the_uuid(circles):
    d2c, inbound = circles
    out, err = run("circles", "list", "--workspace", "acme")

    lines = out.splitlines()
    assert lines[0].split()[:3] == ["name", "purpose", "status"]
    assert lines[1].startswith("D2C Shopify EMEA")
    assert lines[1].endswith(str(d2c.uuid))
    assert lines[2].startswith("INBOUND conference")
    assert lines[2].endswith(str(inbound.uuid))
    assert "Globex" not in out
    assert err.strip() == "2 Circles in Acme."


def test_list_filters_and_formats(circles):
    out, _ = run("circles", "list", "--workspace", "acme", "--kind", "conference", "--format",
                 "csv")  # fmt: skip
    assert [row["name"] for row in csv.DictReader(io.StringIO(out))] == ["INBOUND conference"]
    out, _ = run("circles", "list", "--workspace", "acme", "--status", "active", "--format",
                 "json")  # fmt: skip
    (circle,) = json.loads(out)
    assert circle["name"] == "D2C Shopify EMEA"
    assert circle["core_partner"]["name"] == "Loop Agency"


def test_csv_leaves_a_missing_core_partner_and_host_empty(circles, cast):
    make_circle(cast.acme, cast.alice, name="Nobody hosts", host=None)

    out, _ = run("circles", "list", "--workspace", "acme", "--format", "csv")
    table, _ = run("circles", "list", "--workspace", "acme")

    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(out))}
    assert rows["INBOUND conference"]["core partner"] == ""
    assert (rows["Nobody hosts"]["core partner"], rows["Nobody hosts"]["host"]) == ("", "")
    assert "'-" not in out
    nobody = next(line for line in table.splitlines() if line.startswith("Nobody hosts"))
    assert nobody.split()[-3:-1] == ["-", "-"]


def test_show_prints_members_and_invitations(circles):
    d2c, _ = circles
    out, _ = run("circles", "show", str(d2c.uuid))

    assert out.startswith("D2C Shopify EMEA (Active)\n")
    assert "Core partner: Loop Agency" in out
    assert "Nina Nord" in out
    assert "invited" in out
    assert "nina@loop.example  pending" in out
    assert "sent (1 attempt)" in out
    document = json.loads(run("circles", "show", str(d2c.uuid), "--format", "json")[0])
    assert [m["name"] for m in document["members"]] == ["Nina Nord"]
    sheet = list(csv.DictReader(io.StringIO(run("circles", "show", str(d2c.uuid), "--format",
                                                "csv")[0])))  # fmt: skip
    assert sheet[0]["email"] == "nina@loop.example"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--workspace", "nope"], "No workspace with the slug 'nope'."),
        (["list", "--workspace", "acme", "--tag", "size:huge"], "--tag: There is no tag"),
        (["list", "--workspace", "acme", "--status", "asleep"], "--status: Select a valid choice"),
        (["show", "not-a-uuid"], "ID: 'not-a-uuid' is not a Circle's uuid."),
        (["show", "6f1c1f9e-0000-4000-8000-000000000000"], "No Circle 6f1c1f9e"),
    ],
)
def test_mistakes_are_one_clear_line(circles, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run("circles", *args)


def test_show_refuses_a_circle_of_another_workspace_when_one_is_named(circles, cast):
    d2c, _ = circles
    with pytest.raises(CommandError, match="No Circle"):
        run("circles", "show", str(d2c.uuid), "--workspace", "globex")
