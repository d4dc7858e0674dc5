"""A clearly labelled DEMO data set on top of the real structure, for trying the product out.

Fictional organizations in every demo role (each name ends in " (demo)", UN agencies too),
demo co-lead and co-coordinator designations on regional sectors and Peru Health, partners, two
national activations, and logins for every role with a fixed, printed password. No real
organization is named in a made-up role: IOM and UNHCR, which `load_structure` records as the
platforms' co-leads (seed 000 §I), co-lead no demo sector, so every page that shows a demo co-lead
shows "(demo)" in its name; nor does PAHO/WHO, added with its Spanish name and acronym (OPS/OMS)
to show an organization named in the reader's language. Some purposes are written in both
languages and one in English only, to show the note a Spanish reader gets when a text is not yet
written in Spanish. Everything goes through the services, attributed to the system user. Safe to
run again: what exists is left as it is and the table is reprinted.

The passwords are public (printed here and in the README), so the command refuses to run with
DEBUG off unless told explicitly.
"""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from r4v import mfa
from r4v.audit import save_audited
from r4v.models import User
from r4v.services import person_get_or_create, system_user
from sectors import services
from sectors.models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    RoleAssignment,
    Sector,
)

Role = RoleAssignment.Role
Kind = Organization.Kind
Gender = User.Gender

DEMO_DOMAIN = "demo.r4v.local"
REASON = "Demo data (seed_demo)"


class OrgData(NamedTuple):
    name: str
    acronym: str
    kind: str
    website: str = ""
    name_es: str = ""
    acronym_es: str = ""


CAMINOS = "Caminos Compartidos (demo)"
HORIZONTE = "Horizonte Internacional (demo)"
ALIANZA = "Alianza Humanitaria Andina (demo)"
RED = "Red Regional de Acogida (demo)"
VOCES = "Voces Migrantes (demo)"
PUENTES = "Fundación Puentes (demo)"
ANDES = "Agencia ONU Andes (demo)"
CARIBE = "Agencia ONU Caribe (demo)"
PACIFICO = "Agencia ONU Pacífico (demo)"
AMAZONIA = "Agencia ONU Amazonía (demo)"

# Fictional, UN agencies too: no acronym, so the " (demo)" suffix shows wherever the
# organization is named.
DEMO_ORGANIZATIONS = (
    OrgData(CAMINOS, "", Kind.NATIONAL_NGO),
    OrgData(HORIZONTE, "", Kind.INTERNATIONAL_NGO),
    OrgData(ALIANZA, "", Kind.INTERNATIONAL_NGO),
    OrgData(RED, "", Kind.CIVIL_SOCIETY),
    OrgData(VOCES, "", Kind.REFUGEE_MIGRANT_LED),
    OrgData(PUENTES, "", Kind.NATIONAL_NGO),
    OrgData(ANDES, "", Kind.UN_AGENCY),
    OrgData(CARIBE, "", Kind.UN_AGENCY),
    OrgData(PACIFICO, "", Kind.UN_AGENCY),
    OrgData(AMAZONIA, "", Kind.UN_AGENCY),
)

# A real organization, in no demo role (see the module docstring): it shows a Spanish name and
# acronym on its page and in the organization lists.
NAMED_IN_BOTH_LANGUAGES = OrgData(
    "Pan American Health Organization / World Health Organization",
    "PAHO/WHO",
    Kind.UN_AGENCY,
    "https://www.paho.org",
    name_es="Organización Panamericana de la Salud / Organización Mundial de la Salud",
    acronym_es="OPS/OMS",
)

# (regional sector, organization name). Most sectors pair a UN agency with an NGO; some break a
# governance rule on purpose so the governance view has something to show: humanitarian
# transportation and nutrition (UN only) and gender-based violence (NGOs only) fail the UN + NGO
# rule; shelter (2 UN + 1 NGO) is only a balance warning.
DEMO_CO_LEADS = (
    ("education", ANDES),
    ("education", HORIZONTE),
    ("food-security", CARIBE),
    ("food-security", ALIANZA),
    ("health", PACIFICO),
    ("health", CAMINOS),
    ("humanitarian-transportation", AMAZONIA),
    ("integration", AMAZONIA),
    ("integration", RED),
    ("nutrition", ANDES),
    ("nutrition", CARIBE),
    ("protection", PACIFICO),
    ("protection", HORIZONTE),
    ("child-protection", ANDES),
    ("child-protection", VOCES),
    ("gender-based-violence", RED),
    ("gender-based-violence", VOCES),
    ("human-trafficking-smuggling", AMAZONIA),
    ("human-trafficking-smuggling", ALIANZA),
    ("shelter", PACIFICO),
    ("shelter", AMAZONIA),
    ("shelter", ALIANZA),
    ("wash", ANDES),
    ("wash", CAMINOS),
    ("cash", CARIBE),
    ("cash", HORIZONTE),
)
# This one's term ends within 60 days, so the expiring-terms reminder has something to send.
EXPIRING_CO_LEAD = ("health", CAMINOS)


# (regional sector, months between selections, months since the last one): documented
# procedures for the governance view; Food Security's last selection is overdue on purpose.
DEMO_SELECTION_PROCEDURES = (
    ("health", 24, 6),
    ("protection", 24, 10),
    ("education", 24, 14),
    ("food-security", 24, 30),
)
SELECTION_PROCEDURE_TEXT = (
    "Co-leads are selected by the sector's partners every {interval} months: the Regional "
    "Platform calls for expressions of interest, partners vote, and the result is recorded "
    "here. (Demo text.)"
)
SELECTION_PROCEDURE_TEXT_ES = (
    "Los socios del sector eligen a las co-líderes cada {interval} meses: la Plataforma "
    "Regional abre una convocatoria de manifestaciones de interés, los socios votan y el "
    "resultado se registra aquí. (Texto de demostración.)"
)

# (regional sector, purpose in English, purpose in Spanish or "" for not yet translated):
# Education has no Spanish version, so a Spanish reader sees the English one with a note.
DEMO_PURPOSES = (
    (
        "health",
        "Coordinates the health response for refugees and migrants from Venezuela across the "
        "region: access to primary care, mental health and sexual and reproductive health. "
        "(Demo text.)",
        "Coordina la respuesta de salud para personas refugiadas y migrantes de Venezuela en la "
        "región: acceso a la atención primaria, salud mental y salud sexual y reproductiva. "
        "(Texto de demostración.)",
    ),
    (
        "protection",
        "Coordinates protection: access to territory, asylum and regularization, and "
        "protection from violence, exploitation and abuse. (Demo text.)",
        "Coordina la protección: acceso al territorio, asilo y regularización, y protección "
        "frente a la violencia, la explotación y el abuso. (Texto de demostración.)",
    ),
    (
        "education",
        "Coordinates access to education for refugee and migrant children and adolescents. "
        "(Demo text.)",
        "",
    ),
)


class PersonData(NamedTuple):
    local_part: str
    full_name: str
    gender: str
    speaks_spanish: bool
    speaks_english: bool


COORDINATOR_LOGIN = "co-coordinator"

ROSA = PersonData("rosa.aguilar", "Rosa Aguilar", Gender.WOMAN, True, True)

# (regional sector, designating co-lead, person): genders and languages vary on purpose. Health
# passes every people rule; Protection, Education and Food Security each have a co-coordinator
# who works in one language only; Food Security has one recorded gender (not judged); Child
# Protection's two co-leads designated the same person, who cannot stand for both.
DEMO_CO_COORDINATORS = (
    ("health", PACIFICO, PersonData("mariana.soto", "Mariana Soto", Gender.WOMAN, True, True)),
    ("health", CAMINOS, PersonData(COORDINATOR_LOGIN, "Diego Ramírez", Gender.MAN, True, True)),
    (
        "protection",
        PACIFICO,
        PersonData("sofia.herrera", "Sofía Herrera", Gender.WOMAN, True, True),
    ),
    ("protection", HORIZONTE, PersonData("alex.rivas", "Alex Rivas", Gender.OTHER, True, False)),
    ("education", ANDES, PersonData("tomas.becker", "Tomás Becker", Gender.MAN, False, True)),
    (
        "education",
        HORIZONTE,
        PersonData("valentina.cruz", "Valentina Cruz", Gender.WOMAN, True, True),
    ),
    (
        "food-security",
        CARIBE,
        PersonData("camila.duarte", "Camila Duarte", Gender.UNDISCLOSED, True, True),
    ),
    (
        "food-security",
        ALIANZA,
        PersonData("andres.quispe", "Andrés Quispe", Gender.MAN, True, False),
    ),
    (
        "gender-based-violence",
        VOCES,
        PersonData("daniela.moreno", "Daniela Moreno", Gender.WOMAN, True, True),
    ),
    ("integration", AMAZONIA, PersonData("jean.louis", "Jean Louis", Gender.MAN, False, True)),
    ("child-protection", ANDES, ROSA),
    ("child-protection", VOCES, ROSA),
)

# (platform, sector, partner organization)
DEMO_PARTNERS = (
    ("regional", "health", PUENTES),
    ("regional", "health", VOCES),
    ("regional", "health", ANDES),
    ("regional", "protection", RED),
    ("regional", "protection", PUENTES),
    ("regional", "education", CAMINOS),
    ("colombia", "health", PUENTES),
    ("colombia", "health", CAMINOS),
)
NATIONAL_ACTIVATIONS = (("colombia", "health"), ("peru", "health"))

# The Peru Health Sector runs as a National Sector: a UN agency and an NGO co-lead it, each with a
# co-coordinator, so Peru's PiN is cleared by the National Sector and then the Regional Platform
# (the walk in the README). The Caribbean has no Health sector: its PiN is cleared by the
# Regional Health Sector in its place. (platform, sector, organization[, person])
DEMO_NATIONAL_CO_LEADS = (("peru", "health", ANDES), ("peru", "health", PUENTES))
PERU_COORDINATOR_LOGIN = "peru.coordinator"
DEMO_NATIONAL_CO_COORDINATORS = (
    (
        "peru",
        "health",
        ANDES,
        PersonData(PERU_COORDINATOR_LOGIN, "Carmen Quispe", Gender.WOMAN, True, True),
    ),
    ("peru", "health", PUENTES, PersonData("ines.flores", "Inés Flores", Gender.WOMAN, True, True)),
)


class LoginData(NamedTuple):
    local_part: str
    full_name: str
    role: str
    # platform code, (platform code, sector code) or organization name; None for administrators
    scope: str | tuple[str, str] | None


DEMO_LOGINS = (
    LoginData("admin", "Demo Administrator", Role.ADMINISTRATOR, None),
    LoginData("regional.team", "Paula Méndez", Role.REGIONAL_TEAM, "regional"),
    LoginData("colombia.team", "Julián Ortega", Role.PLATFORM_TEAM, "colombia"),
    LoginData("peru.team", "Rocío Huamán", Role.PLATFORM_TEAM, "peru"),
    LoginData("caribbean.team", "Kevin Baptiste", Role.PLATFORM_TEAM, "caribbean"),
    LoginData(COORDINATOR_LOGIN, "Diego Ramírez", Role.CO_COORDINATOR, ("regional", "health")),
    LoginData(PERU_COORDINATOR_LOGIN, "Carmen Quispe", Role.CO_COORDINATOR, ("peru", "health")),
    LoginData("focal.point", "Lucía Vargas", Role.CO_LEAD_FOCAL_POINT, CAMINOS),
    LoginData("partner", "Marco Silva", Role.PARTNER_MEMBER, PUENTES),
)


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


def demo_password(role: str) -> str:
    # Fixed and public on purpose: demo logins, printed by the command and listed in the README.
    return f"demo-{role.replace('_', '-')}-2026"


@dataclass
class Seeded:
    created: int = 0
    present: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.present += 1


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


class DemoSeeder:
    def __init__(self, *, by: User):
        self.by = by
        self.today = timezone.localdate()
        # Relative to today, so a fresh demo always shows current designations.
        self.term_start = datetime.date(self.today.year - 1, 1, 1)
        self.term_end = datetime.date(self.today.year + 1, 12, 31)
        self.result = Seeded()

    def run(self) -> Seeded:
        self.organizations()
        self.national_activation()
        self.co_leads()
        self.co_coordinators()
        self.partners()
        self.purposes()
        self.selection_procedures()
        self.logins()
        return self.result

    def org(self, key: str) -> Organization:
        return Organization.objects.get(Q(acronym__iexact=key) | Q(name__iexact=key))

    def platform_sector(self, platform_code: str, sector_code: str) -> PlatformSector:
        return PlatformSector.objects.select_related("platform", "sector").get(
            platform__code=platform_code, sector__code=sector_code
        )

    def organizations(self) -> None:
        for data in (*DEMO_ORGANIZATIONS, NAMED_IN_BOTH_LANGUAGES):
            lookup = Q(name__iexact=data.name)
            if data.acronym:
                lookup |= Q(acronym__iexact=data.acronym)
            exists = Organization.objects.filter(lookup).exists()
            if not exists:
                services.organization_create(
                    by=self.by,
                    name=data.name,
                    acronym=data.acronym,
                    kind=data.kind,
                    website=data.website,
                    name_es=data.name_es,
                    acronym_es=data.acronym_es,
                )
            self.result.count(created=not exists)

    def national_activation(self) -> None:
        for platform_code, sector_code in NATIONAL_ACTIVATIONS:
            platform = Platform.objects.get(code=platform_code)
            sector = Sector.objects.get(code=sector_code)
            active = PlatformSector.objects.filter(
                platform=platform, sector=sector, is_active=True
            ).exists()
            if not active:
                services.platform_sector_activate(
                    platform=platform, sector=sector, by=self.by, reason=REASON
                )
            self.result.count(created=not active)

    def co_leads(self) -> None:
        rows = [("regional", *row) for row in DEMO_CO_LEADS] + list(DEMO_NATIONAL_CO_LEADS)
        for platform_code, sector_code, org_key in rows:
            ps = self.platform_sector(platform_code, sector_code)
            org = self.org(org_key)
            exists = (
                CoLeadDesignation.objects.open()
                .filter(platform_sector=ps, organization=org)
                .exists()
            )
            if not exists:
                expiring = (platform_code, sector_code, org_key) == ("regional", *EXPIRING_CO_LEAD)
                services.co_lead_designate(
                    platform_sector=ps,
                    organization=org,
                    term_start=self.term_start,
                    term_end=self.today + datetime.timedelta(days=45)
                    if expiring
                    else self.term_end,
                    by=self.by,
                    reason=REASON,
                )
            self.result.count(created=not exists)

    def person(self, data: PersonData) -> User:
        return person_get_or_create(
            email=demo_email(data.local_part),
            full_name=data.full_name,
            gender=data.gender,
            speaks_spanish=data.speaks_spanish,
            speaks_english=data.speaks_english,
            by=self.by,
        )

    def co_coordinators(self) -> None:
        rows = [("regional", *row) for row in DEMO_CO_COORDINATORS]
        for platform_code, sector_code, org_key, data in rows + list(DEMO_NATIONAL_CO_COORDINATORS):
            ps = self.platform_sector(platform_code, sector_code)
            org = self.org(org_key)
            person = self.person(data)
            exists = (
                CoCoordinatorDesignation.objects.open()
                .filter(co_lead__platform_sector=ps, co_lead__organization=org, person=person)
                .exists()
            )
            if not exists:
                services.co_coordinator_designate(
                    platform_sector=ps,
                    organization=org,
                    person=person,
                    contact_email=demo_email(f"{sector_code}.{data.local_part}"),
                    term_start=self.term_start,
                    term_end=self.term_end,
                    by=self.by,
                    reason=REASON,
                )
            self.result.count(created=not exists)

    def partners(self) -> None:
        for platform_code, sector_code, org_key in DEMO_PARTNERS:
            ps = self.platform_sector(platform_code, sector_code)
            org = self.org(org_key)
            exists = PartnerMembership.objects.filter(
                platform_sector=ps, organization=org, left_on__isnull=True
            ).exists()
            if not exists:
                services.partner_add(
                    platform_sector=ps, organization=org, by=self.by, joined_on=self.term_start
                )
            self.result.count(created=not exists)

    def purposes(self) -> None:
        for sector_code, purpose_en, purpose_es in DEMO_PURPOSES:
            ps = self.platform_sector("regional", sector_code)
            written = bool(ps.purpose_en or ps.purpose_es)
            if not written:
                services.platform_sector_update_page(
                    platform_sector=ps,
                    purpose_en=purpose_en,
                    purpose_es=purpose_es,
                    by=self.by,
                    reason=REASON,
                )
            self.result.count(created=not written)

    def selection_procedures(self) -> None:
        for sector_code, interval, months_ago in DEMO_SELECTION_PROCEDURES:
            ps = self.platform_sector("regional", sector_code)
            documented = bool(ps.selection_procedure)
            if not documented:
                services.selection_procedure_update(
                    platform_sector=ps,
                    procedure_en=SELECTION_PROCEDURE_TEXT.format(interval=interval),
                    procedure_es=SELECTION_PROCEDURE_TEXT_ES.format(interval=interval),
                    interval_months=interval,
                    last_selection_on=_months_before(self.today, months_ago),
                    by=self.by,
                    reason=REASON,
                )
            self.result.count(created=not documented)

    def scope(self, login: LoginData) -> dict:
        if login.scope is None:
            return {}
        if isinstance(login.scope, tuple):
            return {"platform_sector": self.platform_sector(*login.scope)}
        if login.role in (Role.REGIONAL_TEAM, Role.PLATFORM_TEAM):
            return {"platform": Platform.objects.get(code=login.scope)}
        return {"organization": self.org(login.scope)}

    def logins(self) -> None:
        for login in DEMO_LOGINS:
            email = demo_email(login.local_part)
            user = person_get_or_create(email=email, full_name=login.full_name, by=self.by)
            password = demo_password(login.role)
            password_set = not user.check_password(password)
            if password_set:
                user.set_password(password)
                save_audited(
                    user, by=self.by, reason=N_("Demo password set"), update_fields=["password"]
                )
            had_role = RoleAssignment.objects.filter(
                user=user, role=login.role, revoked_at__isnull=True
            ).exists()
            assignment = services._role_grant(
                user=user, role=login.role, by=self.by, **self.scope(login)
            )
            self.result.count(created=password_set or not had_role)
            label = assignment.get_role_display()
            if assignment.scope is not None:
                label = f"{label}: {assignment.scope}"
            self.result.logins.append((user.email, label, password))


class Command(BaseCommand):
    help = (
        "Add DEMO data on top of load_structure: fictional organizations ending in '(demo)', "
        "demo designations and partners, and one login per role with a printed password. "
        "Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even with DEBUG off. The demo passwords are public: never on a real site.",
        )

    def handle(self, *args, allow_without_debug=False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                _(
                    "seed_demo creates logins with public passwords. It runs only with DEBUG on, "
                    "or with --allow-without-debug on a site that is not real."
                )
            )
        if not Platform.objects.filter(code__in=["regional", "colombia"]).count() == 2:
            raise CommandError(
                _("Run load_structure first: the demo data builds on the real structure.")
            )
        with transaction.atomic():
            result = DemoSeeder(by=system_user()).run()
        self.stdout.write(
            _("Demo data: %(created)d created, %(present)d already present.")
            % {"created": result.created, "present": result.present}
        )
        self.print_logins(result.logins)
        self.print_second_factor(result.logins)

    def print_logins(self, logins: list[tuple[str, str, str]]) -> None:
        header = (_("E-mail"), _("Role"), _("Password"))
        widths = [max(len(row[i]) for row in (header, *logins)) for i in range(3)]
        rule = "  ".join("-" * w for w in widths)
        self.stdout.write("")
        self.stdout.write(
            _(
                "DEMO logins (fictional people; these passwords are public, never use them on a real site):"
            )
        )
        for row in (header, None, *logins):
            if row is None:
                self.stdout.write(rule)
            else:
                self.stdout.write(
                    "  ".join(value.ljust(w) for value, w in zip(row, widths, strict=True)).rstrip()
                )

    def print_second_factor(self, logins: list[tuple[str, str, str]]) -> None:
        # The demo keeps the requirement (no DEBUG waiver): what the demo shows is what a real
        # site does, so the accounts that need a second step say how to set it up.
        emails = [row[0] for row in logins]
        required = [email for email in emails if mfa.mfa_required(User.objects.get(email=email))]
        if not required:
            return
        self.stdout.write("")
        self.stdout.write(
            _(
                "Two-step verification is required for %(emails)s: at the first log-in the site "
                "asks you to set it up. Scan the QR code with an authenticator app (or type the "
                "key it shows), enter the app's six-digit code, and keep the recovery codes. "
                "Every other login may set it up under Your profile > Two-step verification."
            )
            % {"emails": ", ".join(required)}
        )
