"""Activating and deactivating sectors on platforms through the API."""

from ..conftest import api_for
from ..factories import PlatformSectorFactory
from .conftest import send, snapshot


def test_activating_an_already_active_sector_answers_200_and_changes_nothing(world, personas):
    # given
    before = snapshot()
    # when
    response = send(
        personas["regional"],
        "post",
        "/api/v1/platform-sectors/",
        {"platform": "regional", "sector": "health"},
    )
    # then
    assert (response.status_code, response.json()["id"]) == (200, world.regional_health.pk)
    assert snapshot() == before


def test_reactivating_a_sector_answers_201_with_its_public_shape(world, personas):
    # given
    inactive = PlatformSectorFactory(
        platform=world.colombia, sector=world.protection, is_active=False
    )
    # when
    response = send(
        personas["platform_team"],
        "post",
        "/api/v1/platform-sectors/",
        {"platform": "colombia", "sector": "protection"},
    )
    # then
    assert response.status_code == 201
    assert (response.json()["id"], response.json()["is_active"]) == (inactive.pk, True)
    inactive.refresh_from_db()
    assert inactive.is_active is True
    assert inactive.history.latest().history_user == personas["platform_team"]


def test_deactivating_answers_with_the_inactive_sector_which_its_team_still_sees(world, personas):
    # when
    response = send(
        personas["platform_team"],
        "post",
        f"/api/v1/platform-sectors/{world.colombia_health.pk}/deactivate/",
    )
    # then
    assert (response.status_code, response.json()["is_active"]) == (200, False)
    assert (
        api_for(None).get(f"/api/v1/platform-sectors/{world.colombia_health.pk}/").status_code
        == 404
    )
