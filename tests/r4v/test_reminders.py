"""The reminder table: due rows are sent once, late rather than never, and failures back off."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from r4v import reminders
from r4v.models import Notification, Reminder
from r4v.services import notification_send

NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
calls: list[int] = []


@reminders.handler("test.hello")
def _hello(reminder: Reminder) -> bool:
    calls.append(reminder.target_id)
    if reminder.target_id == 0:
        return False  # the occasion has passed: nothing to say
    if reminder.target_id == 13:
        raise RuntimeError("the handler broke")
    notification_send(recipients=[reminder.recipient], subject="Hello")
    return True


@pytest.fixture(autouse=True)
def _calls():
    calls.clear()


def _schedule(user, target_id=1, key="hello:1", due=NOW):
    return reminders.reminder_schedule(
        kind="test.hello", target_id=target_id, key=key, due_at=due, recipient=user
    )


@pytest.mark.django_db
def test_a_due_reminder_is_sent_once_even_when_the_sweeper_runs_twice(personas):
    # given
    _schedule(personas["partner"])
    # when
    first = reminders.reminders_sweep(now=NOW)
    second = reminders.reminders_sweep(now=NOW + datetime.timedelta(minutes=1))
    # then
    assert (first, second) == (1, 0)
    assert calls == [1]
    assert Notification.objects.filter(recipient=personas["partner"]).count() == 1
    assert Reminder.objects.get().sent_at == NOW


@pytest.mark.django_db
def test_a_reminder_not_yet_due_waits_and_a_missed_run_is_caught_up_late(personas):
    # given
    _schedule(personas["partner"], due=NOW + datetime.timedelta(hours=1))
    # when / then: not yet
    assert reminders.reminders_sweep(now=NOW) == 0
    # when: the sweeper was down for a day
    assert reminders.reminders_sweep(now=NOW + datetime.timedelta(days=1)) == 1


@pytest.mark.django_db
def test_scheduling_the_same_key_again_moves_a_pending_reminder_and_never_adds_one(personas):
    # given
    _schedule(personas["partner"], due=NOW)
    # when
    _schedule(personas["partner"], due=NOW + datetime.timedelta(days=2))
    # then
    assert Reminder.objects.count() == 1
    assert reminders.reminders_sweep(now=NOW + datetime.timedelta(days=1)) == 0
    assert reminders.reminders_sweep(now=NOW + datetime.timedelta(days=2)) == 1
    # and a sent one is not scheduled again
    _schedule(personas["partner"], due=NOW + datetime.timedelta(days=5))
    assert reminders.reminders_sweep(now=NOW + datetime.timedelta(days=6)) == 0


@pytest.mark.django_db
def test_a_cancelled_reminder_and_one_with_nothing_to_say_are_skipped(personas):
    # given
    _schedule(personas["partner"], target_id=7, key="hello:7")
    _schedule(personas["partner"], target_id=0, key="hello:0")
    # when
    reminders.reminders_cancel(kind="test.hello", target_id=7)
    sent = reminders.reminders_sweep(now=NOW)
    # then
    assert sent == 0
    assert calls == [0]
    assert Reminder.objects.filter(skipped_at__isnull=False).count() == 2
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_a_failing_handler_backs_off_writes_nothing_and_is_marked_failed_after_the_last_try(
    personas,
):
    # given
    _schedule(personas["partner"], target_id=13, key="hello:13")
    now = NOW
    # when: it fails every time
    for _ in range(reminders.MAX_ATTEMPTS):
        assert reminders.reminders_sweep(now=now) == 0
        now = Reminder.objects.get().due_at
    # then
    reminder = Reminder.objects.get()
    assert reminder.attempts == reminders.MAX_ATTEMPTS
    assert reminder.failed_at is not None and reminder.sent_at is None
    assert "the handler broke" in reminder.last_error
    assert len(calls) == reminders.MAX_ATTEMPTS
    assert reminders.reminders_sweep(now=now + datetime.timedelta(days=1)) == 0


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_the_same_moment_send_each_reminder_once(personas):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; the claim is exercised on PostgreSQL")
    # given
    targets = list(range(21, 41))  # none of the handler's special ids
    for n in targets:
        _schedule(personas["partner"], target_id=n, key=f"hello:{n}")
    barrier = threading.Barrier(2)
    sent = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            sent.append(reminders.reminders_sweep(now=timezone.now()))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then
    assert sum(sent) == 20
    assert sorted(calls) == targets
    assert Notification.objects.count() == 20
