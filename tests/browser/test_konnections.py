"""The routine's first step in a browser: open the demo core partner's Konnections, keep the
mutual EMEA partners, run the Circle candidate finder and look at the ecosystem map."""

import re
from pathlib import Path

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from roundtable.ecosystem.demo import DEMO_CORE_PARTNER_DOMAIN, DEMO_FIRST_CIRCLE_DOMAINS
from roundtable.ecosystem.models import Organization
from roundtable.web.demo import load_demo
from roundtable.workspaces.demo import DEMO_OWNER, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_konnections_candidates_and_map_of_the_demo(page, live_server):
    workspace = load_demo(DEMO_PASSWORD)
    with scope(workspace=workspace):
        core = Organization.objects.get(domain=DEMO_CORE_PARTNER_DOMAIN)
        circle = list(Organization.objects.filter(domain__in=DEMO_FIRST_CIRCLE_DOMAINS))
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(DEMO_OWNER)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # The partner's page, then its Konnections tab.
    page.goto(f"/w/demo/partners/{core.uuid}/")
    page.get_by_role("link", name="Konnections").click()
    expect(page.get_by_role("heading", name=core.name)).to_be_visible()
    count = page.get_by_test_id("konnection-count")
    expect(count).to_contain_text("you partner with")
    table = page.get_by_test_id("konnections")
    expect(table.get_by_text("You partner with them too").first).to_be_visible()

    # Mutual partners in EMEA only (the table reloads in place).
    page.get_by_label("Mutual only").check()
    page.get_by_label("Region / city").select_option("region:EMEA")
    expect(page).to_have_url(
        re.compile(r"mutual=only.*tag=region%3AEMEA|tag=region%3AEMEA.*mutual=only")
    )
    rows = table.locator("tbody tr")
    expect(rows.first).to_contain_text("You partner with them too")
    for row in rows.all():
        expect(row).to_contain_text("You partner with them too")
        expect(row).to_contain_text("EMEA")

    # Circle candidates around this partner for the demo's ICP.
    page.get_by_role("link", name=f"Find Circle candidates around {core.name}").click()
    page.get_by_label("ICP Ecosystem").select_option("ecosystem:Shopify")
    page.get_by_label("ICP Region / city").select_option("region:EMEA")
    page.get_by_label("ICP Vertical").select_option("vertical:D2C")
    page.get_by_label("ICP Size band").select_option("size:under $25M")
    page.get_by_role("button", name="Find candidates").click()
    candidates = page.get_by_test_id("candidates")
    expect(candidates.locator("tbody tr").first).to_contain_text("4 of 4 ICP tags")
    top_five = candidates.locator("tbody tr").all()[:5]
    names = {row.locator("td").nth(1).locator("a").inner_text() for row in top_five}
    assert names == {organization.name for organization in circle}
    expect(page.get_by_role("button", name="Export selected people (CSV)")).to_be_visible()

    # The ecosystem map around the same partner.
    page.goto(f"/w/demo/partners/{core.uuid}/konnections/")
    page.get_by_role("link", name="Map", exact=True).click()
    svg = page.get_by_test_id("map-svg")
    expect(svg).to_be_visible()
    expect(svg.locator('[data-role="core"]')).to_have_count(1)
    expect(svg.locator('[data-role="mutual"]').first).to_be_attached()
    assert svg.locator('[data-role="mutual"]').count() >= 5
    with page.expect_download() as png:
        page.get_by_role("button", name="Download PNG").click()
    assert png.value.suggested_filename == "demo-ecosystem-map.png"
    assert Path(png.value.path()).read_bytes().startswith(b"\x89PNG")
    page.get_by_test_id("map-node").and_(page.locator('[data-role="core"]')).click()
    expect(page).to_have_url(f"{live_server.url}/w/demo/partners/{core.uuid}/")
