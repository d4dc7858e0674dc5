"""The calendar's reminders, through the `r4v` reminder table (late rather than never, never twice).

Kinds, each with the rule it serves:
- short_notice (organizer, at scheduling): seed 001, "Sending out the invitation (minimum 7 days
  before regular meetings, may be less for extraordinary or ad-hoc meetings)".
- tomorrow (invitees, the day before each sitting).
- minutes_due (organizer, 6 days after a sitting without circulated minutes): seed 001,
  "Minutes will be circulated within 1 week of each meeting".
- comments_closing (invitees, a day before the comment window ends): seed 001, "all members are
  invited to comment on and contribute to the minutes in writing within the next 5 days".
- action_due / action_overdue (owner).

Each handler decides at send time whether the reminder still applies (a sitting cancelled or
already over, minutes circulated, an action point done) and says nothing otherwise. Keys carry
the time they are about, so a moved sitting gets a fresh reminder and the old one is skipped.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from r4v.models import Reminder
from r4v.reminders import handler, reminder_schedule, reminders_cancel

from .models import ActionPoint, Meeting, Minutes, Occurrence
from .notices import notify, when

SHORT_NOTICE = "meetings.short_notice"
TOMORROW = "meetings.tomorrow"
MINUTES_DUE = "meetings.minutes_due"
COMMENTS_CLOSING = "meetings.comments_closing"
ACTION_DUE = "meetings.action_due"
ACTION_OVERDUE = "meetings.action_overdue"

NOTICE_DAYS = 7
OCCURRENCE_KINDS = (TOMORROW, MINUTES_DUE)


def _ts(dt: datetime.datetime) -> int:
    return int(dt.timestamp())


# --- Scheduling (called by the services, inside their transaction) -----------------------------


def meeting_reminders_schedule(meeting: Meeting, *, at_scheduling: bool = False) -> None:
    now = timezone.now()
    if (
        at_scheduling
        and meeting.kind in Meeting.REGULAR_KINDS
        and now < meeting.start_at < now + datetime.timedelta(days=NOTICE_DAYS)
    ):
        reminder_schedule(
            kind=SHORT_NOTICE,
            target_id=meeting.pk,
            key=f"{SHORT_NOTICE}:{meeting.pk}",
            due_at=now,
            recipient=meeting.organizer,
        )
    for occurrence in meeting.occurrences.all():
        if occurrence.is_cancelled:
            occurrence_reminders_cancel(occurrence)
        else:
            occurrence_reminders_schedule(occurrence, meeting=meeting)


def occurrence_reminders_schedule(
    occurrence: Occurrence, *, meeting: Meeting | None = None
) -> None:
    meeting = meeting or occurrence.meeting
    now = timezone.now()
    keys = []
    if occurrence.start_at > now:
        key = f"{TOMORROW}:{occurrence.pk}:{_ts(occurrence.start_at)}"
        reminder_schedule(
            kind=TOMORROW,
            target_id=occurrence.pk,
            key=key,
            due_at=occurrence.start_at - datetime.timedelta(days=1),
        )
        keys.append(key)
    reminders_cancel(kind=TOMORROW, target_id=occurrence.pk, keys_except=keys)
    key = f"{MINUTES_DUE}:{occurrence.pk}:{_ts(occurrence.end_at)}"
    reminder_schedule(
        kind=MINUTES_DUE,
        target_id=occurrence.pk,
        key=key,
        due_at=occurrence.end_at + datetime.timedelta(days=Minutes.DUE_DAYS - 1),
        recipient=meeting.organizer,
    )
    reminders_cancel(kind=MINUTES_DUE, target_id=occurrence.pk, keys_except=[key])


def occurrence_reminders_cancel(occurrence: Occurrence) -> None:
    for kind in OCCURRENCE_KINDS:
        reminders_cancel(kind=kind, target_id=occurrence.pk)


def meeting_reminders_cancel(meeting: Meeting) -> None:
    reminders_cancel(kind=SHORT_NOTICE, target_id=meeting.pk)
    for occurrence in meeting.occurrences.all():
        occurrence_reminders_cancel(occurrence)


def minutes_reminders_schedule(minutes: Minutes) -> None:
    closes = minutes.comments_close_at
    reminder_schedule(
        kind=COMMENTS_CLOSING,
        target_id=minutes.pk,
        key=f"{COMMENTS_CLOSING}:{minutes.pk}",
        due_at=closes - datetime.timedelta(days=1),
    )


def _morning(day: datetime.date, user) -> datetime.datetime:
    from .zones import user_zone

    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=user_zone(user))


def action_point_reminders_schedule(point: ActionPoint) -> None:
    reminder_schedule(
        kind=ACTION_DUE,
        target_id=point.pk,
        key=f"{ACTION_DUE}:{point.pk}:{point.due_on.isoformat()}",
        due_at=_morning(point.due_on, point.owner),
        recipient=point.owner,
    )
    reminder_schedule(
        kind=ACTION_OVERDUE,
        target_id=point.pk,
        key=f"{ACTION_OVERDUE}:{point.pk}:{point.due_on.isoformat()}",
        due_at=_morning(point.due_on + datetime.timedelta(days=1), point.owner),
        recipient=point.owner,
    )


def action_point_reminders_cancel(point: ActionPoint) -> None:
    for kind in (ACTION_DUE, ACTION_OVERDUE):
        reminders_cancel(kind=kind, target_id=point.pk)


# --- Handlers (run by the r4v sweeper) ----------------------------------------------------------


def _live_occurrence(pk: int) -> Occurrence | None:
    return (
        Occurrence.objects.select_related("meeting__organizer")
        .filter(pk=pk, is_cancelled=False, meeting__status=Meeting.Status.SCHEDULED)
        .first()
    )


def _invitees(meeting: Meeting):
    from .selectors import meeting_invitees

    return list(meeting_invitees(meeting))


@handler(SHORT_NOTICE)
def _short_notice(reminder: Reminder) -> bool:
    meeting = Meeting.objects.filter(pk=reminder.target_id, status="scheduled").first()
    if meeting is None:
        return False
    notify(
        recipients=[reminder.recipient],
        subject=lambda: _("Short notice: %(title)s") % {"title": meeting.title},
        body=lambda: (
            _(
                "“%(title)s” was invited less than %(days)s days ahead. Regular meetings are "
                "invited at least %(days)s days before; say in the invitation why this one is not."
            )
            % {"title": meeting.title, "days": NOTICE_DAYS}
        ),
        url=meeting.get_absolute_url(),
    )
    return True


@handler(TOMORROW)
def _tomorrow(reminder: Reminder) -> bool:
    occurrence = _live_occurrence(reminder.target_id)
    if occurrence is None or occurrence.start_at <= timezone.now():
        return False
    meeting = occurrence.meeting
    notify(
        recipients=_invitees(meeting),
        subject=lambda: _("Tomorrow: %(title)s") % {"title": meeting.title},
        body=lambda: (
            _("“%(title)s” starts on %(when)s.")
            % {"title": meeting.title, "when": when(occurrence.start_at)}
        ),
        url=meeting.get_absolute_url(),
    )
    return True


@handler(MINUTES_DUE)
def _minutes_due(reminder: Reminder) -> bool:
    occurrence = _live_occurrence(reminder.target_id)
    if occurrence is None:
        return False
    if Minutes.objects.filter(
        occurrence=occurrence, status__in=[Minutes.Status.CIRCULATED, Minutes.Status.FINAL]
    ).exists():
        return False
    meeting = occurrence.meeting
    notify(
        recipients=[reminder.recipient],
        subject=lambda: _("Minutes due: %(title)s") % {"title": meeting.title},
        body=lambda: (
            _("Circulate the minutes of “%(title)s” (%(when)s) within a week.")
            % {"title": meeting.title, "when": when(occurrence.start_at)}
        ),
        url=meeting.get_absolute_url(),
    )
    return True


@handler(COMMENTS_CLOSING)
def _comments_closing(reminder: Reminder) -> bool:
    minutes = (
        Minutes.objects.select_related("occurrence__meeting")
        .filter(pk=reminder.target_id, status=Minutes.Status.CIRCULATED)
        .first()
    )
    if minutes is None:
        return False
    meeting = minutes.occurrence.meeting
    notify(
        recipients=_invitees(meeting),
        subject=lambda: _("Comments close soon: %(title)s") % {"title": meeting.title},
        body=lambda: (
            _("Comments on the minutes of “%(title)s” close on %(when)s.")
            % {"title": meeting.title, "when": when(minutes.comments_close_at)}
        ),
        url=meeting.get_absolute_url(),
    )
    return True


def _open_point(pk: int) -> ActionPoint | None:
    return (
        ActionPoint.objects.select_related("minutes__occurrence__meeting")
        .filter(pk=pk, status=ActionPoint.Status.OPEN)
        .first()
    )


@handler(ACTION_DUE)
def _action_due(reminder: Reminder) -> bool:
    point = _open_point(reminder.target_id)
    if point is None:
        return False
    notify(
        recipients=[reminder.recipient],
        subject=lambda: _("Action point due today: %(text)s") % {"text": point.text[:120]},
        body=lambda: point.text,
        url=point.minutes.occurrence.meeting.get_absolute_url(),
    )
    return True


@handler(ACTION_OVERDUE)
def _action_overdue(reminder: Reminder) -> bool:
    point = _open_point(reminder.target_id)
    if point is None:
        return False
    notify(
        recipients=[reminder.recipient],
        subject=lambda: _("Action point overdue: %(text)s") % {"text": point.text[:120]},
        body=lambda: point.text,
        url=point.minutes.occurrence.meeting.get_absolute_url(),
    )
    return True
