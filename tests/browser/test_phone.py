"""What a visitor on a phone needs beyond a clean axe run: the language switcher in reach,
the contacts first on a sector page, platform links big enough to tap, and a light first visit.
"""

import re

import pytest
from playwright.sync_api import expect

from .conftest import url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A first visit on a phone, over a slow mobile connection, should cost less than this.
HOME_PAGE_BUDGET = 150 * 1024
ONE_YEAR = 365 * 24 * 60 * 60


def test_the_language_switcher_is_one_tap_away_on_a_phone_without_opening_the_menu(
    world, open_page
):
    # given
    page = open_page("phone", "en")
    page.goto(url("en", "sectors:platform-list"))
    expect(page.locator("#main-nav")).to_be_hidden()
    # when
    page.locator("#language-form a[hreflang=es]").tap()
    # then: the same page, in Spanish, and the menu was never opened
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(url("es", "sectors:platform-list"))
    expect(page.locator("#language-form a[hreflang=es]")).to_have_attribute("aria-current", "true")
    expect(page.locator(".navbar-toggler")).to_have_attribute("aria-expanded", "false")


def test_a_sector_page_on_a_phone_shows_co_leads_and_co_coordinators_before_the_selection(
    world, open_page
):
    # given
    page = open_page("phone", "en")
    # when
    page.goto(world.regional_health.get_absolute_url())

    # then
    def top(section_id: str) -> float:
        return page.locator(f"#{section_id}").bounding_box()["y"]

    assert top("sector-co-leads") < top("sector-selection")
    assert top("sector-co-coordinators") < top("sector-selection")


def test_platform_links_on_the_home_page_are_at_least_24_px_tall_on_a_phone(world, open_page):
    # given
    page = open_page("phone", "en")
    # when
    page.goto(url("en", "home"))
    # then
    for platform in (world.regional, world.colombia):
        box = page.locator(f'main a[href="{platform.get_absolute_url()}"]').first.bounding_box()
        assert box["height"] >= 24, (platform.code, box)
        assert box["width"] >= 24, (platform.code, box)


def test_the_first_visit_to_the_home_page_on_a_phone_is_light_and_its_static_files_cached(
    world, open_page
):
    # given: a new context, so nothing is cached yet
    page = open_page("phone", "en")
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    # when
    page.goto(url("en", "home"), wait_until="networkidle")
    # then: everything that crossed the wire, headers included, fits the budget
    sizes = [request.sizes() for request in finished]
    transferred = sum(s["responseHeadersSize"] + s["responseBodySize"] for s in sizes)
    assert transferred < HOME_PAGE_BUDGET, f"{transferred} bytes: " + ", ".join(
        f"{r.url} {s['responseBodySize']}" for r, s in zip(finished, sizes, strict=True)
    )
    static = [r for r in finished if "/static/" in r.url]
    assert {r.resource_type for r in static} >= {"stylesheet", "script"}
    for request in static:
        headers = request.response().all_headers()
        # Compressed on the wire (WhiteNoise serves the .gz that collectstatic wrote) ...
        assert headers.get("content-encoding") in {"gzip", "br"}, request.url
        # ... and, as its name carries its hash, cached for at least a year.
        max_age = int(re.search(r"max-age=(\d+)", headers["cache-control"]).group(1))
        assert max_age >= ONE_YEAR, (request.url, headers["cache-control"])
        assert "immutable" in headers["cache-control"], request.url
