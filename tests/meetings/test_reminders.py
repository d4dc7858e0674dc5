"""Reminders through the r4v table: each once, late rather than never, none after cancellation."""

import datetime

from meetings import reminders, services
from r4v.models import Notification, Reminder
from r4v.reminders import reminders_sweep

from .conftest import future, schedule

DAY = datetime.timedelta(days=1)


def _subjects(user):
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def test_a_regular_meeting_invited_less_than_7_days_ahead_tells_the_organizer_once(cal):
    team = cal.regional_team
    # given a monthly meeting three days ahead, and an ad-hoc workshop three days ahead
    schedule(
        team,
        platform_sector=cal.world.regional_health,
        start_local=future(3, 10),
        end_local=future(3, 11),
    )
    schedule(
        team,
        platform_sector=cal.world.regional_protection,
        kind="workshop",
        start_local=future(3, 14),
        end_local=future(3, 15),
    )
    # when the sweeper runs twice
    now = datetime.datetime.now(datetime.UTC)
    sent = reminders_sweep(now=now + datetime.timedelta(minutes=1))
    again = reminders_sweep(now=now + datetime.timedelta(minutes=2))
    # then the organizer is told once, about the regular meeting only (seed 001: "minimum 7
    # days before regular meetings, may be less for extraordinary or ad-hoc meetings")
    assert (sent, again) == (1, 0)
    assert [s for s in _subjects(team) if s.startswith("Short notice")] == [
        "Short notice: Monthly meeting"
    ]


def test_the_day_before_invitees_are_told_once_even_late_and_not_after_cancellation(cal):
    team = cal.regional_team
    ana = cal.world.unhcr_coordinator.person
    kept = schedule(
        team,
        platform_sector=cal.world.regional_health,
        title="Kept",
        start_local=future(20, 10),
        end_local=future(20, 11),
    )
    dropped = schedule(
        team,
        platform_sector=cal.world.regional_protection,
        title="Dropped",
        start_local=future(20, 14),
        end_local=future(20, 15),
        invited_sectors=[cal.world.regional_health],
    )
    start = kept.start_at
    # not yet due a day and a half before
    assert reminders_sweep(now=start - 1.5 * DAY) == 0
    services.meeting_cancel(meeting=dropped, by=team)
    # when the sweeper was down and runs 2 hours before the meeting: late rather than never
    reminders_sweep(now=start - datetime.timedelta(hours=2))
    reminders_sweep(now=start - datetime.timedelta(hours=1))
    # then the co-coordinator is told once about the kept meeting, never about the dropped one
    tomorrow = [s for s in _subjects(ana) if s.startswith("Tomorrow")]
    assert tomorrow == ["Tomorrow: Kept"]
    assert Reminder.objects.get(
        kind=reminders.TOMORROW, target_id=dropped.occurrences.get().pk
    ).skipped_at


def test_a_moved_sitting_is_reminded_at_its_new_time(cal):
    team = cal.regional_team
    ana = cal.world.unhcr_coordinator.person
    meeting = schedule(
        team,
        platform_sector=cal.world.regional_health,
        start_local=future(20, 10),
        end_local=future(20, 11),
    )
    old_start = meeting.start_at
    services.occurrence_move(
        occurrence=meeting.occurrences.get(),
        start_local=future(22, 10),
        end_local=future(22, 11),
        by=team,
    )
    # the old day's reminder says nothing; the new one is due two days later
    assert reminders_sweep(now=old_start - datetime.timedelta(hours=2)) == 0
    assert reminders_sweep(now=old_start + 2 * DAY - datetime.timedelta(hours=2)) >= 1
    assert [s for s in _subjects(ana) if s.startswith("Tomorrow")] == ["Tomorrow: Monthly meeting"]


def test_minutes_due_comments_closing_and_action_points(cal):
    team = cal.regional_team
    ana = cal.world.unhcr_coordinator.person
    meeting = schedule(
        team,
        platform_sector=cal.world.regional_health,
        start_local=future(-3, 10),
        end_local=future(-3, 11),
        kind="workshop",
    )
    sitting = meeting.occurrences.get()
    # minutes due 6 days after the sitting, to the organizer
    reminders_sweep(now=sitting.end_at + 6 * DAY)
    assert "Minutes due: Monthly meeting" in _subjects(team)
    # the minutes circulate; comments close 5 days later, invitees told the day before
    minutes = services.minutes_save(
        occurrence=sitting, by=team, key_topics="Funding", decisions="Merge"
    )
    services.minutes_circulate(minutes=minutes, by=team)
    minutes.refresh_from_db()
    due_on = (minutes.circulated_at + 4 * DAY).date()
    point = services.action_point_add(
        minutes=minutes, text="Send the 4W", owner=ana, due_on=due_on, by=team
    )
    reminders_sweep(now=minutes.circulated_at + 4 * DAY + datetime.timedelta(minutes=1))
    # 09:00 in the owner's zone (Panama, UTC-5) on the due day; overdue the next morning
    reminders_sweep(now=datetime.datetime.combine(due_on, datetime.time(20), tzinfo=datetime.UTC))
    subjects = _subjects(ana)
    assert "Comments close soon: Monthly meeting" in subjects
    assert "Action point due today: Send the 4W" in subjects
    # done before it is overdue: no overdue reminder
    services.action_point_set_status(point=point, status="done", by=ana)
    reminders_sweep(now=minutes.circulated_at + 10 * DAY)
    assert not [s for s in _subjects(ana) if s.startswith("Action point overdue")]
    assert Reminder.objects.get(kind=reminders.ACTION_OVERDUE).skipped_at is not None
