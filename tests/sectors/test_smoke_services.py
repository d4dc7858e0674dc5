import datetime

import pytest
from django.core.exceptions import ValidationError

from r4v.errors import NotAllowed
from sectors import services
from sectors.models import CoCoordinatorDesignation, RoleAssignment
from sectors.policy import scope_of

from ..factories import UserFactory


def test_co_coordinator_designated_by_an_organization_that_is_not_a_co_lead_is_refused(
    world, personas
):
    # given
    before = CoCoordinatorDesignation.objects.count()
    # when / then
    with pytest.raises(ValidationError) as error:
        services.co_coordinator_designate(
            platform_sector=world.regional_health,
            organization=world.partner_org,
            person=UserFactory(),
            contact_email="x@example.org",
            term_start=datetime.date(2026, 2, 1),
            by=personas["regional"],
        )
    assert "organization" in error.value.message_dict
    assert CoCoordinatorDesignation.objects.count() == before


def test_designating_a_co_coordinator_grants_the_sector_role_and_records_who(world, personas):
    # given
    person = UserFactory()
    # when
    designation = services.co_coordinator_designate(
        platform_sector=world.regional_health,
        organization=world.unhcr,
        person=person,
        contact_email="second@unhcr.example",
        term_start=datetime.date(2026, 2, 1),
        by=personas["regional"],
    )
    # then
    assert (
        RoleAssignment.objects.filter(user=person, role="co_coordinator", revoked_at=None).count()
        == 1
    )
    assert world.regional_health.pk in scope_of(person).coordinated_sector_ids
    assert designation.history.get().history_user == personas["regional"]


def test_platform_team_cannot_manage_another_platform(world, personas):
    with pytest.raises(NotAllowed):
        services.co_lead_designate(
            platform_sector=world.regional_health,
            organization=world.iom,
            term_start=datetime.date(2026, 2, 1),
            by=personas["platform_team"],
        )
