"""The load harness's hand-written floors (scripts/bench/views.py) return the rows the API lists
return: a floor that returned less would flatter the product's ratio to it."""

import datetime

import pytest
from django.test import Client, override_settings

from program_cycle.services import task_types_load
from r4v.services import api_token_create, system_user
from sectors.models import Sector

from ..factories import (
    CoCoordinatorFactory,
    CoLeadFactory,
    CycleFactory,
    PartnerFactory,
    TaskFactory,
    meeting_draft,
)

pytestmark = pytest.mark.django_db

# What the floors leave out on purpose (their docstrings say why): the next selection date
# (the API's own date arithmetic).
_SKIPPED = {"next_selection_on"}


def _without_skipped(value):
    if isinstance(value, dict):
        return {k: _without_skipped(v) for k, v in value.items() if k not in _SKIPPED}
    if isinstance(value, list):
        return [_without_skipped(v) for v in value]
    return value


@pytest.fixture
def client():
    with override_settings(ROOT_URLCONF="scripts.bench.urls"):
        yield Client(HTTP_CACHE_CONTROL="no-cache", HTTP_ACCEPT_LANGUAGE="en")


def _both(client, floor: str, api: str, **headers) -> tuple:
    hand = client.get(floor, **headers)
    product = client.get(api, **headers)
    assert (hand.status_code, product.status_code) == (200, 200)
    return _without_skipped(hand.json()), _without_skipped(product.json())


def _assert_same(hand: dict, product: dict) -> None:
    """Equal pages; a difference is reported as the fields of the first row that differ."""
    assert len(hand["results"]) == len(product["results"])
    for mine, theirs in zip(hand["results"], product["results"], strict=True):
        fields = mine.keys() | theirs.keys()
        assert {f: mine.get(f) for f in fields if mine.get(f) != theirs.get(f)} == {
            f: theirs.get(f) for f in fields if mine.get(f) != theirs.get(f)
        }
    assert hand == product


@pytest.mark.parametrize(
    ("floor", "api"),
    [
        ("/bench/hand/platform-sectors/?limit=50", "/api/v1/platform-sectors/?limit=50"),
        ("/bench/hand/platforms/", "/api/v1/platforms/"),
        ("/bench/hand/sectors/", "/api/v1/sectors/"),
        ("/bench/hand/organizations/?limit=50", "/api/v1/organizations/?limit=50"),
        ("/bench/hand/countries/", "/api/v1/countries/"),
    ],
)
def test_a_public_floor_returns_the_lists_rows(world, client, floor, api):
    # given: every relation the lists nest, filled in (the floors read English only)
    for platform_sector in (world.regional_health, world.colombia_health):
        co_lead = CoLeadFactory(platform_sector=platform_sector)
        CoCoordinatorFactory(co_lead=co_lead)
        PartnerFactory(platform_sector=platform_sector)
    # when
    hand, product = _both(client, floor, api)
    # then
    _assert_same(hand, product)
    assert product["results"]


def _token_header(user) -> dict:
    _token, key = api_token_create(user=user, name="bench floor")
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_the_tasks_floor_returns_the_lists_rows_for_the_tokens_owner(world, personas, client):
    # given: tasks of two types on two platforms, one of them overdue
    task_types_load(by=system_user())
    cycle = CycleFactory()
    TaskFactory(cycle=cycle, task_type="pin", platform=world.colombia, sector=world.health)
    TaskFactory(
        cycle=cycle,
        task_type="jna-sector-guide",
        platform=world.regional,
        sector=world.health,
        due_on=datetime.date(2020, 1, 31),
    )
    # when: the Regional Platform team (every task) and a drafter (actions of their own)
    for user in (personas["regional"], world.unhcr_coordinator.person):
        hand, product = _both(
            client, "/bench/hand/tasks/?limit=50", "/api/v1/tasks/", **_token_header(user)
        )
        # then
        _assert_same(hand, product)
        assert product["results"][0]["overdue"] is True
    assert hand["results"][0]["allowed_actions"]


def test_the_meetings_floor_returns_the_lists_rows_for_the_tokens_owner(world, personas, client):
    from meetings import services

    team = personas["regional"]
    for platform_sector in (world.regional_health, world.colombia_health):
        services.meeting_schedule(
            draft=meeting_draft(
                platform_sector=platform_sector,
                invited_organizations=[world.partner_org],
                invited_sectors=[world.regional_health],
            ),
            by=team,
            accept_conflicts=True,
        )
    hand, product = _both(
        client, "/bench/hand/meetings/?limit=50", "/api/v1/meetings/", **_token_header(team)
    )
    _assert_same(hand, product)
    assert len(product["results"]) == 2
    assert client.get("/bench/hand/meetings/?limit=50").status_code == 401


def test_the_catalogue_floor_lists_sub_sectors(world, client):
    hand, _product = _both(client, "/bench/hand/sectors/", "/api/v1/sectors/")
    with_children = [row for row in hand["results"] if row["sub_sectors"]]
    assert with_children or not Sector.objects.filter(parent__isnull=False).exists()
