"""The partner directory pages: list with filters and paging, organization page, forms, tags."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from roundtable.ecosystem import actions
from roundtable.ecosystem.choices import OrgKind, PartnerStatus
from roundtable.ecosystem.models import Organization, Partnership, Person, Tag
from tests.conftest import client_for
from tests.ecosystem.factories import make_org, make_partner

pytestmark = pytest.mark.django_db


def url(workspace, path=""):
    return f"/w/{workspace.slug}/{path}"


@pytest.fixture
def directory(cast):
    """Acme's directory: three agencies and a technology partner, tagged."""
    ws = cast.acme
    loop = make_partner(ws, "Loop Digital", "loopdigital.example", city="Berlin", country="DE")
    north = make_partner(ws, "Northstar Agency", "northstar.example", city="London")
    quiet = make_org(ws, "Quiet Studio", "quiet.example", city="Paris")
    stack = make_partner(
        ws, "Stackwise", "stackwise.example", kind=OrgKind.TECHNOLOGY, status=PartnerStatus.PROSPECT
    )
    actions.set_tags(loop, ["ecosystem:Shopify", "region:EMEA", "vertical:D2C"])
    actions.set_tags(north, ["ecosystem:Shopify", "region:North America"])
    actions.set_tags(quiet, ["ecosystem:HubSpot", "region:EMEA"])
    actions.set_tags(stack, ["ecosystem:Shopify", "region:EMEA"])
    return {"loop": loop, "north": north, "quiet": quiet, "stack": stack}


def names_in(response) -> list[str]:
    with scope(workspace=response.wsgi_request.workspace):
        return [org.name for org in response.context["page"].items]


def test_list_shows_organizations_with_their_tags_by_type(cast, alice_client, directory):
    response = alice_client.get(url(cast.acme, "partners/"))
    assert response.status_code == 200
    assert names_in(response) == ["Acme", "Loop Digital", "Northstar Agency", "Quiet Studio",
                                  "Stackwise"]  # fmt: skip
    html = response.content.decode()
    assert 'class="chip chip-ecosystem" title="Ecosystem">Shopify' in html
    assert 'class="chip chip-region" title="Region / city">EMEA' in html
    assert "5 organizations" in html


def test_tags_filter_keeps_organizations_that_carry_every_tag(cast, alice_client, directory):
    response = alice_client.get(
        url(cast.acme, "partners/"), {"tag": ["ecosystem:Shopify", "region:EMEA"]}
    )
    assert names_in(response) == ["Loop Digital", "Stackwise"]


def test_filters_combine_tags_kind_status_and_text(cast, alice_client, directory):
    base = url(cast.acme, "partners/")
    assert names_in(alice_client.get(base, {"tag": "ecosystem:shopify", "kind": "agency"})) == [
        "Loop Digital",
        "Northstar Agency",
    ]
    assert names_in(alice_client.get(base, {"status": "prospect"})) == ["Stackwise"]
    assert names_in(alice_client.get(base, {"status": "none"})) == ["Acme", "Quiet Studio"]
    assert names_in(alice_client.get(base, {"status": "partner", "q": "berlin"})) == [
        "Loop Digital"
    ]
    assert names_in(alice_client.get(base, {"q": "northstar.exa"})) == ["Northstar Agency"]


def test_an_unknown_tag_is_named_in_the_error(cast, alice_client, directory):
    response = alice_client.get(url(cast.acme, "partners/"), {"tag": "vertical:Mining"})
    assert response.status_code == 200
    assert "There is no tag “vertical:Mining” in this workspace." in response.content.decode()
    assert names_in(response) == []
    response = alice_client.get(url(cast.acme, "partners/"), {"tag": "colour:red"})
    assert "Unknown tag type &#x27;colour&#x27;" in response.content.decode()


def test_htmx_filter_change_returns_only_the_table_fragment(cast, alice_client, directory):
    response = alice_client.get(
        url(cast.acme, "partners/"), {"tag": "region:EMEA"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="organizations"' in html
    assert "Quiet Studio" in html
    assert "Northstar Agency" not in html
    # The export link of the fragment carries the same filters.
    assert "partners/export.csv?tag=region%3AEMEA" in html
    assert "HX-Request" in response["Vary"]


def test_list_query_count_does_not_grow_with_rows(cast, alice_client, directory):
    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            response = alice_client.get(url(cast.acme, "partners/"), {"tag": "ecosystem:Shopify"})
        assert response.status_code == 200
        return len(captured)

    before = queries_for_list()
    for n in range(30):
        org = make_partner(cast.acme, f"Extra {n:02}", f"extra{n}.example")
        actions.set_tags(org, ["ecosystem:Shopify", f"region:City {n}"])
        org.partner_manager = cast.bob
        with scope(workspace=cast.acme):
            org.save()
    after = queries_for_list()
    assert after == before
    # Session, user, workspace, membership, the navigation's workspaces and the session's save
    # (3), then ours: the tag filter's lookup, tags for the filter panel, the capped count, the
    # page with partner managers, and the page's tags (links, then tags: two queries).
    assert after == 14


def test_pages_follow_one_another_by_cursor(cast, alice_client):
    for n in range(120):
        make_org(cast.acme, f"Org {n:03}")
    first = alice_client.get(url(cast.acme, "partners/"))
    page = first.context["page"]
    assert page.has_next
    assert not page.has_previous
    assert "120+" not in first.content.decode()  # exact count below the cap: "121 organizations"
    assert "121 organizations" in first.content.decode()
    seen = names_in(first)
    second = alice_client.get(url(cast.acme, "partners/"), {"after": str(page.next_cursor)})
    third = alice_client.get(
        url(cast.acme, "partners/"), {"after": str(second.context["page"].next_cursor)}
    )
    seen += names_in(second) + names_in(third)
    assert seen == ["Acme"] + [f"Org {n:03}" for n in range(120)]
    assert not third.context["page"].has_next
    back = alice_client.get(
        url(cast.acme, "partners/"), {"before": str(third.context["page"].previous_cursor)}
    )
    assert names_in(back) == names_in(second)


def test_a_malformed_or_foreign_cursor_gives_the_first_page(cast, alice_client, directory):
    foreign = make_org(cast.globex, "Globex Partner")
    for cursor in ("not-a-uuid", str(foreign.uuid)):
        response = alice_client.get(url(cast.acme, "partners/"), {"after": cursor})
        assert response.status_code == 200
        assert names_in(response)[0] == "Acme"


def test_organization_page_shows_overview_people_and_tabs(cast, alice_client, directory):
    loop = directory["loop"]
    with scope(workspace=cast.acme):
        actions.save_organization(
            cast.acme, loop, tier="Gold", partner_manager=cast.bob, description="Shopify Plus"
        )
    actions.save_person(
        cast.acme, organization=loop, first_name="Lena", last_name="Vogel", title="CEO"
    )
    response = alice_client.get(url(cast.acme, f"partners/{loop.uuid}/"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Loop Digital", "loopdigital.example", "Berlin, DE", "Active", "Gold", "Bob",
                 "Lena Vogel — CEO", "Shopify Plus", 'aria-current="page">Overview'):  # fmt: skip
        assert text in html
    people = alice_client.get(url(cast.acme, f"partners/{loop.uuid}/people/"))
    assert "Lena Vogel" in people.content.decode()


def test_our_own_organization_is_marked_and_cannot_be_deleted(cast, alice_client):
    with scope(workspace=cast.acme):
        ours = Organization.objects.ours().get()
    page = alice_client.get(url(cast.acme, f"partners/{ours.uuid}/")).content.decode()
    assert "Our company" in page
    assert "Delete" not in page
    response = alice_client.post(url(cast.acme, f"partners/{ours.uuid}/delete/"), follow=True)
    assert "Your own company cannot be deleted" in response.content.decode()
    with scope(workspace=cast.acme):
        assert Organization.objects.filter(pk=ours.pk).exists()


def test_create_edit_and_delete_an_organization(cast, alice_client):
    response = alice_client.post(
        url(cast.acme, "partners/new/"),
        {"name": "Fjord Labs", "website": "https://www.fjord-labs.example/", "kind": "agency",
         "status": "active", "partner_manager": cast.bob.pk, "partner_since": "2024-03-01"},
    )  # fmt: skip
    with scope(workspace=cast.acme):
        fjord = Organization.objects.get(name="Fjord Labs")
    assert response.url == url(cast.acme, f"partners/{fjord.uuid}/")
    assert fjord.domain == "fjord-labs.example"
    assert fjord.partner_manager == cast.bob
    assert fjord.status_changed_at is not None

    response = alice_client.post(
        url(cast.acme, f"partners/{fjord.uuid}/edit/"),
        {"name": "Fjord Labs GmbH", "website": "fjord-labs.example", "kind": "technology",
         "status": "churned", "city": "Oslo"},
    )  # fmt: skip
    assert response.status_code == 302
    with scope(workspace=cast.acme):
        fjord.refresh_from_db()
    assert (fjord.name, fjord.kind, fjord.status, fjord.city) == (
        "Fjord Labs GmbH", "technology", "churned", "Oslo",
    )  # fmt: skip

    alice_client.post(url(cast.acme, f"partners/{fjord.uuid}/delete/"))
    with scope(workspace=cast.acme):
        assert not Organization.objects.filter(name__startswith="Fjord").exists()


def test_form_errors_name_the_field(cast, alice_client, directory):
    response = alice_client.post(
        url(cast.acme, "partners/new/"),
        {"name": "Copycat", "website": "loopdigital.example", "kind": "agency", "status": ""},
    )
    assert response.status_code == 200
    assert "Loop Digital already has the domain loopdigital.example." in response.content.decode()
    response = alice_client.post(
        url(cast.acme, "partners/new/"), {"name": "", "kind": "spaceship", "status": ""}
    )
    html = response.content.decode()
    assert "This field is required." in html
    assert "Select a valid choice. spaceship is not one of the available choices." in html


def test_guests_are_kept_out_of_the_directory(cast, directory):
    guest = client_for(cast.gina)
    assert guest.get(url(cast.acme, "partners/")).status_code == 404
    assert guest.get(url(cast.acme, f"partners/{directory['loop'].uuid}/")).status_code == 404


def test_only_teammates_can_be_partner_managers(cast, alice_client, directory):
    loop = directory["loop"]
    response = alice_client.post(
        url(cast.acme, f"partners/{loop.uuid}/edit/"),
        {"name": "Loop Digital", "kind": "agency", "status": "active",
         "partner_manager": cast.gina.pk},
    )  # fmt: skip
    assert "Select a valid choice" in response.content.decode()


def test_add_and_remove_tags_on_the_organization_page(cast, alice_client, directory):
    quiet = directory["quiet"]
    alice_client.post(
        url(cast.acme, f"partners/{quiet.uuid}/tags/"), {"type": "size", "name": "under $25M"}
    )
    with scope(workspace=cast.acme):
        assert {t.label for t in quiet.tags.all()} == {
            "ecosystem:HubSpot", "region:EMEA", "size:under $25M",
        }  # fmt: skip
        hubspot = Tag.objects.get(name="HubSpot")
    alice_client.post(url(cast.acme, f"partners/{quiet.uuid}/tags/{hubspot.uuid}/remove/"))
    with scope(workspace=cast.acme):
        assert {t.label for t in quiet.tags.all()} == {"region:EMEA", "size:under $25M"}
        # The tag itself stays for the other organizations that could use it.
        assert Tag.objects.filter(pk=hubspot.pk).exists()


def test_add_and_remove_a_partnership(cast, alice_client, directory):
    loop, quiet = directory["loop"], directory["quiet"]
    page = url(cast.acme, f"partners/{loop.uuid}/partnerships/")
    response = alice_client.post(
        page,
        {"partner": "https://quiet.example/about", "kind": "referral", "source": "manual",
         "since": "2023-05-01", "note": "Co-sell in DACH"},
        follow=True,
    )  # fmt: skip
    html = response.content.decode()
    assert "Loop Digital now partners with Quiet Studio." in html
    for text in ("Referral", "2023-05-01", "Co-sell in DACH"):
        assert text in html
    # Seen from the other side too: one undirected edge.
    other = alice_client.get(url(cast.acme, f"partners/{quiet.uuid}/partnerships/"))
    assert "Loop Digital" in other.content.decode()

    with scope(workspace=cast.acme):
        edge = Partnership.objects.get()
    alice_client.post(f"{page}{edge.uuid}/remove/")
    with scope(workspace=cast.acme):
        assert not Partnership.objects.exists()


def test_partnership_form_explains_an_unknown_or_ambiguous_partner(cast, alice_client, directory):
    page = url(cast.acme, f"partners/{directory['loop'].uuid}/partnerships/")
    response = alice_client.post(page, {"partner": "Nobody Inc", "kind": "unknown",
                                        "source": "manual"})  # fmt: skip
    assert "No organization “Nobody Inc” in the directory." in response.content.decode()
    response = alice_client.post(page, {"partner": "Loop Digital", "kind": "unknown",
                                        "source": "manual"})  # fmt: skip
    assert "An organization cannot partner with itself." in response.content.decode()


def test_people_create_edit_delete(cast, alice_client, directory):
    loop = directory["loop"]
    response = alice_client.post(
        url(cast.acme, f"partners/{loop.uuid}/people/new/"),
        {"first_name": "Mara", "last_name": "Lind", "email": "Mara@LoopDigital.example",
         "title": "Partner lead", "linkedin_url": "https://www.linkedin.com/in/mara-lind"},
    )  # fmt: skip
    assert response.status_code == 302
    with scope(workspace=cast.acme):
        mara = Person.objects.get()
    assert mara.email == "mara@loopdigital.example"
    response = alice_client.post(
        url(cast.acme, f"partners/{loop.uuid}/people/new/"),
        {"first_name": "Mara", "email": "mara@loopdigital.example"},
    )
    assert "Mara Lind at Loop Digital already has this email." in response.content.decode()
    alice_client.post(
        url(cast.acme, f"people/{mara.uuid}/edit/"),
        {"first_name": "Mara", "last_name": "Lind-Berg", "email": "mara@loopdigital.example"},
    )
    with scope(workspace=cast.acme):
        mara.refresh_from_db()
    assert mara.last_name == "Lind-Berg"
    listing = alice_client.get(url(cast.acme, "people/"), {"q": "lind-berg"})
    assert "Mara Lind-Berg" in listing.content.decode()
    alice_client.post(url(cast.acme, f"people/{mara.uuid}/delete/"))
    with scope(workspace=cast.acme):
        assert not Person.objects.exists()


def test_a_person_needs_a_name_or_an_email(cast, alice_client, directory):
    response = alice_client.post(
        url(cast.acme, f"partners/{directory['loop'].uuid}/people/new/"), {"title": "CTO"}
    )
    assert "A person needs a name or an email address." in response.content.decode()


def test_tags_page_counts_renames_and_deletes(cast, alice_client, directory):
    page = alice_client.get(url(cast.acme, "tags/")).content.decode()
    assert 'data-testid="tags-ecosystem"' in page
    with scope(workspace=cast.acme):
        shopify = Tag.objects.get(name="Shopify")
        emea = Tag.objects.get(name="EMEA")
        counts = {t.label: t.organization_count for t in alice_client.get(
            url(cast.acme, "tags/")).context["tag_groups"][0][1]}  # fmt: skip
    assert counts == {"ecosystem:HubSpot": 1, "ecosystem:Shopify": 3}

    response = alice_client.post(
        url(cast.acme, f"tags/{shopify.uuid}/rename/"), {"name": "HubSpot"}, follow=True
    )
    assert "The tag ecosystem:HubSpot already exists." in response.content.decode()
    response = alice_client.post(
        url(cast.acme, f"tags/{shopify.uuid}/rename/"), {"name": "Shopify Plus"}, follow=True
    )
    assert "Tag ecosystem:Shopify renamed to ecosystem:Shopify Plus." in response.content.decode()
    alice_client.post(url(cast.acme, f"tags/{emea.uuid}/delete/"))
    with scope(workspace=cast.acme):
        assert {t.label for t in directory["loop"].tags.all()} == {
            "ecosystem:Shopify Plus", "vertical:D2C",
        }  # fmt: skip


def test_site_staff_can_browse_every_directory_in_the_admin(admin_client, cast, directory):
    response = admin_client.get("/admin/ecosystem/organization/", {"q": "loop"})
    assert response.status_code == 200
    assert "Loop Digital" in response.content.decode()
    loop = directory["loop"]
    assert admin_client.get(f"/admin/ecosystem/organization/{loop.pk}/change/").status_code == 200
    for model in ("person", "tag", "partnership"):
        assert admin_client.get(f"/admin/ecosystem/{model}/").status_code == 200
