"""Who holds a sector on a platform, and since when: co-lead organizations and the
co-coordinators they designate (seed 000 §II), each for a term, and partner organizations, dated
the same way (a future end keeps them in until that day)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .structure import Organization, PlatformSector


def in_force_q(on: datetime.date | None = None, *, prefix: str = "") -> Q:
    """Designations in force on `on` (today by default): started and not yet ended. `prefix`
    names the relation from another model (`"co_leads__"`), for a join that keeps only them."""
    on = on or timezone.localdate()
    return (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": on})) & Q(
        **{f"{prefix}term_start__lte": on}
    )


class DesignationQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Designations in force on `on` (today by default): started and not yet ended."""
        return self.filter(in_force_q(on))

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
