"""Change notices through the API: filing, deciding, and who sees them."""

import datetime

import pytest

from ..conftest import api_for, own_callbacks
from .conftest import filed_notice, send, snapshot


def test_applying_a_replacement_notice_swaps_the_co_coordinator(
    world, personas, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks() as filed_callbacks:
        filed = send(
            personas["focal_point"],
            "post",
            "/api/v1/change-notices/",
            {
                "co_lead": world.ngo_health.pk,
                "kind": "coordinator_replaced",
                "effective_on": "2026-11-01",
                "reason": "Luis moves to another post.",
                "outgoing": world.ngo_coordinator.pk,
                "incoming_name": "Carla Díaz",
                "incoming_email": "carla@cs.example",
                "incoming_phone": "+507 555 0101",
            },
        )
    assert (filed.status_code, filed.json()["status"]) == (201, "filed")
    assert (
        len(own_callbacks(filed_callbacks)) == 1
    )  # the Regional Platform team's notifications, after commit
    # when
    applied = send(
        personas["regional"], "post", f"/api/v1/change-notices/{filed.json()['id']}/apply/", {}
    )
    # then
    assert (applied.status_code, applied.json()["status"]) == (200, "applied")
    public = api_for(None).get(f"/api/v1/platform-sectors/{world.regional_health.pk}/").json()
    assert [c["full_name"] for c in public["co_coordinators"]] == ["Carla Díaz", "Ana Pérez"]


def test_applying_a_notice_before_it_takes_effect_is_refused(world, personas):
    # given
    notice = filed_notice(world, personas, effective_on=datetime.date(2099, 1, 1))
    before = snapshot()
    # when
    response = send(personas["regional"], "post", f"/api/v1/change-notices/{notice.pk}/apply/", {})
    # then
    assert (response.status_code, response.json()["code"]) == (400, "not_yet_effective")
    assert snapshot() == before


def test_deciding_a_notice_twice_is_refused(world, personas):
    # given
    notice = filed_notice(world, personas)
    send(
        personas["regional"],
        "post",
        f"/api/v1/change-notices/{notice.pk}/decline/",
        {"comment": "No."},
    )
    # when
    response = send(
        personas["admin"], "post", f"/api/v1/change-notices/{notice.pk}/acknowledge/", {}
    )
    # then
    assert (response.status_code, response.json()["code"]) == (400, "invalid_status")


@pytest.mark.parametrize(
    ("persona", "expected"), [("outsider", 0), ("focal_point", 1), ("partner", 0), ("regional", 1)]
)
def test_change_notices_are_seen_by_the_filing_organization_and_the_regional_team(
    world, personas, persona, expected
):
    # given
    filed_notice(world, personas)
    # when
    response = send(personas[persona], "get", "/api/v1/change-notices/")
    # then
    assert (response.status_code, response.json()["count"]) == (200, expected)
