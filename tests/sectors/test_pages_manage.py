"""The structure-management pages: who may open and post what, the flows, bad input, query counts."""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from r4v.models import User
from sectors.models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    PlatformSector,
    RoleAssignment,
)

from ..conftest import PERSONAS, REGIONAL, client_for
from ..factories import (
    CoCoordinatorFactory,
    CoLeadFactory,
    OrganizationFactory,
    PartnerFactory,
)

AUDITED = [
    Organization,
    PlatformSector,
    CoLeadDesignation,
    CoCoordinatorDesignation,
    PartnerMembership,
    RoleAssignment,
    User,
]
COLOMBIA_MANAGERS = REGIONAL | {"platform_team"}
REGIONAL_HEALTH_EDITORS = REGIONAL | {"co_coordinator"}
# The internal page is also read by those who take part (Action.VIEW_SECTOR_INTERNAL): Red de
# Apoyo is a partner of both sectors, Caminos Solidarios co-leads Regional Health only.
REGIONAL_HEALTH_READERS = REGIONAL_HEALTH_EDITORS | {"partner", "focal_point"}
COLOMBIA_READERS = COLOMBIA_MANAGERS | {"partner"}


@pytest.fixture
def colombia(world):
    """Colombia Health with an IOM co-lead, its co-coordinator and a partner."""
    co_lead = CoLeadFactory(platform_sector=world.colombia_health, organization=world.iom)
    return SimpleNamespace(
        co_lead=co_lead,
        coordinator=CoCoordinatorFactory(co_lead=co_lead),
        partner=PartnerFactory(
            platform_sector=world.colombia_health, organization=world.partner_org
        ),
    )


def snapshot() -> dict:
    """Rows and history rows of every audited structure model: any write changes one of them."""
    return {m.__name__: (m.objects.count(), m.history.count()) for m in AUDITED}


def form_errors(response) -> dict:
    return response.context["form"].errors


# --- Permission matrix ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    url: object  # (world, colombia, personas) -> str
    allowed: frozenset
    data: object = None  # (world, colombia, personas) -> dict, for POST

    def __str__(self):
        return self.name


def _sector(name, ps_attr):
    return lambda w, c, p: reverse(name, kwargs={"pk": getattr(w, ps_attr).pk})


PAGES = [
    Case(
        "organization-list", lambda w, c, p: reverse("sectors:organization-manage-list"), REGIONAL
    ),
    Case("organization-create", lambda w, c, p: reverse("sectors:organization-create"), REGIONAL),
    Case(
        "organization-edit",
        lambda w, c, p: reverse("sectors:organization-edit", args=[w.unhcr.pk]),
        REGIONAL,
    ),
    Case(
        "organization-roles",
        lambda w, c, p: reverse("sectors:organization-roles", args=[w.ngo.pk]),
        REGIONAL,
    ),
    Case(
        "history",
        lambda w, c, p: reverse("history", args=["colead", w.unhcr_health.pk]),
        REGIONAL,
    ),
    Case(
        "platform-manage-colombia",
        lambda w, c, p: reverse("sectors:platform-manage", args=["colombia"]),
        COLOMBIA_MANAGERS,
    ),
    Case(
        "platform-manage-regional",
        lambda w, c, p: reverse("sectors:platform-manage", args=["regional"]),
        REGIONAL,
    ),
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


ACTIONS = [
    Case(
        "organization-create",
        lambda w, c, p: reverse("sectors:organization-create"),
        REGIONAL,
        lambda w, c, p: {"name": "Fundación Nueva", "acronym": "FN", "kind": "national_ngo"},
    ),
    Case(
        "organization-edit",
        lambda w, c, p: reverse("sectors:organization-edit", args=[w.ngo.pk]),
        REGIONAL,
        lambda w, c, p: {
            "name": "Caminos Solidarios Intl",
            "acronym": "CS",
            "kind": "international_ngo",
            "is_active": "on",
            "reason": "Renamed",
        },
    ),
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
    Case(
        "platform-activate-colombia",
        lambda w, c, p: reverse("sectors:platform-manage", args=["colombia"]),
        COLOMBIA_MANAGERS,
        lambda w, c, p: {"sector": w.protection.pk, "action": "activate"},
    ),
    Case(
        "platform-deactivate-regional",
        lambda w, c, p: reverse("sectors:platform-manage", args=["regional"]),
        REGIONAL,
        lambda w, c, p: {
            "sector": w.protection.pk,
            "action": "deactivate",
            "confirmed": "yes",
            "reason": "Merged into another sector",
        },
    ),
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


def _assert_denied(response, persona):
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code in (403, 404)


@contextmanager
def as_persona(subtests, personas, persona):
    """A client logged in as `persona`, inside a savepoint rolled back afterwards.

    Each persona of a case starts from the same world without paying for a new one: building
    the world and eight personas is most of a test's time.
    """
    with subtests.test(persona=persona), transaction.atomic():
        yield client_for(Client(), personas[persona])
        transaction.set_rollback(True)


@pytest.mark.parametrize("case", PAGES, ids=str)
def test_each_management_page_opens_only_for_the_roles_the_policy_allows(
    subtests, world, colombia, personas, case
):
    for persona in PERSONAS:
        with as_persona(subtests, personas, persona) as client:
            # given
            url = case.url(world, colombia, personas)
            # when
            response = client.get(url)
            # then
            if persona in case.allowed:
                assert response.status_code == 200
            else:
                _assert_denied(response, persona)


@pytest.mark.parametrize("case", ACTIONS, ids=str)
def test_each_management_action_succeeds_only_for_the_roles_the_policy_allows_and_changes_nothing_otherwise(
    subtests, world, colombia, personas, case
):
    for persona in PERSONAS:
        with as_persona(subtests, personas, persona) as client:
            # given
            url = case.url(world, colombia, personas)
            data = case.data(world, colombia, personas)
            before = snapshot()
            # when
            response = client.post(url, data)
            # then
            if persona in case.allowed:
                assert response.status_code == 302
                assert [m.level_tag for m in response.wsgi_request._messages] == ["success"]
                assert snapshot() != before
            else:
                _assert_denied(response, persona)
                assert snapshot() == before


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


def test_unknown_history_model_or_record_is_404_for_the_regional_team(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    # when
    unknown_model = client.get(reverse("history", args=["country", world.unhcr.pk]))
    unknown_record = client.get(reverse("history", args=["organization", 999999]))
    # then
    assert unknown_model.status_code == 404
    assert unknown_record.status_code == 404


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


# --- Flows -------------------------------------------------------------------------------------


def test_the_regional_team_adds_an_organization_and_finds_it_in_the_filtered_list(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    # when
    response = client.post(
        reverse("sectors:organization-create"),
        {
            "name": "Alas de Esperanza",
            "acronym": "ADE",
            "kind": "refugee_migrant_led",
            "website": "ade.example",
        },
    )
    listing = client.get(
        reverse("sectors:organization-manage-list"), {"kind": "refugee_migrant_led", "q": "alas"}
    )
    # then
    assert response.status_code == 302
    org = Organization.objects.get(acronym="ADE")
    assert org.website == "https://ade.example"
    assert org.history.get().history_user == personas["regional"]
    assert list(listing.context["page"]) == [org]


def test_the_organization_list_answers_htmx_with_the_table_only(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    # when
    response = client.get(
        reverse("sectors:organization-manage-list"), {"q": "unhcr"}, HTTP_HX_REQUEST="true"
    )
    # then
    html = response.content.decode()
    assert "<html" not in html
    assert "UN Refugee Agency" in html
    assert "Caminos Solidarios" not in html


def test_a_platform_team_activates_a_sector_on_its_platform(client, world, personas):
    # given
    client = client_for(client, personas["platform_team"])
    # when
    response = client.post(
        reverse("sectors:platform-manage", args=["colombia"]),
        {"sector": world.protection.pk, "action": "activate"},
    )
    page = client.get(reverse("sectors:platform-manage", args=["colombia"]))
    # then
    assert response.status_code == 302
    ps = PlatformSector.objects.get(platform=world.colombia, sector=world.protection)
    assert ps.is_active
    assert reverse("sectors:sector-manage", args=[ps.pk]) in page.content.decode()


def test_deactivating_a_sector_with_open_co_leads_is_refused_with_a_message(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    before = snapshot()
    # when
    response = client.post(
        reverse("sectors:platform-manage", args=["regional"]),
        {"sector": world.health.pk, "action": "deactivate", "confirmed": "yes", "reason": "x"},
        follow=True,
    )
    # then
    assert (
        "End its co-lead designations before deactivating the sector." in response.content.decode()
    )
    assert snapshot() == before


def test_an_unknown_sector_id_on_the_platform_page_is_a_message_not_a_500(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    before = snapshot()
    # when
    response = client.post(
        reverse("sectors:platform-manage", args=["colombia"]),
        {"sector": "999999", "action": "activate"},
        follow=True,
    )
    # then
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert snapshot() == before


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
    assert not User.objects.get(pk=outsider.pk).has_perm("sectors.act_for_organization", world.ngo)


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


def test_the_history_page_shows_who_changed_what_and_why(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    client.post(
        reverse("sectors:organization-edit", args=[world.ngo.pk]),
        {
            "name": "Caminos Solidarios Internacional",
            "acronym": "CS",
            "kind": "national_ngo",
            "is_active": "on",
            "reason": "Renamed after the merger",
        },
    )
    # when
    response = client.get(reverse("history", args=["organization", world.ngo.pk]))
    # then
    records = response.context["records"]
    assert [r.history_type for r in records] == ["~", "+"]
    assert records[0].history_user == personas["regional"]
    assert records[0].history_change_reason == "Renamed after the merger"
    assert [(c.label, c.old, c.new) for c in records[0].changes] == [
        ("name", "Caminos Solidarios", "Caminos Solidarios Internacional")
    ]
    html = response.content.decode()
    assert "Team" in html and "Renamed after the merger" in html


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


# --- Bad input -------------------------------------------------------------------------------------


BAD_INPUT = [
    pytest.param(
        "sectors:co-lead-create",
        lambda w: {"organization": w.iom.pk, "term_start": "2026-05-01", "term_end": "2026-04-30"},
        "term_end",
        id="co-lead-term-ends-before-it-starts",
    ),
    pytest.param(
        "sectors:co-lead-create",
        lambda w: {"organization": w.unhcr.pk, "term_start": "2026-05-01"},
        "organization",
        id="duplicate-active-co-lead",
    ),
    pytest.param(
        "sectors:co-lead-create",
        lambda w: {"organization": 999999, "term_start": "2026-05-01"},
        "organization",
        id="unknown-organization-id",
    ),
    pytest.param(
        "sectors:co-lead-create",
        lambda w: {"organization": "iom", "term_start": "2026-05-01"},
        "organization",
        id="organization-id-of-the-wrong-type",
    ),
    pytest.param(
        "sectors:co-lead-create",
        lambda w: {"organization": w.iom.pk, "term_start": "next tuesday"},
        "term_start",
        id="date-of-the-wrong-type",
    ),
    pytest.param(
        "sectors:co-coordinator-create",
        lambda w: {
            "organization": w.partner_org.pk,
            "email": "someone.new@example.org",
            "full_name": "Someone New",
            "gender": "man",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
        },
        "organization",
        id="co-coordinator-designated-by-a-non-co-lead",
    ),
    pytest.param(
        "sectors:co-coordinator-create",
        lambda w: {
            "organization": w.unhcr.pk,
            "email": "someone.new@example.org",
            "full_name": "Someone New",
            "gender": "man",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
            "term_end": "2026-01-01",
        },
        "term_end",
        id="co-coordinator-term-ends-before-it-starts",
    ),
    pytest.param(
        "sectors:co-coordinator-create",
        lambda w: {
            "organization": w.unhcr.pk,
            "email": "someone.new@example.org",
            "full_name": "S" * 151,
            "gender": "man",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
        },
        "full_name",
        id="over-long-person-name",
    ),
    pytest.param(
        "sectors:co-coordinator-create",
        lambda w: {
            "organization": w.unhcr.pk,
            "email": "someone.new@example.org",
            "full_name": "Someone New",
            "gender": "robot",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
        },
        "gender",
        id="unknown-gender",
    ),
    pytest.param(
        "sectors:co-coordinator-create",
        lambda w: {
            "organization": w.unhcr.pk,
            "email": "ana.private@unhcr.example",
            "full_name": "Ana Pérez",
            "gender": "woman",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
        },
        "email",
        id="person-already-co-coordinator-for-this-co-lead",
    ),
    pytest.param(
        "sectors:selection-procedure-edit",
        lambda w: {"procedure_en": "x", "interval_months": "two years"},
        "interval_months",
        id="interval-of-the-wrong-type",
    ),
    pytest.param(
        "sectors:selection-procedure-edit",
        lambda w: {"procedure_en": "x", "interval_months": "0"},
        "interval_months",
        id="interval-zero",
    ),
    pytest.param(
        "sectors:selection-procedure-edit",
        lambda w: {"procedure_en": "x", "last_selection_on": "2999-01-01"},
        "last_selection_on",
        id="last-selection-in-the-future",
    ),
    pytest.param(
        "sectors:sector-page-edit",
        lambda w: {"purpose_es": "x" * 4001},
        "purpose_es",
        id="over-long-purpose",
    ),
    pytest.param(
        "sectors:partner-create",
        lambda w: {"organization": w.partner_org.pk},
        "organization",
        id="partner-already-in-the-sector",
    ),
    pytest.param(
        "sectors:partner-create",
        lambda w: {"organization": w.partner_org.pk, "joined_on": "31/02/2026"},
        "joined_on",
        id="partner-date-that-does-not-exist",
    ),
]


@pytest.mark.parametrize(("url_name", "data", "field"), BAD_INPUT)
def test_bad_input_on_a_sector_form_is_a_form_error_naming_the_field_and_writes_nothing(
    client, world, personas, url_name, data, field
):
    # given
    client = client_for(client, personas["regional"])
    before = snapshot()
    # when
    response = client.post(reverse(url_name, args=[world.regional_health.pk]), data(world))
    # then
    assert response.status_code == 200
    assert field in form_errors(response), form_errors(response)
    assert (
        'class="invalid-feedback d-block" id="id_' + field + '_error"' in response.content.decode()
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"name": "N" * 201, "kind": "un_agency"}, "name", id="over-long-name"),
        pytest.param(
            {"name": "un refugee agency", "kind": "un_agency"}, "name", id="duplicate-name"
        ),
        pytest.param(
            {"name": "New", "acronym": "iom", "kind": "un_agency"},
            "acronym",
            id="duplicate-acronym",
        ),
        pytest.param({"name": "New", "kind": "bank"}, "kind", id="unknown-kind"),
        pytest.param(
            {"name": "New", "kind": "un_agency", "website": "not a url"},
            "website",
            id="bad-website",
        ),
        pytest.param({"name": "", "kind": "un_agency"}, "name", id="missing-name"),
    ],
)
def test_bad_input_on_the_organization_form_is_a_form_error_naming_the_field(
    client, world, personas, data, field
):
    # given
    client = client_for(client, personas["regional"])
    before = snapshot()
    # when
    response = client.post(reverse("sectors:organization-create"), data)
    # then
    assert response.status_code == 200
    assert field in form_errors(response)
    assert snapshot() == before


def test_renaming_an_organization_to_another_ones_name_is_refused_and_the_stored_name_kept(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    before = snapshot()
    # when
    response = client.post(
        reverse("sectors:organization-edit", args=[world.ngo.pk]),
        {"name": "UN Refugee Agency", "acronym": "CS", "kind": "national_ngo", "is_active": "on"},
    )
    # then
    assert "name" in form_errors(response)
    world.ngo.refresh_from_db()
    assert world.ngo.name == "Caminos Solidarios"
    assert snapshot() == before


@pytest.mark.parametrize("url_name", ["sectors:co-lead-end", "sectors:co-coordinator-end"])
def test_ending_a_designation_before_its_term_starts_is_a_field_error(
    client, world, personas, url_name
):
    # given
    client = client_for(client, personas["regional"])
    pk = world.unhcr_health.pk if url_name == "sectors:co-lead-end" else world.unhcr_coordinator.pk
    before = snapshot()
    # when
    response = client.post(reverse(url_name, args=[pk]), {"ended_on": "2025-12-31"})
    # then
    assert response.status_code == 200
    assert "ended_on" in form_errors(response)
    assert snapshot() == before


def test_ending_a_designation_twice_is_a_form_error_not_a_500(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    client.post(
        reverse("sectors:co-coordinator-end", args=[world.unhcr_coordinator.pk]),
        {"ended_on": "2026-03-01"},
    )
    before = snapshot()
    # when
    response = client.post(
        reverse("sectors:co-coordinator-end", args=[world.unhcr_coordinator.pk]),
        {"ended_on": "2026-03-02"},
    )
    # then
    assert response.status_code == 200
    assert form_errors(response)["__all__"] == ["This designation has already ended."]
    assert snapshot() == before


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


def test_html_in_the_purpose_is_escaped_on_the_sector_page(client, world, personas):
    # given
    client = client_for(client, personas["co_coordinator"])
    client.post(
        reverse("sectors:sector-page-edit", args=[world.regional_health.pk]),
        {"purpose_en": '<script>alert("x")</script><b>bold</b>'},
    )
    # when
    response = client.get(reverse("sectors:sector-manage", args=[world.regional_health.pk]))
    # then
    html = response.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>alert" not in html


def test_html_in_an_organization_name_is_escaped_in_the_list(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    OrganizationFactory(name="<img src=x onerror=alert(1)>", acronym="")
    # when
    response = client.get(reverse("sectors:organization-manage-list"))
    # then
    html = response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html


# --- Query counts ----------------------------------------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_sector_page_takes_the_same_number_of_queries_as_designations_and_history_grow(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    url = reverse("sectors:sector-manage", args=[world.regional_health.pk])
    # A first request fills the process's caches (content types, the calendar's zones).
    _count_queries(client, url)
    small = _count_queries(client, url)
    for _ in range(4):
        co_lead = CoLeadFactory(platform_sector=world.regional_health)
        CoCoordinatorFactory.create_batch(2, co_lead=co_lead)
        PartnerFactory(platform_sector=world.regional_health)
    client.post(
        reverse("sectors:sector-page-edit", args=[world.regional_health.pk]),
        {"purpose_en": "More.", "reason": "r"},
    )
    # when
    large = _count_queries(client, url)
    # then
    assert large == small


def test_the_organization_list_takes_the_same_number_of_queries_as_organizations_grow(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    url = reverse("sectors:organization-manage-list")
    small = _count_queries(client, url)
    OrganizationFactory.create_batch(40)
    # when
    large = _count_queries(client, url)
    # then
    assert large == small


def test_the_history_page_takes_the_same_number_of_queries_as_changes_grow(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    url = reverse("history", args=["organization", world.ngo.pk])
    client.post(
        reverse("sectors:organization-edit", args=[world.ngo.pk]),
        {"name": "CS 0", "acronym": "CS", "kind": "national_ngo", "is_active": "on"},
    )
    small = _count_queries(client, url)
    for i in range(1, 60):
        client.post(
            reverse("sectors:organization-edit", args=[world.ngo.pk]),
            {"name": f"CS {i}", "acronym": "CS", "kind": "national_ngo", "is_active": "on"},
        )
    # when
    large = _count_queries(client, url)
    older = client.get(url, {"page": 2})
    # then
    assert large == small
    assert len(older.context["records"]) == 11
    assert older.context["page"].has_next() is False


def test_a_person_created_for_a_refused_designation_is_not_left_behind(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    # when
    client.post(
        reverse("sectors:co-coordinator-create", args=[world.regional_health.pk]),
        {
            "organization": world.partner_org.pk,
            "email": "orphan@example.org",
            "full_name": "Orphan",
            "gender": "woman",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
        },
    )
    # then
    assert not User.objects.filter(email="orphan@example.org").exists()


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


def test_deactivating_a_sector_asks_for_confirmation_and_keeps_the_reason(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    url = reverse("sectors:platform-manage", args=["regional"])
    ps = world.regional_protection
    # when
    asked = client.post(url, {"sector": world.protection.pk, "action": "deactivate"})
    # then
    assert asked.status_code == 200 and 'name="reason"' in asked.text
    ps.refresh_from_db()
    assert ps.is_active
    # when: confirmed without a reason, then with one
    refused = client.post(
        url, {"sector": world.protection.pk, "action": "deactivate", "confirmed": "yes"}
    )
    done = client.post(
        url,
        {
            "sector": world.protection.pk,
            "action": "deactivate",
            "confirmed": "yes",
            "reason": "Merged into Protection",
        },
    )
    # then
    assert refused.status_code == 200 and refused.context["form"].errors.keys() == {"reason"}
    assert done.status_code == 302
    ps.refresh_from_db()
    assert not ps.is_active
    assert ps.history.first().history_change_reason == "Merged into Protection"
