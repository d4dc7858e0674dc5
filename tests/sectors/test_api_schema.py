"""The OpenAPI 3 schema at its stable URL, and the interactive docs page."""

import io

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

from ..conftest import api_for

PATHS = {
    # The calendar (meetings app).
    "/api/v1/action-points/": {"get", "post"},
    "/api/v1/action-points/{id}/": {"get"},
    "/api/v1/action-points/{id}/status/": {"post"},
    "/api/v1/calendar-feeds/": {"get"},
    "/api/v1/calendar-feeds/private/": {"post"},
    "/api/v1/calendar-feeds/revoke/": {"post"},
    "/api/v1/meetings/": {"get", "post"},
    "/api/v1/meetings/{id}/": {"get", "put"},
    "/api/v1/meetings/{id}/cancel/": {"post"},
    "/api/v1/meetings/conflicts/": {"get"},
    "/api/v1/meetings/slots/": {"get"},
    "/api/v1/minutes/": {"get", "post"},
    "/api/v1/minutes/{id}/": {"get", "patch"},
    "/api/v1/minutes/{id}/circulate/": {"post"},
    "/api/v1/minutes/{id}/finalize/": {"post"},
    "/api/v1/occurrences/": {"get"},
    "/api/v1/occurrences/{id}/": {"get"},
    "/api/v1/occurrences/{id}/attendance/": {"get", "post"},
    "/api/v1/occurrences/{id}/cancel/": {"post"},
    "/api/v1/occurrences/{id}/move/": {"post"},
    "/api/v1/auth/token/": {"post"},
    "/api/v1/countries/": {"get"},
    "/api/v1/countries/{iso_code}/": {"get"},
    "/api/v1/platforms/": {"get"},
    "/api/v1/platforms/{code}/": {"get"},
    "/api/v1/sectors/": {"get"},
    "/api/v1/sectors/{code}/": {"get"},
    "/api/v1/platform-sectors/": {"get", "post"},
    "/api/v1/platform-sectors/{id}/": {"get", "patch"},
    "/api/v1/platform-sectors/{id}/deactivate/": {"post"},
    "/api/v1/platform-sectors/{id}/selection-procedure/": {"post"},
    "/api/v1/organizations/": {"get", "post"},
    "/api/v1/organizations/{id}/": {"get", "patch"},
    "/api/v1/co-leads/": {"get", "post"},
    "/api/v1/co-leads/{id}/": {"get"},
    "/api/v1/co-leads/{id}/end/": {"post"},
    "/api/v1/co-coordinators/": {"get", "post"},
    "/api/v1/co-coordinators/{id}/": {"get"},
    "/api/v1/co-coordinators/{id}/end/": {"post"},
    "/api/v1/partners/": {"get", "post"},
    "/api/v1/partners/{id}/": {"get"},
    "/api/v1/partners/{id}/remove/": {"post"},
    "/api/v1/change-notices/": {"get", "post"},
    "/api/v1/change-notices/{id}/": {"get"},
    "/api/v1/change-notices/{id}/acknowledge/": {"post"},
    "/api/v1/change-notices/{id}/apply/": {"post"},
    "/api/v1/change-notices/{id}/decline/": {"post"},
    # Program cycle (program_cycle/api.py)
    "/api/v1/cycles/": {"get", "post"},
    "/api/v1/cycles/{id}/": {"get"},
    "/api/v1/cycles/{id}/generate/": {"post"},
    "/api/v1/task-types/": {"get"},
    "/api/v1/task-types/{code}/": {"get"},
    "/api/v1/tasks/": {"get"},
    "/api/v1/tasks/{id}/": {"get"},
    "/api/v1/tasks/{id}/transitions/": {"get", "post"},
    "/api/v1/tasks/{id}/versions/": {"get"},
    "/api/v1/tasks/{id}/draft/": {"post"},
    "/api/v1/tasks/{id}/attachments/": {"post"},
    "/api/v1/submissions/{id}/": {"get"},
    "/api/v1/attachments/{id}/": {"get", "delete"},
    "/api/v1/attachments/{id}/download/": {"get"},
}


@pytest.fixture
def schema(db) -> dict:
    response = api_for(None).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_the_schema_is_a_valid_openapi_3_document(schema):
    # when / then: raises on any violation of the specification
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "R4V Coordination API"


def test_the_schema_lists_every_endpoint_with_its_methods(schema):
    # when
    listed = {
        path: set(operations) - {"parameters"} for path, operations in schema["paths"].items()
    }
    # then
    assert {
        path: methods for path, methods in listed.items() if path.startswith("/api/v1/")
    } == PATHS


def test_the_schema_documents_token_authentication_and_public_reads(schema):
    # when
    security = schema["components"]["securitySchemes"]
    list_security = schema["paths"]["/api/v1/platform-sectors/"]["get"]["security"]
    write_security = schema["paths"]["/api/v1/platform-sectors/"]["post"]["security"]
    # then
    assert security["tokenAuth"]["name"] == "Authorization"
    assert {} in list_security
    assert {} not in write_security


def test_the_schema_documents_filters_and_pagination(schema):
    # when
    parameters = schema["paths"]["/api/v1/platform-sectors/"]["get"]["parameters"]
    # then
    assert sorted(p["name"] for p in parameters) == [
        "country",
        "kind",
        "limit",
        "offset",
        "platform",
        "sector",
    ]


def test_the_schema_documents_refusals_with_the_error_shape(schema):
    # when
    responses = schema["paths"]["/api/v1/co-leads/"]["post"]["responses"]
    # then
    assert sorted(responses) == ["201", "400", "401", "403", "409"]
    assert responses["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/v1/organizations/", "get", ["200", "400", "401", "414"]),
        ("/api/v1/organizations/{id}/", "get", ["200", "401", "404"]),
        ("/api/v1/organizations/{id}/", "patch", ["200", "400", "401", "403", "404", "409"]),
        ("/api/v1/change-notices/{id}/apply/", "post", ["200", "400", "401", "403", "404", "409"]),
        ("/api/v1/auth/token/", "post", ["200", "400", "409", "429"]),
    ],
)
def test_the_schema_documents_the_refusals_each_operation_can_answer(schema, path, method, codes):
    # when
    responses = schema["paths"][path][method]["responses"]
    # then: a public read names 401 because a wrong token is refused there too
    assert sorted(responses) == codes


def test_every_refusal_in_the_schema_has_the_error_body(schema):
    # when
    bodies = {
        (path, method, code): response["content"]["application/json"]["schema"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for code, response in operation["responses"].items()
        # 414 is the web server's, before the app: documented without a body.
        if code >= "400" and code != "414"
    }
    # then
    error, conflict = "#/components/schemas/Error", "#/components/schemas/Conflict"
    assert len(bodies) > 100
    # A stale task transition's 409 is the error body plus the task's current state.
    assert {key: body for key, body in bodies.items() if body != {"$ref": error}} == {
        key: {"$ref": conflict} for key, body in bodies.items() if body == {"$ref": conflict}
    }
    assert all(key[2] == "409" for key, body in bodies.items() if body == {"$ref": conflict})
    assert sorted(schema["components"]["schemas"]["Error"]["required"]) == ["code", "detail"]
    assert {"code", "detail"} <= set(schema["components"]["schemas"]["Conflict"]["properties"])


def test_the_schema_describes_empty_and_missing_values_as_they_are_returned(schema):
    # given
    shapes = schema["components"]["schemas"]
    # when
    website = shapes["Organization"]["properties"]["website"]
    parents = [shapes[name]["properties"]["parent"] for name in ("Sector", "SectorBrief")]
    incoming_email = shapes["ChangeNotice"]["properties"]["incoming_email"]
    incoming_gender = shapes["ChangeNotice"]["properties"]["incoming_gender"]
    # then: "" is no URI and no e-mail; a sector without a parent has null
    assert (website["type"], "format" in website) == ("string", False)
    assert [p["nullable"] for p in parents] == [True, True]
    assert (incoming_email["type"], "format" in incoming_email) == ("string", False)
    assert {"$ref": "#/components/schemas/BlankEnum"} in incoming_gender["oneOf"]


def test_the_schema_bounds_ids_and_page_parameters(schema):
    # when
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/co-leads/"]["get"]["parameters"]
    }
    co_lead_input = schema["components"]["schemas"]["CoLeadDesignateInputRequest"]["properties"]
    # then
    bigint = 2**63 - 1
    assert parameters["organization"] == {"type": "integer", "minimum": 1, "maximum": bigint}
    assert parameters["offset"] == {"type": "integer", "minimum": 0, "maximum": bigint}
    assert co_lead_input["organization"] == {"type": "integer", "minimum": 1, "maximum": bigint}
    assert co_lead_input["platform_sector"]["type"] == "integer"


def test_the_schema_never_offers_a_login_e_mail_in_public_shapes(schema):
    # when
    co_coordinator = schema["components"]["schemas"]["CoCoordinatorPublic"]["properties"]
    # then
    assert sorted(co_coordinator) == [
        "contact_email",
        "contact_phone",
        "full_name",
        "id",
        "organization",
        "term_end",
        "term_start",
    ]


def test_the_docs_page_is_served(db):
    # when
    response = api_for(None).get("/api/v1/docs/")
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"/api/v1/schema/" in response.content


def test_the_schema_generates_without_warnings(db):
    # when / then: the command raises on the first warning
    call_command(
        "spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO(), stderr=io.StringIO()
    )
