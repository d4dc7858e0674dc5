"""The interactive API documentation works under the site's strict Content-Security-Policy."""

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def _operations_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sum(method in HTTP_METHODS for path in schema["paths"].values() for method in path)


def test_the_api_docs_list_every_operation_and_run_one_without_a_csp_violation(world, page):
    # given
    # Swagger UI is a 1.5 MB script and the schema a large document: more than the usual 5 s.
    page.set_default_timeout(30_000)
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    # when
    response = page.goto(reverse("api-docs"))
    # then: the page is served under the strict policy: scripts only from our own files (no
    # 'unsafe-inline', no nonce to lean on) ...
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
    # ... and Swagger UI renders the operations of the schema
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible(timeout=30_000)
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/co-leads/").first
    ).to_be_visible()
    assert operations.count() == _operations_in_the_schema()

    # when: "Try it out" on a public read
    countries = page.locator(".opblock-get", has=page.locator('[data-path="/api/v1/countries/"]'))
    countries.locator(".opblock-summary").click()
    countries.get_by_role("button", name="Try it out").click()
    countries.get_by_role("button", name="Execute").click()
    # then: the request went out and its answer is shown
    live_status = countries.locator(".live-responses-table tr.response .response-col_status")
    expect(live_status).to_have_text("200", timeout=30_000)
    assert page.console_errors == []
    assert page_errors == []
