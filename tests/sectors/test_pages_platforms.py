"""The platform's set-up page (sectors/views/platforms.py): who may open and post it,
activating and deactivating a sector, and what it refuses."""

import pytest
from django.urls import reverse

from sectors.models import PlatformSector

from ..conftest import REGIONAL, client_for
from .conftest import (
    COLOMBIA_MANAGERS,
    Case,
    action_succeeds_only_for_the_allowed,
    page_opens_only_for_the_allowed,
    snapshot,
)

# --- Permission matrix ----------------------------------------------------------------------------


PAGES = [
    Case(
        "platform-manage-colombia",
        lambda w, c, p: reverse("sectors:platform-manage", args=["colombia"]),
        COLOMBIA_MANAGERS,
    ),
    Case(
        "platform-manage-regional",
        lambda w, c, p: reverse("sectors:platform-manage", args=["regional"]),
        REGIONAL,
    ),
]

ACTIONS = [
    Case(
        "platform-activate-colombia",
        lambda w, c, p: reverse("sectors:platform-manage", args=["colombia"]),
        COLOMBIA_MANAGERS,
        lambda w, c, p: {"sector": w.protection.pk, "action": "activate"},
    ),
    Case(
        "platform-deactivate-regional",
        lambda w, c, p: reverse("sectors:platform-manage", args=["regional"]),
        REGIONAL,
        lambda w, c, p: {
            "sector": w.protection.pk,
            "action": "deactivate",
            "confirmed": "yes",
            "reason": "Merged into another sector",
        },
    ),
]


@pytest.mark.parametrize("case", PAGES, ids=str)
def test_each_management_page_opens_only_for_the_roles_the_policy_allows(
    subtests, world, colombia, personas, case
):
    page_opens_only_for_the_allowed(subtests, world, colombia, personas, case)


@pytest.mark.parametrize("case", ACTIONS, ids=str)
def test_each_management_action_succeeds_only_for_the_roles_the_policy_allows_and_changes_nothing_otherwise(
    subtests, world, colombia, personas, case
):
    action_succeeds_only_for_the_allowed(subtests, world, colombia, personas, case)


# --- Flows ----------------------------------------------------------------------------------------


def test_a_platform_team_activates_a_sector_on_its_platform(client, world, personas):
    # given
    client = client_for(client, personas["platform_team"])
    # when
    response = client.post(
        reverse("sectors:platform-manage", args=["colombia"]),
        {"sector": world.protection.pk, "action": "activate"},
    )
    page = client.get(reverse("sectors:platform-manage", args=["colombia"]))
    # then
    assert response.status_code == 302
    ps = PlatformSector.objects.get(platform=world.colombia, sector=world.protection)
    assert ps.is_active
    assert reverse("sectors:sector-manage", args=[ps.pk]) in page.content.decode()


def test_deactivating_a_sector_with_open_co_leads_is_refused_with_a_message(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    before = snapshot()
    # when
    response = client.post(
        reverse("sectors:platform-manage", args=["regional"]),
        {"sector": world.health.pk, "action": "deactivate", "confirmed": "yes", "reason": "x"},
        follow=True,
    )
    # then
    assert (
        "End its co-lead designations before deactivating the sector." in response.content.decode()
    )
    assert snapshot() == before


def test_an_unknown_sector_id_on_the_platform_page_is_a_message_not_a_500(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    before = snapshot()
    # when
    response = client.post(
        reverse("sectors:platform-manage", args=["colombia"]),
        {"sector": "999999", "action": "activate"},
        follow=True,
    )
    # then
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert snapshot() == before


def test_deactivating_a_sector_asks_for_confirmation_and_keeps_the_reason(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    url = reverse("sectors:platform-manage", args=["regional"])
    ps = world.regional_protection
    # when
    asked = client.post(url, {"sector": world.protection.pk, "action": "deactivate"})
    # then
    assert asked.status_code == 200 and 'name="reason"' in asked.text
    ps.refresh_from_db()
    assert ps.is_active
    # when: confirmed without a reason, then with one
    refused = client.post(
        url, {"sector": world.protection.pk, "action": "deactivate", "confirmed": "yes"}
    )
    done = client.post(
        url,
        {
            "sector": world.protection.pk,
            "action": "deactivate",
            "confirmed": "yes",
            "reason": "Merged into Protection",
        },
    )
    # then
    assert refused.status_code == 200 and refused.context["form"].errors.keys() == {"reason"}
    assert done.status_code == 302
    ps.refresh_from_db()
    assert not ps.is_active
    assert ps.history.first().history_change_reason == "Merged into Protection"
