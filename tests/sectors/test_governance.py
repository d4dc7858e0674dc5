"""Governance health of the regional sectors: each rule, its boundaries, its cost, its page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format

from sectors import governance
from sectors.models import Organization, Platform, Sector

from ..conftest import client_for
from ..factories import (
    CoCoordinatorFactory,
    CoLeadFactory,
    OrganizationFactory,
    PlatformFactory,
    PlatformSectorFactory,
    SectorFactory,
    UserFactory,
)

TODAY = datetime.date(2026, 6, 1)


def _health(ps, today=TODAY) -> governance.SectorHealth:
    return next(h for h in governance.regional_governance(today) if h.platform_sector.pk == ps.pk)


def _d(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _save(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()


# --- Each rule, passing and failing -------------------------------------------------------------
# The world's Regional Health sector: UNHCR (UN agency) with Ana Pérez, a woman, and Caminos
# Solidarios (national NGO) with Luis Gómez, a man; both work in Spanish and English; no term
# ends; no selection procedure recorded.


def _no_change(w):
    pass


def _iom_replaces_ngo(w):
    _save(w.ngo_coordinator, ended_on=TODAY)
    _save(w.ngo_health, ended_on=TODAY)
    CoLeadFactory(platform_sector=w.regional_health, organization=w.iom)


def _unhcr_ends(w):
    _save(w.unhcr_coordinator, ended_on=TODAY)
    _save(w.unhcr_health, ended_on=TODAY)


def _both_end(w):
    _unhcr_ends(w)
    _save(w.ngo_coordinator, ended_on=TODAY)
    _save(w.ngo_health, ended_on=TODAY)


def _only_authority(w):
    _both_end(w)
    authority = OrganizationFactory(
        name="Ministerio de Salud", acronym="MINSA", kind=Organization.Kind.NATIONAL_AUTHORITY
    )
    CoLeadFactory(platform_sector=w.regional_health, organization=authority)


def _ana_leaves(w):
    _save(w.unhcr_coordinator, ended_on=TODAY)


def _ana_starts_later(w):
    _save(w.unhcr_coordinator, term_start=TODAY + datetime.timedelta(days=1))


def _unhcr_term_ends_in_30_days(w):
    _save(w.unhcr_health, term_end=TODAY + datetime.timedelta(days=30))


def _luis_term_lapsed(w):
    _save(w.ngo_coordinator, term_end=TODAY - datetime.timedelta(days=1))


def _both_men(w):
    _save(w.unhcr_coordinator.person, gender="man")


def _both_women(w):
    _save(w.ngo_coordinator.person, gender="woman")


def _ana_gender_undisclosed(w):
    _save(w.unhcr_coordinator.person, gender="undisclosed")


def _nobody_english(w):
    for designation in (w.unhcr_coordinator, w.ngo_coordinator):
        _save(designation.person, speaks_english=False)


def _nobody_spanish(w):
    for designation in (w.unhcr_coordinator, w.ngo_coordinator):
        _save(designation.person, speaks_spanish=False)


def _selection_documented(w):
    _save(
        w.regional_health,
        selection_procedure="Co-leads are elected by the sector's partners every two years.",
        selection_interval_months=24,
        last_selection_on=datetime.date(2025, 1, 15),
    )


def _selection_overdue(w):
    _save(
        w.regional_health,
        selection_procedure="Elected by the partners every year.",
        selection_interval_months=12,
        last_selection_on=datetime.date(2024, 1, 15),
    )


def _selection_text_only(w):
    _save(w.regional_health, selection_procedure="Elected by the partners.")


CASES = [
    ("co_lead_balance", _no_change, True, "UN agency: UNHCR; NGO or civil society: CS."),
    (
        "co_lead_balance",
        _iom_replaces_ngo,
        False,
        "No NGO or civil-society co-lead: the co-leads are IOM and UNHCR.",
    ),
    ("co_lead_balance", _unhcr_ends, False, "No UN agency co-lead: the co-leads are CS."),
    (
        "co_lead_balance",
        _only_authority,
        False,
        "No UN agency and no NGO or civil-society co-lead: the co-leads are MINSA.",
    ),
    (
        "co_lead_balance",
        _both_end,
        False,
        "No current co-lead: the sector needs at least one UN agency and one NGO or civil-society co-lead.",
    ),
    (
        "co_coordinator_per_co_lead",
        _no_change,
        True,
        "Every co-lead has a current co-coordinator: CS (Luis Gómez); UNHCR (Ana Pérez).",
    ),
    ("co_coordinator_per_co_lead", _ana_leaves, False, "UNHCR has no current co-coordinator."),
    (
        "co_coordinator_per_co_lead",
        _ana_starts_later,
        False,
        "UNHCR has no current co-coordinator.",
    ),
    (
        "co_coordinator_per_co_lead",
        _both_end,
        False,
        "No current co-lead, so nobody co-coordinates the sector.",
    ),
    ("terms_ending", _no_change, True, "No co-lead or co-coordinator term ends within 60 days."),
    (
        "terms_ending",
        _unhcr_term_ends_in_30_days,
        False,
        f"Terms to renew or replace within 60 days: UNHCR as co-lead: the term ends on {_d(datetime.date(2026, 7, 1))}.",
    ),
    (
        "terms_ending",
        _luis_term_lapsed,
        False,
        "Terms to renew or replace within 60 days: Luis Gómez as co-coordinator for CS: the term ended on "
        f"{_d(datetime.date(2026, 5, 31))} and the designation is still open.",
    ),
    ("gender_balance", _no_change, True, "Co-coordinators include 1 woman and 1 man."),
    (
        "gender_balance",
        _both_men,
        False,
        "All co-coordinators with a recorded gender are men: Luis Gómez and Ana Pérez.",
    ),
    (
        "gender_balance",
        _both_women,
        False,
        "All co-coordinators with a recorded gender are women: Luis Gómez and Ana Pérez.",
    ),
    (
        "gender_balance",
        _ana_gender_undisclosed,
        True,
        "Too few to judge: 1 of 2 current co-coordinators have a recorded gender.",
    ),
    (
        "languages",
        _no_change,
        True,
        "Spanish: Luis Gómez and Ana Pérez; English: Luis Gómez and Ana Pérez.",
    ),
    ("languages", _nobody_english, False, "No current co-coordinator works in English."),
    ("languages", _nobody_spanish, False, "No current co-coordinator works in Spanish."),
    (
        "selection_procedure",
        _selection_documented,
        True,
        f"Procedure documented; next selection due on {_d(datetime.date(2027, 1, 15))}.",
    ),
    (
        "selection_procedure",
        _no_change,
        False,
        "Not recorded: the written procedure, how often selections are held and the date of the last selection.",
    ),
    (
        "selection_procedure",
        _selection_text_only,
        False,
        "Not recorded: how often selections are held and the date of the last selection.",
    ),
    (
        "selection_procedure",
        _selection_overdue,
        False,
        f"The next selection was due on {_d(datetime.date(2025, 1, 15))} "
        f"(last held on {_d(datetime.date(2024, 1, 15))}, every 12 months).",
    ),
]


@pytest.mark.parametrize(
    ("rule", "arrange", "passed", "message"),
    CASES,
    ids=[f"{rule}-{arrange.__name__.strip('_')}" for rule, arrange, *_ in CASES],
)
def test_each_rule_says_in_a_sentence_whether_the_sector_passes(
    world, rule, arrange, passed, message
):
    # given
    arrange(world)
    # when
    finding = _health(world.regional_health).finding(rule)
    # then
    assert finding == governance.Finding(rule, passed, message)


def test_every_rule_is_judged_in_the_order_of_the_page_columns(world):
    health = _health(world.regional_health)
    assert [f.rule for f in health.findings] == list(governance.RULE_LABELS)
    assert len(governance.RULES) == len(governance.RULE_LABELS)


def test_failing_count_counts_the_failing_rules(world):
    # given: the world's only failing rule on Regional Health is the undocumented selection
    # when
    health = _health(world.regional_health)
    # then
    assert [f.rule for f in health.failing] == ["selection_procedure"]
    assert health.failing_count == 1


# --- Boundaries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "passed"), [(59, False), (60, False), (61, True)])
def test_a_term_ending_within_60_days_fails_and_one_ending_on_day_61_passes(world, days, passed):
    # given
    _save(world.ngo_coordinator, term_end=TODAY + datetime.timedelta(days=days))
    # when
    finding = _health(world.regional_health).finding("terms_ending")
    # then
    assert finding.passed is passed


def test_a_selection_due_today_is_not_overdue(world):
    # given: last held 2025-06-01, every 12 months: due 2026-06-01, which is TODAY
    _save(
        world.regional_health,
        selection_procedure="Elected by the partners.",
        selection_interval_months=12,
        last_selection_on=datetime.date(2025, 6, 1),
    )
    # when / then
    assert _health(world.regional_health).finding("selection_procedure").passed
    assert (
        not _health(world.regional_health, TODAY + datetime.timedelta(days=1))
        .finding("selection_procedure")
        .passed
    )


def test_ended_designations_are_ignored_by_every_rule(world):
    # given: IOM co-led earlier with a man whose term ends soon, all ended before TODAY
    before = _health(world.regional_health).findings
    iom_health = CoLeadFactory(
        platform_sector=world.regional_health,
        organization=world.iom,
        term_end=TODAY + datetime.timedelta(days=10),
        ended_on=TODAY - datetime.timedelta(days=5),
    )
    CoCoordinatorFactory(
        co_lead=iom_health,
        person=UserFactory(full_name="Pedro Ruiz", gender="man", speaks_english=False),
        term_end=TODAY + datetime.timedelta(days=10),
        ended_on=TODAY - datetime.timedelta(days=5),
    )
    # and Ana's earlier designation for UNHCR, ended, whose term lapsed
    CoCoordinatorFactory(
        co_lead=world.unhcr_health,
        person=UserFactory(full_name="Marta Díaz"),
        term_end=TODAY - datetime.timedelta(days=40),
        ended_on=TODAY - datetime.timedelta(days=40),
    )
    # when
    after = _health(world.regional_health).findings
    # then
    assert after == before


def test_only_active_regional_sectors_and_sub_sectors_are_judged(world):
    # given
    cash = SectorFactory(code="cash", kind=Sector.Kind.WORKING_GROUP, name_en="Cash Working Group")
    PlatformSectorFactory(platform=world.regional, sector=cash)
    shelter = SectorFactory(code="shelter", name_en="Shelter", position=9)
    PlatformSectorFactory(platform=world.regional, sector=shelter, is_active=False)
    # when
    judged = [h.platform_sector for h in governance.regional_governance(TODAY)]
    # then: Colombia Health (national), the working group and the inactive sector are left out
    assert judged == [
        world.regional_health,
        world.regional_protection,
        world.regional_child_protection,
    ]


# --- Cost ---------------------------------------------------------------------------------------------


def _regional_sectors_with_co_leads(platform, count, start):
    for n in range(start, start + count):
        ps = PlatformSectorFactory(
            platform=platform, sector=SectorFactory(code=f"s{n}", position=n)
        )
        for kind in (Organization.Kind.UN_AGENCY, Organization.Kind.INTERNATIONAL_NGO):
            co_lead = CoLeadFactory(platform_sector=ps, organization=OrganizationFactory(kind=kind))
            CoCoordinatorFactory.create_batch(2, co_lead=co_lead)


def _queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        health = governance.regional_governance(TODAY)
    assert all(len(h.findings) == len(governance.RULES) for h in health)
    return len(ctx.captured_queries), len(health)


def test_the_governance_check_costs_the_same_queries_for_2_and_6_sectors(db):
    # given
    regional = PlatformFactory(code="regional", kind=Platform.Kind.REGIONAL)
    _regional_sectors_with_co_leads(regional, 2, start=0)
    # when
    two = _queries()
    _regional_sectors_with_co_leads(regional, 4, start=2)
    six = _queries()
    # then: sectors, their current co-leads, those co-leads' current co-coordinators
    assert two == (3, 2)
    assert six == (3, 6)


# --- The page -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("partner", 403),
        ("focal_point", 403),
        ("co_coordinator", 403),
        ("platform_team", 403),
        ("regional", 200),
        ("admin", 200),
    ],
)
def test_only_the_regional_team_sees_the_governance_page(client, personas, persona, status):
    # when
    response = client_for(client, personas[persona]).get(reverse("sectors:governance"))
    # then
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("login"))


def test_the_governance_page_shows_each_sector_with_its_findings_and_links(client, world, personas):
    # given
    _save(world.unhcr_coordinator.person, gender="man")
    # when
    response = client_for(client, personas["regional"]).get(reverse("sectors:governance"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    for ps in (world.regional_health, world.regional_protection, world.regional_child_protection):
        assert f'id="sector-{ps.pk}"' in html
        assert reverse("sectors:sector-manage", args=[ps.pk]) in html
        assert ps.get_absolute_url() in html
    assert "All co-coordinators with a recorded gender are men: Luis Gómez and Ana Pérez." in html
    assert f'id="sector-{world.colombia_health.pk}"' not in html
    health = {h.platform_sector.pk: h for h in response.context["health"]}
    assert health[world.regional_health.pk].failing_count == 2
    assert response.context["failing_sectors"] == 3
