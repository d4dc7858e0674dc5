"""The overlap scan: each new conflict told once to both organizers, even with two scans at once;
a reschedule that still clashes is a new conflict; an accepted one is never told."""

import datetime
import threading

import pytest
from django.db import connection

from meetings import services
from meetings.conflicts import conflicts_scan, overlapping_pairs
from meetings.models import Conflict, Occurrence
from r4v.models import Notification

from .conftest import future, schedule


def _race(meeting, onto):
    # Two organizers saving at the same moment both pass the check before saving: neither sees
    # the other's uncommitted sitting. Writing the sitting's times directly stands in for that
    # race; every other write in these tests goes through the services.
    other = onto.occurrences.get()
    meeting.occurrences.update(start_at=other.start_at, end_at=other.end_at)


def _told(user):
    return Notification.objects.filter(recipient=user, subject__contains="overlaps").count()


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_tell_each_new_conflict_once_then_again_after_a_reschedule(cal):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every writer; the unique key race is exercised on PostgreSQL"
        )
    # given two regional sectors' meetings that came to clash in a race
    team, co = cal.regional_team, cal.personas["co_coordinator"]
    protection = schedule(
        team,
        platform_sector=cal.world.regional_protection,
        start_local=future(10, 10),
        end_local=future(10, 11),
    )
    health = schedule(
        co,
        platform_sector=cal.world.regional_health,
        start_local=future(10, 14),
        end_local=future(10, 15),
    )
    _race(health, onto=protection)
    barrier = threading.Barrier(2)
    found = []

    def scan():
        try:
            barrier.wait(timeout=10)
            found.append(conflicts_scan())
        finally:
            connection.close()

    # when two scans run at once, and then a third
    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    again = conflicts_scan()
    # then the conflict is recorded once and each organizer is told once
    assert sorted(found) == [0, 1] and again == 0
    assert Conflict.objects.count() == 1
    assert (_told(team), _told(co)) == (1, 1)

    # when the health meeting is moved by half an hour in another race, still clashing
    sitting = health.occurrences.get()
    Occurrence.objects.filter(pk=sitting.pk).update(
        start_at=sitting.start_at + datetime.timedelta(minutes=30),
        end_at=sitting.end_at + datetime.timedelta(minutes=30),
    )
    # then it is a new conflict, told again
    assert conflicts_scan() == 1
    assert (_told(team), _told(co)) == (2, 2)


def test_a_conflict_accepted_when_saving_is_never_told_and_a_move_accepted_neither(cal):
    team = cal.regional_team
    schedule(
        team,
        platform_sector=cal.world.regional_protection,
        start_local=future(10, 10),
        end_local=future(10, 11),
    )
    health = schedule(
        team,
        platform_sector=cal.world.regional_health,
        start_local=future(10, 10),
        end_local=future(10, 11),
        accept=True,
    )
    assert conflicts_scan() == 0
    # when moved into another clash with the other, accepted again
    services.occurrence_move(
        occurrence=health.occurrences.get(),
        start_local=future(10, 10) + datetime.timedelta(minutes=30),
        end_local=future(10, 11) + datetime.timedelta(minutes=30),
        by=team,
        accept_conflicts=True,
    )
    assert conflicts_scan() == 0
    assert _told(team) == 0
    assert Conflict.objects.filter(accepted_by=team).count() == 2


def test_the_sweep_pairs_only_overlapping_sittings_with_a_shared_key():
    # given four sittings: a-b overlap and share a key, c touches b, d overlaps a with no shared key
    from meetings.conflicts import _Row

    t = datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)
    h = datetime.timedelta(hours=1)
    keys = {1: {"s:1"}, 2: {"s:1", "o:2"}, 3: {"o:2"}, 4: {"p:9"}}
    rows = [
        _Row(pk, pk, start, start, end, frozenset(keys[pk]))
        for pk, start, end in (
            (1, t, t + 2 * h),
            (2, t + h, t + 2 * h),
            (3, t + 2 * h, t + 3 * h),
            (4, t, t + h),
        )
    ]
    pairs = overlapping_pairs(rows)
    assert [(a.pk, b.pk) for a, b in pairs] == [(1, 2)]
