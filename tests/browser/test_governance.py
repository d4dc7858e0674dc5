"""The Regional Platform team reads the governance view on a phone and on a desktop."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session_cookie(personas, live_server) -> dict:
    """A logged-in session for the Regional Platform team, made before the browser starts."""
    # With its second factor, as the team must log in (r4v/mfa.py).
    client = client_for(Client(), personas["regional"])
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def _governance_page(browser, live_server, session_cookie, width, height):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    context.add_cookies([session_cookie])
    page = context.new_page()
    page.set_default_timeout(5_000)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(reverse("sectors:governance"))
    return context, page, errors


def test_on_a_phone_every_finding_fits_the_screen_without_horizontal_scroll(
    world, session_cookie, live_server, browser
):
    # given
    context, page, errors = _governance_page(browser, live_server, session_cookie, 360, 640)
    # then: the wide matrix gives way to one card per sector
    expect(page.locator("#governance-table")).to_be_hidden()
    card = page.locator(f"#sector-{world.regional_health.pk}")
    expect(card).to_be_visible()
    findings = card.locator("li[data-rule]")
    expect(findings).to_have_count(7)
    for index in range(7):
        box = findings.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, findings.nth(index).inner_text()
    expect(card.locator('li[data-rule="selection_procedure"] .badge')).to_have_text(
        "Recommendation"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # and the downloads are reachable
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    assert errors == []
    context.close()


def test_on_a_desktop_the_matrix_gives_the_overview_and_links_to_each_card(
    world, session_cookie, live_server, browser
):
    # given
    context, page, errors = _governance_page(browser, live_server, session_cookie, 1280, 900)
    # when
    table = page.locator("#governance-table")
    expect(table).to_be_visible()
    table.get_by_role("link", name="Protection › Child Protection").click()
    # then
    expect(page).to_have_url(
        f"{live_server.url}{reverse('sectors:governance')}#sector-{world.regional_child_protection.pk}"
    )
    expect(page.locator(f"#sector-{world.regional_child_protection.pk}")).to_be_in_viewport()
    # and the platform filter moves to a national platform
    page.select_option("#governance-platform", "colombia")
    page.locator("#governance-filter button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Governance health: Colombia")
    expect(page.locator("#governance-national-note")).to_be_visible()
    assert errors == []
    context.close()
