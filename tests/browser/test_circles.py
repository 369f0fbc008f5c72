"""A Circle in a browser: from a partner's Konnections to the candidate finder, build a Circle of
three people, invite them in one thread, and accept one invitation from the emailed link as a
guest who then sees that Circle and nothing else."""

import pytest
from playwright.sync_api import expect

from roundtable.workspaces.models import User
from tests.circles.factories import make_circle
from tests.conftest import PASSWORD
from tests.ecosystem.factories import make_konnections_world
from tests.mail import first_link, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_build_a_circle_from_konnections_invite_and_join_as_a_guest(
    page, live_server, mailbox, browser, cast
):
    world = make_konnections_world(cast.acme)
    elsewhere = make_circle(cast.acme, cast.alice, name="Berlin founders")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@acme.example")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # The core partner's Konnections, then the candidate finder around it.
    page.goto(f"/w/acme/partners/{world.loop.uuid}/konnections/")
    page.get_by_role("link", name="Find Circle candidates around Loop Agency").click()
    page.get_by_label("ICP Ecosystem").select_option("ecosystem:Shopify")
    page.get_by_label("ICP Region / city").select_option("region:EMEA")
    page.get_by_role("button", name="Find candidates").click()
    candidates = page.get_by_test_id("candidates")
    expect(candidates.locator("tbody tr").first).to_contain_text("Nordic Ads")
    # Let the finder's fragment settle: ticking boxes of a table about to be swapped is lost.
    page.wait_for_load_state("networkidle")
    for box in candidates.get_by_role("checkbox").all():
        box.uncheck()
    for name in ("Nina Nord", "Mia Flow", "Ben Bauer"):
        candidates.get_by_label(name).check()
    expect(candidates.get_by_role("checkbox", checked=True)).to_have_count(3)
    page.get_by_role("button", name="Build a Circle from these candidates").click()

    # The new Circle's form arrives filled in from the finder.
    expect(page.get_by_role("heading", name="New Circle")).to_be_visible()
    expect(page.get_by_label("Core partner")).to_have_value("Loop Agency")
    proposed = page.get_by_test_id("proposed-people")
    for name in ("Nina Nord", "Mia Flow", "Ben Bauer"):
        expect(proposed.get_by_label(name)).to_be_checked()
    page.locator("#id_name").fill("Shopify EMEA growth")
    page.get_by_role("button", name="Create Circle").click()

    expect(page.get_by_role("heading", name="Shopify EMEA growth")).to_be_visible()
    expect(page.get_by_text("created with 3 proposed members")).to_be_visible()
    members = page.get_by_test_id("members")
    expect(members.locator("tbody tr")).to_have_count(3)
    page.get_by_role("button", name="Send invitations (3)").click()
    expect(page.get_by_text("Invitations sent to Nina Nord, Mia Flow, Ben Bauer.")).to_be_visible()
    expect(members).to_contain_text("Invited")

    # Nina follows her personal link from the email and joins as a guest.
    message = mailbox.wait_for("nina@nordic.example")
    assert "Mia Flow (Mailflow)" in text_of(message)
    link = first_link(message, "/circles/invitations/")
    assert link.startswith(live_server.url)
    guest = browser.new_context(base_url=live_server.url).new_page()
    guest.set_default_timeout(10_000)
    guest.goto(link)
    expect(guest.get_by_role("heading", name="Shopify EMEA growth")).to_be_visible()
    guest.get_by_label("Your name").fill("Nina Nord")
    guest.locator("#id_password1").fill(PASSWORD)
    guest.locator("#id_password2").fill(PASSWORD)
    guest.get_by_role("button", name="Create account and join").click()

    expect(guest.get_by_text("Welcome to the Circle “Shopify EMEA growth”")).to_be_visible()
    expect(guest.get_by_test_id("members")).to_contain_text("Active")
    nav = guest.get_by_role("navigation", name="Sections")
    expect(nav.get_by_role("link")).to_have_count(1)
    expect(nav.get_by_role("link", name="Circles")).to_be_visible()
    nav.get_by_role("link", name="Circles").click()
    circles = guest.get_by_test_id("circles")
    expect(circles.locator("tbody tr")).to_have_count(1)
    expect(circles).to_contain_text("Shopify EMEA growth")
    assert guest.goto(f"/w/acme/circles/{elsewhere.uuid}/").status == 404
    assert guest.goto("/w/acme/partners/").status == 404
    expect(guest.get_by_text("This page does not exist, or you do not have access")).to_be_visible()
    assert guest.goto(f"/w/acme/partners/{world.loop.uuid}/konnections/").status == 404
    assert User.objects.get(email="nina@nordic.example").name == "Nina Nord"
    guest.context.close()

    # The host's page shows who joined.
    page.reload()
    expect(members.locator("tr", has_text="Nina Nord")).to_contain_text("Active")
