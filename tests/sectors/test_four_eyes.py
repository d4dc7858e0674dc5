"""Four eyes (issue 22): nobody grants themselves the party that clears their own work.

The probe: the Colombia platform team designated a co-lead on Colombia Health, designated its
own account as co-coordinator, submitted PiN Colombia Health and cleared it itself ("waived").
"""

import pytest
from django.urls import reverse

from program_cycle.models import Task, Transition
from program_cycle.services import task_types_load
from r4v.models import Notification
from r4v.services import system_user
from sectors.models import CoCoordinatorDesignation, RoleAssignment

from ..conftest import api_for, client_for
from ..factories import CoCoordinatorFactory, CoLeadFactory, CycleFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pin_colombia(world):
    task_types_load(by=system_user())
    cycle = CycleFactory(name="RMNA 2027", kind="rmna", year=2027)
    return TaskFactory(cycle=cycle, task_type="pin", platform=world.colombia, sector=world.health)


def _move(api, task, action, **body):
    task.refresh_from_db()
    return api.post(
        f"/api/v1/tasks/{task.pk}/transitions/",
        {"action": action, "version": task.version, **body},
        format="json",
    )


def test_a_platform_team_cannot_designate_itself_co_coordinator(world, personas):
    # given: the team designates a co-lead on its sector (allowed)
    team = personas["platform_team"]
    api = api_for(team)
    co_lead = api.post(
        "/api/v1/co-leads/",
        {
            "platform_sector": world.colombia_health.pk,
            "organization": world.iom.pk,
            "term_start": "2026-02-01",
        },
        format="json",
    )
    assert co_lead.status_code == 201
    # when: it designates its own account
    response = api.post(
        "/api/v1/co-coordinators/",
        {
            "platform_sector": world.colombia_health.pk,
            "organization": world.iom.pk,
            "person_email": team.email,
            "person_full_name": team.full_name,
            "contact_email": "salud.colombia@iom.example",
            "term_start": "2026-02-01",
        },
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "self_designation"
    assert not CoCoordinatorDesignation.objects.filter(person=team).exists()
    assert not RoleAssignment.objects.filter(
        user=team, role=RoleAssignment.Role.CO_COORDINATOR
    ).exists()


def test_the_submitter_who_alone_holds_the_national_sector_step_cannot_clear_it(
    world, personas, pin_colombia
):
    # given: the team became Colombia Health's only co-coordinator (designated by someone
    # else, as before the fix it could itself) and submitted the PiN
    team = personas["platform_team"]
    co_lead = CoLeadFactory(platform_sector=world.colombia_health, organization=world.iom)
    CoCoordinatorFactory(co_lead=co_lead, person=team)
    api = api_for(team)
    assert _move(api, pin_colombia, "submit").status_code == 200
    pin_colombia.refresh_from_db()
    assert pin_colombia.waiting_on == "national_sector"
    before = Transition.objects.count()
    # when
    response = _move(api, pin_colombia, "clear")
    # then: the rule table waives four eyes only for platform teams, never for a sector
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed_at_this_step"
    assert Task.objects.get(pk=pin_colombia.pk).state == "submitted"
    assert Transition.objects.count() == before
    assert "clear" not in api.get(f"/api/v1/tasks/{pin_colombia.pk}/").json()["allowed_actions"]


def test_a_waived_clearance_is_marked_and_told_to_the_regional_platform(
    world, personas, pin_colombia
):
    # given: a platform-wide task the Colombia team drafts and clears, with one member
    jna = TaskFactory(cycle=pin_colombia.cycle, task_type="jna", platform=world.colombia)
    team = personas["platform_team"]
    api = api_for(team)
    assert _move(api, jna, "submit").status_code == 200
    # when
    response = _move(api, jna, "clear")
    # then
    assert response.status_code == 200
    assert Transition.objects.get(task=jna, action="clear").four_eyes_waived is True
    told = Notification.objects.filter(subject__startswith="Cleared without a second person")
    assert list(told.values_list("recipient", flat=True)) == [personas["regional"].pk]


def test_designating_yourself_on_the_page_is_a_form_error_on_the_email(world, personas, client):
    # given
    team = personas["platform_team"]
    CoLeadFactory(platform_sector=world.colombia_health, organization=world.iom)
    # when
    response = client_for(client, team).post(
        reverse("sectors:co-coordinator-create", args=[world.colombia_health.pk]),
        {
            "organization": world.iom.pk,
            "email": team.email,
            "full_name": team.full_name,
            "gender": "undisclosed",
            "contact_email": "salud.colombia@iom.example",
            "term_start": "2026-02-01",
        },
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "You cannot designate yourself: another person who manages the sector must do it."
    ]
    assert not CoCoordinatorDesignation.objects.filter(person=team).exists()
