"""The meetings list's flat builder returns what `MeetingSerializer` returns, row for row."""

from django.urls import reverse

from meetings import selectors
from meetings import serializers as s
from r4v.models import User

from ..conftest import api_for
from ..factories import OrganizationFactory, PlatformSectorFactory, SectorFactory, UserFactory
from .conftest import local, schedule


def test_the_meetings_list_returns_what_the_serializer_returns(cal):
    # given: every kind of row: series and one-off, with and without a sector, three zones,
    # public and internal, a cancelled one, invitations of each kind listed in reverse of
    # their models' order, an organizer known only by address
    team = cal.regional_team
    world = cal.world
    nameless = UserFactory(full_name="")
    orgs = [OrganizationFactory(name=name) for name in ("Zeta aid", "Alpha aid")]
    sectors = [
        PlatformSectorFactory(platform=world.colombia, sector=SectorFactory(position=position))
        for position in (90, 10)
    ]
    schedule(
        team,
        platform_sector=world.regional_health,
        title="Series",
        rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=6",
        invited_sectors=sectors,
        invited_platforms=[cal.mexico, world.colombia, world.regional],
        invited_organizations=orgs,
    )
    schedule(
        team,
        platform=cal.chile,
        title="Chile platform event",
        kind="event",
        visibility="public",
        time_zone="America/Santiago",
        start_local=local(2026, 9, 1, 9),
        end_local=local(2026, 9, 1, 10),
    )
    schedule(
        team,
        platform_sector=cal.mexico_health,
        title="Mexico",
        time_zone="America/Mexico_City",
        agenda="1. Figures",
        place="Online",
        video_url="https://meet.example.org/x",
        start_local=local(2026, 8, 3, 23, 30),
        end_local=local(2026, 8, 4, 0, 30),
    )
    cancelled = schedule(team, platform_sector=world.colombia_health, title="Cancelled")
    cancelled.status = cancelled.Status.CANCELLED
    cancelled.organizer = nameless
    cancelled.sequence = 3
    cancelled.save()
    # when
    response = api_for(team).get(
        reverse("meeting-list"), {"limit": 500}, HTTP_CACHE_CONTROL="no-cache"
    )
    # then
    assert response.status_code == 200
    meetings = selectors.meetings_visible_to(team).prefetch_related(
        "invited_sectors", "invited_platforms", "invited_organizations"
    )
    expected = [dict(row) for row in s.MeetingSerializer(meetings, many=True).data]
    assert response.json()["results"] == expected
    assert len(expected) == 4
    series = next(row for row in expected if row["title"] == "Series")
    assert series["invited_organizations"] == [orgs[1].pk, orgs[0].pk]
    assert series["invited_sectors"] == [sectors[1].pk, sectors[0].pk]
    assert next(row for row in expected if row["title"] == "Cancelled")["organizer"] == (
        nameless.email
    )
    assert str(nameless) == User.shown_name("", nameless.email)
