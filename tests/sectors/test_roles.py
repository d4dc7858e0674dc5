"""Who gives and ends roles, one Regional Platform team, and the roles that must not go."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from r4v.errors import DomainError, NotAllowed
from r4v.models import Notification, User
from r4v.services import system_user
from sectors import policy, services
from sectors.models import ChangeNotice, RoleAssignment
from sectors.policy import Party

from ..conftest import client_for
from ..factories import UserFactory

Role = RoleAssignment.Role


def _assignment(user, role) -> RoleAssignment:
    return RoleAssignment.objects.get(user=user, role=role, revoked_at__isnull=True)


def _fresh(user) -> User:
    return User.objects.get(pk=user.pk)


# --- One Regional Platform team ------------------------------------------------------------------


def test_the_platform_team_role_is_refused_on_the_regional_platform(world, personas):
    with pytest.raises(ValidationError) as error:
        services.role_grant(
            user=UserFactory(),
            role=Role.PLATFORM_TEAM,
            platform=world.regional,
            by=personas["admin"],
        )
    assert "role" in error.value.message_dict
    assert not RoleAssignment.objects.filter(platform=world.regional, role=Role.PLATFORM_TEAM)


def test_whoever_has_the_regional_teams_rights_gets_its_notices_except_administrators(
    world, personas
):
    # given: a notice filed to the Regional Platform
    services.change_notice_file(
        co_lead=world.ngo_health,
        kind=ChangeNotice.Kind.CO_LEAD_STEPPING_DOWN,
        effective_on=world.ngo_health.term_start,
        reason="We step down.",
        by=personas["focal_point"],
    )
    told = set(Notification.objects.values_list("recipient__email", flat=True))
    with_rights = {name for name, user in personas.items() if policy.scope_of(user).is_regional}
    # then
    assert with_rights == {"regional", "admin"}
    assert told == {personas["regional"].email}
    assert set(holders_emails()) == told


def holders_emails():
    return policy.holders(Party.REGIONAL_PLATFORM).values_list("email", flat=True)


# --- Who gives which role -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("giver", "role", "scope", "allowed"),
    [
        ("admin", Role.ADMINISTRATOR, {}, True),
        ("regional", Role.ADMINISTRATOR, {}, False),
        ("admin", Role.REGIONAL_TEAM, {"platform": "regional"}, True),
        ("regional", Role.REGIONAL_TEAM, {"platform": "regional"}, False),
        ("regional", Role.PLATFORM_TEAM, {"platform": "colombia"}, True),
        ("platform_team", Role.PLATFORM_TEAM, {"platform": "colombia"}, False),
        ("regional", Role.CO_LEAD_FOCAL_POINT, {"organization": "ngo"}, True),
        ("regional", Role.PARTNER_MEMBER, {"organization": "partner_org"}, True),
        ("focal_point", Role.PARTNER_MEMBER, {"organization": "ngo"}, False),
    ],
)
def test_who_may_grant_each_role(world, personas, giver, role, scope, allowed):
    # given
    person = UserFactory()
    scope = {field: getattr(world, name) for field, name in scope.items()}

    # when
    def grant():
        return services.role_grant(user=person, role=role, by=personas[giver], **scope)

    # then
    if allowed:
        assert grant().role == role
    else:
        with pytest.raises(NotAllowed):
            grant()
        assert not RoleAssignment.objects.filter(user=person).exists()


def test_the_regional_team_cannot_revoke_the_administrator(world, personas):
    admin = personas["admin"]
    with pytest.raises(NotAllowed):
        services.role_revoke(
            assignment=_assignment(admin, Role.ADMINISTRATOR), by=personas["regional"]
        )
    assert _fresh(admin).is_superuser


def test_the_regional_team_cannot_revoke_a_regional_team_role(world, personas):
    colleague = UserFactory()
    services.role_grant(
        user=colleague, role=Role.REGIONAL_TEAM, platform=world.regional, by=personas["admin"]
    )
    with pytest.raises(NotAllowed):
        services.role_revoke(
            assignment=_assignment(colleague, Role.REGIONAL_TEAM), by=personas["regional"]
        )
    assert policy.holds(colleague, Party.REGIONAL_PLATFORM)


def test_the_last_administrator_cannot_be_revoked(world, personas):
    # given: the only administrator
    admin = personas["admin"]
    services._role_grant(
        user=admin, role=Role.REGIONAL_TEAM, platform=world.regional, by=system_user()
    )
    # when / then
    with pytest.raises(DomainError) as error:
        services.role_revoke(assignment=_assignment(admin, Role.ADMINISTRATOR), by=admin)
    assert error.value.code == "last_administrator"
    assert _fresh(admin).is_superuser


def test_an_administrator_is_revoked_when_another_remains(world, personas):
    # given
    second = UserFactory()
    services.role_grant(user=second, role=Role.ADMINISTRATOR, by=personas["admin"])
    # when
    services.role_revoke(assignment=_assignment(second, Role.ADMINISTRATOR), by=personas["admin"])
    # then
    assert not _fresh(second).is_superuser
    assert _fresh(personas["admin"]).is_superuser


def test_nobody_revokes_their_own_last_role(world, personas):
    # given: a second administrator, so the first is not the last one
    admin = personas["admin"]
    services.role_grant(user=UserFactory(), role=Role.ADMINISTRATOR, by=admin)
    # when / then
    with pytest.raises(DomainError) as error:
        services.role_revoke(assignment=_assignment(admin, Role.ADMINISTRATOR), by=admin)
    assert error.value.code == "own_last_role"
    assert _fresh(admin).is_superuser


def test_the_revoke_button_refuses_the_administrators_role_to_the_regional_team(
    client, world, personas
):
    # when
    admin = personas["admin"]
    response = client_for(client, personas["regional"]).post(
        reverse("sectors:role-revoke", args=[_assignment(admin, Role.ADMINISTRATOR).pk])
    )
    # then
    assert response.status_code == 403
    assert _fresh(admin).is_superuser


def test_the_revoke_button_refuses_the_regional_team_its_own_team_role(client, world, personas):
    # given: the regional team member is also a focal point
    regional = personas["regional"]
    focal = services._role_grant(
        user=regional, role=Role.CO_LEAD_FOCAL_POINT, organization=world.ngo, by=system_user()
    )
    client_for(client, regional)
    # when: one role they may end, one that only an administrator ends
    ended = client.post(reverse("sectors:role-revoke", args=[focal.pk]))
    refused = client.post(
        reverse("sectors:role-revoke", args=[_assignment(regional, Role.REGIONAL_TEAM).pk])
    )
    # then
    assert (ended.status_code, refused.status_code) == (302, 403)
    assert policy.holds(regional, Party.REGIONAL_PLATFORM)
    focal.refresh_from_db()
    assert focal.revoked_at is not None


def test_the_revoke_button_says_why_the_last_administrator_stays(client, world, personas):
    # given: the administrator also works for the team, so the role is not their last
    admin = personas["admin"]
    services._role_grant(
        user=admin, role=Role.REGIONAL_TEAM, platform=world.regional, by=system_user()
    )
    # when
    response = client_for(client, admin).post(
        reverse("sectors:role-revoke", args=[_assignment(admin, Role.ADMINISTRATOR).pk]),
        follow=True,
    )
    # then
    assert response.status_code == 200
    assert "This is the last administrator" in response.content.decode()
    assert _fresh(admin).is_superuser
