"""Meeting discipline: short notice, late minutes, missing monthly meetings, organization load."""

import datetime

from meetings import services
from meetings.discipline import meeting_discipline
from meetings.models import Meeting, Minutes

from .conftest import local, schedule

UTC = datetime.UTC


def _invited_on(meeting, day):
    # Test set-up only: the calendar's past, as if invited on `day` (created_at is set once
    # by the service at scheduling and never written again).
    Meeting.objects.filter(pk=meeting.pk).update(
        created_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=UTC)
    )


def test_discipline_sentences_for_a_regional_sector(cal):
    team = cal.regional_team
    rh = cal.world.regional_health
    national = schedule(
        team,
        platform_sector=rh,
        title="National",
        start_local=local(2026, 10, 13, 10),
        end_local=local(2026, 10, 13, 11),
    )
    _invited_on(national, datetime.date(2026, 10, 1))
    minutes = services.minutes_save(occurrence=national.occurrences.get(), by=team, key_topics="x")
    services.minutes_circulate(minutes=minutes, by=team)
    Minutes.objects.filter(pk=minutes.pk).update(
        circulated_at=datetime.datetime(2026, 10, 16, 12, tzinfo=UTC)
    )
    partners = schedule(
        team,
        platform_sector=rh,
        kind="monthly_partners",
        title="Partners",
        start_local=local(2026, 10, 20, 10),
        end_local=local(2026, 10, 20, 11),
    )
    _invited_on(partners, datetime.date(2026, 10, 17))

    findings = meeting_discipline(
        since=datetime.date(2026, 10, 1),
        until=datetime.date(2026, 12, 1),
        platform_sector=rh,
        today=datetime.date(2026, 12, 1),
    )
    failing = [f.message for f in findings if not f.passed]
    passing = [f.message for f in findings if f.passed]
    assert failing == [
        "“Partners” (Oct. 20, 2026) was invited 3 day(s) ahead; regular meetings are invited at least 7 days before.",
        "The minutes of “Partners” (Oct. 20, 2026) were not circulated.",
        "Health · Regional Platform held no monthly meeting with the national sectors in November 2026.",
        "Health · Regional Platform held no monthly meeting with the regional partners in November 2026.",
    ]
    assert passing == ["RDA was invited to 2 meeting(s) in October 2026."]
