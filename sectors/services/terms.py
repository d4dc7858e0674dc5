"""Terms of designations: when they end, what follows (the sector role), and the reminders.

"Ended on" a future day keeps a designation in force until that day (see
`DesignationQuerySet.not_ended`); the co-coordinator's role goes when the day comes, by a
reminder on the `r4v.reminders` table.
"""

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from r4v.audit import save_audited
from r4v.models import Reminder, User
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


# Term-ending reminders ride on the reminder table: a daily scheduler adds one row per open
# designation and planned end (the key carries the end, so a renewed term is reminded again),
# due at once; the sweeper sends it and claims it atomically. The handler reads the designation
# at send time: renewed to another end, or ended, means there is nothing to say.
TERM_ENDING = {
    CoLeadDesignation: "sectors.term_ending.co_lead",
    CoCoordinatorDesignation: "sectors.term_ending.co_coordinator",
}


def term_endings_schedule(*, today: datetime.date | None = None) -> int:
    """Schedule a reminder for each open designation whose planned end is within the window.

    The window is the governance warning (TERM_WARNING_DAYS before the planned end). Returns how
    many reminders were added; a designation already reminded of this end adds none.
    """
    horizon = (today or timezone.localdate()) + datetime.timedelta(days=TERM_WARNING_DAYS)
    now = timezone.now()
    wanted = {
        f"{kind}:{pk}:{term_end.isoformat()}": (kind, pk)
        for model, kind in TERM_ENDING.items()
        for pk, term_end in model.objects.open()
        .filter(term_end__lte=horizon)
        .values_list("pk", "term_end")
    }
    known = set(Reminder.objects.filter(key__in=wanted).values_list("key", flat=True))
    for key in wanted.keys() - known:
        kind, pk = wanted[key]
        reminder_schedule(kind=kind, target_id=pk, key=key, due_at=now)
    return len(wanted.keys() - known)


def _planned_end(reminder) -> datetime.date:
    return datetime.date.fromisoformat(reminder.key.rsplit(":", 1)[1])


@reminder_handler(TERM_ENDING[CoLeadDesignation])
def _co_lead_term_ending(reminder) -> bool:
    co_lead = (
        CoLeadDesignation.objects.open()
        .filter(pk=reminder.target_id, term_end=_planned_end(reminder))
        .select_related("organization", "platform_sector__platform", "platform_sector__sector")
        .first()
    )
    if co_lead is None:
        return False
    focal_points = policy.holders(policy.Party.CO_LEAD_ORGANIZATION, co_lead)
    _term_ending_notify(co_lead, [*_regional_team(), *focal_points])
    return True


@reminder_handler(TERM_ENDING[CoCoordinatorDesignation])
def _co_coordinator_term_ending(reminder) -> bool:
    designation = (
        CoCoordinatorDesignation.objects.open()
        .filter(pk=reminder.target_id, term_end=_planned_end(reminder))
        .select_related(
            "person",
            "co_lead__organization",
            "co_lead__platform_sector__platform",
            "co_lead__platform_sector__sector",
        )
        .first()
    )
    if designation is None:
        return False
    focal_points = policy.holders(policy.Party.CO_LEAD_ORGANIZATION, designation.co_lead)
    _term_ending_notify(designation, [*_regional_team(), *focal_points, designation.person])
    return True


def _term_ending_notify(designation, recipients: list[User]) -> None:
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
