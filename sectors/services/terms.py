"""Terms of designations: when they end, what follows (the sector role), and the reminders.

"Ended on" a future day keeps a designation in force until that day (see
`DesignationQuerySet.not_ended`); the co-coordinator's role goes when the day comes, by a
reminder on the `r4v.reminders` table.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from r4v.audit import save_audited
from r4v.models import User
from r4v.reminders import handler as reminder_handler
from r4v.reminders import reminder_schedule
from r4v.services import notification_send, system_user

from .. import policy
from ..governance import TERM_WARNING_DAYS
from ..models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    RoleAssignment,
)
from .roles import _regional_team, _role_revoke

Role = RoleAssignment.Role


def _check_term(term_start: datetime.date, term_end: datetime.date | None) -> None:
    if term_end is not None and term_end < term_start:
        raise ValidationError({"term_end": _("The term cannot end before it starts.")})


def _check_ended_on(designation, ended_on: datetime.date) -> None:
    # The database refuses this too (a check constraint), but its error names no field.
    if ended_on < designation.term_start:
        raise ValidationError({"ended_on": _("A designation cannot end before its term starts.")})


def _co_coordinator_close(designation, *, ended_on, by, reason) -> None:
    _check_ended_on(designation, ended_on)
    designation.ended_on = ended_on
    save_audited(designation, by=by, reason=reason, update_fields=["ended_on"])
    if ended_on > timezone.localdate():
        # Still in force until that day, and published: the role goes when the day comes.
        reminder_schedule(
            kind=CO_COORDINATOR_ROLE_END,
            target_id=designation.pk,
            key=f"{CO_COORDINATOR_ROLE_END}:{designation.pk}:{ended_on.isoformat()}",
            due_at=timezone.make_aware(datetime.datetime.combine(ended_on, datetime.time.min)),
        )
    else:
        _co_coordinator_role_follow(
            designation.person, designation.co_lead.platform_sector, on=timezone.localdate(), by=by
        )


def _co_coordinator_role_follow(person: User, platform_sector, *, on, by) -> bool:
    """Revoke the sector role if no designation of `person` there is in force on `on` or later."""
    if (
        CoCoordinatorDesignation.objects.not_ended(on)
        .filter(person=person, co_lead__platform_sector=platform_sector)
        .exists()
    ):
        return False
    assignments = RoleAssignment.objects.filter(
        user=person,
        role=Role.CO_COORDINATOR,
        platform_sector=platform_sector,
        revoked_at__isnull=True,
    )
    revoked = False
    for assignment in assignments:
        _role_revoke(assignment=assignment, by=by)
        revoked = True
    return revoked


CO_COORDINATOR_ROLE_END = "sectors.co_coordinator_role_end"


@reminder_handler(CO_COORDINATOR_ROLE_END)
def _co_coordinator_role_end_due(reminder) -> bool:
    """The day a co-coordinator designation ended has come: its role follows."""
    # The sweep's clock (its claim time), so a late sweep acts as of the day it catches up.
    today = timezone.localdate(reminder.sent_at)
    designation = (
        CoCoordinatorDesignation.objects.select_related("person", "co_lead__platform_sector")
        .filter(pk=reminder.target_id, ended_on__lte=today)
        .first()
    )
    if designation is None:  # gone, or its end moved later (that end has its own reminder)
        return False
    return _co_coordinator_role_follow(
        designation.person, designation.co_lead.platform_sector, on=today, by=system_user()
    )


def term_endings_notify(*, today: datetime.date | None = None) -> int:
    """Remind of open designations whose planned end is within the governance warning window.

    Each reminder goes to the Regional Platform team and the co-lead organization's focal
    points (and, for a co-coordinator, the person), once per planned end. Returns how many
    designations were reminded of.
    """
    horizon = (today or timezone.localdate()) + datetime.timedelta(days=TERM_WARNING_DAYS)
    regional_team = _regional_team()
    focal_points = _focal_points_by_organization()
    reminded = 0
    co_leads = _term_ending(CoLeadDesignation, horizon).select_related(
        "organization", "platform_sector__platform", "platform_sector__sector"
    )
    for co_lead in co_leads:
        reminded += _term_ending_remind(
            co_lead, [*regional_team, *focal_points[co_lead.organization_id]]
        )
    co_coordinators = _term_ending(CoCoordinatorDesignation, horizon).select_related(
        "person",
        "co_lead__organization",
        "co_lead__platform_sector__platform",
        "co_lead__platform_sector__sector",
    )
    for co_coordinator in co_coordinators:
        reminded += _term_ending_remind(
            co_coordinator,
            [
                *regional_team,
                *focal_points[co_coordinator.co_lead.organization_id],
                co_coordinator.person,
            ],
        )
    return reminded


def _term_ending(model, horizon: datetime.date):
    return (
        model.objects.open().filter(term_end__lte=horizon).exclude(end_reminder_for=F("term_end"))
    )


@transaction.atomic
def _term_ending_remind(designation, recipients: list[User]) -> bool:
    # Claim by a filtered update, so two beats running at once send one reminder.
    claimed = (
        _term_ending(type(designation), designation.term_end)
        .filter(pk=designation.pk)
        .update(end_reminder_for=designation.term_end)
    )
    if claimed:
        notification_send(
            recipients=recipients,
            subject=lambda: (
                _("Term ending on %(date)s: %(designation)s")
                % {"date": designation.term_end.isoformat(), "designation": designation}
            ),
            body=lambda: _(
                "Renew the term, or file a change notice for the person or organization "
                "that takes over."
            ),
            url=reverse("sectors:sector-manage", kwargs={"pk": designation.platform_sector.pk}),
        )
    return bool(claimed)


def _focal_points_by_organization() -> defaultdict[int, list[User]]:
    return policy.focal_points_by_organization()
