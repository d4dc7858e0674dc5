"""Governance health of a platform's sectors: each rule, its severity, its cost, its page, its downloads."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from sectors import governance
from sectors.governance import Severity
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
    return next(
        h
        for h in governance.platform_governance(ps.platform, today)
        if h.platform_sector.pk == ps.pk
    )


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


def _selection_documented(w):
    _save(
        w.regional_health,
        selection_procedure_en="Co-leads are elected by the sector's partners every two years.",
        selection_interval_months=24,
        last_selection_on=datetime.date(2025, 1, 15),
    )


def _selection_overdue(w):
    _save(
        w.regional_health,
        selection_procedure_en="Elected by the partners every year.",
        selection_interval_months=12,
        last_selection_on=datetime.date(2024, 1, 15),
    )


def _selection_text_only(w):
    _save(w.regional_health, selection_procedure_en="Elected by the partners.")


def _iom_joins(w):
    CoLeadFactory(platform_sector=w.regional_health, organization=w.iom)


def _ana_also_for_cs_and_luis_leaves(w):
    CoCoordinatorFactory(co_lead=w.ngo_health, person=w.unhcr_coordinator.person)
    _save(w.ngo_coordinator, ended_on=TODAY)


def _ana_also_for_cs(w):
    CoCoordinatorFactory(co_lead=w.ngo_health, person=w.unhcr_coordinator.person)


def _one_language_each(w):
    # Between them they cover both languages; neither is bilingual.
    _save(w.unhcr_coordinator.person, speaks_english=False)
    _save(w.ngo_coordinator.person, speaks_spanish=False)


def _ana_speaks_neither(w):
    _save(w.unhcr_coordinator.person, speaks_english=False, speaks_spanish=False)


def _nobody_coordinates(w):
    _save(w.unhcr_coordinator, ended_on=TODAY)
    _save(w.ngo_coordinator, ended_on=TODAY)


FAIL, WARNING, RECOMMENDATION, NOT_JUDGED, PASS = (
    Severity.FAIL,
    Severity.WARNING,
    Severity.RECOMMENDATION,
    Severity.NOT_JUDGED,
    Severity.PASS,
)

CASES = [
    ("un_and_ngo_co_leads", _no_change, PASS, "UN agency: UNHCR; NGO or civil society: CS."),
    (
        "un_and_ngo_co_leads",
        _iom_joins,
        PASS,
        "UN agency: IOM and UNHCR; NGO or civil society: CS.",
    ),
    (
        "un_and_ngo_co_leads",
        _iom_replaces_ngo,
        FAIL,
        "No NGO or civil-society co-lead: the co-leads are IOM and UNHCR.",
    ),
    ("un_and_ngo_co_leads", _unhcr_ends, FAIL, "No UN agency co-lead: the co-leads are CS."),
    (
        "un_and_ngo_co_leads",
        _only_authority,
        FAIL,
        "No UN agency and no NGO or civil-society co-lead: the co-leads are MINSA.",
    ),
    (
        "un_and_ngo_co_leads",
        _both_end,
        FAIL,
        "No current co-lead: the sector needs at least one UN agency and one NGO or civil-society co-lead.",
    ),
    (
        "co_lead_balance",
        _no_change,
        PASS,
        "Balanced: 1 UN agency and 1 NGO or civil-society organization.",
    ),
    (
        "co_lead_balance",
        _iom_joins,
        WARNING,
        "Not balanced: 2 UN agencies and 1 NGO or civil-society organization. The guidance asks "
        "for balance wherever possible.",
    ),
    (
        "co_lead_balance",
        _iom_replaces_ngo,
        WARNING,
        "Not balanced: 2 UN agencies and 0 NGOs or civil-society organizations. The guidance asks "
        "for balance wherever possible.",
    ),
    (
        "co_lead_balance",
        _only_authority,
        NOT_JUDGED,
        "No current UN agency or NGO co-lead, so there is no balance to judge.",
    ),
    (
        "co_lead_balance",
        _both_end,
        NOT_JUDGED,
        "No current UN agency or NGO co-lead, so there is no balance to judge.",
    ),
    (
        "co_coordinator_per_co_lead",
        _no_change,
        PASS,
        "Each co-lead has a current co-coordinator of its own: CS (Luis Gómez); UNHCR (Ana Pérez).",
    ),
    ("co_coordinator_per_co_lead", _ana_leaves, FAIL, "UNHCR has no current co-coordinator."),
    (
        "co_coordinator_per_co_lead",
        _ana_starts_later,
        FAIL,
        "UNHCR has no current co-coordinator.",
    ),
    (
        "co_coordinator_per_co_lead",
        _both_end,
        FAIL,
        "No current co-lead, so nobody co-coordinates the sector.",
    ),
    (
        "co_coordinator_per_co_lead",
        _unhcr_ends,
        FAIL,
        "CS is the only co-lead: nobody from another co-lead organization complements Luis Gómez.",
    ),
    (
        "co_coordinator_per_co_lead",
        _ana_also_for_cs_and_luis_leaves,
        FAIL,
        "The same person co-coordinates for more than one co-lead: Ana Pérez for CS and UNHCR. "
        "Each co-lead organization needs a co-coordinator of its own.",
    ),
    (
        "co_coordinator_per_co_lead",
        _ana_also_for_cs,
        PASS,
        "Each co-lead has a current co-coordinator of its own: CS (Ana Pérez and Luis Gómez); "
        "UNHCR (Ana Pérez).",
    ),
    (
        "bilingual",
        _no_change,
        PASS,
        "Every co-coordinator works in Spanish and English: Luis Gómez and Ana Pérez.",
    ),
    (
        "bilingual",
        _one_language_each,
        FAIL,
        "Each co-coordinator should work in both Spanish and English: Luis Gómez does not work "
        "in Spanish; Ana Pérez does not work in English.",
    ),
    (
        "bilingual",
        _ana_speaks_neither,
        FAIL,
        "Each co-coordinator should work in both Spanish and English: Ana Pérez works in neither.",
    ),
    (
        "bilingual",
        _nobody_english,
        FAIL,
        "Each co-coordinator should work in both Spanish and English: Luis Gómez does not work "
        "in English; Ana Pérez does not work in English.",
    ),
    (
        "bilingual",
        _nobody_coordinates,
        NOT_JUDGED,
        "No current co-coordinator, so nobody to judge.",
    ),
    ("gender_balance", _no_change, PASS, "Co-coordinators include 1 woman and 1 man."),
    (
        "gender_balance",
        _both_men,
        WARNING,
        "All co-coordinators with a recorded gender are men: Luis Gómez and Ana Pérez.",
    ),
    (
        "gender_balance",
        _both_women,
        WARNING,
        "All co-coordinators with a recorded gender are women: Luis Gómez and Ana Pérez.",
    ),
    (
        "gender_balance",
        _ana_gender_undisclosed,
        NOT_JUDGED,
        "Too few to judge: 1 of 2 current co-coordinators have a recorded gender.",
    ),
    (
        "gender_balance",
        _ana_leaves,
        NOT_JUDGED,
        "Too few to judge: 1 of 1 current co-coordinator has a recorded gender.",
    ),
    (
        "gender_balance",
        _nobody_coordinates,
        NOT_JUDGED,
        "No current co-coordinator, so there is no balance to judge.",
    ),
    (
        "selection_procedure",
        _selection_documented,
        PASS,
        f"Procedure documented; next selection due on {_d(datetime.date(2027, 1, 15))}.",
    ),
    (
        "selection_procedure",
        _no_change,
        RECOMMENDATION,
        "Not recorded: the written procedure, how often selections are held and the date of the "
        "last selection. The guidance recommends a written, regular and democratic procedure for "
        "selecting co-lead organizations and co-coordinators.",
    ),
    (
        "selection_procedure",
        _selection_text_only,
        RECOMMENDATION,
        "Not recorded: how often selections are held and the date of the last selection. The "
        "guidance recommends a written, regular and democratic procedure for selecting co-lead "
        "organizations and co-coordinators.",
    ),
    (
        "selection_procedure",
        _selection_overdue,
        RECOMMENDATION,
        f"The next selection was due on {_d(datetime.date(2025, 1, 15))} "
        f"(last held on {_d(datetime.date(2024, 1, 15))}, every 12 months).",
    ),
    ("terms_ending", _no_change, PASS, "No co-lead or co-coordinator term ends within 60 days."),
    (
        "terms_ending",
        _unhcr_term_ends_in_30_days,
        WARNING,
        f"Terms to renew or replace within 60 days: UNHCR as co-lead: the term ends on {_d(datetime.date(2026, 7, 1))}.",
    ),
    (
        "terms_ending",
        _luis_term_lapsed,
        WARNING,
        "Terms to renew or replace within 60 days: Luis Gómez as co-coordinator for CS: the term ended on "
        f"{_d(datetime.date(2026, 5, 31))} and the designation is still open.",
    ),
    (
        "terms_ending",
        _both_end,
        NOT_JUDGED,
        "No current co-lead or co-coordinator, so no term to check.",
    ),
]


@pytest.mark.parametrize(
    ("rule", "arrange", "severity", "message"),
    CASES,
    ids=[f"{rule}-{arrange.__name__.strip('_')}" for rule, arrange, *_ in CASES],
)
def test_each_rule_gives_a_severity_and_says_why_in_a_sentence(
    world, rule, arrange, severity, message
):
    # given
    arrange(world)
    # when
    finding = _health(world.regional_health).finding(rule)
    # then
    assert finding == governance.Finding(rule, severity, message)


def test_every_rule_is_judged_in_the_order_of_rules(world):
    health = _health(world.regional_health)
    assert [f.rule for f in health.findings] == [rule.code for rule in governance.RULES]
    assert [f.rule for f in health.findings] == [
        "un_and_ngo_co_leads",
        "co_lead_balance",
        "co_coordinator_per_co_lead",
        "bilingual",
        "gender_balance",
        "selection_procedure",
        "terms_ending",
    ]


def test_counts_and_worst_severity_tell_a_failure_from_a_recommendation(world):
    # given: the world's only open point on Regional Health is the undocumented selection
    # when
    health = _health(world.regional_health)
    # then
    assert (health.failing_count, health.warning_count, health.recommendation_count) == (0, 0, 1)
    assert health.worst == Severity.RECOMMENDATION
    # when: a second UN agency joins and Ana leaves
    _iom_joins(world)
    _ana_leaves(world)
    health = _health(world.regional_health)
    # then: IOM and UNHCR have no co-coordinator (fail), 2 UN + 1 NGO (warning)
    assert (health.failing_count, health.warning_count, health.recommendation_count) == (1, 1, 1)
    assert health.worst == Severity.FAIL


def test_each_rule_names_its_basis_and_ours_says_it_is_not_in_the_guidance():
    basis = {rule.code: str(rule.basis) for rule in governance.RULES}
    assert basis["terms_ending"] == (
        "Not in the guidance: an R4V Coordination check that warns 60 days before a co-lead or "
        "co-coordinator term ends."
    )
    assert basis["selection_procedure"].startswith("Guidance §III, a recommendation:")
    assert "co-lead organizations and/or co-coordinators" in basis["selection_procedure"]
    assert "wherever possible" in basis["co_lead_balance"]
    assert all(
        text.startswith("Guidance §") for code, text in basis.items() if code != "terms_ending"
    )


# --- Boundaries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "severity"), [(59, Severity.WARNING), (60, Severity.WARNING), (61, Severity.PASS)]
)
def test_a_term_ending_within_60_days_warns_and_one_ending_on_day_61_passes(world, days, severity):
    # given
    _save(world.ngo_coordinator, term_end=TODAY + datetime.timedelta(days=days))
    # when
    finding = _health(world.regional_health).finding("terms_ending")
    # then
    assert finding.severity == severity


def test_a_selection_due_today_is_not_overdue(world):
    # given: last held 2025-06-01, every 12 months: due 2026-06-01, which is TODAY
    _save(
        world.regional_health,
        selection_procedure_en="Elected by the partners.",
        selection_interval_months=12,
        last_selection_on=datetime.date(2025, 6, 1),
    )
    # when / then
    assert _health(world.regional_health).finding("selection_procedure").severity == Severity.PASS
    tomorrow = _health(world.regional_health, TODAY + datetime.timedelta(days=1))
    assert tomorrow.finding("selection_procedure").severity == Severity.RECOMMENDATION


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


def test_only_the_platforms_active_sectors_and_sub_sectors_are_judged(world):
    # given
    cash = SectorFactory(code="cash", kind=Sector.Kind.WORKING_GROUP, name_en="Cash Working Group")
    PlatformSectorFactory(platform=world.regional, sector=cash)
    shelter = SectorFactory(code="shelter", name_en="Shelter", position=9)
    PlatformSectorFactory(platform=world.regional, sector=shelter, is_active=False)
    # when
    regional = [h.platform_sector for h in governance.platform_governance(world.regional, TODAY)]
    colombia = [h.platform_sector for h in governance.platform_governance(world.colombia, TODAY)]
    # then: the working group and the inactive sector are left out; each platform its own
    assert regional == [
        world.regional_health,
        world.regional_protection,
        world.regional_child_protection,
    ]
    assert colombia == [world.colombia_health]


def test_a_national_sector_is_judged_by_the_same_rules_except_spanish_and_english(world):
    # given: Colombia Health co-led by UNHCR alone, with a co-coordinator who works in Spanish only
    co_lead = CoLeadFactory(platform_sector=world.colombia_health, organization=world.unhcr)
    CoCoordinatorFactory(
        co_lead=co_lead, person=UserFactory(full_name="Rocío León", speaks_english=False)
    )
    # when
    health = _health(world.colombia_health)
    # then
    assert health.finding("bilingual") == governance.Finding(
        "bilingual",
        Severity.NOT_JUDGED,
        "Asked of regional co-coordinators, to coordinate with all 17 countries; not judged on "
        "national and sub-regional platforms.",
    )
    assert health.finding("un_and_ngo_co_leads").severity == Severity.FAIL
    assert health.finding("co_coordinator_per_co_lead").severity == Severity.FAIL
    assert health.finding("gender_balance").severity == Severity.NOT_JUDGED


def test_a_national_sector_with_nobody_yet_fails_the_co_lead_rules_and_judges_no_people(world):
    # when
    health = _health(world.colombia_health)
    # then
    assert {f.rule: f.severity for f in health.findings} == {
        "un_and_ngo_co_leads": Severity.FAIL,
        "co_lead_balance": Severity.NOT_JUDGED,
        "co_coordinator_per_co_lead": Severity.FAIL,
        "bilingual": Severity.NOT_JUDGED,
        "gender_balance": Severity.NOT_JUDGED,
        "selection_procedure": Severity.RECOMMENDATION,
        "terms_ending": Severity.NOT_JUDGED,
    }


# --- Cost ---------------------------------------------------------------------------------------------


def _sectors_with_co_leads(platform, count, start):
    for n in range(start, start + count):
        ps = PlatformSectorFactory(
            platform=platform, sector=SectorFactory(code=f"s{n}", position=n)
        )
        for kind in (Organization.Kind.UN_AGENCY, Organization.Kind.INTERNATIONAL_NGO):
            co_lead = CoLeadFactory(platform_sector=ps, organization=OrganizationFactory(kind=kind))
            CoCoordinatorFactory.create_batch(2, co_lead=co_lead)


def _queries(platform) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        health = governance.platform_governance(platform, TODAY)
    assert all(len(h.findings) == len(governance.RULES) for h in health)
    return len(ctx.captured_queries), len(health)


def test_the_governance_check_costs_the_same_queries_for_2_and_6_sectors(db):
    # given
    national = PlatformFactory(code="peru", kind=Platform.Kind.NATIONAL)
    _sectors_with_co_leads(national, 2, start=0)
    # when
    two = _queries(national)
    _sectors_with_co_leads(national, 4, start=2)
    six = _queries(national)
    # then: sectors, their current co-leads, those co-leads' current co-coordinators
    assert two == (3, 2)
    assert six == (3, 6)


# Session and user (2), the user's scope as `sectors.policy` reads it (2: their role
# assignments, and every platform for the Regional Platform team), the platforms of the filter
# (1), sectors, their current co-leads and those co-leads' co-coordinators (3).
# + 1: django-otp reads the device that verified the session (r4v/mfa.py).
PAGE_QUERIES = 9
# The page also shows the calendar's meeting discipline (meetings' template tag): the sittings
# of the period, their invitations and minutes, whatever the number of sectors.
DISCIPLINE_QUERIES = 3


@pytest.mark.parametrize("url_name", ["governance", "governance-csv", "governance-xlsx"])
def test_the_page_and_downloads_cost_the_same_queries_for_2_and_6_sectors(
    client, personas, django_assert_num_queries, url_name
):
    # given
    regional = Platform.objects.get(code="regional")
    _sectors_with_co_leads(regional, 2, start=100)
    client = client_for(client, personas["regional"])
    url = reverse(f"sectors:{url_name}")
    client.get(url)  # fills the process-wide content-type cache, which a running site has warm
    # when / then
    with django_assert_num_queries(
        PAGE_QUERIES + (DISCIPLINE_QUERIES if url_name == "governance" else 0)
    ):
        assert client.get(url).status_code == 200
    _sectors_with_co_leads(regional, 4, start=102)
    with django_assert_num_queries(
        PAGE_QUERIES + (DISCIPLINE_QUERIES if url_name == "governance" else 0)
    ):
        response = client.get(url)
    assert response.status_code == 200
    if url_name == "governance":
        assert len(response.context["health"]) == 9


# --- The page -------------------------------------------------------------------------------------------

GOVERNANCE_URLS = ["governance", "governance-csv", "governance-xlsx"]


@pytest.mark.parametrize("url_name", GOVERNANCE_URLS)
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
def test_only_the_regional_team_sees_the_governance_page_and_downloads(
    client, personas, persona, status, url_name
):
    # when
    response = client_for(client, personas[persona]).get(reverse(f"sectors:{url_name}"))
    # then
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("login"))


def _page(client, user, **params):
    response = client_for(client, user).get(reverse("sectors:governance"), params)
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_page_shows_each_regional_sector_with_its_findings_and_links(client, world, personas):
    # given
    _save(world.unhcr_coordinator.person, gender="man")
    # when
    response, html = _page(client, personas["regional"])
    # then
    for ps in (world.regional_health, world.regional_protection, world.regional_child_protection):
        assert f'id="sector-{ps.pk}"' in html
        assert f'id="row-{ps.pk}"' in html
        assert reverse("sectors:sector-manage", args=[ps.pk]) in html
        assert ps.get_absolute_url() in html
    assert "All co-coordinators with a recorded gender are men: Luis Gómez and Ana Pérez." in html
    assert f'id="sector-{world.colombia_health.pk}"' not in html
    assert response.context["platform"] == world.regional
    health = {h.platform_sector.pk: h for h in response.context["health"]}
    assert health[world.regional_health.pk].worst == Severity.WARNING
    # Protection and Child Protection have no co-lead: they fail
    assert (response.context["failing_sectors"], response.context["warning_sectors"]) == (2, 1)


def test_each_severity_is_shown_distinctly_on_the_page(client, world, personas):
    # given: Regional Health has a warning (gender), a recommendation (selection), a pass and,
    # once Ana's gender is undisclosed... here: both men -> warning
    _save(world.unhcr_coordinator.person, gender="man")
    # when
    _, html = _page(client, personas["regional"])
    # then: one badge style and one word per severity, and the finding says which
    health_card = html[html.index(f'id="sector-{world.regional_health.pk}"') :]
    health_card = health_card[: health_card.index("</section>")]
    assert 'data-rule="gender_balance" data-severity="warning"' in health_card
    assert 'data-rule="selection_procedure" data-severity="recommendation"' in health_card
    assert 'data-rule="un_and_ngo_co_leads" data-severity="pass"' in health_card
    protection_card = html[html.index(f'id="sector-{world.regional_protection.pk}"') :]
    assert 'data-rule="un_and_ngo_co_leads" data-severity="fail"' in protection_card
    assert 'data-rule="gender_balance" data-severity="not_judged"' in protection_card
    for tone, word in [
        ("danger", "Fail"),
        ("warning", "Warning"),
        ("info", "Recommendation"),
        ("secondary", "Not judged"),
        ("success", "Pass"),
    ]:
        assert f'<span class="badge text-bg-{tone}">{word}</span>' in html


def test_the_page_credits_the_guidance_only_with_what_it_says(client, world, personas):
    # when
    _, html = _page(client, personas["regional"])
    # then: the 60-day check is ours; the selection procedure is a recommendation
    assert "The term check is ours, not the guidance's." in html
    assert (
        "Not in the guidance: an R4V Coordination check that warns 60 days before a co-lead or "
        "co-coordinator term ends."
    ) in html
    assert "Guidance §III, a recommendation:" in html
    assert "terms ending within 60 days" not in html


def test_the_page_filters_by_platform_and_says_how_national_sectors_are_judged(
    client, world, personas
):
    # when
    response, html = _page(client, personas["regional"], platform="colombia")
    # then
    assert response.context["platform"] == world.colombia
    assert [h.platform_sector for h in response.context["health"]] == [world.colombia_health]
    assert f'id="sector-{world.colombia_health.pk}"' in html
    assert f'id="sector-{world.regional_health.pk}"' not in html
    assert 'id="governance-national-note"' in html
    assert '<option value="colombia" selected>' in html
    assert f"{reverse('sectors:governance-csv')}?platform=colombia" in html
    assert f"{reverse('sectors:governance-xlsx')}?platform=colombia" in html
    # and the regional page carries no national note
    _, regional_html = _page(client, personas["regional"])
    assert 'id="governance-national-note"' not in regional_html


def test_a_platform_without_sectors_says_nothing_is_judged(client, world, personas):
    # given
    PlatformFactory(code="peru", kind=Platform.Kind.NATIONAL, name_en="Peru", name_es="Perú")
    # when
    response, html = _page(client, personas["regional"], platform="peru")
    # then
    assert response.context["health"] == []
    assert "No sector or sub-sector is active on this platform yet: nothing to judge." in html


@pytest.mark.parametrize("url_name", GOVERNANCE_URLS)
def test_an_unknown_platform_answers_404(client, world, personas, url_name):
    # when
    response = client_for(client, personas["regional"]).get(
        reverse(f"sectors:{url_name}"), {"platform": "atlantis"}
    )
    # then
    assert response.status_code == 404


# --- Downloads ------------------------------------------------------------------------------------------

HEADER = [
    "Platform",
    "Sector",
    "Parent sector",
    "Sector code",
    "Rule",
    "Basis",
    "Result",
    "Finding",
    "Checked on",
]


def _download(client, user, url_name, **params):
    response = client_for(client, user).get(reverse(f"sectors:{url_name}"), params)
    assert response.status_code == 200
    return response


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_rows(response) -> list[list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def _expected_rows(platform, today) -> list[list[str]]:
    rows = []
    for health in governance.platform_governance(platform, today):
        ps = health.platform_sector
        for rule, finding in zip(governance.RULES, health.findings, strict=True):
            rows.append(
                [
                    ps.platform.name,
                    ps.sector.name,
                    ps.sector.parent.name if ps.sector.parent else "",
                    ps.sector.code,
                    str(rule.label),
                    str(rule.basis),
                    str(finding.severity.label),
                    finding.message,
                    today.isoformat(),
                ]
            )
    return rows


@pytest.mark.parametrize(
    ("url_name", "read"), [("governance-csv", _csv_rows), ("governance-xlsx", _xlsx_rows)]
)
def test_the_download_holds_one_row_per_sector_and_rule_as_the_page_judges_them(
    client, world, personas, url_name, read
):
    # given
    today = timezone.localdate()
    # when
    response = _download(client, personas["regional"], url_name)
    rows = read(response)
    # then
    extension = url_name.split("-")[1]
    assert response["Content-Disposition"] == (
        f'attachment; filename="governance-regional-{today.isoformat()}.{extension}"'
    )
    assert rows[0] == HEADER
    assert rows[1:] == _expected_rows(world.regional, today)
    assert len(rows) == 1 + 3 * len(governance.RULES)
    assert rows[1][:8] == [
        "Regional Platform",
        "Health",
        "",
        "health",
        "UN and NGO co-leads",
        str(governance.RULES[0].basis),
        "Pass",
        "UN agency: UNHCR; NGO or civil society: CS.",
    ]
    child = next(r for r in rows if r[3] == "child-protection")
    assert child[2] == "Protection"


@pytest.mark.parametrize(
    ("url_name", "read"), [("governance-csv", _csv_rows), ("governance-xlsx", _xlsx_rows)]
)
def test_the_download_follows_the_platform_filter(client, world, personas, url_name, read):
    # when
    rows = read(_download(client, personas["regional"], url_name, platform="colombia"))
    # then
    assert {r[0] for r in rows[1:]} == {"Colombia"}
    assert {r[3] for r in rows[1:]} == {"health"}
    bilingual = next(r for r in rows if r[4] == "Bilingual Spanish / English")
    assert bilingual[6] == "Not judged"


def test_a_name_that_looks_like_a_formula_stays_text_in_both_downloads(client, world, personas):
    # given: an organization whose name a spreadsheet would run as a formula
    _save(world.ngo, acronym="", name='=HYPERLINK("https://evil.example","x")')
    # and a finding that starts with that name ("... has no current co-coordinator.")
    _save(world.ngo_coordinator, ended_on=TODAY)
    # when
    csv_rows = _csv_rows(_download(client, personas["regional"], "governance-csv"))
    workbook = openpyxl.load_workbook(
        io.BytesIO(_download(client, personas["regional"], "governance-xlsx").content)
    )
    # then: the CSV cell is prefixed so it stays text, the XLSX cell is a string, not a formula
    csv_cells = [cell for row in csv_rows for cell in row if "HYPERLINK" in cell]
    assert csv_cells and all(not cell.startswith("=") for cell in csv_cells)
    assert """'=HYPERLINK("https://evil.example","x") has no current co-coordinator.""" in csv_cells
    xlsx_cells = [
        cell
        for row in workbook.active.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert xlsx_cells and all(cell.data_type == "s" for cell in xlsx_cells)
