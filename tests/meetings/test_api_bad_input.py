"""The calendar API under input schemathesis found: 400 naming the problem, never a 500."""

import pytest
from rest_framework.test import APIClient


@pytest.mark.parametrize(
    "query",
    [
        "offset=-45179839787",
        "limit=0",
        "offset=1&offset=2",
        "platform_sector=99999999999999999999999",
        "organization=-3",
        "platform=1.5",
        # The ends of the date range (issue 22): year 1 east of UTC is year 0 in UTC.
        "start=0001-01-01T00:00:00%2B05:00",
        "end=9999-12-31T23:00:00-12:00",
        "start=2026-01-01T00:00:00&start=2027-01-01T00:00:00&platform=1&platform=2",
    ],
)
def test_bad_paging_and_ids_on_the_sittings_list_answer_400(world, query):
    # when
    response = APIClient().get(f"/api/v1/occurrences/?{query}")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_feed_addresses_are_one_object_as_the_schema_says(world):
    # when
    response = APIClient().get("/api/v1/calendar-feeds/")
    # then
    assert response.status_code == 200
    assert set(response.json()) == {"public", "sectors", "private"}


@pytest.mark.parametrize(
    "path", ["/api/v1/tasks/null,null/", "/api/v1/meetings/1.5/", "/api/v1/co-leads/abc/"]
)
def test_an_id_that_is_not_a_number_is_not_found(world, personas, path):
    # given
    client = APIClient()
    client.force_authenticate(personas["regional"])
    # when / then
    assert client.get(path).status_code == 404


def test_generating_a_cycle_answers_the_counts_as_a_plain_list(personas):
    # given
    from django.core.management import call_command

    call_command("load_task_types", verbosity=0)
    client = APIClient()
    client.force_authenticate(personas["regional"])
    cycle = client.post(
        "/api/v1/cycles/",
        {
            "name": "RMNA 2031",
            "kind": "rmna",
            "year": 2031,
            "opens_on": "2030-11-01",
            "submissions_due_on": "2030-12-15",
            "clearance_due_on": "2031-01-15",
            "closes_on": "2031-01-31",
        },
        format="json",
    )
    assert cycle.status_code == 201, cycle.json()
    # when
    response = client.post(f"/api/v1/cycles/{cycle.json()['id']}/generate/?offset=0")
    # then
    assert response.status_code == 200
    assert isinstance(response.json(), list)
