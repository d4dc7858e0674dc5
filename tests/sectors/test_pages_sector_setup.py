"""The sector set-up pages (sectors/views/sector_setup.py): who may open and post them, the
flows of designations, partners, the page and the selection procedure, query counts (bad
input: test_pages_sector_setup_input.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from r4v.models import User
from sectors.models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    PartnerMembership,
    RoleAssignment,
)

from ..conftest import REGIONAL, client_for
from ..factories import CoCoordinatorFactory, CoLeadFactory, PartnerFactory
from .conftest import (
    COLOMBIA_MANAGERS,
    Case,
    action_succeeds_only_for_the_allowed,
    count_queries,
    page_opens_only_for_the_allowed,
)

REGIONAL_HEALTH_EDITORS = REGIONAL | {"co_coordinator"}
# The internal page is also read by those who take part (Action.VIEW_SECTOR_INTERNAL): Red de
# Apoyo is a partner of both sectors, Caminos Solidarios co-leads Regional Health only.
REGIONAL_HEALTH_READERS = REGIONAL_HEALTH_EDITORS | {"partner", "focal_point"}
COLOMBIA_READERS = COLOMBIA_MANAGERS | {"partner"}


def _sector(name, ps_attr):
    return lambda w, c, p: reverse(name, kwargs={"pk": getattr(w, ps_attr).pk})


_TERM = {"term_start": "2026-02-01", "term_end": "2027-01-31"}


def _new_person(org):
    return lambda w, c, p: {
        "organization": getattr(w, org).pk,
        "email": "new.person@example.org",
        "full_name": "Nueva Persona",
        "gender": "woman",
        "speaks_spanish": "on",
        "contact_email": "sector@example.org",
        **_TERM,
    }


# --- Permission matrix ----------------------------------------------------------------------------


PAGES = [
    Case(
        "sector-manage-regional",
        _sector("sectors:sector-manage", "regional_health"),
        REGIONAL_HEALTH_READERS,
    ),
    Case(
        "sector-manage-colombia",
        _sector("sectors:sector-manage", "colombia_health"),
        COLOMBIA_READERS,
    ),
    Case(
        "sector-page-regional",
        _sector("sectors:sector-page-edit", "regional_health"),
        REGIONAL_HEALTH_EDITORS,
    ),
    Case(
        "sector-page-colombia",
        _sector("sectors:sector-page-edit", "colombia_health"),
        COLOMBIA_MANAGERS,
    ),
    Case(
        "selection-regional",
        _sector("sectors:selection-procedure-edit", "regional_health"),
        REGIONAL,
    ),
    Case(
        "selection-colombia",
        _sector("sectors:selection-procedure-edit", "colombia_health"),
        COLOMBIA_MANAGERS,
    ),
    Case("co-lead-create-regional", _sector("sectors:co-lead-create", "regional_health"), REGIONAL),
    Case(
        "co-lead-create-colombia",
        _sector("sectors:co-lead-create", "colombia_health"),
        COLOMBIA_MANAGERS,
    ),
    Case(
        "co-lead-end-regional",
        lambda w, c, p: reverse("sectors:co-lead-end", args=[w.unhcr_health.pk]),
        REGIONAL,
    ),
    Case(
        "co-lead-end-colombia",
        lambda w, c, p: reverse("sectors:co-lead-end", args=[c.co_lead.pk]),
        COLOMBIA_MANAGERS,
    ),
    Case(
        "co-coordinator-create-regional",
        _sector("sectors:co-coordinator-create", "regional_health"),
        REGIONAL,
    ),
    Case(
        "co-coordinator-create-colombia",
        _sector("sectors:co-coordinator-create", "colombia_health"),
        COLOMBIA_MANAGERS,
    ),
    Case(
        "co-coordinator-end-regional",
        lambda w, c, p: reverse("sectors:co-coordinator-end", args=[w.unhcr_coordinator.pk]),
        REGIONAL,
    ),
    Case(
        "co-coordinator-end-colombia",
        lambda w, c, p: reverse("sectors:co-coordinator-end", args=[c.coordinator.pk]),
        COLOMBIA_MANAGERS,
    ),
    Case(
        "partner-create-regional",
        _sector("sectors:partner-create", "regional_health"),
        REGIONAL_HEALTH_EDITORS,
    ),
    Case(
        "partner-create-colombia",
        _sector("sectors:partner-create", "colombia_health"),
        COLOMBIA_MANAGERS,
    ),
]

ACTIONS = [
    Case(
        "sector-page-regional",
        _sector("sectors:sector-page-edit", "regional_health"),
        REGIONAL_HEALTH_EDITORS,
        lambda w, c, p: {"purpose_en": "Health for everyone on the move."},
    ),
    Case(
        "sector-page-colombia",
        _sector("sectors:sector-page-edit", "colombia_health"),
        COLOMBIA_MANAGERS,
        lambda w, c, p: {"purpose_es": "Salud."},
    ),
    Case(
        "selection-regional",
        _sector("sectors:selection-procedure-edit", "regional_health"),
        REGIONAL,
        lambda w, c, p: {
            "procedure_en": "Vote.",
            "interval_months": "24",
            "last_selection_on": "2025-06-01",
        },
    ),
    Case(
        "selection-colombia",
        _sector("sectors:selection-procedure-edit", "colombia_health"),
        COLOMBIA_MANAGERS,
        lambda w, c, p: {
            "procedure_en": "Vote.",
            "interval_months": "12",
            "last_selection_on": "2025-06-01",
        },
    ),
    Case(
        "co-lead-create-regional",
        _sector("sectors:co-lead-create", "regional_health"),
        REGIONAL,
        lambda w, c, p: {"organization": w.iom.pk, **_TERM},
    ),
    Case(
        "co-lead-create-colombia",
        _sector("sectors:co-lead-create", "colombia_health"),
        COLOMBIA_MANAGERS,
        lambda w, c, p: {"organization": w.unhcr.pk, **_TERM},
    ),
    Case(
        "co-lead-end-regional",
        lambda w, c, p: reverse("sectors:co-lead-end", args=[w.unhcr_health.pk]),
        REGIONAL,
        lambda w, c, p: {"ended_on": "2026-03-01", "reason": "Stepped down"},
    ),
    Case(
        "co-lead-end-colombia",
        lambda w, c, p: reverse("sectors:co-lead-end", args=[c.co_lead.pk]),
        COLOMBIA_MANAGERS,
        lambda w, c, p: {"ended_on": "2026-03-01"},
    ),
    Case(
        "co-coordinator-create-regional",
        _sector("sectors:co-coordinator-create", "regional_health"),
        REGIONAL,
        _new_person("unhcr"),
    ),
    Case(
        "co-coordinator-create-colombia",
        _sector("sectors:co-coordinator-create", "colombia_health"),
        COLOMBIA_MANAGERS,
        _new_person("iom"),
    ),
    Case(
        "co-coordinator-end-regional",
        lambda w, c, p: reverse("sectors:co-coordinator-end", args=[w.unhcr_coordinator.pk]),
        REGIONAL,
        lambda w, c, p: {"ended_on": "2026-03-01"},
    ),
    Case(
        "co-coordinator-end-colombia",
        lambda w, c, p: reverse("sectors:co-coordinator-end", args=[c.coordinator.pk]),
        COLOMBIA_MANAGERS,
        lambda w, c, p: {"ended_on": "2026-03-01"},
    ),
    Case(
        "partner-create-regional",
        _sector("sectors:partner-create", "regional_health"),
        REGIONAL_HEALTH_EDITORS,
        lambda w, c, p: {"organization": w.iom.pk},
    ),
    Case(
        "partner-create-colombia",
        _sector("sectors:partner-create", "colombia_health"),
        COLOMBIA_MANAGERS,
        lambda w, c, p: {"organization": w.ngo.pk},
    ),
    Case(
        "partner-remove-regional",
        lambda w, c, p: reverse(
            "sectors:partner-remove",
            args=[PartnerMembership.objects.get(platform_sector=w.regional_health).pk],
        ),
        REGIONAL_HEALTH_EDITORS,
        lambda w, c, p: {"confirmed": "yes", "reason": "Left the response"},
    ),
    Case(
        "partner-remove-colombia",
        lambda w, c, p: reverse("sectors:partner-remove", args=[c.partner.pk]),
        COLOMBIA_MANAGERS,
        lambda w, c, p: {"confirmed": "yes", "reason": "Left the response"},
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


@pytest.mark.parametrize("persona", ["outsider", "co_coordinator", "platform_team"])
def test_unknown_ids_answer_404_for_scoped_pages_and_the_same_for_objects_out_of_scope(
    client, world, personas, persona
):
    # given
    client = client_for(client, personas[persona])
    # when
    responses = [
        client.get(reverse("sectors:sector-manage", args=[999999])),
        client.get(reverse("sectors:co-lead-end", args=[999999])),
        client.get(reverse("sectors:platform-manage", args=["nowhere"])),
    ]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404]


def test_post_only_actions_refuse_get(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    membership = PartnerMembership.objects.get(platform_sector=world.regional_health)
    # when
    response = client.get(reverse("sectors:partner-remove", args=[membership.pk]))
    # then
    assert response.status_code == 405
    membership.refresh_from_db()
    assert membership.left_on is None


def test_a_co_coordinator_sees_only_the_page_and_partner_actions_on_the_sector_page(
    client, world, personas
):
    # given
    client = client_for(client, personas["co_coordinator"])
    # when
    response = client.get(reverse("sectors:sector-manage", args=[world.regional_health.pk]))
    # then
    html = response.content.decode()
    assert reverse("sectors:sector-page-edit", args=[world.regional_health.pk]) in html
    assert reverse("sectors:partner-create", args=[world.regional_health.pk]) in html
    assert reverse("sectors:co-lead-create", args=[world.regional_health.pk]) not in html
    assert reverse("sectors:selection-procedure-edit", args=[world.regional_health.pk]) not in html
    assert "Recent changes" not in html


# --- Flows ----------------------------------------------------------------------------------------


def test_a_platform_team_designates_a_co_lead_with_its_term(client, world, personas):
    # given
    client = client_for(client, personas["platform_team"])
    # when
    response = client.post(
        reverse("sectors:co-lead-create", args=[world.colombia_health.pk]),
        {
            "organization": world.ngo.pk,
            "term_start": "2026-02-01",
            "term_end": "2028-01-31",
            "reason": "Elected",
        },
    )
    # then
    assert response.status_code == 302
    co_lead = CoLeadDesignation.objects.get(
        platform_sector=world.colombia_health, organization=world.ngo
    )
    assert (co_lead.term_start, co_lead.term_end, co_lead.ended_on) == (
        datetime.date(2026, 2, 1),
        datetime.date(2028, 1, 31),
        None,
    )
    row = co_lead.history.get()
    assert (row.history_user, row.history_change_reason) == (personas["platform_team"], "Elected")


def test_designating_a_co_coordinator_by_e_mail_creates_the_person_and_gives_the_sector_role(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    # when
    response = client.post(
        reverse("sectors:co-coordinator-create", args=[world.regional_health.pk]),
        {
            "organization": world.unhcr.pk,
            "email": "Marta.Rios@UNHCR.example",
            "full_name": "Marta Ríos",
            "gender": "woman",
            "speaks_spanish": "on",
            "speaks_english": "on",
            "contact_email": "salud.regional@unhcr.example",
            "contact_phone": "+507 555 0101",
            "term_start": "2026-03-01",
        },
    )
    # then
    assert response.status_code == 302
    person = User.objects.get(email="marta.rios@unhcr.example")
    assert (person.full_name, person.gender, person.speaks_spanish, person.speaks_english) == (
        "Marta Ríos",
        "woman",
        True,
        True,
    )
    assert not person.has_usable_password()
    designation = CoCoordinatorDesignation.objects.get(person=person)
    assert (designation.co_lead, designation.contact_phone) == (world.unhcr_health, "+507 555 0101")
    assert (
        RoleAssignment.objects.filter(user=person, role="co_coordinator", revoked_at=None).count()
        == 1
    )
    page = client.get(reverse("sectors:sector-manage", args=[world.regional_health.pk]))
    assert "Marta Ríos" in page.content.decode()


def test_ending_a_co_lead_ends_its_co_coordinators_and_both_remain_listed_as_ended(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    # when
    response = client.post(
        reverse("sectors:co-lead-end", args=[world.unhcr_health.pk]),
        {"ended_on": "2026-04-30", "reason": "UNHCR stepped down"},
    )
    page = client.get(reverse("sectors:sector-manage", args=[world.regional_health.pk]))
    # then
    assert response.status_code == 302
    world.unhcr_health.refresh_from_db()
    world.unhcr_coordinator.refresh_from_db()
    assert world.unhcr_health.ended_on == datetime.date(2026, 4, 30)
    assert world.unhcr_coordinator.ended_on == datetime.date(2026, 4, 30)
    assert world.unhcr_health.history.first().history_change_reason == "UNHCR stepped down"
    html = page.content.decode()
    assert "UN Refugee Agency" in html
    assert "Ana Pérez" in html
    listed = {c.organization.acronym: c for c in page.context["co_leads"]}
    assert listed["UNHCR"].ended_on == datetime.date(2026, 4, 30)
    assert [d.ended_on for d in listed["UNHCR"].all_co_coordinators] == [datetime.date(2026, 4, 30)]
    assert listed["CS"].ended_on is None


def test_ending_a_co_coordinator_keeps_the_record_and_revokes_the_sector_role(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    person = world.ngo_coordinator.person
    # when
    response = client.post(
        reverse("sectors:co-coordinator-end", args=[world.ngo_coordinator.pk]),
        {"ended_on": "2026-05-15"},
    )
    # then
    assert response.status_code == 302
    world.ngo_coordinator.refresh_from_db()
    assert world.ngo_coordinator.ended_on == datetime.date(2026, 5, 15)
    assert not RoleAssignment.objects.filter(
        user=person, role="co_coordinator", revoked_at=None
    ).exists()


def test_a_co_coordinator_adds_and_removes_a_partner_of_their_sector(client, world, personas):
    # given
    client = client_for(client, personas["co_coordinator"])
    # when
    added = client.post(
        reverse("sectors:partner-create", args=[world.regional_health.pk]),
        {"organization": world.iom.pk},
    )
    membership = PartnerMembership.objects.get(
        platform_sector=world.regional_health, organization=world.iom
    )
    removed = client.post(
        reverse("sectors:partner-remove", args=[membership.pk]),
        {"confirmed": "yes", "reason": "Left the response"},
    )
    # then
    assert (added.status_code, removed.status_code) == (302, 302)
    membership.refresh_from_db()
    assert membership.left_on == timezone.localdate()
    assert [r.history_user for r in membership.history.all()] == [personas["co_coordinator"]] * 2


def test_removing_a_partner_asks_for_confirmation_and_keeps_the_reason(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    membership = PartnerMembership.objects.get(platform_sector=world.regional_health)
    url = reverse("sectors:partner-remove", args=[membership.pk])
    # when: the sector page's button
    asked = client.post(url)
    # then
    assert asked.status_code == 200 and 'name="reason"' in asked.text
    membership.refresh_from_db()
    assert membership.left_on is None
    # when
    done = client.post(url, {"confirmed": "yes", "reason": "Closed its office"})
    # then
    assert done.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == timezone.localdate()
    assert membership.history.first().history_change_reason == "Closed its office"


def test_updating_the_selection_procedure_shows_the_next_selection_date(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    # when
    response = client.post(
        reverse("sectors:selection-procedure-edit", args=[world.regional_health.pk]),
        {
            "procedure_en": "Partners vote every two years.",
            "interval_months": "11",
            "last_selection_on": "2025-03-31",
        },
        follow=True,
    )
    # then
    world.regional_health.refresh_from_db()
    assert world.regional_health.next_selection_on == datetime.date(2026, 2, 28)
    assert date_format(datetime.date(2026, 2, 28), "DATE_FORMAT") in response.content.decode()
    assert "Partners vote every two years." in response.content.decode()


def test_the_sector_page_shows_the_regional_team_the_history_of_the_sector_and_its_designations(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    client.post(
        reverse("sectors:co-lead-create", args=[world.regional_health.pk]),
        {
            "organization": world.iom.pk,
            "term_start": "2026-02-01",
            "reason": "Agreed in the March meeting",
        },
    )
    # when
    response = client.get(reverse("sectors:sector-manage", args=[world.regional_health.pk]))
    # then
    newest = response.context["history_records"][0]
    assert (newest.record_label, newest.history_user, newest.history_change_reason) == (
        "Co-lead: IOM",
        personas["regional"],
        "Agreed in the March meeting",
    )
    assert "Agreed in the March meeting" in response.content.decode()


# --- Query counts ---------------------------------------------------------------------------------


def test_the_sector_page_takes_the_same_number_of_queries_as_designations_and_history_grow(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    url = reverse("sectors:sector-manage", args=[world.regional_health.pk])
    # A first request fills the process's caches (content types, the calendar's zones).
    count_queries(client, url)
    small = count_queries(client, url)
    for _ in range(4):
        co_lead = CoLeadFactory(platform_sector=world.regional_health)
        CoCoordinatorFactory.create_batch(2, co_lead=co_lead)
        PartnerFactory(platform_sector=world.regional_health)
    client.post(
        reverse("sectors:sector-page-edit", args=[world.regional_health.pk]),
        {"purpose_en": "More.", "reason": "r"},
    )
    # when
    large = count_queries(client, url)
    # then
    assert large == small
