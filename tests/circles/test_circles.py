"""Circle pages: building a Circle (from the candidate finder or from scratch), the list and its
filters, a Circle's members, sheet and history, member changes, and the organization page."""

import csv
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from roundtable.circles import actions
from roundtable.circles.choices import CircleStatus, MemberStatus, PurposeKind
from roundtable.circles.models import Circle, CircleMember
from roundtable.ecosystem.models import Person
from tests.circles.factories import make_circle, make_person, member_of
from tests.conftest import client_for, make_user
from tests.ecosystem.factories import make_konnections_world, make_partner

pytestmark = pytest.mark.django_db

ICP = ["ecosystem:Shopify", "region:EMEA", "vertical:D2C", "size:under $25M"]


def url(name, **kwargs):
    return reverse(name, kwargs={"ws": "acme", **kwargs})


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def circle_named(name) -> Circle:
    with scopes_disabled():
        return Circle.objects.get(name=name)


@pytest.fixture
def world(cast):
    return make_konnections_world(cast.acme)


def people(*emails) -> list[Person]:
    with scopes_disabled():
        found = {p.email: p for p in Person.objects.filter(email__in=emails)}
    return [found[email] for email in emails]


def test_the_candidate_finder_hands_its_selection_to_a_new_circle(cast, world, alice_client):
    query = [("core", "loop.example"), *[("tag", label) for label in ICP]]
    finder = alice_client.get(f"{url('partners_candidates')}?{urlencode(query)}")
    assert 'data-testid="build-circle"' in finder.text
    assert f'formaction="{url("circle_new")}"' in finder.text

    # What the button submits: the finder's fields and the ticked people.
    nina, ben = people("nina@nordic.example", "ben@berlin.example")
    selection = [*query, ("kind", ""), ("person", nina.uuid), ("person", ben.uuid)]
    form = alice_client.get(f"{url('circle_new')}?{urlencode(selection)}")

    assert form.status_code == 200
    assert 'value="Loop Agency"' in form.text
    for label in ICP:
        assert f'value="{label}" checked' in form.text
    assert "Nina Nord" in form.text
    assert "Ben Bauer" in form.text
    assert 'value="Shopify EMEA D2C under $25M"' in form.text  # a name drawn from the ICP

    fields = [
        ("name", "D2C Shopify EMEA"), ("purpose_kind", "icp"), ("purpose", "Grown from Loop"),
        *[("tag", label) for label in ICP], ("core_partner", "Loop Agency"),
        ("target_size", "5"), ("host", "bob@acme.example"), ("status", "forming"),
        ("person", str(nina.uuid)), ("person", str(ben.uuid)),
    ]  # fmt: skip
    created = alice_client.post(
        url("circle_new"), urlencode(fields), content_type="application/x-www-form-urlencoded"
    )

    circle = circle_named("D2C Shopify EMEA")
    assert created.url == url("circle_detail", circle=circle.uuid)
    page = alice_client.get(created.url)
    assert "created with 2 proposed members" in page.text
    with scope(workspace=cast.acme):
        assert circle.core_partner == world.loop
        assert circle.host == cast.bob
        assert sorted(t.label for t in circle.tags.all()) == sorted(ICP)
        members = list(circle.members.values_list("name", "status"))
    assert members == [("Nina Nord", "proposed"), ("Ben Bauer", "proposed")]
    assert "Send invitations (2)" in page.text


def test_a_selection_with_unknown_things_still_opens_the_form_and_says_so(cast, alice_client):
    response = alice_client.get(
        f"{url('circle_new')}?core=nowhere.example&tag=ecosystem:Nope&person=not-a-uuid"
    )
    assert response.status_code == 200
    assert "No organization “nowhere.example” in this workspace." in response.text
    assert "There is no tag “ecosystem:Nope” in this workspace." in response.text
    assert "The selection holds something that is not a person." in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "  ", "This field is required."),
        ("target_size", "0", "Ensure this value is greater than or equal to 1."),
        ("target_size", "many", "Enter a whole number."),
        ("core_partner", "Nowhere Ltd", "No organization “Nowhere Ltd” in this workspace."),
        ("core_partner", "acme.example", "That is your own company"),
        ("host", "gina@partner.example", "Select a valid choice."),
        ("purpose_kind", "party", "Select a valid choice."),
        ("tag", "size:huge", "There is no tag “size:huge” in this workspace."),
        ("person", "6f1c1f9e-0000-4000-8000-000000000000", "are not in this workspace"),
    ],
)
def test_bad_input_when_creating_a_circle_names_the_field_and_creates_nothing(
    cast, alice_client, field, value, message
):
    data = {
        "name": "Berlin founders", "purpose_kind": "city", "purpose": "", "core_partner": "",
        "target_size": "5", "host": "alice@acme.example", "status": "forming",
    }  # fmt: skip
    from roundtable.ecosystem.actions import ensure_our_organization

    ensure_our_organization(cast.acme)
    data[field] = value

    response = alice_client.post(url("circle_new"), data)

    assert response.status_code == 200
    assert message in response.text
    with scopes_disabled():
        assert not Circle.objects.exists()


def test_a_second_circle_with_the_same_name_is_refused(cast, alice_client):
    make_circle(cast.acme, cast.alice, name="Berlin founders")
    response = alice_client.post(
        url("circle_new"),
        {"name": "berlin  Founders", "purpose_kind": "city", "target_size": "5",
         "host": "alice@acme.example", "status": "forming"},
    )  # fmt: skip
    assert "There is already a Circle named “Berlin founders”." in response.text
    with scopes_disabled():
        assert Circle.objects.count() == 1


def test_editing_a_circle(cast, alice_client):
    circle = make_circle(cast.acme, cast.alice, name="Berlin founders")
    page = alice_client.get(url("circle_edit", circle=circle.uuid))
    assert 'value="Berlin founders"' in page.text

    saved = alice_client.post(
        url("circle_edit", circle=circle.uuid),
        {"name": "Berlin founders", "purpose_kind": "city", "purpose": "Founders in Berlin",
         "target_size": "6", "host": "bob@acme.example", "status": "active"},
    )  # fmt: skip

    assert saved.status_code == 302
    circle.refresh_from_db()
    assert (circle.purpose_kind, circle.status, circle.target_size) == ("city", "active", 6)
    assert "Founders in Berlin" in alice_client.get(saved.url).text


@pytest.fixture
def circles(cast, world):
    """Three Circles with different purposes, statuses, ICPs and members."""
    nina, ben, mia = people("nina@nordic.example", "ben@berlin.example", "mia@mailflow.example")
    with scope(workspace=cast.acme):
        from roundtable.ecosystem.models import Tag

        shopify = Tag.objects.get(type="ecosystem", name="Shopify")
        emea = Tag.objects.get(type="region", name="EMEA")
    d2c = make_circle(
        cast.acme, cast.alice, name="D2C Shopify EMEA", tags=[shopify, emea], people=[nina, ben],
        status=CircleStatus.ACTIVE,
    )  # fmt: skip
    inbound = make_circle(
        cast.acme, cast.alice, name="INBOUND conference", purpose_kind=PurposeKind.CONFERENCE,
        tags=[shopify], people=[mia],
    )  # fmt: skip
    berlin = make_circle(
        cast.acme, cast.alice, name="Berlin founders", purpose_kind=PurposeKind.CITY,
        status=CircleStatus.PAUSED, people=[ben],
    )  # fmt: skip
    return d2c, inbound, berlin


def names_in(response) -> list[str]:
    return [
        name
        for name in ("Berlin founders", "D2C Shopify EMEA", "INBOUND conference")
        if f">{name}</a>" in response.text
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Berlin founders", "D2C Shopify EMEA", "INBOUND conference"]),
        ("kind=conference", ["INBOUND conference"]),
        ("status=paused", ["Berlin founders"]),
        ("tag=ecosystem:Shopify", ["D2C Shopify EMEA", "INBOUND conference"]),
        ("tag=ecosystem:Shopify&tag=region:EMEA", ["D2C Shopify EMEA"]),
        ("q=found", ["Berlin founders"]),
        ("organization=BERLIN", ["Berlin founders", "D2C Shopify EMEA"]),
    ],
)
def test_the_circles_list_filters(cast, world, circles, alice_client, query, expected):
    query = query.replace("BERLIN", str(world.berlin.uuid))
    response = alice_client.get(f"{url('circles')}?{query}")
    assert names_in(response) == expected
    fragment = alice_client.get(f"{url('circles')}?{query}", headers={"HX-Request": "true"})
    assert names_in(fragment) == expected
    assert "<html" not in fragment.text
    exported = alice_client.get(f"{url('circles_export')}?{query}")
    assert [row["name"] for row in csv_rows(exported)] == expected


def test_a_bad_filter_says_what_is_wrong(cast, circles, alice_client):
    response = alice_client.get(f"{url('circles')}?tag=ecosystem:Nope&organization=xyz")
    assert response.status_code == 200
    assert "There is no tag “ecosystem:Nope” in this workspace." in response.text
    assert "Enter a valid UUID." in response.text


def test_the_list_reads_a_fixed_number_of_queries(
    cast, world, circles, alice_client, django_assert_max_num_queries
):
    alice_client.get(url("circles"))  # warm the session and caches
    with django_assert_max_num_queries(14) as few:
        alice_client.get(url("circles"))
    for n in range(4):
        make_circle(cast.acme, cast.alice, name=f"Extra {n}", people=people("nils@nordic.example"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        alice_client.get(url("circles"))


def test_the_circle_page_shows_members_sheet_and_history_and_exports_the_sheet(
    cast, world, alice_client
):
    nina, ben, mia = people("nina@nordic.example", "ben@berlin.example", "mia@mailflow.example")
    circle = make_circle(cast.acme, cast.alice, people=[nina, ben])
    issued = actions.invite(member_of(circle, nina), inviter=cast.alice)
    actions.accept(issued.token, user=make_user("nina@nordic.example", "Nina Nord"))
    actions.invite(member_of(circle, ben), inviter=cast.alice)
    with scopes_disabled():
        ben_member = CircleMember.objects.select_related("circle").get(person=ben)
    actions.replace_member(ben_member, person=mia, added_by=cast.alice)
    actions.add_teammate(circle, cast.bob, added_by=cast.alice)

    page = alice_client.get(url("circle_detail", circle=circle.uuid))

    assert page.status_code == 200
    members = page.text.split('data-testid="members"')[1].split("</table>")[0]
    assert "Nina Nord" in members
    assert "Mia Flow" in members
    assert "Bob" in members
    assert "Ben Bauer" not in members  # replaced: history only
    history = page.text.split('data-testid="history"')[1].split("</ul>")[0]
    assert 'Ben Bauer <span class="muted">(Berlin Builders)</span> was replaced by Mia Flow' in (
        history
    )
    assert 'Nina Nord <span class="muted">(Nordic Ads)</span> joined' in history
    sheet = csv_rows(alice_client.get(url("circle_sheet_export", circle=circle.uuid)))
    assert [(r["name"], r["organization"], r["status"]) for r in sheet] == [
        ("Nina Nord", "Nordic Ads", "active"),
        ("Mia Flow", "Mailflow", "proposed"),
        ("Bob", "Acme", "active"),
    ]
    assert sheet[0]["email"] == "nina@nordic.example"
    assert sheet[0]["joined"]


def test_a_formula_in_a_member_cell_is_exported_harmless(cast, world, alice_client):
    (ben,) = people("ben@berlin.example")
    with scope(workspace=cast.acme):
        Person.objects.filter(pk=ben.pk).update(title="=HYPERLINK(evil)")
    circle = make_circle(cast.acme, cast.alice, people=[ben])
    (row,) = csv_rows(alice_client.get(url("circle_sheet_export", circle=circle.uuid)))
    assert row["title"] == "'=HYPERLINK(evil)"


def test_adding_replacing_and_removing_members_from_the_page(cast, world, alice_client):
    nina, ben, mia = people("nina@nordic.example", "ben@berlin.example", "mia@mailflow.example")
    circle = make_circle(cast.acme, cast.alice, people=[nina])

    search = alice_client.get(
        f"{url('circle_member_add', circle=circle.uuid)}?q=berlin", headers={"HX-Request": "true"}
    )
    assert "Ben Bauer" in search.text
    assert "Nina Nord" not in search.text
    added = alice_client.post(
        url("circle_member_add", circle=circle.uuid), {"person": ben.uuid, "role": "member"}
    )
    assert added.status_code == 302
    again = alice_client.post(
        url("circle_member_add", circle=circle.uuid), {"person": ben.uuid, "role": "member"},
        follow=True,
    )  # fmt: skip
    assert "Ben Bauer is already in this Circle (proposed)." in again.text
    teammate = alice_client.post(
        url("circle_member_add", circle=circle.uuid),
        {"teammate": "bob@acme.example", "role": "host"},
        follow=True,
    )
    assert "Bob joined the Circle." in teammate.text
    guest = alice_client.post(
        url("circle_member_add", circle=circle.uuid),
        {"teammate": "gina@partner.example", "role": "member"},
        follow=True,
    )
    assert "Select a valid choice." in guest.text

    nina_member = member_of(circle, nina)
    actions.invite(nina_member, inviter=cast.alice)
    replaced = alice_client.post(
        url("circle_member_replace", circle=circle.uuid, member=nina_member.uuid),
        {"person": mia.uuid, "role": "member"},
        follow=True,
    )
    assert "Mia Flow replaces Nina Nord." in replaced.text
    ben_member = member_of(circle, ben)
    removed = alice_client.post(
        url("circle_member_remove", circle=circle.uuid, member=ben_member.uuid), follow=True
    )
    assert "Ben Bauer was taken off the list." in removed.text

    with scopes_disabled():
        rows = dict(CircleMember.objects.filter(circle=circle).values_list("name", "status"))
        nina_row = CircleMember.objects.get(pk=nina_member.pk)
    assert rows == {
        "Nina Nord": MemberStatus.REPLACED,
        "Bob": MemberStatus.ACTIVE,
        "Mia Flow": MemberStatus.PROPOSED,
    }
    assert nina_row.replaced_by.name == "Mia Flow"
    assert nina_row.invitation.state == "withdrawn"


def test_the_organization_page_shows_the_circles_its_people_are_in(cast, world, alice_client):
    nina, ben = people("nina@nordic.example", "ben@berlin.example")
    make_circle(cast.acme, cast.alice, people=[nina])
    make_circle(cast.acme, cast.alice, name="Berlin founders", people=[ben])

    page = alice_client.get(url("partners_organization", org=world.nordic.uuid))

    section = page.text.split('data-testid="organization-circles"')[1].split("</ul>")[0]
    assert "D2C Shopify EMEA" in section
    assert "Nina Nord" in section
    assert "Berlin founders" not in section
    assert f"?organization={world.nordic.uuid}" in page.text
    quiet = alice_client.get(url("partners_organization", org=world.cart.uuid))
    assert "Nobody from Cart Co is in a Circle yet." in quiet.text


def test_a_guest_sees_their_circle_without_team_controls(cast, world):
    (nina,) = people("nina@nordic.example")
    circle = make_circle(cast.acme, cast.alice, people=[nina])
    ben = people("ben@berlin.example")[0]
    actions.add_person(circle, ben)  # proposed: not told yet, so not shown to guests
    issued = actions.invite(member_of(circle, nina), inviter=cast.alice)
    nina_user = make_user("nina@nordic.example", "Nina Nord")
    actions.accept(issued.token, user=nina_user)
    guest = client_for(nina_user)

    page = guest.get(url("circle_detail", circle=circle.uuid))

    assert page.status_code == 200
    assert "Nina Nord" in page.text
    assert "Ben Bauer" not in page.text
    for control in ("Edit", "Add member", "Send invitations", "Replace", "/partners/"):
        assert control not in page.text.split("<main>")[1]
    sheet = csv_rows(guest.get(url("circle_sheet_export", circle=circle.uuid)))
    assert [row["name"] for row in sheet] == ["Nina Nord"]
    assert guest.get(url("circle_edit", circle=circle.uuid)).status_code == 404
    assert guest.get(url("circles_export")).status_code == 404
    nav = guest.get(url("circles")).text.split('aria-label="Sections"')[1].split("</nav>")[0]
    assert "Circles" in nav
    assert "Partners" not in nav


def test_members_cannot_be_added_to_another_workspaces_person(cast, alice_client):
    globex_partner = make_partner(cast.globex, "Globex Partner", "gp.example")
    stranger = make_person(cast.globex, globex_partner, "Stan", "", "stan@gp.example")
    circle = make_circle(cast.acme, cast.alice)
    response = alice_client.post(
        url("circle_member_add", circle=circle.uuid),
        {"person": stranger.uuid, "role": "member"},
        follow=True,
    )
    assert "No such person in this workspace." in response.text
    with scopes_disabled():
        assert not CircleMember.objects.exists()


def test_guests_open_the_list_from_the_dashboard(cast):
    gina = client_for(cast.gina)
    landing = gina.get(reverse("dashboard", kwargs={"ws": "acme"}), follow=True)
    assert landing.redirect_chain[-1][0] == url("circles")
    assert "You are not an active member of any Circle here." in landing.text
