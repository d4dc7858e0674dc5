"""Series: an RRULE in the organizer's wall-clock time, with sittings moved and cancelled."""

import datetime

import pytest

from meetings import services
from meetings.models import Meeting, Occurrence
from r4v.errors import DomainError

from ..factories import meeting_draft
from .conftest import local, schedule

UTC = datetime.UTC
SECOND_TUESDAY = "FREQ=MONTHLY;BYDAY=2TU;COUNT=12"


def test_a_santiago_series_keeps_10_00_local_across_both_clock_changes(cal):
    # given "second Tuesday of each month, 10:00 Santiago" for 2027
    meeting = schedule(
        cal.regional_team,
        platform_sector=cal.chile_health,
        time_zone="America/Santiago",
        start_local=local(2027, 1, 12, 10),
        end_local=local(2027, 1, 12, 11),
        rrule=SECOND_TUESDAY,
    )
    # then twelve sittings, each at 10:00 Santiago: 13:00 UTC on summer time, 14:00 in winter
    starts = list(meeting.occurrences.values_list("start_at", flat=True))
    assert len(starts) == 12
    assert [s.astimezone(meeting.zone).hour for s in starts] == [10] * 12
    by_month = {s.month: s.hour for s in starts}
    assert by_month[1] == 13 and by_month[3] == 13  # UTC-3 until the first Sunday of April
    assert by_month[5] == 14 and by_month[8] == 14  # UTC-4 until the first Sunday of September
    assert by_month[10] == 13
    assert starts[1] == datetime.datetime(2027, 2, 9, 13, tzinfo=UTC)


def test_moving_and_cancelling_sittings_keeps_their_original_start_and_survives_an_edit(cal):
    # given a Bogotá series of six
    meeting = schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_health,
        start_local=local(2027, 1, 12, 10),
        end_local=local(2027, 1, 12, 11),
        rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=6",
    )
    second, third = list(meeting.occurrences.order_by("original_start"))[1:3]
    # when the second moves a day later and the third is cancelled
    services.occurrence_move(
        occurrence=second,
        start_local=local(2027, 2, 10, 15),
        end_local=local(2027, 2, 10, 16),
        by=cal.regional_team,
    )
    services.occurrence_cancel(occurrence=third, by=cal.regional_team)
    # and the whole series is renamed
    services.meeting_update(
        meeting=meeting,
        draft=meeting_draft(
            platform_sector=cal.world.regional_health,
            title="Health monthly",
            start_local=local(2027, 1, 12, 10),
            end_local=local(2027, 1, 12, 11),
            rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=6",
        ),
        by=cal.regional_team,
    )
    # then the overrides are kept, keyed by their original start, and SEQUENCE went up thrice
    second.refresh_from_db()
    third.refresh_from_db()
    meeting.refresh_from_db()
    assert second.original_start == datetime.datetime(2027, 2, 9, 15, tzinfo=UTC)
    assert second.start_at == datetime.datetime(2027, 2, 10, 20, tzinfo=UTC)
    assert second.is_moved and not second.is_cancelled
    assert third.is_cancelled
    assert (meeting.title, meeting.sequence) == ("Health monthly", 3)
    assert meeting.occurrences.count() == 6


def test_shortening_a_series_removes_the_sittings_it_no_longer_yields(cal):
    meeting = schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_health,
        start_local=local(2027, 1, 12, 10),
        end_local=local(2027, 1, 12, 11),
        rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=6",
    )
    services.meeting_update(
        meeting=meeting,
        draft=meeting_draft(
            platform_sector=cal.world.regional_health,
            start_local=local(2027, 1, 12, 10),
            end_local=local(2027, 1, 12, 11, 30),
            rrule="FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270331",
        ),
        by=cal.regional_team,
    )
    sittings = list(meeting.occurrences.order_by("start_at"))
    assert [s.start_at.month for s in sittings] == [1, 2, 3]
    assert {s.end_at - s.start_at for s in sittings} == {datetime.timedelta(minutes=90)}
    meeting.refresh_from_db()
    # UNTIL is stored the RFC 5545 way for a zoned DTSTART: in UTC
    assert meeting.rrule == "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270401T045959Z"


def test_a_cancelled_series_cannot_be_edited_nor_its_sittings_moved(cal):
    meeting = schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_health,
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    services.meeting_cancel(meeting=meeting, by=cal.regional_team, reason="Merged")
    sitting = meeting.occurrences.first()
    with pytest.raises(DomainError) as error:
        services.occurrence_move(
            occurrence=sitting,
            start_local=local(2026, 7, 15, 10),
            end_local=local(2026, 7, 15, 11),
            by=cal.regional_team,
        )
    assert error.value.code == "meeting_cancelled"
    sitting.refresh_from_db()
    assert sitting.start_at == sitting.original_start
    assert Meeting.objects.get().status == Meeting.Status.CANCELLED


def test_only_organizers_of_the_sector_may_schedule(cal):
    # a co-coordinator of Regional Health may schedule for it, not for Colombia Health
    co = cal.personas["co_coordinator"]
    schedule(co, platform_sector=cal.world.regional_health)
    with pytest.raises(DomainError) as error:
        schedule(co, platform_sector=cal.world.colombia_health, accept=True)
    assert error.value.code == "not_allowed"
    assert Occurrence.objects.count() == 1
