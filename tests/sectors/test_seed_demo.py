import datetime
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from r4v.models import User
from sectors import governance, policy
from sectors.governance import Severity
from sectors.models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    RoleAssignment,
)
from sectors.policy import scope_of

pytestmark = pytest.mark.django_db

Role = RoleAssignment.Role
LOGIN_ROW = re.compile(
    r"^(?P<email>\S+@demo\.r4v\.local)\s{2,}(?P<role>.+?)\s{2,}(?P<password>\S+)$"
)


def seed_demo() -> str:
    out = StringIO()
    # pytest-django runs with DEBUG off, where the command wants to be told explicitly.
    call_command("seed_demo", allow_without_debug=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_output() -> str:
    call_command("load_structure", stdout=StringIO())
    return seed_demo()


def printed_logins(output: str) -> list[dict]:
    return [m.groupdict() for line in output.splitlines() if (m := LOGIN_ROW.match(line))]


def counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in {"r4v", "sectors"} or m.__name__.startswith("Historical")
    }


def test_prints_one_login_per_role_and_each_authenticates_with_its_printed_password(demo_output):
    # when
    logins = printed_logins(demo_output)
    # then
    assert [(row["email"], row["password"]) for row in logins] == [
        ("admin@demo.r4v.local", "demo-administrator-2026"),
        ("regional.team@demo.r4v.local", "demo-regional-team-2026"),
        ("colombia.team@demo.r4v.local", "demo-platform-team-2026"),
        ("peru.team@demo.r4v.local", "demo-platform-team-2026"),
        ("caribbean.team@demo.r4v.local", "demo-platform-team-2026"),
        ("co-coordinator@demo.r4v.local", "demo-co-coordinator-2026"),
        ("peru.coordinator@demo.r4v.local", "demo-co-coordinator-2026"),
        ("focal.point@demo.r4v.local", "demo-co-lead-focal-point-2026"),
        ("partner@demo.r4v.local", "demo-partner-member-2026"),
    ]
    roles = {}
    for row in logins:
        user = authenticate(username=row["email"], password=row["password"])
        assert user is not None, row["email"]
        roles[row["email"]] = set(
            user.roles.filter(revoked_at__isnull=True).values_list("role", flat=True)
        )
    assert roles == {
        "admin@demo.r4v.local": {Role.ADMINISTRATOR},
        "regional.team@demo.r4v.local": {Role.REGIONAL_TEAM},
        "colombia.team@demo.r4v.local": {Role.PLATFORM_TEAM},
        "peru.team@demo.r4v.local": {Role.PLATFORM_TEAM},
        "caribbean.team@demo.r4v.local": {Role.PLATFORM_TEAM},
        "co-coordinator@demo.r4v.local": {Role.CO_COORDINATOR},
        "peru.coordinator@demo.r4v.local": {Role.CO_COORDINATOR},
        "focal.point@demo.r4v.local": {Role.CO_LEAD_FOCAL_POINT},
        "partner@demo.r4v.local": {Role.PARTNER_MEMBER},
    }
    assert "DEMO logins" in demo_output
    assert demo_output.splitlines()[0] == "Demo data: 79 created, 0 already present."


def test_role_logins_sit_on_the_scopes_they_describe(demo_output):
    # given
    by_email = {
        a.user.email: a
        for a in RoleAssignment.objects.select_related(
            "user",
            "platform",
            "organization",
            "platform_sector__platform",
            "platform_sector__sector",
        )
    }
    # then
    assert by_email["regional.team@demo.r4v.local"].platform.code == "regional"
    assert by_email["colombia.team@demo.r4v.local"].platform.code == "colombia"
    coordinator = by_email["co-coordinator@demo.r4v.local"]
    assert (coordinator.platform_sector.platform.code, coordinator.platform_sector.sector.code) == (
        "regional",
        "health",
    )
    assert CoCoordinatorDesignation.objects.open().get(
        person=coordinator.user
    ).co_lead.organization.name == ("Caminos Compartidos (demo)")
    focal_org = by_email["focal.point@demo.r4v.local"].organization
    assert focal_org.name.endswith(" (demo)")
    assert focal_org.co_leads.open().count() == 2
    partner_org = by_email["partner@demo.r4v.local"].organization
    assert partner_org.memberships.filter(left_on__isnull=True).count() == 3
    assert User.objects.get(email="admin@demo.r4v.local").is_superuser is True


def test_the_demo_shows_texts_and_names_in_the_readers_language_and_a_fallback(demo_output):
    # then: PAHO/WHO is OPS/OMS to a Spanish reader
    paho = Organization.objects.get(acronym="PAHO/WHO")
    with translation.override("es"):
        assert str(paho) == "OPS/OMS"
        # and Health and Protection have a Spanish purpose; Education falls back to English
        regional = PlatformSector.objects.filter(platform__code="regional")
        purposes = {ps.sector.code: ps.purpose for ps in regional.select_related("sector")}
    assert (purposes["health"].language, purposes["protection"].language) == ("es", "es")
    assert purposes["education"].is_fallback and purposes["education"].language == "en"
    # and the documented selection procedures are written in both languages
    documented = regional.exclude(selection_procedure_en="")
    assert documented.count() == 4 and not documented.filter(selection_procedure_es="").exists()


def test_only_fictional_organizations_labelled_demo_hold_demo_roles(demo_output):
    # then: ten fictional organizations, UN agencies among them, each named "... (demo)"
    demo = Organization.objects.filter(name__endswith=" (demo)")
    assert demo.count() == 10
    assert set(demo.values_list("acronym", flat=True)) == {""}
    assert demo.filter(kind="un_agency").count() == 4
    # and the only real organizations are the platforms' co-leads load_structure records and
    # PAHO/WHO, there for its Spanish name
    assert sorted(
        Organization.objects.exclude(name__endswith=" (demo)").values_list("acronym", flat=True)
    ) == ["IOM", "PAHO/WHO", "UNHCR"]
    # which no demo sector names as co-lead or partner: every page showing one shows "(demo)"
    assert not CoLeadDesignation.objects.exclude(organization__name__endswith=" (demo)").exists()
    assert not PartnerMembership.objects.exclude(organization__name__endswith=" (demo)").exists()
    assert CoLeadDesignation.objects.count() == 28


def _regional_findings(rule: str) -> dict[str, governance.Finding]:
    regional = Platform.objects.get(code="regional")
    return {
        health.platform_sector.sector.code: health.finding(rule)
        for health in governance.platform_governance(regional, timezone.localdate())
    }


def test_three_regional_sectors_fail_the_un_and_ngo_rule_and_four_are_only_unbalanced(
    demo_output,
):
    # when
    un_and_ngo = _regional_findings("un_and_ngo_co_leads")
    balance = _regional_findings("co_lead_balance")
    # then
    assert len(un_and_ngo) == 12
    assert sorted(code for code, f in un_and_ngo.items() if f.severity == Severity.FAIL) == [
        "gender-based-violence",
        "humanitarian-transportation",
        "nutrition",
    ]
    # Shelter (2 UN + 1 NGO) passes the rule and is only a warning on balance
    assert un_and_ngo["shelter"].severity == Severity.PASS
    assert sorted(code for code, f in balance.items() if f.severity == Severity.WARNING) == [
        "gender-based-violence",
        "humanitarian-transportation",
        "nutrition",
        "shelter",
    ]


def test_the_demo_shows_each_people_rule_failing_for_the_reason_the_seed_gives(demo_output):
    # when
    bilingual = _regional_findings("bilingual")
    per_co_lead = _regional_findings("co_coordinator_per_co_lead")
    gender = _regional_findings("gender_balance")
    # then: one monolingual co-coordinator is enough to fail, whatever the other speaks
    assert sorted(code for code, f in bilingual.items() if f.severity == Severity.FAIL) == [
        "education",
        "food-security",
        "integration",
        "protection",
    ]
    assert bilingual["health"].severity == Severity.PASS
    # one person designated by both co-leads of Child Protection stands for one of them only
    assert per_co_lead["child-protection"].severity == Severity.FAIL
    assert per_co_lead["child-protection"].message.startswith(
        "The same person co-coordinates for more than one co-lead: Rosa Aguilar for "
    )
    # Food Security has one recorded gender among two people: not judged, not passed
    assert gender["food-security"].severity == Severity.NOT_JUDGED
    assert gender["health"].severity == Severity.PASS


def test_the_demo_governance_view_shows_every_severity(demo_output):
    # when
    regional = Platform.objects.get(code="regional")
    severities = {
        f.severity
        for health in governance.platform_governance(regional, timezone.localdate())
        for f in health.findings
    }
    # then
    assert severities == set(Severity)


def test_exactly_one_co_lead_term_ends_within_60_days(demo_output):
    # given
    today = timezone.localdate()
    # when
    expiring = CoLeadDesignation.objects.open().filter(
        term_end__gte=today, term_end__lte=today + datetime.timedelta(days=60)
    )
    # then
    assert [(d.platform_sector.sector.code, d.organization.name) for d in expiring] == [
        ("health", "Caminos Compartidos (demo)")
    ]


def test_co_coordinators_vary_in_gender_and_languages_and_got_the_sector_role(demo_output):
    # given
    designations = CoCoordinatorDesignation.objects.open().select_related(
        "person", "co_lead__platform_sector"
    )
    people = [d.person for d in designations]
    # then
    assert len(designations) == 14
    assert {p.gender for p in people} == {"woman", "man", "other", "undisclosed"}
    assert {(p.speaks_spanish, p.speaks_english) for p in people} == {
        (True, True),
        (True, False),
        (False, True),
    }
    assert all(p.email.endswith("@demo.r4v.local") for p in people)
    for d in designations:
        assert d.co_lead.platform_sector_id in scope_of(d.person).coordinated_sector_ids


def test_colombia_health_is_activated_with_partners(demo_output):
    # when
    colombia_health = PlatformSector.objects.get(platform__code="colombia", sector__code="health")
    # then
    assert colombia_health.is_active is True
    assert PlatformSector.objects.exclude(platform__code="regional").count() == 2
    assert sorted(
        PartnerMembership.objects.filter(platform_sector=colombia_health).values_list(
            "organization__name", flat=True
        )
    ) == ["Caminos Compartidos (demo)", "Fundación Puentes (demo)"]


def test_peru_health_is_a_national_sector_whose_co_coordinator_logs_in_and_the_caribbean_has_none(
    demo_output,
):
    # given
    peru_health = PlatformSector.objects.get(platform__code="peru", sector__code="health")
    peru = Platform.objects.get(code="peru")
    caribbean = Platform.objects.get(code="caribbean")
    # when
    national = policy.holders(policy.Party.NATIONAL_SECTOR, peru_health)
    caribbean_health = policy.Where(platform_id=caribbean.pk, sector_id=peru_health.sector_id)
    # then: a UN agency and an NGO co-lead it, each with a co-coordinator
    assert peru_health.is_active is True
    assert sorted(
        peru_health.co_leads.open().values_list("organization__name", "organization__kind")
    ) == [("Agencia ONU Andes (demo)", "un_agency"), ("Fundación Puentes (demo)", "national_ngo")]
    assert sorted(national.values_list("email", flat=True)) == [
        "ines.flores@demo.r4v.local",
        "peru.coordinator@demo.r4v.local",
    ]
    # and the printed co-coordinator login holds the sector's role there
    assert RoleAssignment.objects.get(
        user__email="peru.coordinator@demo.r4v.local", revoked_at__isnull=True
    ).platform_sector == (peru_health)
    # and the two platform teams that draft the PiN of the two walks are there
    assert list(policy.holders(policy.Party.PLATFORM, peru).values_list("email", flat=True)) == [
        "peru.team@demo.r4v.local"
    ]
    assert list(
        policy.holders(policy.Party.PLATFORM, caribbean).values_list("email", flat=True)
    ) == ["caribbean.team@demo.r4v.local"]
    # and the Caribbean has no National Health Sector: the Regional one clears in its place
    assert not policy.holders(policy.Party.NATIONAL_SECTOR, caribbean_health).exists()


def test_second_run_duplicates_nothing_and_reprints_the_same_table(demo_output):
    # given
    before = counts()
    # when
    again = seed_demo()
    # then
    assert counts() == before
    assert again.splitlines()[0] == "Demo data: 0 created, 79 already present."
    assert printed_logins(again) == printed_logins(demo_output)


def test_a_changed_demo_password_is_reset_on_the_next_run(demo_output):
    # given
    partner = User.objects.get(email="partner@demo.r4v.local")
    partner.set_password("something-else-entirely")
    partner.save()
    # when
    again = seed_demo()
    # then
    assert again.splitlines()[0] == "Demo data: 1 created, 78 already present."
    assert (
        authenticate(username="partner@demo.r4v.local", password="demo-partner-member-2026")
        == partner
    )


def test_refuses_to_run_with_debug_off_unless_told(settings):
    # given
    call_command("load_structure", stdout=StringIO())
    settings.DEBUG = False
    before = counts()
    # when / then
    with pytest.raises(CommandError, match="public passwords"):
        call_command("seed_demo", stdout=StringIO())
    assert counts() == before


def test_refuses_to_run_before_the_structure_is_loaded():
    with pytest.raises(CommandError, match="Run load_structure first"):
        seed_demo()
    assert Organization.objects.count() == 0


def test_four_regional_sectors_document_their_selection_and_one_is_overdue(demo_output):
    # when
    findings = _regional_findings("selection_procedure")
    # then
    passing = sorted(code for code, f in findings.items() if f.severity == Severity.PASS)
    assert passing == ["education", "health", "protection"]
    assert findings["food-security"].severity == Severity.RECOMMENDATION
    assert findings["food-security"].message.startswith("The next selection was due on")
