"""The coordination structure (seed 000 §I): countries, platforms, the sector catalogue, the
organizations taking part, and each catalogue sector as it is active on a platform."""

import datetime

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..languages import Shown, shown, versions_of


def bilingual(name_en: str, name_es: str) -> str:
    """A catalogue name in the active language: catalogue names exist in both."""
    return name_es if translation.get_language() == "es" else name_en


class BilingualName(models.Model):
    """Catalogue names kept in both UI languages; `name` follows the active language."""

    name_en = models.CharField(_("name (English)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return bilingual(self.name_en, self.name_es)


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
