"""Co-lead and co-coordinator designations through the API: what designating and ending
do, the management lists, and the refusals."""

import datetime

import pytest

from r4v.models import User
from sectors.models import CoCoordinatorDesignation, RoleAssignment
from sectors.policy import scope_of

from ..conftest import api_for
from ..factories import CoCoordinatorFactory, PlatformSectorFactory, SectorFactory, UserFactory
from .conftest import co_coordinator_body, co_lead_body, co_lead_on_colombia, send, snapshot

# --- Designating and ending -------------------------------------------------------------------


def test_designating_a_co_coordinator_publishes_the_contact_but_never_the_login(world, personas):
    # given
    co_lead = co_lead_on_colombia(world)
    body = {
        "platform_sector": world.colombia_health.pk,
        "organization": world.iom.pk,
        "person_email": "Maria.Login@iom.example",
        "person_full_name": "María Rojas",
        "contact_email": "salud.colombia@iom.example",
        "contact_phone": "+57 1 555 0100",
        "term_start": "2026-02-01",
        "term_end": "2027-01-31",
        "reason": "Elected by partners",
    }
    # when
    response = send(personas["platform_team"], "post", "/api/v1/co-coordinators/", body)
    public = api_for(None).get(f"/api/v1/platform-sectors/{world.colombia_health.pk}/")
    # then
    assert response.status_code == 201
    designation = CoCoordinatorDesignation.objects.get(pk=response.json()["id"])
    assert (designation.co_lead, designation.person.email, designation.person.full_name) == (
        co_lead,
        "maria.login@iom.example",
        "María Rojas",
    )
    assert world.colombia_health.pk in scope_of(designation.person).coordinated_sector_ids
    assert designation.history.get().history_change_reason == "Elected by partners"
    assert [
        (c["full_name"], c["contact_email"], c["contact_phone"])
        for c in public.json()["co_coordinators"]
    ] == [("María Rojas", "salud.colombia@iom.example", "+57 1 555 0100")]
    assert "maria.login" not in public.content.decode().lower()
    assert "maria.login" not in response.content.decode().lower()


def test_designating_an_existing_person_reuses_their_account(world, personas):
    # given
    co_lead_on_colombia(world)
    existing = UserFactory(email="known@iom.example", full_name="Known Person")
    users = User.objects.count()
    # when
    response = send(
        personas["regional"],
        "post",
        "/api/v1/co-coordinators/",
        {
            "platform_sector": world.colombia_health.pk,
            "organization": world.iom.pk,
            "person_email": "KNOWN@iom.example",
            "person_full_name": "Whatever Name",
            "contact_email": "contact@iom.example",
            "term_start": "2026-02-01",
        },
    )
    # then
    assert (response.status_code, response.json()["person"]) == (
        201,
        {"id": existing.pk, "full_name": "Known Person"},
    )
    assert User.objects.count() == users


def test_ending_a_co_lead_ends_its_co_coordinators_and_their_role(world, personas):
    # when
    response = send(
        personas["regional"],
        "post",
        f"/api/v1/co-leads/{world.ngo_health.pk}/end/",
        {"ended_on": "2026-10-31"},
    )
    # then
    assert (response.status_code, response.json()["ended_on"]) == (200, "2026-10-31")
    world.ngo_coordinator.refresh_from_db()
    assert world.ngo_coordinator.ended_on == datetime.date(2026, 10, 31)
    assert not RoleAssignment.objects.filter(
        user=personas["co_coordinator"], revoked_at=None
    ).exists()


def test_a_refusal_halfway_through_a_service_leaves_nothing_behind(world, personas):
    # given: the first co-coordinator can end on 1 March, the second started later and cannot
    CoCoordinatorFactory(
        co_lead=world.unhcr_health,
        person=UserFactory(full_name="Zoe Late"),
        term_start=datetime.date(2026, 4, 1),
    )
    before = snapshot()
    # when
    response = send(
        personas["regional"],
        "post",
        f"/api/v1/co-leads/{world.unhcr_health.pk}/end/",
        {"ended_on": "2026-03-01"},
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ended_on"]
    world.unhcr_coordinator.refresh_from_db()
    assert world.unhcr_coordinator.ended_on is None
    assert snapshot() == before


# --- Management lists show the user's scope --------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("outsider", []),
        ("co_coordinator", []),
        ("platform_team", ["colombia"]),
        ("regional", ["colombia", "regional", "regional"]),
    ],
)
def test_co_lead_list_shows_the_sectors_the_user_manages(world, personas, persona, expected):
    # given
    co_lead_on_colombia(world)
    # when
    response = send(personas[persona], "get", "/api/v1/co-leads/")
    # then
    assert response.status_code == 200
    assert sorted(c["platform_sector"]["platform"] for c in response.json()["results"]) == expected


def test_co_coordinator_list_never_shows_a_login_e_mail(world, personas):
    # when
    response = send(personas["regional"], "get", "/api/v1/co-coordinators/")
    # then
    assert response.status_code == 200
    assert "private@" not in response.content.decode()
    assert [c["person"]["full_name"] for c in response.json()["results"]] == [
        "Luis Gómez",
        "Ana Pérez",
    ]


# --- Refusals ---------------------------------------------------------------------------------


def test_an_inactive_sector_on_another_platform_reads_as_an_unknown_id(world, personas):
    # given: the Colombia team cannot see an inactive regional sector
    hidden = PlatformSectorFactory(platform=world.regional, sector=SectorFactory(), is_active=False)
    # when
    response = send(
        personas["platform_team"],
        "post",
        "/api/v1/co-leads/",
        co_lead_body(world, platform_sector=hidden.pk),
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["platform_sector"]


def test_ending_twice_is_refused_with_a_stable_code(world, personas):
    # given
    send(
        personas["regional"],
        "post",
        f"/api/v1/co-coordinators/{world.unhcr_coordinator.pk}/end/",
        {"ended_on": "2026-05-01"},
    )
    # when
    response = send(
        personas["regional"],
        "post",
        f"/api/v1/co-coordinators/{world.unhcr_coordinator.pk}/end/",
        {},
    )
    # then
    assert (response.status_code, response.json()["code"]) == (400, "already_ended")


def test_a_refused_designation_leaves_no_new_account_behind(world, personas):
    # given
    users = User.objects.count()
    # when
    response = send(
        personas["regional"],
        "post",
        "/api/v1/co-coordinators/",
        co_coordinator_body(world, organization=world.iom.pk),
    )
    # then
    assert (response.status_code, list(response.json()["errors"])) == (400, ["organization"])
    assert User.objects.count() == users
    assert not User.objects.filter(email="new@unhcr.example").exists()
