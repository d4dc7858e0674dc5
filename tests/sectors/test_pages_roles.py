"""The role pages (sectors/views/roles.py): who may grant and revoke an organization's roles,
the flow, and a grant refused as a field error."""

import pytest
from django.urls import reverse

from r4v.models import User
from sectors.models import RoleAssignment
from sectors.policy import scope_of

from ..conftest import REGIONAL, client_for
from .conftest import (
    Case,
    action_succeeds_only_for_the_allowed,
    form_errors,
    page_opens_only_for_the_allowed,
    snapshot,
)

# --- Permission matrix ----------------------------------------------------------------------------


PAGES = [
    Case(
        "organization-roles",
        lambda w, c, p: reverse("sectors:organization-roles", args=[w.ngo.pk]),
        REGIONAL,
    ),
]

ACTIONS = [
    Case(
        "role-grant",
        lambda w, c, p: reverse("sectors:organization-roles", args=[w.partner_org.pk]),
        REGIONAL,
        lambda w, c, p: {"email": "outsider@example.org", "role": "partner_member"},
    ),
    Case(
        "role-revoke",
        lambda w, c, p: reverse(
            "sectors:role-revoke",
            args=[RoleAssignment.objects.get(user=p["partner"], revoked_at=None).pk],
        ),
        REGIONAL,
        lambda w, c, p: {},
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


def test_the_regional_team_grants_and_revokes_an_organization_role(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    outsider = personas["outsider"]
    # when
    granted = client.post(
        reverse("sectors:organization-roles", args=[world.ngo.pk]),
        {"email": "OUTSIDER@example.org", "role": "co_lead_focal_point"},
    )
    assignment = RoleAssignment.objects.get(user=outsider, revoked_at=None)
    revoked = client.post(reverse("sectors:role-revoke", args=[assignment.pk]))
    # then
    assert granted.status_code == 302
    assert revoked["Location"] == reverse("sectors:organization-roles", args=[world.ngo.pk])
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None
    assert world.ngo.pk not in scope_of(User.objects.get(pk=outsider.pk)).focal_org_ids


# --- Bad input ------------------------------------------------------------------------------------


def test_granting_a_role_to_an_unknown_e_mail_without_a_name_is_a_field_error(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    before = snapshot()
    # when: someone new is added only with their name (tests/sectors/test_person_roles.py)
    response = client.post(
        reverse("sectors:organization-roles", args=[world.ngo.pk]),
        {"email": "nobody@example.org", "role": "co_lead_focal_point"},
    )
    # then
    assert "full_name" in form_errors(response)
    assert snapshot() == before
