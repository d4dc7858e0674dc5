import os

import pytest
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API drives the browser from an asyncio event loop running in this thread, and
# Django refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation). Nothing
# here is truly concurrent (the live server answers in its own thread with its own connection), so
# allowing it is safe. Even so, every test sets up its data before the browser starts (fixture
# order: `world` and data fixtures first): an ORM call made while Playwright runs gets a connection
# of its own, keyed to the loop's context, which nobody closes, and PostgreSQL then refuses to drop
# the test database at the end of the session.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def browser(chromium_path):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(5_000)
    page.console_errors = []
    # A CSP violation or a missing file shows up as a console error; none is acceptable.
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    yield page
    context.close()


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
