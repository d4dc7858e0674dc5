"""Parties (`sectors.policy.holders` / `holds`), `where_of` and the `allowed_actions` registry.

The seed's clearance table names parties ("the National Sector", "the Regional Platform"); these
tests pin who they are on a given day, with the conftest world: UNHCR and Caminos Solidarios
co-lead Regional Health (Ana and Luis co-coordinate), Red de Apoyo is its partner.
"""

import datetime

import pytest
from django.utils import timezone

from r4v.services import system_user
from sectors import policy, services
from sectors.models import RoleAssignment
from sectors.policy import Party, Where, holders, holds, where_of

from ..factories import CoCoordinatorFactory, CoLeadFactory, PartnerFactory, UserFactory

Role = RoleAssignment.Role
TODAY = datetime.date(2026, 6, 15)


def _people(queryset) -> set:
    return set(queryset.values_list("email", flat=True))


def test_the_regional_platform_is_its_team_not_the_administrator_nor_a_platform_team(
    world, personas
):
    # when
    team = _people(holders(Party.REGIONAL_PLATFORM))
    # then
    assert team == {personas["regional"].email}


def test_a_deactivated_account_holds_no_party(world, personas):
    # given
    regional = personas["regional"]
    regional.is_active = False
    regional.save()
    # then
    assert not holders(Party.REGIONAL_PLATFORM).exists()
    assert not holds(regional, Party.REGIONAL_PLATFORM)


def test_a_platform_team_is_the_platform_team_role_holders_of_that_platform(world, personas):
    assert _people(holders(Party.PLATFORM, world.colombia)) == {personas["platform_team"].email}
    assert _people(holders(Party.PLATFORM, world.colombia_health)) == {
        personas["platform_team"].email
    }
    assert not holders(Party.PLATFORM, world.regional).exists()
    # A question about no platform has nobody, rather than every holder of a null scope.
    assert not holders(Party.PLATFORM).exists()


def test_the_regional_sector_is_its_current_co_coordinators_on_the_regional_platform(
    world, personas
):
    # given: a Colombia co-lead with its own co-coordinator
    colombia_co_lead = CoLeadFactory(platform_sector=world.colombia_health, organization=world.iom)
    national = CoCoordinatorFactory(co_lead=colombia_co_lead)
    # when / then: the Regional Health Sector is asked about from either platform's sector
    regional = {"ana.private@unhcr.example", "luis.private@cs.example"}
    assert _people(holders(Party.REGIONAL_SECTOR, world.regional_health)) == regional
    assert _people(holders(Party.REGIONAL_SECTOR, world.colombia_health)) == regional
    assert _people(holders(Party.NATIONAL_SECTOR, world.colombia_health)) == {national.person.email}
    assert not holders(Party.NATIONAL_SECTOR, world.regional_health).exists()


def test_a_replaced_co_coordinator_stops_holding_the_sector_the_day_the_successor_starts(
    world, personas
):
    # given: Luis's designation ends on the 1st of July, Marta's starts that day
    handover = datetime.date(2026, 7, 1)
    luis = world.ngo_coordinator
    luis.ended_on = handover
    luis.save()
    marta = CoCoordinatorFactory(co_lead=world.ngo_health, term_start=handover)
    # when
    before = _people(holders(Party.REGIONAL_SECTOR, world.regional_health, on=TODAY))
    after = _people(holders(Party.REGIONAL_SECTOR, world.regional_health, on=handover))
    # then
    assert before == {"ana.private@unhcr.example", "luis.private@cs.example"}
    assert after == {"ana.private@unhcr.example", marta.person.email}


def test_an_inactive_sector_has_no_coordinators_partners_or_co_lead_focal_points(world, personas):
    # given
    world.regional_health.is_active = False
    world.regional_health.save()
    # then
    for party in (Party.REGIONAL_SECTOR, Party.SECTOR_PARTNERS, Party.CO_LEAD_ORGANIZATION):
        assert not holders(party, world.regional_health).exists(), party


def test_a_co_lead_organization_is_its_focal_points_and_only_while_it_co_leads_the_sector(
    world, personas
):
    focal = {personas["focal_point"].email}
    assert _people(holders(Party.CO_LEAD_ORGANIZATION, world.ngo)) == focal
    assert _people(holders(Party.CO_LEAD_ORGANIZATION, world.ngo_health)) == focal
    # Every co-lead of the sector, when no organization is named:
    assert _people(holders(Party.CO_LEAD_ORGANIZATION, world.regional_health)) == focal
    # Caminos Solidarios does not co-lead Regional Protection:
    protection = where_of(world.regional_protection)
    elsewhere = Where(protection.platform_id, protection.sector_id, world.ngo.pk)
    assert not holders(Party.CO_LEAD_ORGANIZATION, elsewhere).exists()
    assert not holders(Party.CO_LEAD_ORGANIZATION).exists()


def test_sector_partners_are_the_staff_of_its_partner_organizations_until_they_leave(
    world, personas
):
    # given: the partner leaves next month (the role was granted today: ask about days since)
    today = timezone.localdate()
    membership = world.regional_health.partners.get()
    membership.left_on = today + datetime.timedelta(days=30)
    membership.save()
    # then
    partner = personas["partner"]
    assert holds(partner, Party.SECTOR_PARTNERS, world.regional_health)
    assert not holds(partner, Party.SECTOR_PARTNERS, world.regional_health, on=membership.left_on)
    assert not holds(partner, Party.SECTOR_PARTNERS, world.regional_protection)


def test_a_partner_that_joins_later_is_not_a_partner_before_it_joins(world, personas):
    # given
    joins = timezone.localdate() + datetime.timedelta(days=10)
    PartnerFactory(
        platform_sector=world.regional_protection, organization=world.partner_org, joined_on=joins
    )
    # then
    partner = personas["partner"]
    assert not holds(partner, Party.SECTOR_PARTNERS, world.regional_protection)
    assert holds(partner, Party.SECTOR_PARTNERS, world.regional_protection, on=joins)


def test_a_role_is_held_on_the_days_between_its_grant_and_its_revocation(world, personas):
    # given: a second team member granted on the 1st of June, revoked on the 20th
    member = UserFactory()
    assignment = services._role_grant(
        user=member, role=Role.REGIONAL_TEAM, platform=world.regional, by=system_user()
    )
    june = datetime.datetime(2026, 6, 1, 9, tzinfo=timezone.get_current_timezone())
    RoleAssignment.objects.filter(pk=assignment.pk).update(
        granted_at=june, revoked_at=june + datetime.timedelta(days=19)
    )
    # then
    team_on = {
        day: holds(member, Party.REGIONAL_PLATFORM, on=datetime.date(2026, 6, day))
        for day in (1, 19, 20)
    }
    assert team_on == {1: True, 19: True, 20: False}
    assert not holds(member, Party.REGIONAL_PLATFORM, on=datetime.date(2026, 5, 31))
    assert not holds(member, Party.REGIONAL_PLATFORM)


def test_nobody_who_is_not_logged_in_holds_a_party(world, personas):
    from django.contrib.auth.models import AnonymousUser

    assert not holds(None, Party.REGIONAL_PLATFORM)
    assert not holds(AnonymousUser(), Party.REGIONAL_PLATFORM)


def test_where_of_reads_structure_objects_and_objects_that_say_where_they_are(world):
    health = Where(world.regional.pk, world.health.pk)
    assert where_of(world.regional_health) == health
    assert where_of(world.ngo_health) == Where(world.regional.pk, world.health.pk, world.ngo.pk)
    assert where_of(world.ngo_coordinator) == where_of(world.ngo_health)
    assert where_of(world.regional_health.partners.get()) == Where(
        world.regional.pk, world.health.pk, world.partner_org.pk
    )

    class Task:  # an object of an app that `sectors` does not import
        def policy_where(self):
            return health

    assert where_of(Task()) == health
    assert holders(Party.REGIONAL_SECTOR, Task()).count() == 2
    with pytest.raises(TypeError):
        where_of(object())


def test_allowed_actions_asks_the_source_registered_for_the_objects_class(db):
    # given
    class Meeting:
        def __init__(self, status):
            self.status = status

    class Webinar(Meeting):
        pass

    @policy.actions_source(Meeting)
    def meeting_actions(user, meeting):
        return ["hold", "cancel"] if meeting.status == "planned" else []

    try:
        # then: sorted, found through the class hierarchy
        assert policy.allowed_actions(None, Meeting("planned")) == ["cancel", "hold"]
        assert policy.allowed_actions(None, Webinar("held")) == []
        with pytest.raises(TypeError):
            policy.allowed_actions(None, object())
    finally:
        policy._ACTION_SOURCES.pop(Meeting)
