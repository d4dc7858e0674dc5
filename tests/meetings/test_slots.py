"""The slot finder: weekdays, inside every involved country's working hours, avoiding clashes."""

import datetime

from meetings import services

from ..factories import meeting_draft
from .conftest import local, schedule

UTC = datetime.UTC


def test_slots_fit_santiago_and_mexico_city_hours_skip_the_weekend_and_the_busy_hour(cal):
    # given a Chile meeting inviting Mexico: in January both 08:00-18:00 local overlap
    # 14:00-21:00 UTC (Santiago UTC-3, Mexico City UTC-6)
    draft = meeting_draft(
        platform_sector=cal.chile_health,
        time_zone="America/Santiago",
        start_local=local(2027, 1, 15, 10),
        end_local=local(2027, 1, 15, 11),
        invited_platforms=[cal.mexico],
    )
    # and Mexico's meeting with Chile's sector on Monday 18 January, 14:00-15:00 UTC (08:00
    # Mexico City), which shares the audience
    schedule(
        cal.regional_team,
        platform_sector=cal.mexico_health,
        invited_sectors=[cal.chile_health],
        time_zone="America/Mexico_City",
        start_local=local(2027, 1, 18, 8),
        end_local=local(2027, 1, 18, 9),
    )
    # when asked after Friday 15 January 20:30 UTC (17:30 in Santiago: no hour left that day)
    slots = services.slots_suggest(
        draft=draft, after=datetime.datetime(2027, 1, 15, 20, 30, tzinfo=UTC), count=2
    )
    # then Saturday and Sunday are skipped, and Monday's first hour is taken
    assert slots == [
        (
            datetime.datetime(2027, 1, 18, 15, tzinfo=UTC),
            datetime.datetime(2027, 1, 18, 16, tzinfo=UTC),
        ),
        (
            datetime.datetime(2027, 1, 18, 16, tzinfo=UTC),
            datetime.datetime(2027, 1, 18, 17, tzinfo=UTC),
        ),
    ]


def test_working_hours_are_configurable(cal, settings):
    settings.MEETINGS_WORKING_HOURS = ("09:00", "12:00")
    draft = meeting_draft(platform_sector=cal.world.colombia_health)  # Bogotá only, UTC-5
    slots = services.slots_suggest(
        draft=draft, after=datetime.datetime(2027, 1, 18, 0, 0, tzinfo=UTC), count=4
    )
    assert [s.hour for s, _e in slots] == [14, 15, 16, 14]
    assert slots[-1][0].day == 19
