"""Deadline reminders: exactly once, late rather than never, never after the task moved on."""

import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.db import connection

from program_cycle import reminders, workflow
from program_cycle.models import Task
from r4v.models import Notification, Reminder
from r4v.reminders import reminders_sweep

pytestmark = pytest.mark.django_db

PANAMA = zoneinfo.ZoneInfo("America/Panama")


def at(day: datetime.date, hour=9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PANAMA)


DUE = datetime.date(2027, 1, 15)  # a Friday


@pytest.fixture
def narrative(world, cast, make_task):
    """The Regional Health narrative, due on DUE; its drafters are Ana and Luis."""
    with time_machine.travel(at(datetime.date(2026, 12, 1)), tick=False):
        task = make_task("rmna-regional-sector-narrative", world.regional, world.health, due_on=DUE)
        reminders.deadline_schedule(task)
    return task


def subjects(user=None):
    rows = Notification.objects.order_by("pk")
    if user is not None:
        rows = rows.filter(recipient=user)
    return list(rows.values_list("subject", flat=True))


def test_drafters_are_reminded_at_each_threshold_once(narrative, cast):
    # given: first threshold 14 days before, at 08:00
    assert Reminder.objects.get().due_at == at(DUE - datetime.timedelta(days=14), 8)
    # when / then: nothing early
    assert reminders_sweep(now=at(datetime.date(2026, 12, 31))) == 0
    # when: each threshold's day, the sweeper running twice each time
    sent = []
    for days in (14, 7, 3, 1, 0, -1):
        day = DUE - datetime.timedelta(days=days)
        sent.append(reminders_sweep(now=at(day)) + reminders_sweep(now=at(day, 10)))
    # then
    assert sent == [1, 1, 1, 1, 1, 1]
    assert subjects(cast.ana) == [
        "Due in 14 days: RMNA regional sectoral narrative – Health · Regional Platform",
        "Due in 7 days: RMNA regional sectoral narrative – Health · Regional Platform",
        "Due in 3 days: RMNA regional sectoral narrative – Health · Regional Platform",
        "Due tomorrow: RMNA regional sectoral narrative – Health · Regional Platform",
        "Due today: RMNA regional sectoral narrative – Health · Regional Platform",
        "Overdue: RMNA regional sectoral narrative – Health · Regional Platform",
    ]
    assert len(subjects(cast.luis)) == 6
    assert reminders_sweep(now=at(DUE + datetime.timedelta(days=30))) == 0


def test_a_missed_run_is_caught_up_late_with_the_real_days_left_and_no_burst(narrative, cast):
    # when: the sweeper was down from 14 days before until 5 days before
    assert reminders_sweep(now=at(DUE - datetime.timedelta(days=5))) == 1
    # then: one reminder saying what is true now, and the next threshold still ahead
    assert subjects(cast.ana) == [
        "Due in 5 days: RMNA regional sectoral narrative – Health · Regional Platform"
    ]
    pending = Reminder.objects.get(sent_at__isnull=True, skipped_at__isnull=True)
    assert pending.due_at == at(DUE - datetime.timedelta(days=3), 8)


def test_no_reminder_after_the_task_moved_on(narrative, cast):
    # when: submitted before the first threshold
    with time_machine.travel(at(datetime.date(2026, 12, 20)), tick=False):
        workflow.task_transition(
            task_id=narrative.pk, action="submit", version=narrative.version, by=cast.luis
        )
    # then: the deadline reminder was cancelled, nothing is sent to the drafters
    reminders_sweep(now=at(DUE + datetime.timedelta(days=3)))
    deadline = Reminder.objects.get(kind=reminders.DEADLINE)
    assert (deadline.sent_at, deadline.skipped_at is not None) == (None, True)
    assert subjects(cast.ana) == subjects(cast.luis) == []


def test_a_pending_reminder_whose_task_moved_on_is_skipped_by_its_handler(narrative, cast):
    # given: the task moved on without the cancel (a race, a script)
    Task.objects.filter(pk=narrative.pk).update(state="final")
    # when
    sent = reminders_sweep(now=at(DUE))
    # then
    assert sent == 0
    assert Reminder.objects.get().skipped_at is not None
    assert Notification.objects.count() == 0


def test_a_step_waiting_more_than_five_working_days_reminds_its_clearers_once(
    narrative, cast, personas
):
    # given: submitted on Monday 4 January 2027
    monday = at(datetime.date(2027, 1, 4))
    with time_machine.travel(monday, tick=False):
        workflow.task_transition(
            task_id=narrative.pk, action="submit", version=narrative.version, by=cast.luis
        )
    step = Reminder.objects.get(kind=reminders.STEP_WAITING)
    # then: five working days later is the next Monday
    assert step.due_at == at(datetime.date(2027, 1, 11))
    assert reminders_sweep(now=at(datetime.date(2027, 1, 8), 23)) == 0
    assert reminders_sweep(now=at(datetime.date(2027, 1, 11), 10)) == 1
    assert reminders_sweep(now=at(datetime.date(2027, 1, 12))) == 0
    waiting = [s for s in subjects() if s.startswith("Waiting for your clearance")]
    # the Regional Platform team clears this step: the persona and the second member
    assert len(waiting) == 2
    assert Notification.objects.filter(
        recipient=personas["regional"], subject__startswith="Waiting"
    ).exists()


def test_a_step_cleared_in_time_sends_no_waiting_reminder(narrative, cast):
    with time_machine.travel(at(datetime.date(2027, 1, 4)), tick=False):
        task = workflow.task_transition(
            task_id=narrative.pk, action="submit", version=narrative.version, by=cast.luis
        )
        workflow.task_transition(
            task_id=task.pk, action="clear", version=task.version, by=cast.regional_team
        )
    assert reminders_sweep(now=at(datetime.date(2027, 1, 20))) == 0
    assert [s for s in subjects() if s.startswith("Waiting")] == []


def test_the_weekly_overdue_digest_goes_once_per_week_to_the_regional_platform(
    world, cast, make_task, personas
):
    # given: two overdue tasks and one on time
    make_task("pin", world.colombia, world.health, due_on=datetime.date(2027, 1, 4))
    make_task("jna", world.colombia, due_on=datetime.date(2027, 1, 5))
    make_task("jna", cast.caribbean, due_on=datetime.date(2027, 3, 1))
    wednesday = at(datetime.date(2027, 1, 13))
    # when: the daily beat task ran on Wednesday (Monday's run was missed) and again Thursday
    reminders.overdue_digest_ensure(now=wednesday)
    reminders.overdue_digest_ensure(now=wednesday + datetime.timedelta(days=1))
    sent = reminders_sweep(now=wednesday) + reminders_sweep(
        now=wednesday + datetime.timedelta(days=1)
    )
    # then
    assert sent == 1
    digest = Notification.objects.get(recipient=personas["regional"])
    assert digest.subject == "Overdue this week: 2 tasks"
    assert "People in need (PiN) – Health · Colombia — due 2027-01-04" in digest.body
    assert Notification.objects.filter(subject__startswith="Overdue this week").count() == 2
    # and next week there is a new one
    reminders.overdue_digest_ensure(now=wednesday + datetime.timedelta(days=7))
    assert reminders_sweep(now=wednesday + datetime.timedelta(days=7)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_send_each_deadline_reminder_once(world, cast, make_task):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; the claim is exercised on PostgreSQL")
    from ..factories import CycleFactory, TaskFactory

    # given: ten tasks whose 14-day reminder is due
    with time_machine.travel(at(datetime.date(2026, 12, 1)), tick=False):
        tasks = [
            TaskFactory(
                cycle=CycleFactory(),
                task_type="rmna-regional-sector-narrative",
                platform=world.regional,
                sector=world.health,
                due_on=DUE,
            )
            for _ in range(10)
        ]
        reminders.deadline_schedule_new(tasks)
    barrier = threading.Barrier(2)
    counts = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            counts.append(reminders_sweep(now=at(DUE - datetime.timedelta(days=14))))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then: ten reminders, each to Ana and Luis once
    assert sum(counts) == 10
    assert Notification.objects.filter(subject__startswith="Due in 14 days").count() == 20
