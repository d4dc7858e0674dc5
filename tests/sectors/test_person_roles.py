"""The Regional Platform team adds a person and grants a role in one step; the person is invited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from r4v.models import User
from sectors import services
from sectors.models import RoleAssignment
from sectors.policy import scope_of

from ..conftest import client_for

Role = RoleAssignment.Role


def _counts() -> tuple[int, int]:
    return User.objects.count(), RoleAssignment.objects.count()


def test_a_new_focal_point_is_added_with_the_role_and_invited_after_commit(
    client, world, personas, django_capture_on_commit_callbacks, mailoutbox, tasks_run_inline
):
    # given
    client_for(client, personas["regional"])
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("sectors:organization-roles", args=[world.ngo.pk]),
            {
                "email": "Rosa.Mena@CS.example",
                "full_name": "Rosa Mena",
                "role": "co_lead_focal_point",
            },
        )
        # nothing is sent before the transaction commits
        assert mailoutbox == []
    for callback in callbacks:
        callback()
    # then
    assert response.status_code == 302
    person = User.objects.get(email="rosa.mena@cs.example")
    assert person.full_name == "Rosa Mena" and not person.has_usable_password()
    assignment = RoleAssignment.objects.get(user=person, revoked_at=None)
    assert (assignment.role, assignment.organization) == (Role.CO_LEAD_FOCAL_POINT, world.ngo)
    assert world.ngo.pk in scope_of(person).focal_org_ids
    [invitation] = mailoutbox
    assert invitation.to == ["rosa.mena@cs.example"]
    assert "/accounts/password/reset/" in invitation.body


def test_a_known_person_gets_the_role_without_a_new_account_or_invitation(
    client, world, personas, django_capture_on_commit_callbacks, mailoutbox, tasks_run_inline
):
    # given
    client_for(client, personas["regional"])
    users_before = User.objects.count()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sectors:organization-roles", args=[world.partner_org.pk]),
            {"email": "outsider@example.org", "role": "partner_member"},
        )
    # then
    assert response.status_code == 302
    assert User.objects.count() == users_before
    assert RoleAssignment.objects.filter(
        user=personas["outsider"], role=Role.PARTNER_MEMBER, revoked_at=None
    ).exists()
    assert mailoutbox == []


def test_a_bad_e_mail_is_a_form_error_and_nothing_is_saved(
    client, world, personas, django_capture_on_commit_callbacks, mailoutbox
):
    # given
    client_for(client, personas["regional"])
    before = _counts()
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("sectors:organization-roles", args=[world.ngo.pk]),
            {"email": "rosa.mena at cs", "full_name": "Rosa Mena", "role": "co_lead_focal_point"},
        )
    # then
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert _counts() == before
    assert callbacks == [] and mailoutbox == []


def test_a_new_person_without_a_name_is_a_form_error_and_nothing_is_saved(client, world, personas):
    # given
    client_for(client, personas["regional"])
    before = _counts()
    # when
    response = client.post(
        reverse("sectors:organization-roles", args=[world.ngo.pk]),
        {"email": "nobody@example.org", "role": "co_lead_focal_point"},
    )
    # then
    assert "full_name" in response.context["form"].errors
    assert _counts() == before


def test_a_refused_grant_leaves_no_new_account_behind(
    world, personas, django_capture_on_commit_callbacks
):
    # given
    before = _counts()
    # when: the platform-team role is refused on the Regional Platform, after the person is added
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        services.person_role_grant(
            email="new.person@example.org",
            full_name="New Person",
            role=Role.PLATFORM_TEAM,
            platform=world.regional,
            by=personas["admin"],
        )
    # then
    assert _counts() == before
    assert callbacks == []


def test_the_regional_team_adds_a_platform_team_member_on_the_platform_page(
    client, world, personas, django_capture_on_commit_callbacks, mailoutbox, tasks_run_inline
):
    # given
    client_for(client, personas["regional"])
    url = reverse("sectors:platform-manage", args=["colombia"])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"form": "team", "email": "imo2@colombia.example", "full_name": "Sara Ruiz"}
        )
    page = client.get(url).text
    # then
    assert response.status_code == 302
    person = User.objects.get(email="imo2@colombia.example")
    assert RoleAssignment.objects.filter(
        user=person, role=Role.PLATFORM_TEAM, platform=world.colombia, revoked_at=None
    ).exists()
    assert [m.to for m in mailoutbox] == [["imo2@colombia.example"]]
    assert "Sara Ruiz" in page


def test_a_platform_team_cannot_add_people_to_its_own_team(client, world, personas):
    # given
    client_for(client, personas["platform_team"])
    url = reverse("sectors:platform-manage", args=["colombia"])
    before = _counts()
    # when
    page = client.get(url)
    client.post(url, {"form": "team", "email": "friend@example.org", "full_name": "Friend"})
    # then: no form offered, and the post falls through to the sector toggles, which refuse it
    assert page.context["team_form"] is None
    assert _counts() == before
