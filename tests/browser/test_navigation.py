"""A first-time visitor walks the public pages in a real Chromium, in English and in Spanish."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from .conftest import url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def walk(page: Page, *, platform: str, sector: str, language: str = "en") -> None:
    with translation.override(language):  # pages carry their language in the URL
        _walk(page, platform=platform, sector=sector)


def _walk(page: Page, *, platform: str, sector: str) -> None:
    """Home -> platform list -> a platform -> its sector -> back to the platform -> home.

    Interface words are found by their link target, so the walk reads the same before and after
    the Spanish catalogue exists; platform and sector names come from the database in both languages.
    """
    main = page.locator("main")
    main.locator(f'a[href="{reverse("sectors:platform-list")}"]').first.click()
    expect(page).to_have_url(reverse("sectors:platform-list"))
    main.get_by_role("link", name=platform, exact=True).click()
    expect(page).to_have_url(reverse("sectors:platform-detail", kwargs={"code": "regional"}))
    main.get_by_role("link", name=sector, exact=True).click()
    expect(page).to_have_url(
        reverse("sectors:sector-page", kwargs={"platform": "regional", "sector": "health"})
    )
    expect(page.locator("h1")).to_have_text(sector)
    # The co-coordinators' published contacts, never their login e-mails.
    expect(page.get_by_role("link", name="health.regional@unhcr.example")).to_be_visible()
    expect(page.get_by_role("link", name="salud@cs.example")).to_be_visible()
    assert "ana.private@unhcr.example" not in page.content()
    page.locator("#platform-link").click()
    expect(page).to_have_url(reverse("sectors:platform-detail", kwargs={"code": "regional"}))
    page.locator(".breadcrumb a").first.click()
    expect(page).to_have_url(reverse("home"))


def test_a_visitor_walks_from_home_to_a_sector_and_back_in_english_then_spanish(world, page):
    # given
    page.goto(reverse("home"))
    # Bootstrap's CSS and ours are served and applied: the navbar has the primary background,
    # in the darker shade that r4v.css sets for contrast.
    navbar_color = page.locator("nav.navbar").evaluate("e => getComputedStyle(e).backgroundColor")
    assert navbar_color == "rgb(10, 88, 202)"
    # when / then: in English
    walk(page, platform="Regional Platform", sector="Health")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main")).to_contain_text("Regional sectors")

    # when: the visitor switches to Spanish with the switcher
    page.locator("#language-form a[hreflang=es]").click()
    # then: the same page, now in Spanish, and the same walk with the Spanish catalogue names
    expect(page).to_have_url(url("es", "home"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("main")).to_contain_text("Plataforma Regional")
    expect(page.locator("main")).to_contain_text("Protección de la Niñez")
    walk(page, platform="Plataforma Regional", sector="Salud", language="es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    # No CSP violation, no missing file, on any page of the walk.
    assert page.console_errors == []


@pytest.fixture
def long_contact(world):
    """A long published e-mail address, the kind that overflows a phone screen."""
    world.unhcr_coordinator.contact_email = "regional.health.sector.coordination.team@unhcr.example"
    world.unhcr_coordinator.contact_phone = "+507 6000 0000 ext. 1234"
    world.unhcr_coordinator.save()
    return world.unhcr_coordinator


def test_the_sector_page_fits_a_small_phone_without_horizontal_scroll(
    world, long_contact, live_server, browser
):
    # given
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 640})
    page = context.new_page()
    # when
    page.goto(world.regional_health.get_absolute_url())
    # then
    expect(page.locator("h1")).to_have_text("Health")
    expect(page.get_by_role("link", name=long_contact.contact_email)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The collapsed menu opens (Bootstrap's script runs under the CSP).
    expect(page.locator("#main-nav .nav-link >> nth=0")).to_be_hidden()
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav .nav-link >> nth=0")).to_be_visible()
    context.close()
