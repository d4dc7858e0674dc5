"""Change notices: a co-lead organization informing the Regional Platform of a change to its
designations (seed 000 §III (3)), filed, acknowledged, then applied or declined."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from r4v.models import User

from .designations import CoCoordinatorDesignation, CoLeadDesignation


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
