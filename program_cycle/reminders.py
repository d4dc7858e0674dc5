"""Deadline reminders through the `r4v` reminder table.

- Drafters: 14, 7, 3 and 1 days before the due date, on the day, and once when overdue. One
  pending row per task: each reminder, when sent, schedules the next threshold still ahead, so
  a sweeper that was down for a week sends one (late) reminder that says how many days are
  really left, not a burst of stale ones.
- Clearers: a step still waiting after 5 working days (Monday to Friday; public holidays differ
  across 17 countries and are not modelled).
- The Regional Platform team: one digest of overdue tasks per ISO week, scheduled by a daily
  beat task, so a missed Monday is caught up the next day and never sent twice.

Every handler re-reads the task and says nothing when the occasion has passed (the task was
submitted, moved to another step, its due date changed): never after the task moved on.
Reminders are sent at 08:00 in the site's time zone.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from r4v.models import Reminder
from r4v.reminders import handler, reminder_schedule, reminders_cancel
from r4v.services import notification_send
from sectors import policy
from sectors.policy import Party

from .models import DRAFTING, Task, TaskState
from .parties import clearers_of, drafters_of, waiting_label

DEADLINE = "program_cycle.deadline"
STEP_WAITING = "program_cycle.step_waiting"
OVERDUE_DIGEST = "program_cycle.overdue_digest"

# Days before the due date; 0 is the day itself, -1 the day after (overdue).
THRESHOLDS = (14, 7, 3, 1, 0, -1)
STEP_WAITING_WORKING_DAYS = 5
SEND_AT = datetime.time(8, 0)


def _at(day: datetime.date) -> datetime.datetime:
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(day, SEND_AT, tzinfo=zone)


def add_working_days(moment: datetime.datetime, days: int) -> datetime.datetime:
    local = timezone.localtime(moment)
    while days > 0:
        local += datetime.timedelta(days=1)
        if local.weekday() < 5:
            days -= 1
    return local


def _deadline_key(task: Task, days: int) -> str:
    return f"{DEADLINE}:{task.pk}:{task.due_on.isoformat()}:{days}"


def _next_threshold(task: Task, now: datetime.datetime, below: int | None = None):
    for days in THRESHOLDS:
        if below is not None and days >= below:
            continue
        due_at = _at(task.due_on - datetime.timedelta(days=days))
        if due_at > now:
            return days, due_at
    return None


def deadline_schedule(task: Task, *, now: datetime.datetime | None = None) -> Reminder | None:
    """Schedule the next deadline reminder of a task being drafted (idempotent by key)."""
    if task.state not in DRAFTING:
        return None
    now = now or timezone.now()
    upcoming = _next_threshold(task, now)
    # Past every threshold already (a cycle generated late): tell them once that it is overdue.
    days, due_at = upcoming or (-1, now)
    return reminder_schedule(
        kind=DEADLINE, target_id=task.pk, key=_deadline_key(task, days), due_at=due_at
    )


def deadline_schedule_new(tasks, *, now: datetime.datetime | None = None) -> int:
    """`deadline_schedule` for the hundreds of tasks a cycle generates, in one insert.

    Equivalent for tasks that have no reminder yet (their keys are new); `ignore_conflicts`
    keeps it idempotent if one already exists. Per-row `reminder_schedule` took seconds.
    """
    now = now or timezone.now()
    rows = []
    for task in tasks:
        days, due_at = _next_threshold(task, now) or (-1, now)
        rows.append(
            Reminder(kind=DEADLINE, target_id=task.pk, key=_deadline_key(task, days), due_at=due_at)
        )
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def task_reminders_reschedule(task: Task, *, now: datetime.datetime | None = None) -> None:
    """After a transition: cancel what no longer applies, schedule what now does."""
    now = now or timezone.now()
    reminders_cancel(kind=STEP_WAITING, target_id=task.pk)
    if task.state in DRAFTING:
        deadline_schedule(task, now=now)
        return
    reminders_cancel(kind=DEADLINE, target_id=task.pk)
    if task.state == TaskState.SUBMITTED:
        reminder_schedule(
            kind=STEP_WAITING,
            target_id=task.pk,
            key=f"{STEP_WAITING}:{task.pk}:{task.version}",
            due_at=add_working_days(now, STEP_WAITING_WORKING_DAYS),
        )


def _task(reminder: Reminder) -> Task | None:
    return (
        Task.objects.select_related("task_type", "platform", "sector", "cycle")
        .filter(pk=reminder.target_id)
        .first()
    )


@handler(DEADLINE)
def _deadline(reminder: Reminder) -> bool:
    task = _task(reminder)
    _kind, _pk, due, days = reminder.key.rsplit(":", 3)
    if task is None or task.state not in DRAFTING or task.due_on.isoformat() != due:
        return False
    now = reminder.sent_at or timezone.now()
    left = (task.due_on - timezone.localdate(now)).days

    def subject():
        values = {"task": str(task), "days": left}
        if left > 1:
            return _("Due in %(days)s days: %(task)s") % values
        if left == 1:
            return _("Due tomorrow: %(task)s") % values
        if left == 0:
            return _("Due today: %(task)s") % values
        return _("Overdue: %(task)s") % values

    sent = notification_send(
        recipients=drafters_of(task),
        subject=subject,
        body=lambda: (
            _("Due on %(date)s (%(cycle)s).")
            % {"date": task.due_on.isoformat(), "cycle": task.cycle}
        ),
        url=task.get_absolute_url(),
    )
    following = _next_threshold(task, now, below=int(days))
    if following is not None and left >= 0:
        reminder_schedule(
            kind=DEADLINE,
            target_id=task.pk,
            key=_deadline_key(task, following[0]),
            due_at=following[1],
        )
    return bool(sent)


@handler(STEP_WAITING)
def _step_waiting(reminder: Reminder) -> bool:
    task = _task(reminder)
    version = int(reminder.key.rsplit(":", 1)[1])
    if task is None or task.state != TaskState.SUBMITTED or task.version != version:
        return False
    sent = notification_send(
        recipients=clearers_of(task),
        subject=lambda: _("Waiting for your clearance: %(task)s") % {"task": task},
        body=lambda: (
            _("This step (%(party)s) has waited more than %(days)s working days.")
            % {"party": waiting_label(task), "days": STEP_WAITING_WORKING_DAYS}
        ),
        url=task.get_absolute_url(),
    )
    return bool(sent)


def overdue_tasks(today: datetime.date):
    return (
        Task.objects.overdue(today)
        .select_related("task_type", "platform", "sector", "cycle")
        .order_by("due_on", "pk")
    )


def overdue_digest_ensure(*, now: datetime.datetime | None = None) -> Reminder:
    """Schedule this ISO week's digest for Monday 08:00 (at once if that has passed)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    year, week, weekday = today.isocalendar()
    monday = today - datetime.timedelta(days=weekday - 1)
    return reminder_schedule(
        kind=OVERDUE_DIGEST,
        target_id=0,
        key=f"{OVERDUE_DIGEST}:{year}-W{week:02d}",
        due_at=_at(monday),
    )


DIGEST_LINES = 100


@handler(OVERDUE_DIGEST)
def _overdue_digest(reminder: Reminder) -> bool:
    today = timezone.localdate(reminder.sent_at or timezone.now())
    tasks = list(overdue_tasks(today)[: DIGEST_LINES + 1])
    if not tasks:
        return False
    total = overdue_tasks(today).count()

    def body():
        lines = [
            _("%(task)s — due %(date)s, waiting on %(who)s")
            % {"task": task, "date": task.due_on.isoformat(), "who": waiting_label(task)}
            for task in tasks[:DIGEST_LINES]
        ]
        if total > DIGEST_LINES:
            lines.append(
                _("… and %(count)s more in the clearance queue.") % {"count": total - DIGEST_LINES}
            )
        return "\n".join(f"- {line}" for line in lines)

    sent = notification_send(
        recipients=policy.holders(Party.REGIONAL_PLATFORM),
        subject=lambda: _("Overdue this week: %(count)s tasks") % {"count": total},
        body=body,
        url=reverse("program_cycle:queue") + "?overdue=true",
    )
    return bool(sent)
