"""Roles people hold on the structure: what `sectors.policy` reads to decide who may do what."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .structure import Organization, Platform, PlatformSector


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
