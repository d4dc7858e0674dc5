"""The R4V coordination structure (seed 000): who coordinates what, where, and since when."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from r4v.models import User

from .languages import Shown, shown, versions_of


class BilingualName(models.Model):
    """Catalogue names kept in both UI languages; `name` follows the active language."""

    name_en = models.CharField(_("name (English)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return self.name_es if translation.get_language() == "es" else self.name_en


class Country(BilingualName):
    """One of the 17 countries of the R4V response."""

    iso_code = models.CharField(_("ISO 3166-1 alpha-2 code"), max_length=2, unique=True)
    time_zone = models.CharField(_("IANA time zone"), max_length=64)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_en"]

    def __str__(self):
        return self.name


class Platform(BilingualName):
    """A coordination platform: the Regional Platform, a national or a sub-regional one."""

    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional Platform")
        NATIONAL = "national", _("National Platform")
        SUB_REGIONAL = "sub_regional", _("Sub-regional Platform")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    countries = models.ManyToManyField(
        Country, related_name="platforms", verbose_name=_("countries")
    )
    # Every platform is co-led by IOM and UNHCR (seed 000 §I); kept as data, not assumed.
    co_leads = models.ManyToManyField(
        "Organization", related_name="co_led_platforms", verbose_name=_("co-lead organizations")
    )
    # The platform's own coordination contacts, published by its team: whom a visitor reaches
    # when a sector has nobody designated yet. The local name is how the platform is known in
    # its country (GIFMM in Colombia, GTRM in Peru).
    local_name = models.CharField(_("local name"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("coordination contact e-mail"), blank=True)
    # Written for the public, per language (sectors.languages): shown in the reader's.
    description_en = models.TextField(_("description (English)"), blank=True, max_length=4000)
    description_es = models.TextField(_("description (Spanish)"), blank=True, max_length=4000)

    history = HistoricalRecords(m2m_fields=[countries, co_leads])

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        # Regional first, then national, then sub-regional: the order of the seed.
        ordering = [
            models.Case(
                models.When(kind="regional", then=0),
                models.When(kind="national", then=1),
                default=2,
            ),
            "name_en",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="regional"), name="platform_one_regional"
            ),
        ]
        permissions = [("manage_platform", _("Manage the sectors of this platform"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sectors:platform-detail", kwargs={"code": self.code})

    @property
    def is_regional(self) -> bool:
        return self.kind == self.Kind.REGIONAL

    @property
    def description(self) -> Shown:
        return shown(versions_of(self, "description"))


class Sector(BilingualName):
    """An entry of the sector catalogue: a sector, a sub-sector or a working group."""

    class Kind(models.TextChoices):
        SECTOR = "sector", _("Sector")
        SUB_SECTOR = "sub_sector", _("Sub-sector")
        WORKING_GROUP = "working_group", _("Working group")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_sectors",
        verbose_name=_("parent sector"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position", "name_en"]
        constraints = [
            # A sub-sector always hangs from a sector; sectors and working groups never do.
            models.CheckConstraint(
                condition=Q(kind="sub_sector", parent__isnull=False)
                | (~Q(kind="sub_sector") & Q(parent__isnull=True)),
                name="sector_parent_iff_sub_sector",
            ),
        ]

    def __str__(self):
        return self.name


class Organization(models.Model):
    """An organization taking part in the response: UN agency, NGO, civil society, authority."""

    class Kind(models.TextChoices):
        UN_AGENCY = "un_agency", _("UN agency")
        INTERNATIONAL_NGO = "international_ngo", _("International NGO")
        NATIONAL_NGO = "national_ngo", _("National NGO")
        CIVIL_SOCIETY = "civil_society", _("Civil society organization")
        REFUGEE_MIGRANT_LED = "refugee_migrant_led", _("Refugee- or migrant-led organization")
        RED_CROSS = "red_cross", _("Red Cross / Red Crescent")
        NATIONAL_AUTHORITY = "national_authority", _("National authority")
        OTHER = "other", _("Other")

    # Kinds that count as "NGO / civil society" for the co-lead balance rule (seed 000, note 1:
    # this includes refugee- and migrant-led organizations and the Red Cross Movement).
    NGO_KINDS = frozenset(
        {
            Kind.INTERNATIONAL_NGO,
            Kind.NATIONAL_NGO,
            Kind.CIVIL_SOCIETY,
            Kind.REFUGEE_MIGRANT_LED,
            Kind.RED_CROSS,
        }
    )

    # The name and acronym as the organization writes them in English (or its only ones);
    # the Spanish forms are optional (OPS/OMS for PAHO/WHO) and shown to Spanish readers.
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    acronym_es = models.CharField(_("acronym in Spanish"), max_length=30, blank=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organization_name_ci_unique"),
            models.UniqueConstraint(
                Lower("acronym"), condition=~Q(acronym=""), name="organization_acronym_ci_unique"
            ),
        ]
        permissions = [
            ("act_for_organization", _("Act as co-lead focal point for this organization")),
            ("member_of_organization", _("Work for this partner organization")),
        ]

    def __str__(self):
        return self.display_acronym or self.display_name

    def get_absolute_url(self):
        return reverse("sectors:organization-detail", kwargs={"pk": self.pk})

    @property
    def display_name(self) -> str:
        """The name in the reader's language, falling back to the English one."""
        return str(shown({"en": self.name, "es": self.name_es}))

    @property
    def display_acronym(self) -> str:
        return str(shown({"en": self.acronym, "es": self.acronym_es}))

    @property
    def is_un_agency(self) -> bool:
        return self.kind == self.Kind.UN_AGENCY

    @property
    def is_ngo_or_civil_society(self) -> bool:
        return self.kind in self.NGO_KINDS


class PlatformSector(models.Model):
    """A catalogue sector as it is active on one platform: "the Regional Health Sector"."""

    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        related_name="platform_sectors",
        verbose_name=_("platform"),
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="platform_sectors", verbose_name=_("sector")
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Written for the public, per language (sectors.languages); `purpose` and
    # `selection_procedure` below give the reader's version.
    purpose_en = models.TextField(_("purpose (English)"), blank=True, max_length=4000)
    purpose_es = models.TextField(_("purpose (Spanish)"), blank=True, max_length=4000)
    # Selection procedure for co-leads (seed 000 §III): written, periodic, democratic.
    selection_procedure_en = models.TextField(
        _("selection procedure (English)"), blank=True, max_length=8000
    )
    selection_procedure_es = models.TextField(
        _("selection procedure (Spanish)"), blank=True, max_length=8000
    )
    selection_interval_months = models.PositiveSmallIntegerField(
        _("selection interval (months)"), null=True, blank=True
    )
    last_selection_on = models.DateField(_("last selection"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("platform sector")
        verbose_name_plural = _("platform sectors")
        ordering = ["platform__code", "sector__position"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "sector"], name="platformsector_unique"),
            models.CheckConstraint(
                condition=Q(selection_interval_months__isnull=True)
                | Q(selection_interval_months__gte=1),
                name="platformsector_interval_positive",
            ),
        ]
        permissions = [("coordinate_sector", _("Coordinate this sector on this platform"))]

    def __str__(self):
        return f"{self.platform} – {self.sector}"

    def get_absolute_url(self):
        return reverse(
            "sectors:sector-page",
            kwargs={"platform": self.platform.code, "sector": self.sector.code},
        )

    @property
    def purpose(self) -> Shown:
        return shown(versions_of(self, "purpose"))

    @property
    def selection_procedure(self) -> Shown:
        return shown(versions_of(self, "selection_procedure"))

    @property
    def title(self) -> str:
        # "Regional Health Sector" / "Colombia – Health" reads naturally in both languages.
        return f"{self.sector.name} · {self.platform.name}"

    @property
    def next_selection_on(self) -> datetime.date | None:
        """Derived, never stored: last selection plus the interval."""
        if self.last_selection_on is None or not self.selection_interval_months:
            return None
        months = self.last_selection_on.month - 1 + self.selection_interval_months
        year = self.last_selection_on.year + months // 12
        month = months % 12 + 1
        day = min(self.last_selection_on.day, _days_in_month(year, month))
        return datetime.date(year, month, day)


def _days_in_month(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


class DesignationQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Designations in force on `on` (today by default): started and not yet ended."""
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), term_start__lte=on)

    def open(self):
        """Not ended, including those whose term has not started yet."""
        return self.filter(ended_on__isnull=True)

    def not_ended(self, on: datetime.date | None = None):
        """In force on `on` or later: open, or ending after `on`.

        "Ended on" means one thing everywhere: the designation is in force until that day
        (public pages, access, governance) and it is the first day a new designation of the
        same organization or person may start (services refuse an overlap).
        """
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))


class Term(models.Model):
    """A designation with a term: planned start and end, and the day it really ended."""

    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    # Set when the designation ends (stepping down, replacement); the row stays as history.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


def _term_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
            name=f"{prefix}_term_end_after_start",
        ),
        models.CheckConstraint(
            condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("term_start")),
            name=f"{prefix}_ended_after_start",
        ),
    ]


class CoLeadDesignation(Term):
    """An organization agreed as co-lead of a sector on a platform (seed 000 §II)."""

    platform_sector = models.ForeignKey(
        PlatformSector, on_delete=models.PROTECT, related_name="co_leads", verbose_name=_("sector")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="co_leads",
        verbose_name=_("organization"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("co-lead designation")
        verbose_name_plural = _("co-lead designations")
        ordering = ["platform_sector", "organization__name"]
        constraints = [
            *_term_constraints("colead"),
            # One open co-lead designation per organization and sector: a duplicate active
            # co-lead is refused by the database even if two requests race.
            models.UniqueConstraint(
                fields=["platform_sector", "organization"],
                condition=Q(ended_on__isnull=True),
                name="colead_one_open_per_org",
            ),
        ]
        indexes = [models.Index(fields=["term_end"], name="colead_term_end_idx")]

    def __str__(self):
        return f"{self.organization} – {self.platform_sector}"


class CoCoordinatorDesignation(Term):
    """A person designated by a co-lead organization to co-coordinate its sector (seed 000 §II).

    The designation hangs from the co-lead designation, so only a co-lead of *that* sector can
    designate, and the sector is derived rather than stored twice.
    """

    co_lead = models.ForeignKey(
        CoLeadDesignation,
        on_delete=models.PROTECT,
        related_name="co_coordinators",
        verbose_name=_("designated by"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="co_coordinator_designations",
        verbose_name=_("person"),
    )
    # Published on the public sector page; the login e-mail stays private.
    contact_email = models.EmailField(_("public contact e-mail"))
    contact_phone = models.CharField(_("public contact phone"), max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("co-coordinator designation")
        verbose_name_plural = _("co-coordinator designations")
        ordering = ["co_lead", "person__full_name"]
        constraints = [
            *_term_constraints("cocoord"),
            models.UniqueConstraint(
                fields=["co_lead", "person"],
                condition=Q(ended_on__isnull=True),
                name="cocoord_one_open_per_person",
            ),
        ]
        indexes = [models.Index(fields=["term_end"], name="cocoord_term_end_idx")]

    def __str__(self):
        return f"{self.person} – {self.co_lead}"

    @property
    def platform_sector(self) -> PlatformSector:
        return self.co_lead.platform_sector

    @property
    def organization(self) -> Organization:
        return self.co_lead.organization


class PartnerQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Partners on `on` (today by default): joined, and not yet left (a future `left_on`
        keeps the organization a partner until that day, as `ended_on` does a designation)."""
        on = on or timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=on), joined_on__lte=on)


class PartnerMembership(models.Model):
    """An organization taking part in a sector on a platform."""

    platform_sector = models.ForeignKey(
        PlatformSector, on_delete=models.PROTECT, related_name="partners", verbose_name=_("sector")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = PartnerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner membership")
        verbose_name_plural = _("partner memberships")
        ordering = ["platform_sector", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform_sector", "organization"],
                condition=Q(left_on__isnull=True),
                name="partner_one_open_membership",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="partner_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.organization} – {self.platform_sector}"


class ChangeNotice(models.Model):
    """A co-lead organization informing the Regional Platform of a change (seed 000 §III (3))."""

    class Kind(models.TextChoices):
        COORDINATOR_REPLACED = "coordinator_replaced", _("Co-coordinator replaced")
        CO_LEAD_STEPPING_DOWN = "co_lead_stepping_down", _("Co-lead stepping down")

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        APPLIED = "applied", _("Applied")
        DECLINED = "declined", _("Declined")

    kind = models.CharField(_("change"), max_length=30, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FILED
    )
    co_lead = models.ForeignKey(
        CoLeadDesignation,
        on_delete=models.PROTECT,
        related_name="change_notices",
        verbose_name=_("co-lead"),
    )
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"), max_length=4000)
    # For a replacement: who leaves and who comes in.
    outgoing = models.ForeignKey(
        CoCoordinatorDesignation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outgoing co-coordinator"),
    )
    incoming_name = models.CharField(_("incoming co-coordinator"), max_length=150, blank=True)
    incoming_email = models.EmailField(_("incoming co-coordinator's e-mail"), blank=True)
    incoming_phone = models.CharField(
        _("incoming co-coordinator's phone"), max_length=40, blank=True
    )
    incoming_gender = models.CharField(
        _("incoming co-coordinator's gender"),
        max_length=20,
        blank=True,
        choices=User.Gender.choices,
    )
    incoming_speaks_spanish = models.BooleanField(
        _("incoming co-coordinator works in Spanish"), default=False
    )
    incoming_speaks_english = models.BooleanField(
        _("incoming co-coordinator works in English"), default=False
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    decision_comment = models.TextField(_("comment"), blank=True, max_length=4000)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change notice")
        verbose_name_plural = _("change notices")
        ordering = ["-filed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="coordinator_replaced") | Q(outgoing__isnull=False),
                name="changenotice_replacement_names_outgoing",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="changenotice_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.co_lead}"


class RoleAssignment(models.Model):
    """A role a person holds, scoped to a platform, a sector on a platform or an organization.

    Lives here rather than in `r4v/` because every scope is a coordination-structure object;
    keeping it beside them lets `r4v/` stay free of imports from domain apps.
    """

    class Role(models.TextChoices):
        REGIONAL_TEAM = "regional_team", _("Regional Platform team")
        PLATFORM_TEAM = "platform_team", _("Platform team member")
        CO_COORDINATOR = "co_coordinator", _("Sector co-coordinator")
        CO_LEAD_FOCAL_POINT = "co_lead_focal_point", _("Co-lead focal point")
        PARTNER_MEMBER = "partner_member", _("Partner organization member")
        ADMINISTRATOR = "administrator", _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="roles",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("platform"),
    )
    platform_sector = models.ForeignKey(
        PlatformSector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user", "role"]
        constraints = [
            # Each role names exactly the scope it is about.
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=["regional_team", "platform_team"],
                        platform__isnull=False,
                        platform_sector__isnull=True,
                        organization__isnull=True,
                    )
                    | Q(
                        role="co_coordinator",
                        platform__isnull=True,
                        platform_sector__isnull=False,
                        organization__isnull=True,
                    )
                    | Q(
                        role__in=["co_lead_focal_point", "partner_member"],
                        platform__isnull=True,
                        platform_sector__isnull=True,
                        organization__isnull=False,
                    )
                    | Q(
                        role="administrator",
                        platform__isnull=True,
                        platform_sector__isnull=True,
                        organization__isnull=True,
                    )
                ),
                name="role_scope_matches_role",
            ),
            # One active assignment per user, role and scope (one constraint per scope column,
            # because NULLs are distinct in a plain unique index on SQLite).
            *[
                models.UniqueConstraint(
                    fields=["user", "role", column],
                    condition=Q(revoked_at__isnull=True, **{f"{column}__isnull": False}),
                    name=f"role_one_active_per_{column}",
                )
                for column in ("platform", "platform_sector", "organization")
            ],
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True, role="administrator"),
                name="role_one_active_administrator",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.scope}"

    @property
    def scope(self):
        return self.platform or self.platform_sector or self.organization


# Direct-FK object-permission tables: joins by integer key rather than guardian's varchar
# generic key, and rows go away with their object (guardian pitfalls #15, #213, #451).
class PlatformUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Platform, on_delete=models.CASCADE)


class PlatformSectorUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(PlatformSector, on_delete=models.CASCADE)


class OrganizationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)
