"""Bad input that once answered 500 or was silently accepted: each is now a 400 naming it.

The kit is `r4v.parsers` (the JSON body) and `r4v.api_fields` (fields, filters, pagination);
these tests drive it through the sectors API, its first user.
"""

import datetime
import json

import pytest
from django.core.cache import cache
from rest_framework import parsers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from r4v.api import router
from r4v.api_fields import EARLIEST_DATE, LATEST_DATE, MAX_ID, ChoiceField
from r4v.checks import check_api_json_parser
from r4v.parsers import MAX_DEPTH
from sectors.models import CoLeadDesignation, Organization

from ..conftest import PASSWORD, api_for
from ..sectors.conftest import snapshot
from ..sectors.test_api_write import WRITES


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # The token endpoint's throttle counts in the cache, which outlives a test.
    cache.clear()


def _nested(depth: int) -> str:
    """A JSON object whose `name` holds `depth - 1` nested arrays: `depth` containers in all."""
    return '{"name": ' + "[" * (depth - 1) + "]" * (depth - 1) + ', "kind": "other"}'


def _post_json(user, url: str, text: str, method: str = "post"):
    return getattr(api_for(user), method)(url, text, content_type="application/json")


# --- The JSON body ------------------------------------------------------------------------------


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_json_nested_5000_deep_answers_400_on_every_write(world, personas, write):
    # given: a user allowed to write, so the body is parsed rather than refused before
    url, _body = write.given(world, personas)
    before = snapshot()
    # when
    response = _post_json(personas["regional"], url, _nested(5000), write.method)
    # then
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    assert str(MAX_DEPTH) in response.json()["detail"]
    assert snapshot() == before


def test_every_api_view_parses_json_with_the_kit_and_a_view_that_does_not_is_an_error(
    monkeypatch,
):
    # given: the product's views, then one more that names DRF's own parser
    assert check_api_json_parser(None) == []

    class Careless(viewsets.ViewSet):
        parser_classes = [parsers.JSONParser]

    monkeypatch.setattr(router, "registry", [*router.registry, ("careless", Careless, "x")])
    # when
    errors = check_api_json_parser(None)
    # then: `manage.py check` (and so migrate, runserver and CI's schema step) refuses it
    assert [error.id for error in errors] == ["r4v.E001"] and "Careless" in errors[0].msg


def test_json_nested_5000_deep_answers_400_on_the_token_endpoint(world, settings):
    # given: DEBUG off, as in production (the 500 happened there too)
    settings.DEBUG = False
    # when
    response = APIClient().post(
        "/api/v1/auth/token/", "[" * 5000 + "]" * 5000, content_type="application/json"
    )
    # then
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


def test_json_nested_to_the_limit_is_parsed_and_one_deeper_is_refused(world, personas):
    # when
    at_limit = _post_json(personas["regional"], "/api/v1/organizations/", _nested(MAX_DEPTH))
    deeper = _post_json(personas["regional"], "/api/v1/organizations/", _nested(MAX_DEPTH + 1))
    # then: at the limit the field refuses the value; one deeper the parser refuses the body
    assert (at_limit.status_code, sorted(at_limit.json()["errors"])) == (400, ["name"])
    assert (deeper.status_code, deeper.json()["code"]) == (400, "parse_error")


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "Lone", "kind": "\\ud800"}',
        '{"name": "Lone \\udfff", "kind": "other"}',
        '{"name": "Lone", "kind": "other", "\\ud800": 1}',
    ],
    ids=["choice-field", "text-field", "key"],
)
def test_a_lone_surrogate_answers_400_and_writes_nothing(world, personas, text):
    # given
    before = snapshot()
    # when
    response = _post_json(personas["regional"], "/api/v1/organizations/", text)
    # then: the body is refused before a field could echo or store it
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    assert "surrogate" in response.json()["detail"]
    assert snapshot() == before


def test_a_surrogate_pair_is_text_and_is_stored(world, personas):
    # when: "\ud83c\udf31" is one character (a seedling), spelt as JSON spells it
    response = _post_json(
        personas["regional"],
        "/api/v1/organizations/",
        '{"name": "Semilla \\ud83c\\udf31", "kind": "other"}',
    )
    # then
    assert response.status_code == 201
    assert Organization.objects.get(pk=response.json()["id"]).name == "Semilla \U0001f331"


def test_a_choice_field_quotes_what_it_refuses_as_encodable_text_and_names_the_choices():
    # given: what the parser keeps out, reaching the field from Python
    field = ChoiceField(choices=Organization.Kind.choices)
    # when
    with pytest.raises(ValidationError) as refused:
        field.run_validation("\ud800" + "x" * 100)
    # then
    (message,) = refused.value.detail
    message.encode("utf-8")  # raises if a lone surrogate survived
    assert message.startswith('"\\ud800xxx')
    assert len(message) < 250
    assert "un_agency" in message


@pytest.mark.parametrize("value", [42, True, ["other"], {"other": 1}], ids=str)
def test_a_choice_must_be_a_string(world, personas, value):
    # when
    response = api_for(personas["regional"]).post(
        "/api/v1/organizations/", {"name": "Tipo", "kind": value}, format="json"
    )
    # then
    assert (response.status_code, sorted(response.json()["errors"])) == (400, ["kind"])


# --- Ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        f"organization={MAX_ID + 1}",
        f"platform_sector={2**64}",
        "organization=1.5",
        "organization=0",
        "organization=-1",
        "platform_sector=" + "9" * 5000,
    ],
    ids=["2^63", "2^64", "float", "zero", "negative", "5000-digits"],
)
@pytest.mark.parametrize("route", ["co-leads", "co-coordinators", "partners"])
def test_an_id_filter_out_of_range_or_not_whole_answers_400_naming_it(
    world, personas, route, query
):
    # when
    response = api_for(personas["regional"]).get(f"/api/v1/{route}/?{query}")
    # then
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == [query.split("=")[0]]


def test_the_largest_id_filters_to_nothing(world, personas):
    # when
    response = api_for(personas["regional"]).get(f"/api/v1/co-leads/?organization={MAX_ID}")
    # then
    assert (response.status_code, response.json()["count"]) == (200, 0)


@pytest.mark.parametrize(
    "organization",
    [1.5, True, MAX_ID + 1, -1, "1.0", "", None, [1], {"id": 1}],
    ids=["float", "bool", "2^63", "negative", "float-string", "blank", "null", "list", "object"],
)
def test_an_id_in_a_body_must_be_a_whole_number_in_range(world, personas, organization):
    # given: an organization whose id 1.5 or True would have truncated to
    body = {
        "platform_sector": world.colombia_health.pk,
        "organization": organization,
        "term_start": "2026-01-01",
    }
    before = CoLeadDesignation.objects.count()
    # when
    response = api_for(personas["regional"]).post("/api/v1/co-leads/", body, format="json")
    # then
    assert (response.status_code, sorted(response.json()["errors"])) == (400, ["organization"])
    assert CoLeadDesignation.objects.count() == before


def test_an_id_sent_as_digits_in_a_form_is_read(world, personas):
    # when: multipart sends every value as text
    response = api_for(personas["regional"]).post(
        "/api/v1/co-leads/",
        {
            "platform_sector": str(world.colombia_health.pk),
            "organization": str(world.iom.pk),
            "term_start": "2026-01-01",
        },
        format="multipart",
    )
    # then
    assert response.status_code == 201
    assert response.json()["organization"]["id"] == world.iom.pk


@pytest.mark.parametrize("path_id", [str(MAX_ID + 1), "9" * 30, "1.5"], ids=str)
def test_an_id_in_the_path_out_of_range_answers_404(world, personas, path_id):
    # when
    response = api_for(personas["regional"]).get(f"/api/v1/co-leads/{path_id}/")
    # then
    assert response.status_code == 404


# --- Dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    ["0001-01-01", "9999-12-31", (EARLIEST_DATE - datetime.timedelta(days=1)).isoformat()],
    ids=str,
)
@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (
            lambda w: "/api/v1/co-leads/",
            lambda w, day: {
                "platform_sector": w.colombia_health.pk,
                "organization": w.iom.pk,
                "term_start": day,
            },
            "term_start",
        ),
        (
            lambda w: "/api/v1/co-leads/",
            lambda w, day: {
                "platform_sector": w.colombia_health.pk,
                "organization": w.iom.pk,
                "term_start": "2026-01-01",
                "term_end": day,
            },
            "term_end",
        ),
        (
            lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/selection-procedure/",
            lambda w, day: {
                "procedure_en": "Vote.",
                "interval_months": 24,
                "last_selection_on": day,
            },
            "last_selection_on",
        ),
        (
            lambda w: f"/api/v1/co-leads/{w.unhcr_health.pk}/end/",
            lambda w, day: {"ended_on": day},
            "ended_on",
        ),
        (
            lambda w: "/api/v1/change-notices/",
            lambda w, day: {
                "co_lead": w.ngo_health.pk,
                "kind": "co_lead_stepping_down",
                "effective_on": day,
                "reason": "Funding ends.",
            },
            "effective_on",
        ),
    ],
    ids=["term-start", "term-end", "last-selection", "ended-on", "effective-on"],
)
def test_a_date_where_no_term_lies_answers_400_naming_it(world, personas, url, body, field, day):
    # given
    before = snapshot()
    # when
    response = api_for(personas["regional"]).post(url(world), body(world, day), format="json")
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {
        field: [f"Enter a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."]
    }
    assert snapshot() == before


def test_the_last_day_of_the_range_is_a_valid_term_end(world, personas):
    # when
    response = api_for(personas["regional"]).post(
        "/api/v1/co-leads/",
        {
            "platform_sector": world.colombia_health.pk,
            "organization": world.iom.pk,
            "term_start": "2026-01-01",
            "term_end": LATEST_DATE.isoformat(),
        },
        format="json",
    )
    # then
    assert (response.status_code, response.json()["term_end"]) == (201, LATEST_DATE.isoformat())


# --- Forms and multipart bodies -----------------------------------------------------------------


@pytest.mark.parametrize("body_format", ["multipart", "form"])
@pytest.mark.parametrize("field", ["name", "kind"])
def test_a_required_field_sent_blank_in_a_form_body_answers_400(
    world, personas, field, body_format
):
    # given
    before = snapshot()
    client = api_for(personas["regional"])
    url = f"/api/v1/organizations/{world.ngo.pk}/"
    # when
    if body_format == "multipart":
        response = client.patch(url, {field: ""}, format="multipart")
    else:
        response = client.patch(url, f"{field}=", content_type="application/x-www-form-urlencoded")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert snapshot() == before


def test_an_optional_field_sent_blank_in_a_form_body_is_applied(world, personas):
    # given
    assert world.ngo.acronym == "CS"
    # when
    response = api_for(personas["regional"]).patch(
        f"/api/v1/organizations/{world.ngo.pk}/", {"acronym": ""}, format="multipart"
    )
    # then
    world.ngo.refresh_from_db()
    assert (response.status_code, response.json()["acronym"], world.ngo.acronym) == (200, "", "")


# --- Pagination ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("offset=0&offset=50", "offset"),
        ("limit=1&limit=2", "limit"),
        ("offset=abc", "offset"),
        ("offset=-1", "offset"),
        ("offset=1.5", "offset"),
        (f"offset={MAX_ID + 1}", "offset"),
        ("offset=" + "9" * 5000, "offset"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
    ],
    ids=[
        "offset-twice",
        "limit-twice",
        "offset-text",
        "offset-negative",
        "offset-float",
        "offset-2^63",
        "offset-5000-digits",
        "limit-zero",
        "limit-text",
    ],
)
def test_a_bad_or_repeated_page_parameter_answers_400_naming_it(world, query, parameter):
    # when
    response = APIClient().get(f"/api/v1/organizations/?{query}")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_the_largest_offset_answers_an_empty_page(world):
    # when
    response = APIClient().get(f"/api/v1/organizations/?offset={MAX_ID}")
    # then
    assert response.status_code == 200
    assert (response.json()["count"], response.json()["results"]) == (4, [])


def test_the_token_endpoint_still_reads_json(world, personas):
    # when: the parser replaced in settings is the one every endpoint uses
    response = APIClient().post(
        "/api/v1/auth/token/",
        # A partner: the Regional Platform team's password alone makes no token (r4v/mfa.py).
        json.dumps({"email": personas["partner"].email, "password": PASSWORD}),
        content_type="application/json",
    )
    # then
    assert (response.status_code, sorted(response.json())) == (200, ["expires_at", "name", "token"])
