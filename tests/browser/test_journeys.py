"""Every kind of user walks their pages in a real Chromium, on a laptop and on a phone, in
English and Spanish; on every page axe-core finds nothing serious, every target is big enough
to tap, and the console stays clean (tests/browser/conftest.py `check_page`). Each page leaves
a screenshot in var/screenshots/ for a human to look at.
"""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD

from .conftest import check_page, enter_second_factor, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Two passes per signed-in persona cover both screens and both languages without walking all
# four combinations (the run has to stay short; the anonymous walk does all four).
PASSES = [("desktop", "en"), ("phone", "es")]


def visit(page, language: str, name: str, shot: str, **kwargs) -> None:
    target = url(language, name, **kwargs)
    page.goto(target)
    # Not bounced to the log-in page or elsewhere, and rendered in the visitor's language.
    expect(page).to_have_url(target)
    expect(page.locator("html")).to_have_attribute("lang", language)
    check_page(page, shot)


def test_an_anonymous_visitor_finds_every_public_page_accessible(world, open_page):
    health = {"platform": "regional", "sector": "health"}
    pages = [
        ("home", {}),
        ("sectors:platform-list", {}),
        ("sectors:platform-detail", {"code": "regional"}),
        ("sectors:sector-list", {}),
        ("sectors:sector-page", health),
        ("login", {}),
    ]
    for device in ("desktop", "phone"):
        for language in ("en", "es"):
            # given
            page = open_page(device, language)
            for name, kwargs in pages:
                # when / then
                shot = f"anonymous-{device}-{language}-{name.split(':')[-1]}"
                visit(page, language, name, shot, **kwargs)


def staff_pages(world) -> dict[str, list[tuple[str, dict]]]:
    health = world.regional_health.pk
    return {
        "regional": [
            ("my-work", {}),
            ("sectors:sector-manage", {"pk": health}),
            ("sectors:governance", {}),
            ("sectors:change-notice-list", {}),
        ],
        "focal_point": [("my-work", {}), ("sectors:change-notice-create", {})],
        "co_coordinator": [
            ("my-work", {}),
            ("sectors:sector-page-edit", {"pk": health}),
        ],
        "partner": [("my-work", {})],
    }


@pytest.mark.parametrize("persona", ["regional", "focal_point", "co_coordinator", "partner"])
def test_each_role_finds_its_own_pages_accessible(persona, world, sessions, open_page):
    for device, language in PASSES:
        # given
        page = open_page(device, language, sessions[persona])
        for name, kwargs in staff_pages(world)[persona]:
            # when / then
            shot = f"{persona}-{device}-{language}-{name.split(':')[-1]}"
            visit(page, language, name, shot, **kwargs)


@pytest.fixture
def regional_app(personas):
    """The Regional Platform team's authenticator app: the team logs in with a second step."""
    return TOTPDevice.objects.create(user=personas["regional"], name="phone", confirmed=True)


def test_the_regional_team_logs_in_and_reaches_its_work(world, personas, regional_app, open_page):
    # given
    page = open_page("phone", "en")
    page.goto(url("en", "login"))
    # when
    page.get_by_label("E-mail address").fill(personas["regional"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    # then: the code from the app, on a page that passes the checks every page passes
    expect(page).to_have_url(re.compile(r"/en/accounts/two-step/code/"))
    check_page(page, "regional-phone-en-second-step")
    enter_second_factor(page, regional_app)
    expect(page).to_have_url(url("en", "my-work"))
    check_page(page, "regional-phone-en-after-login")


def test_a_focal_point_sees_every_error_of_an_empty_change_notice_accessibly(
    world, sessions, open_page
):
    # given
    page = open_page("phone", "es", sessions["focal_point"])
    page.goto(url("es", "sectors:change-notice-create"))
    # when
    page.locator("main form button[type=submit]").click()
    # then: the form comes back with its errors, and the error state passes too
    expect(page.locator("main .invalid-feedback").first).to_be_visible()
    check_page(page, "focal_point-phone-es-change-notice-errors")
