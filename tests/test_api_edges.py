"""Every operation of the served OpenAPI schema, driven with the values an outside probe found
to break things: dates at the ends of the calendar (year 1, year 9999), ids that are not whole
numbers or do not fit a column, and a recurrence that never matches. Generated from the schema,
so an endpoint added tomorrow is covered by default.

A probe's finding, kept: none of them may answer 500 or cost a second of CPU, and a date
outside the kit's range or an id that is no id is refused (4xx), never stored or searched for.
"""

import json
import re
import time

import pytest
from drf_spectacular.generators import SchemaGenerator

from meetings import services as meetings_services
from program_cycle.services import task_types_load
from r4v.services import system_user

from .conftest import api_for
from .factories import TaskFactory, meeting_draft

NEVER_MATCHES = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=1"
EDGES = {
    "date": ["0001-01-01", "9999-12-31"],
    "date-time": ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"],
    "integer": ["1.5", "9" * 25, "-1"],
}
# Property or parameter names that hold an RFC 5545 recurrence rule.
RECURRENCE = re.compile(r"rrule|recurrence", re.I)
CPU_LIMIT_SECONDS = 1.0


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _values(name: str, node: dict) -> list:
    if RECURRENCE.search(name):
        return [NEVER_MATCHES]
    return EDGES.get(node.get("format") or node.get("type"), [])


# A sane value for each field a request needs besides the one under test, so that the edge
# reaches the service rather than stopping at "this field is required".
SANE = {"date": "2027-03-02", "date-time": "2027-03-02T15:00:00Z", "boolean": "true"}


def _sane(schema: dict, name: str, node: dict, ids: dict[str, str]):
    node = _resolve(schema, node)
    if "enum" in node:
        return node["enum"][0]
    if node.get("type") == "integer":
        # An id: the first row of the list of that name (platform_sector: /platform-sectors/).
        listing = f"/api/v1/{name.replace('_', '-')}s/"
        return int(ids[listing]) if ids.get(listing, "").isdigit() else 1
    if node.get("type") == "array":
        return []
    return SANE.get(node.get("format") or node.get("type"), "Edge case")


def _cases(schema: dict, ids: dict[str, str]):
    """(method, path template, query or body, data) for every edge of every operation."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            parameters = [p for p in operation.get("parameters", []) if p["in"] == "query"]
            base = {
                p["name"]: _sane(schema, p["name"], p["schema"], ids)
                for p in parameters
                if p.get("required")
            }
            for parameter in parameters:
                for value in _values(parameter["name"], parameter["schema"]):
                    yield method, path, "query", {**base, parameter["name"]: value}
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            body = _resolve(schema, content["application/json"]["schema"])
            properties = body.get("properties", {})
            base = {
                name: _sane(schema, name, properties[name], ids)
                for name in body.get("required", [])
                if not properties[name].get("readOnly")
            }
            for name, node in properties.items():
                for value in _values(name, _resolve(schema, node)):
                    yield method, path, "body", {**base, name: value}


def _first_ids(client, schema: dict) -> dict[str, str]:
    """A real object for each detail path, so that actions parse their body (a missing one
    would answer 404 before): the first row each list shows the Regional Platform team."""
    ids = {}
    for path in schema["paths"]:
        if "{" in path or "get" not in schema["paths"][path]:
            continue
        response = client.get(path)
        rows = response.json().get("results") if response.status_code == 200 else None
        if rows:
            row = rows[0]
            ids[path] = str(row.get("id", row.get("code", "")))
    return ids


def _url(path: str, ids: dict[str, str]) -> str:
    """The path with its object: the first of its list's rows (or 1, for a 404)."""
    listing = path.split("{", 1)[0]
    return re.sub(r"\{[^}]+\}", ids.get(listing, "1"), path)


@pytest.fixture
def calendar_and_tasks(world, personas):
    """A meeting series and a task the Regional Platform team can act on."""
    task_types_load(by=system_user())
    TaskFactory(task_type="pin", platform=world.colombia, sector=world.health)
    meetings_services.meeting_schedule(
        draft=meeting_draft(platform_sector=world.regional_health, rrule="FREQ=MONTHLY;COUNT=3"),
        by=personas["regional"],
        accept_conflicts=True,
    )


@pytest.mark.parametrize("who", ["anonymous", "regional"])
def test_no_operation_answers_500_or_burns_a_second_at_the_edges(
    world, personas, calendar_and_tasks, who
):
    # given
    schema = _schema()
    client = api_for(None if who == "anonymous" else personas[who])
    ids = _first_ids(api_for(personas["regional"]), schema)
    failures = []
    cases = list(_cases(schema, ids))
    assert len(cases) > 50  # the battery reaches the dates, ids and rules of the whole API
    for method, path, where, data in cases:
        url = _url(path, ids)
        # when
        started = time.process_time()
        if where == "query":
            response = getattr(client, method)(url, data)
        else:
            response = getattr(client, method)(
                url, json.dumps(data), content_type="application/json"
            )
        spent = time.process_time() - started
        # then
        refused = 400 <= response.status_code < 500
        edge_only = not any(value == NEVER_MATCHES for value in data.values())
        if (edge_only and not refused) or response.status_code >= 500 or spent > CPU_LIMIT_SECONDS:
            failures.append(f"{method.upper()} {url} {data}: {response.status_code}, {spent:.2f} s")
    assert failures == []
