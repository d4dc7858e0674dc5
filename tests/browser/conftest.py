import functools
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.oath import TOTP
from playwright.sync_api import Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.conftest import client_for

# Playwright's sync API drives the browser from an asyncio event loop running in this thread, and
# Django refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation). Nothing
# here is truly concurrent (the live server answers in its own thread with its own connection), so
# allowing it is safe. Even so, every test sets up its data before the browser starts (fixture
# order: `world` and data fixtures first): an ORM call made while Playwright runs gets a connection
# of its own, keyed to the loop's context, which nobody closes, and PostgreSQL then refuses to drop
# the test database at the end of the session. That is also why `browser` is not session-scoped:
# a later test's fixtures would then write while Playwright runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# The two screens every page must work on: a laptop and a small Android phone.
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# Pixel density 1: layout is the same at any density, and 2x screenshots cost a second each.
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
}
DEVICES = {"desktop": DESKTOP, "phone": PHONE}

# scripts/fetch-axe.sh puts a pinned axe-core here (.ci/run calls it before the tests).
AXE_PATH = settings.BASE_DIR / "var" / "axe" / "axe.min.js"
# The journeys' screenshots, one PNG per page visited (named in the README).
SCREENSHOTS_DIR = settings.BASE_DIR / "var" / "screenshots"
# axe's impacts are minor < moderate < serious < critical; serious and above block a release.
BLOCKING_IMPACTS = {"serious", "critical"}
# WCAG 2.2 AA is the bar. axe ships target-size (2.5.8, 24 px) disabled; it is the rule that
# keeps touch targets usable on a phone, so it is turned on.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}


@pytest.fixture
def browser(chromium_path, axe_available):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_available() -> None:
    """A skip without axe-core; in CI (R4V_REQUIRE_BROWSER=1) a missing file fails."""
    if not AXE_PATH.exists():
        message = f"{AXE_PATH} is missing (scripts/fetch-axe.sh fetches it from npm)"
        if os.environ.get("R4V_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)


def _watch_console(page: Page) -> Page:
    page.set_default_timeout(5_000)
    page.console_errors = []
    # A CSP violation or a missing file shows up as a console error; none is acceptable.
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    return page


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    yield _watch_console(context.new_page())
    context.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(device, language, session=None) -> a fresh page in a context of its own.

    The language is the one a returning visitor's cookie asks for (what the switcher sets);
    `session` is a session key from `sessions`, to start logged in.
    """
    contexts = []

    def open_page(device: str, language: str, session: str | None = None) -> Page:
        context = browser.new_context(base_url=live_server.url, locale=language, **DEVICES[device])
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language}]
        if session:
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session})
        context.add_cookies([{**cookie, "url": live_server.url} for cookie in cookies])
        contexts.append(context)
        return _watch_console(context.new_page())

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def sessions(personas) -> dict[str, str]:
    """A logged-in session key per persona, made before the browser starts (see the top)."""
    keys = {}
    for name, user in personas.items():
        if user is not None:
            # Logged in as client_for does: with the second factor, for those who must have one.
            client = client_for(Client(), user)
            keys[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def enter_second_factor(page: Page, device) -> None:
    """On the code page after the password, type the code the person's app shows now.

    `device` is their TOTP device, made before the browser starts (ORM calls wait until then).
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("#id_code", f"{totp.token():0{device.digits}d}")
    page.locator("#mfa-verify-submit").click()


def url(language: str, name: str, **kwargs) -> str:
    # Reversed in the visitor's language, so the URL is right whether or not it carries one.
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@functools.cache
def _axe() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations of serious or critical impact on the page as it stands."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern: the
    # product's strict script-src stays as it is (no bypass_csp, no injected <script>).
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe())
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def assert_no_serious_axe_violations(page: Page) -> None:
    blocking = axe_violations(page)
    report = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [
                {"target": node["target"], "summary": node["failureSummary"]}
                for node in v["nodes"][:5]
            ],
        }
        for v in blocking
    ]
    assert not blocking, f"axe on {page.url}:\n{json.dumps(report, indent=1, ensure_ascii=False)}"


# Every target on the page smaller than 24 x 24 px (WCAG 2.5.8), except WCAG's inline ones:
# a link inside running text (a paragraph, a definition, an alert, a form's help), whose height
# the sentence's line sets, and a check box or radio counted with its label. A link alone in a list item, a table cell or a breadcrumb is a
# target of its own and must be big enough to tap.
_SMALL_TARGETS = """() => {
  const targets = 'a[href], button, select, input:not([type=hidden]), textarea, summary';
  const inText = 'p, dd, .alert, label, .form-text';
  const small = [];
  for (const el of document.querySelectorAll(targets)) {
    const style = getComputedStyle(el);
    let {top, left, bottom, right, width, height} = el.getBoundingClientRect();
    if (width === 0 || height === 0 || style.visibility === 'hidden') continue;
    if (el.closest('.visually-hidden, .visually-hidden-focusable:not(:focus)')) continue;
    if (el.tagName === 'A' && style.display === 'inline' && el.closest(inText)) continue;
    // A check box's or radio's label activates it too: together they are the target.
    for (const label of (/^(checkbox|radio)$/.test(el.type) && el.labels) || []) {
      const box = label.getBoundingClientRect();
      top = Math.min(top, box.top); bottom = Math.max(bottom, box.bottom);
      left = Math.min(left, box.left); right = Math.max(right, box.right);
    }
    [width, height] = [right - left, bottom - top];
    if (width < 24 || height < 24) {
      small.push(`${el.outerHTML.slice(0, 120)}: ${width.toFixed(1)} x ${height.toFixed(1)}`);
    }
  }
  return small;
}"""


def assert_touch_targets_big_enough(page: Page) -> None:
    small = page.evaluate(_SMALL_TARGETS)
    assert not small, f"targets under 24 x 24 px on {page.url}:\n" + "\n".join(small)


def check_page(page: Page, name: str) -> None:
    """What every page a journey visits must pass: axe, touch targets, a clean console."""
    screenshot(page, name)
    assert_no_serious_axe_violations(page)
    assert_touch_targets_big_enough(page)
    assert page.console_errors == [], page.console_errors


def screenshot(page: Page, name: str) -> Path:
    """The whole page as a PNG under var/screenshots/, for a human to look at after CI."""
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / f"{name}.png"
    page.screenshot(path=path, full_page=True, animations="disabled")
    return path


def _no_static_handler(application):
    return application


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server without its static-files handler.

    That handler looks files up by their source names, so it answers 404 for the hashed names
    that the manifest storage puts in pages. Without it WhiteNoise serves the collected files,
    as it does in production (the suite collects them first: tests/conftest.py).
    """
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = _no_static_handler
    server.start()
    yield server
    server.stop()
