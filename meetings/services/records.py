"""After the meeting: minutes, action points, attendance by organization."""

import dataclasses
import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from r4v.audit import delete_audited, locked, save_audited
from r4v.errors import DomainError, NotAllowed
from r4v.models import User
from sectors import policy
from sectors.models import Organization

from .. import access, quorum, reminders
from ..models import (
    ActionPoint,
    Attendance,
    Meeting,
    Minutes,
    Occurrence,
)
from .scheduling import require_one_line, tell_invitees


def _require_minutes_writer(occurrence: Occurrence, by: User) -> Meeting:
    meeting = occurrence.meeting
    if not policy.can(by, access.CHANGE, meeting):
        raise NotAllowed(_("You may not write the minutes of this meeting."))
    return meeting


@transaction.atomic
def minutes_save(
    *,
    occurrence: Occurrence,
    by: User,
    key_topics: str | None = None,
    decisions: str | None = None,
    recording_url: str | None = None,
    only_new: bool = False,
) -> Minutes:
    """Write or correct the minutes of a sitting while they are not final; a text left None
    keeps what the minutes say (blank for new minutes). `only_new` refuses existing minutes
    (the API's POST, where a correction is a PATCH of the minutes)."""
    occurrence = Occurrence.objects.select_related("meeting").get(pk=occurrence.pk)
    _require_minutes_writer(occurrence, by)
    minutes = Minutes.objects.select_for_update().filter(occurrence=occurrence).first()
    if minutes is None:
        minutes = Minutes(occurrence=occurrence, written_by=by)
        fields = None
    elif only_new:
        raise DomainError(
            _("This sitting has minutes already (%(id)s): correct those.") % {"id": minutes.pk},
            code="minutes_exist",
            field="occurrence",
        )
    elif minutes.status == Minutes.Status.FINAL:
        raise DomainError(_("These minutes are final."), code="minutes_final")
    else:
        fields = ["key_topics", "decisions", "recording_url"]
    for field, value in (
        ("key_topics", key_topics),
        ("decisions", decisions),
        ("recording_url", recording_url),
    ):
        if value is not None:
            setattr(minutes, field, value.strip())
    save_audited(minutes, by=by, reason=N_("Minutes written"), update_fields=fields)
    return minutes


@transaction.atomic
def minutes_circulate(*, minutes: Minutes, by: User) -> Minutes:
    """Send the minutes to the invitees; comments are open for five days (seed 001)."""
    minutes = locked(Minutes.objects.select_related("occurrence__meeting"), minutes.pk)
    meeting = _require_minutes_writer(minutes.occurrence, by)
    if minutes.status != Minutes.Status.DRAFT:
        raise DomainError(_("These minutes were circulated already."), code="minutes_circulated")
    minutes.status = Minutes.Status.CIRCULATED
    minutes.circulated_at = timezone.now()
    save_audited(
        minutes, by=by, reason=N_("Minutes circulated"), update_fields=["status", "circulated_at"]
    )
    reminders.minutes_reminders_schedule(minutes)
    tell_invitees(
        meeting,
        lambda: _("Minutes: %(title)s") % {"title": meeting.title},
        lambda: (
            _("The minutes of “%(title)s” are out; comment within %(days)s days.")
            % {"title": meeting.title, "days": Minutes.COMMENT_DAYS}
        ),
    )
    return minutes


@transaction.atomic
def minutes_finalize(*, minutes: Minutes, by: User) -> Minutes:
    minutes = locked(Minutes.objects.select_related("occurrence__meeting"), minutes.pk)
    _require_minutes_writer(minutes.occurrence, by)
    if minutes.status != Minutes.Status.CIRCULATED:
        raise DomainError(_("Circulate the minutes first."), code="minutes_not_circulated")
    minutes.status = Minutes.Status.FINAL
    save_audited(minutes, by=by, reason=N_("Minutes final"), update_fields=["status"])
    return minutes


@transaction.atomic
def action_point_add(
    *, minutes: Minutes, text: str, owner: User, due_on: datetime.date, by: User
) -> ActionPoint:
    minutes = Minutes.objects.select_related("occurrence__meeting").get(pk=minutes.pk)
    _require_minutes_writer(minutes.occurrence, by)
    if not text.strip():
        raise DomainError(_("Say what is to be done."), code="blank", field="text")
    require_one_line(text, field="text")
    point = save_audited(
        ActionPoint(minutes=minutes, text=text.strip(), owner=owner, due_on=due_on),
        by=by,
        reason=N_("Action point added"),
    )
    reminders.action_point_reminders_schedule(point)
    return point


# The history's reason for each status an action point is set to.
STATUS_REASONS = {
    ActionPoint.Status.OPEN: N_("Action point reopened"),
    ActionPoint.Status.DONE: N_("Action point done"),
    ActionPoint.Status.DROPPED: N_("Action point dropped"),
}


@transaction.atomic
def action_point_set_status(*, point: ActionPoint, status: str, by: User) -> ActionPoint:
    """The owner (or the minutes' writer) marks an action point done or dropped."""
    point = locked(ActionPoint.objects.select_related("minutes__occurrence__meeting"), point.pk)
    if point.owner_id != by.pk:
        _require_minutes_writer(point.minutes.occurrence, by)
    if status not in ActionPoint.Status.values:
        raise DomainError(_("Unknown status."), code="invalid_status", field="status")
    point.status = status
    save_audited(point, by=by, reason=STATUS_REASONS[status], update_fields=["status"])
    if status != ActionPoint.Status.OPEN:
        reminders.action_point_reminders_cancel(point)
    return point


@dataclasses.dataclass(frozen=True)
class Attended:
    """One organization present at a sitting, as a form or a serializer parsed it."""

    organization: Organization
    people: int = 1
    names: str = ""


@transaction.atomic
def attendance_record(
    *, occurrence: Occurrence, attended: Sequence[Attended], by: User
) -> list[Attendance]:
    """Record which organizations attended a sitting (and optionally who), replacing the
    previous record; the quorum (`meetings.quorum`) is read from it."""
    # The sitting's lock serializes two people recording the same sitting at once.
    occurrence = locked(Occurrence.objects.select_related("meeting"), occurrence.pk)
    meeting = _require_minutes_writer(occurrence, by)
    if meeting.is_cancelled or occurrence.is_cancelled:
        raise DomainError(
            _("This sitting is cancelled; there is no attendance to record."),
            code="occurrence_cancelled",
        )
    if occurrence.start_at > timezone.now():
        raise DomainError(
            _("Attendance is recorded once the sitting has started."), code="not_started"
        )
    minutes = Minutes.objects.select_for_update().filter(occurrence=occurrence).first()
    if minutes is not None and minutes.status == Minutes.Status.FINAL:
        # Attendance is part of the minutes (issue 15); final minutes are the record.
        raise DomainError(_("These minutes are final."), code="minutes_final")
    roll = quorum.sheet_for(occurrence).roll_ids
    wanted: dict[int, Attended] = {}
    for entry in attended:
        org = entry.organization
        if org.pk in wanted:
            raise DomainError(
                _("%(org)s is listed twice.") % {"org": org}, code="duplicate", field="attended"
            )
        if org.pk not in roll:
            raise DomainError(
                _("%(org)s was not invited to this meeting and is not a member of its sector.")
                % {"org": org},
                code="not_invited",
                field="attended",
            )
        if entry.people < 1:
            raise DomainError(
                _("At least one person attends for %(org)s.") % {"org": org},
                code="min_value",
                field="attended",
            )
        wanted[org.pk] = dataclasses.replace(entry, names=entry.names.strip())
    existing = {a.organization_id: a for a in occurrence.attendance.select_for_update()}
    for org_id in existing.keys() - wanted.keys():
        row = existing.pop(org_id)
        delete_audited(row, by=by, reason=N_("Attendance recorded"))
    rows = []
    for org_id, entry in wanted.items():
        row = existing.get(org_id)
        if row is None:
            row = Attendance(
                occurrence=occurrence,
                organization=entry.organization,
                people=entry.people,
                names=entry.names,
            )
            save_audited(row, by=by, reason=N_("Attendance recorded"))
        elif (row.people, row.names) != (entry.people, entry.names):
            row.people, row.names = entry.people, entry.names
            save_audited(
                row, by=by, reason=N_("Attendance recorded"), update_fields=["people", "names"]
            )
        rows.append(row)
    # Nobody is notified: attendance is a record of what happened, read with the minutes.
    return rows
