"""A new company signs up, invites a teammate, and the teammate joins from the emailed link."""

import pytest
from playwright.sync_api import expect

from roundtable.workspaces import actions
from roundtable.workspaces.choices import Role
from tests.conftest import PASSWORD, make_user
from tests.mail import first_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_invite_a_teammate_who_joins_from_the_email(page, live_server, mailbox, browser):
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Dana Founder")
    page.get_by_label("Email").fill("dana@loop.example")
    page.get_by_label("Company name").fill("Loop Returns")
    page.get_by_label("Company website").fill("loop.example")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Loop Returns")).to_be_visible()

    page.get_by_role("link", name="Settings").click()
    page.locator("#id_email").fill("sam@loop.example")
    page.locator("#id_role").select_option("sales")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to sam@loop.example")).to_be_visible()
    expect(page.get_by_test_id("invitations")).to_contain_text("sam@loop.example")

    link = first_link(mailbox.wait_for("sam@loop.example"), "/invitations/")
    assert link.startswith(live_server.url)
    teammate = browser.new_context().new_page()
    teammate.goto(link)
    expect(teammate.get_by_text("invited sam@loop.example")).to_be_visible()
    teammate.get_by_label("Your name").fill("Sam Seller")
    teammate.locator("#id_password1").fill(PASSWORD)
    teammate.locator("#id_password2").fill(PASSWORD)
    teammate.get_by_role("button", name="Create account and join").click()

    expect(teammate.get_by_text("Welcome to Loop Returns")).to_be_visible()
    expect(teammate.get_by_test_id("workspace-name")).to_have_text("Loop Returns")
    teammate.get_by_role("link", name="Settings").click()
    expect(teammate.get_by_test_id("teammates")).to_contain_text("dana@loop.example")
    teammate.context.close()

    page.reload()
    expect(page.get_by_test_id("teammates")).to_contain_text("sam@loop.example")


def test_a_guest_cannot_open_settings(page, live_server):
    owner = make_user("olga@acme.example")
    workspace = actions.create_workspace(name="Acme", domain="acme.example", owner=owner)
    guest = make_user("gus@partner.example")
    issued = actions.invite_teammate(workspace, email=guest.email, role=Role.GUEST, inviter=owner)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("gus@partner.example")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"/invitations/{issued.token}/")
    page.get_by_role("button", name="Accept and open the workspace").click()

    expect(page.get_by_role("heading", name="Circles")).to_be_visible()
    nav = page.get_by_role("navigation", name="Sections")
    expect(nav.get_by_role("link", name="Settings")).to_have_count(0)
    response = page.goto(f"/w/{workspace.slug}/settings/teammates/")
    assert response.status == 404
    expect(page.get_by_text("This page does not exist, or you do not have access")).to_be_visible()
