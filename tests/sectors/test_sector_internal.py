"""Who sees a sector's internal pages (Action.VIEW_SECTOR_INTERNAL), and allowed_actions on
change notices: the API and the notice page give the same answer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sectors import policy, selectors, services
from sectors.models import ChangeNotice
from sectors.policy import Action

from ..conftest import PERSONAS, api_for, client_for

# Regional Health's internal page, persona by persona: the partner (Red de Apoyo is a partner)
# and the focal point (Caminos Solidarios co-leads it) see it read-only.
SEES_REGIONAL_HEALTH = {
    "anonymous": False,
    "outsider": False,
    "partner": True,
    "focal_point": True,
    "co_coordinator": True,
    "platform_team": False,
    "regional": True,
    "admin": True,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_a_sectors_internal_page(client, world, personas, persona):
    user = personas[persona]
    expected = SEES_REGIONAL_HEALTH[persona]
    # policy, one object and the queryset filter agree
    assert policy.can(user, Action.VIEW_SECTOR_INTERNAL, world.regional_health) == expected
    if user is not None:
        listed = selectors.platform_sector_list_for(user, Action.VIEW_SECTOR_INTERNAL)
        assert listed.filter(pk=world.regional_health.pk).exists() == expected
    # and the page
    response = client_for(client, user).get(
        reverse("sectors:sector-manage", args=[world.regional_health.pk])
    )
    if user is None:
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if expected else 404)


def test_a_partner_sees_the_internal_page_read_only(client, world, personas):
    # when
    response = client_for(client, personas["partner"]).get(
        reverse("sectors:sector-manage", args=[world.regional_health.pk])
    )
    # then
    page = response.content.decode()
    assert "Luis Gómez" in page
    for edit in ("sector-page-edit", "co-lead-create", "partner-create", "co-coordinator-create"):
        assert reverse(f"sectors:{edit}", args=[world.regional_health.pk]) not in page
    # and their My work page links to it
    home = client.get(reverse("my-work")).content.decode()
    assert reverse("sectors:sector-manage", args=[world.regional_health.pk]) in home


def test_a_partner_that_left_no_longer_sees_the_internal_page(client, world, personas):
    # given
    services.partner_remove(
        membership=world.regional_health.partners.get(),
        left_on=timezone.localdate(),
        by=personas["regional"],
    )
    # then
    assert not policy.can(personas["partner"], Action.VIEW_SECTOR_INTERNAL, world.regional_health)
    response = client_for(client, personas["partner"]).get(
        reverse("sectors:sector-manage", args=[world.regional_health.pk])
    )
    assert response.status_code == 404


def test_a_partner_cannot_edit_what_it_may_see(client, world, personas):
    response = client_for(client, personas["partner"]).get(
        reverse("sectors:sector-page-edit", args=[world.regional_health.pk])
    )
    assert response.status_code == 404


# --- allowed_actions on change notices ----------------------------------------------------------


def _notice(world, personas, effective_on):
    return services.change_notice_file(
        co_lead=world.ngo_health,
        kind=ChangeNotice.Kind.CO_LEAD_STEPPING_DOWN,
        effective_on=effective_on,
        reason="We step down.",
        by=personas["focal_point"],
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("focal_point", []),
        ("regional", ["acknowledge", "apply", "decline"]),
        ("admin", ["acknowledge", "apply", "decline"]),
    ],
)
def test_the_api_lists_the_decisions_the_user_may_take(world, personas, persona, expected):
    # given
    notice = _notice(world, personas, timezone.localdate())
    # when
    body = api_for(personas[persona]).get(f"/api/v1/change-notices/{notice.pk}/").json()
    # then
    assert body["allowed_actions"] == expected


def test_allowed_actions_follow_the_status_and_the_effective_date(world, personas):
    regional = personas["regional"]
    later = _notice(world, personas, timezone.localdate() + datetime.timedelta(days=5))
    assert policy.allowed_actions(regional, later) == ["acknowledge", "decline"]
    later = services.change_notice_acknowledge(notice=later, by=regional)
    assert policy.allowed_actions(regional, later) == ["decline"]
    later = services.change_notice_decline(notice=later, by=regional, comment="No.")
    assert policy.allowed_actions(regional, later) == []


def test_the_notice_page_shows_exactly_the_allowed_buttons(client, world, personas):
    # given: acknowledged, effective in five days
    regional = personas["regional"]
    notice = _notice(world, personas, timezone.localdate() + datetime.timedelta(days=5))
    services.change_notice_acknowledge(notice=notice, by=regional)
    # when
    page = (
        client_for(client, regional)
        .get(reverse("sectors:change-notice-detail", args=[notice.pk]))
        .content.decode()
    )
    # then
    shown = {
        decision
        for decision in ("acknowledge", "apply", "decline")
        if reverse("sectors:change-notice-decide", args=[notice.pk, decision]) in page
    }
    assert shown == {"decline"}


def test_allowed_actions_is_in_the_api_schema(db):
    schemas = api_for(None).get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    field = schemas["ChangeNotice"]["properties"]["allowed_actions"]
    assert field["readOnly"] is True
    enum = schemas[field["items"]["$ref"].rsplit("/", 1)[-1]]["enum"]
    assert enum == ["acknowledge", "apply", "decline"]
