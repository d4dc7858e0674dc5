"""Overlap across zones and clock changes: the check compares UTC instants, half-open."""

import datetime

import pytest

from meetings import services
from meetings.models import Occurrence
from r4v.errors import DomainError

from ..factories import meeting_draft
from .conftest import local, schedule

UTC = datetime.UTC


def _clashes(cal, **fields):
    return services.conflicts_preview(draft=meeting_draft(**fields))


def _shared_audience(cal):
    # Both meetings invite the Regional Health Sector, so only time decides.
    return {"invited_sectors": [cal.world.regional_health]}


@pytest.mark.parametrize(
    ("day", "santiago_offset", "clash"),
    [
        # January: Santiago on summer time (UTC-3): 10:00 Santiago is 08:00 Bogotá (UTC-5).
        (datetime.date(2026, 1, 13), -3, True),
        # July: Santiago on UTC-4: 10:00 Santiago is 09:00 Bogotá; the 08:00-09:00 Bogotá
        # meeting ends exactly when it starts. Touching ends are not overlaps.
        (datetime.date(2026, 7, 14), -4, False),
    ],
)
def test_santiago_and_bogota_clash_in_january_but_only_touch_in_july(
    cal, day, santiago_offset, clash
):
    # given a meeting 10:00-11:00 Santiago time
    santiago = schedule(
        cal.regional_team,
        platform_sector=cal.chile_health,
        time_zone="America/Santiago",
        start_local=datetime.datetime.combine(day, datetime.time(10)),
        end_local=datetime.datetime.combine(day, datetime.time(11)),
        **_shared_audience(cal),
    )
    assert santiago.start_at == datetime.datetime.combine(
        day, datetime.time(10 - santiago_offset), tzinfo=UTC
    )
    # when another is proposed 08:00-09:00 Bogotá time on the same day
    clashes = _clashes(
        cal,
        platform_sector=cal.world.colombia_health,
        time_zone="America/Bogota",
        start_local=datetime.datetime.combine(day, datetime.time(8)),
        end_local=datetime.datetime.combine(day, datetime.time(9)),
        **_shared_audience(cal),
    )
    # then it clashes in January only
    assert [c.other.meeting_id for c in clashes] == ([santiago.pk] if clash else [])


def test_panama_and_mexico_city_are_an_hour_apart_all_year(cal):
    # given 10:00-11:00 in Panama (UTC-5, no daylight saving)
    panama = schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_health,
        time_zone="America/Panama",
        start_local=local(2026, 7, 14, 10),
        end_local=local(2026, 7, 14, 11),
    )
    # when Mexico City (UTC-6 since 2022) proposes 09:30-10:00 and 08:00-09:00 local
    overlapping = _clashes(
        cal,
        platform_sector=cal.mexico_health,
        time_zone="America/Mexico_City",
        start_local=local(2026, 7, 14, 9, 30),
        end_local=local(2026, 7, 14, 10),
        invited_sectors=[cal.world.regional_health],
    )
    before = _clashes(
        cal,
        platform_sector=cal.mexico_health,
        time_zone="America/Mexico_City",
        start_local=local(2026, 7, 14, 8),
        end_local=local(2026, 7, 14, 9),
        invited_sectors=[cal.world.regional_health],
    )
    # then 09:30 Mexico City (15:30 UTC) is inside Panama's 15:00-16:00 UTC; 08:00-09:00 touches
    assert [c.other.meeting_id for c in overlapping] == [panama.pk]
    assert before == []


def test_a_local_time_the_clocks_skip_is_refused(cal):
    # given Chile's clocks jump from 00:00 to 01:00 on 6 September 2026
    # when a meeting is proposed at 00:30 that night
    with pytest.raises(DomainError) as error:
        schedule(
            cal.regional_team,
            platform_sector=cal.chile_health,
            time_zone="America/Santiago",
            start_local=local(2026, 9, 6, 0, 30),
            end_local=local(2026, 9, 6, 1, 30),
        )
    # then it is refused, naming the problem, and nothing is saved
    assert error.value.code == "nonexistent_local_time"
    assert error.value.field == "start"
    assert not Occurrence.objects.exists()


def test_a_local_time_that_happens_twice_asks_which_one(cal):
    # given Chile's clocks go back from 00:00 to 23:00 on the night of 4 April 2026
    fields = dict(
        platform_sector=cal.chile_health,
        time_zone="America/Santiago",
        start_local=local(2026, 4, 4, 23, 15),
        end_local=local(2026, 4, 4, 23, 45),
    )
    # when no choice is given, the service asks
    with pytest.raises(DomainError) as error:
        schedule(cal.regional_team, **fields)
    assert error.value.code == "ambiguous_local_time"
    assert "UTC-03:00" in error.value.detail and "UTC-04:00" in error.value.detail
    # then the first (summer time, UTC-3) or the second (UTC-4) is taken as told
    first = schedule(cal.regional_team, fold=0, **fields)
    second = schedule(cal.regional_team, fold=1, accept=True, **fields)
    assert first.start_at == datetime.datetime(2026, 4, 5, 2, 15, tzinfo=UTC)
    assert second.start_at == datetime.datetime(2026, 4, 5, 3, 15, tzinfo=UTC)


def test_a_meeting_across_the_april_change_lasts_its_real_length(cal):
    # given 22:30 to 00:30 in Santiago across the night the clocks go back
    meeting = schedule(
        cal.regional_team,
        platform_sector=cal.chile_health,
        time_zone="America/Santiago",
        start_local=local(2026, 4, 4, 22, 30),
        end_local=local(2026, 4, 5, 0, 30),
    )
    # then it lasts three real hours (an hour is lived twice)
    assert meeting.end_at - meeting.start_at == datetime.timedelta(hours=3)
    # and it clashes with a Bogotá meeting at 22:45 Bogotá (03:45 UTC), inside the repeated hour
    clashes = _clashes(
        cal,
        platform_sector=cal.chile_health,
        time_zone="America/Bogota",
        start_local=local(2026, 4, 4, 22, 45),
        end_local=local(2026, 4, 4, 23, 0),
    )
    assert [c.other.meeting_id for c in clashes] == [meeting.pk]


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"end_local": local(2026, 7, 14, 10)}, "ends_before_start", "end"),
        ({"end_local": local(2026, 7, 14, 9)}, "ends_before_start", "end"),
        ({"end_local": local(2026, 7, 17, 10, 1)}, "too_long", "end"),
        ({"time_zone": "America/Atlantis"}, "unknown_time_zone", "time_zone"),
        ({"time_zone": ""}, "unknown_time_zone", "time_zone"),
        ({"rrule": "FREQ=MONTHLY;BYDAY=2TU"}, "endless_rule", "rrule"),
        ({"rrule": "FREQ=WEEKLY;UNTIL=20260101"}, "empty_rule", "rrule"),
        ({"rrule": "FREQ=SOMETIMES;COUNT=3"}, "invalid_rule", "rrule"),
        ({"rrule": "FREQ=DAILY;COUNT=500"}, "rule_too_long", "rrule"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_is_saved(cal, fields, code, field):
    with pytest.raises(DomainError) as error:
        schedule(cal.regional_team, platform_sector=cal.world.regional_health, **fields)
    assert (error.value.code, error.value.field) == (code, field)
    assert not Occurrence.objects.exists()
