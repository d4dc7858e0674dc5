""" "Ended on" a future day means one thing everywhere: in force, published and with access
until that day; the role goes when it comes; no second designation overlaps it."""

import datetime

from django.utils import timezone

from r4v.models import User
from r4v.reminders import reminders_sweep
from sectors import policy, services
from sectors.models import CoCoordinatorDesignation, RoleAssignment
from sectors.policy import Action

from ..conftest import api_for
from ..factories import CoLeadFactory

DAY = datetime.timedelta(days=1)


def _public(world) -> dict:
    return api_for(None).get(f"/api/v1/platform-sectors/{world.regional_health.pk}/").json()


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def test_a_co_lead_ending_next_month_cannot_be_designated_again_before_that_day(world, personas):
    # given: UNHCR's co-lead designation ends next month
    today = timezone.localdate()
    ends = today + 30 * DAY
    regional = api_for(personas["regional"])
    ended = regional.post(
        f"/api/v1/co-leads/{world.unhcr_health.pk}/end/", {"ended_on": ends.isoformat()}
    )
    assert ended.status_code == 200
    # when: designated again from today
    again = regional.post(
        "/api/v1/co-leads/",
        {
            "platform_sector": world.regional_health.pk,
            "organization": world.unhcr.pk,
            "term_start": today.isoformat(),
        },
        format="json",
    )
    # then: refused, and the public API lists UNHCR once, still current
    assert again.status_code == 400
    assert list(again.json()["errors"]) == ["term_start"]
    co_leads = [c["organization"]["acronym"] for c in _public(world)["co_leads"]]
    assert sorted(co_leads) == ["CS", "UNHCR"]
    # a new term from the day the old one ends is accepted
    renewed = regional.post(
        "/api/v1/co-leads/",
        {
            "platform_sector": world.regional_health.pk,
            "organization": world.unhcr.pk,
            "term_start": ends.isoformat(),
        },
        format="json",
    )
    assert renewed.status_code == 201


def test_a_co_coordinator_ending_next_month_keeps_access_until_that_day(world, personas):
    # given
    person = world.unhcr_coordinator.person
    services._role_grant(
        user=person,
        role=RoleAssignment.Role.CO_COORDINATOR,
        platform_sector=world.regional_health,
        by=personas["regional"],
    )
    ends = timezone.localdate() + 30 * DAY
    # when
    services.co_coordinator_end(
        designation=world.unhcr_coordinator, ended_on=ends, by=personas["regional"]
    )
    # then: still published and still coordinating today
    fresh = User.objects.get(pk=person.pk)
    assert policy.can(fresh, Action.EDIT_SECTOR_PAGE, world.regional_health)
    names = {c["full_name"] for c in _public(world)["co_coordinators"]}
    assert "Ana Pérez" in names
    # the sweep the day before changes nothing; the sweep on the day revokes the role
    assert reminders_sweep(now=_midnight(ends) - DAY) == 0
    assert reminders_sweep(now=_midnight(ends)) == 1
    fresh = User.objects.get(pk=person.pk)
    assert not policy.can(fresh, Action.EDIT_SECTOR_PAGE, world.regional_health)
    assert not RoleAssignment.objects.filter(user=person, revoked_at__isnull=True).exists()
    # and a second sweep has nothing left to do
    assert reminders_sweep(now=_midnight(ends) + DAY) == 0


def test_the_same_person_cannot_be_designated_again_before_their_designation_ends(world, personas):
    # given
    ends = timezone.localdate() + 10 * DAY
    services.co_coordinator_end(
        designation=world.ngo_coordinator, ended_on=ends, by=personas["regional"]
    )

    def designate(start):
        return api_for(personas["regional"]).post(
            "/api/v1/co-coordinators/",
            {
                "platform_sector": world.regional_health.pk,
                "organization": world.ngo.pk,
                "person_email": "luis.private@cs.example",
                "person_full_name": "Luis Gómez",
                "contact_email": "salud@cs.example",
                "term_start": start.isoformat(),
            },
            format="json",
        )

    # then
    refused = designate(timezone.localdate())
    assert (refused.status_code, list(refused.json()["errors"])) == (400, ["term_start"])
    assert designate(ends).status_code == 201
    names = [c["full_name"] for c in _public(world)["co_coordinators"]]
    assert names.count("Luis Gómez") == 1


def test_ending_a_co_lead_ends_co_coordinators_that_would_outlive_it(world, personas):
    # given: Luis's designation ends in 60 days; his co-lead's in 10
    today = timezone.localdate()
    services.co_coordinator_end(
        designation=world.ngo_coordinator, ended_on=today + 60 * DAY, by=personas["regional"]
    )
    # when
    services.co_lead_end(
        co_lead=world.ngo_health, ended_on=today + 10 * DAY, by=personas["regional"]
    )
    # then
    luis = CoCoordinatorDesignation.objects.get(pk=world.ngo_coordinator.pk)
    assert luis.ended_on == today + 10 * DAY


def test_a_sector_whose_co_lead_ends_later_cannot_be_deactivated_yet(world, personas):
    # given
    ps = CoLeadFactory(platform_sector=world.regional_protection, organization=world.iom)
    services.co_lead_end(
        co_lead=ps, ended_on=timezone.localdate() + 5 * DAY, by=personas["regional"]
    )
    # when
    response = api_for(personas["regional"]).post(
        f"/api/v1/platform-sectors/{world.regional_protection.pk}/deactivate/", {}
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "sector_has_co_leads"
