"""Partner memberships through the API: leaving a sector, and the list of the sectors whose
page the user edits."""

import pytest

from ..conftest import api_for
from .conftest import send


def test_removing_a_partner_records_the_day_it_left(world, personas):
    # given
    membership = world.regional_health.partners.get()
    # when
    response = send(
        personas["co_coordinator"],
        "post",
        f"/api/v1/partners/{membership.pk}/remove/",
        {"left_on": "2026-09-30"},
    )
    # then
    assert (response.status_code, response.json()["left_on"]) == (200, "2026-09-30")
    public = api_for(None).get(f"/api/v1/platform-sectors/{world.regional_health.pk}/").json()
    assert public["partners"] == []


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", 0), ("platform_team", 0), ("co_coordinator", 1), ("regional", 1)],
)
def test_partner_list_shows_the_sectors_whose_page_the_user_edits(
    world, personas, persona, expected
):
    # when
    response = send(personas[persona], "get", "/api/v1/partners/")
    # then
    assert (response.status_code, response.json()["count"]) == (200, expected)
