"""The calendar's API per persona: who sees what (404 outside scope), who may schedule, the
conflict and slot endpoints, bad input as 400 naming the field, constant queries."""

import pytest
from django.urls import reverse

from meetings.models import Meeting, Occurrence
from r4v.models import Notification

from ..conftest import PERSONAS, api_for
from .conftest import local, schedule

# Who sees the Regional Health internal meeting / the Colombia Health internal meeting.
SEES = {
    "anonymous": (False, False),
    "outsider": (False, False),
    "partner": (True, False),  # a partner of Regional Health
    "focal_point": (True, False),  # the NGO co-leads Regional Health
    "co_coordinator": (True, False),
    "platform_team": (False, True),  # the Colombia platform team
    "regional": (True, True),
    "admin": (True, True),
}


@pytest.fixture
def three(cal):
    team = cal.regional_team
    regional = schedule(team, platform_sector=cal.world.regional_health, title="RH internal")
    colombia = schedule(
        team,
        platform_sector=cal.world.colombia_health,
        title="CO internal",
        start_local=local(2026, 7, 15, 10),
        end_local=local(2026, 7, 15, 11),
    )
    public = schedule(
        team,
        platform_sector=cal.world.regional_protection,
        title="Public event",
        kind="event",
        visibility="public",
        start_local=local(2026, 7, 16, 10),
        end_local=local(2026, 7, 16, 11),
    )
    return regional, colombia, public


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_the_meetings_of_its_scope_and_404_outside(cal, three, persona):
    regional, colombia, public = three
    api = api_for(cal.personas[persona])
    titles = {m["title"] for m in api.get(reverse("meeting-list")).json()["results"]}
    sees_regional, sees_colombia = SEES[persona]
    expected = {"Public event"} | ({"RH internal"} if sees_regional else set())
    expected |= {"CO internal"} if sees_colombia else set()
    assert titles == expected
    detail = api.get(reverse("meeting-detail", args=[colombia.pk]))
    assert detail.status_code == (200 if sees_colombia else 404)
    sittings = api.get(reverse("occurrence-list"), {"start": "2026-07-01T00:00:00Z"}).json()
    assert {o["title"] for o in sittings["results"]} == expected


# Who may schedule for Regional Health.
MAY_SCHEDULE = {"co_coordinator", "regional", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_schedule_for_a_sector_and_nothing_is_written_otherwise(cal, persona):
    api = api_for(cal.personas[persona])
    before = (Meeting.objects.count(), Occurrence.objects.count(), Notification.objects.count())
    response = api.post(
        reverse("meeting-list"),
        {
            "platform": cal.world.regional.pk,
            "platform_sector": cal.world.regional_health.pk,
            "kind": "monthly_partners",
            "title": "Partners",
            "start": "2027-03-09T10:00",
            "end": "2027-03-09T11:00",
            "time_zone": "America/Bogota",
            "rrule": "FREQ=MONTHLY;BYDAY=2TU;COUNT=3",
        },
        format="json",
    )
    if persona in MAY_SCHEDULE:
        assert response.status_code == 201, response.json()
        assert response.json()["start_at"] == "2027-03-09T15:00:00Z"
        assert Occurrence.objects.count() == before[1] + 3
    else:
        assert response.status_code == (401 if persona == "anonymous" else 403)
        after = (Meeting.objects.count(), Occurrence.objects.count(), Notification.objects.count())
        assert after == before


def test_the_conflicts_endpoint_lists_clashes_in_both_zones(cal, three):
    regional, _colombia, _public = three
    api = api_for(cal.personas["co_coordinator"])
    response = api.get(
        reverse("meeting-conflicts"),
        {
            "platform": cal.world.regional.pk,
            "platform_sector": cal.world.regional_protection.pk,
            "start": "2026-07-14T11:30",
            "end": "2026-07-14T12:30",
            "time_zone": "America/Santiago",  # UTC-4 in July: 15:30-16:30 UTC
        },
    )
    assert response.status_code == 200
    (clash,) = response.json()
    assert clash["meeting"] == regional.pk
    assert clash["other_start"] == "2026-07-14T15:00:00Z"
    assert (clash["organizer_time_zone"], clash["other_start_local"]) == (
        "America/Bogota",
        "2026-07-14T10:00:00",
    )


def test_saving_a_clash_without_accepting_answers_400_with_the_clash(cal, three):
    api = api_for(cal.regional_team)
    body = {
        "platform": cal.world.regional.pk,
        "platform_sector": cal.world.regional_protection.pk,
        "kind": "monthly_national",
        "title": "Protection",
        "start": "2026-07-14T10:30",
        "end": "2026-07-14T11:30",
        "time_zone": "America/Bogota",
    }
    refused = api.post(reverse("meeting-list"), body, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "conflicts_not_accepted"
    assert [c["title"] for c in refused.json()["conflicts"]] == ["RH internal"]
    accepted = api.post(reverse("meeting-list"), {**body, "accept_conflicts": True}, format="json")
    assert accepted.status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "unknown_time_zone"),
        ({"start": "tomorrow"}, "start", "invalid"),
        ({"end": "2027-03-09T09:00"}, "end", "ends_before_start"),
        ({"rrule": "FREQ=DAILY"}, "rrule", "endless_rule"),
        (
            {
                "start": "2026-09-06T00:15",
                "end": "2026-09-06T02:00",
                "time_zone": "America/Santiago",
            },
            "start",
            "nonexistent_local_time",
        ),
    ],
)
def test_bad_input_answers_400_naming_the_field(cal, change, field, code):
    api = api_for(cal.regional_team)
    body = {
        "platform": cal.world.regional.pk,
        "platform_sector": cal.world.regional_health.pk,
        "kind": "other",
        "title": "X",
        "start": "2027-03-09T10:00",
        "end": "2027-03-09T11:00",
        "time_zone": "America/Bogota",
        **change,
    }
    response = api.post(reverse("meeting-list"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert response.json()["code"] in (code, "invalid")
    assert not Meeting.objects.exists()


def test_slots_endpoint(cal):
    api = api_for(cal.regional_team)
    response = api.get(
        reverse("meeting-slots"),
        {
            "platform": cal.world.colombia.pk,
            "platform_sector": cal.world.colombia_health.pk,
            "start": "2027-01-18T10:00",
            "end": "2027-01-18T11:00",
            "time_zone": "America/Bogota",
            "after": "2027-01-16T00:00:00Z",
            "count": 1,
        },
    )
    assert response.json() == [{"start": "2027-01-18T13:00:00Z", "end": "2027-01-18T14:00:00Z"}]


@pytest.mark.parametrize("size", [3, 12])
def test_the_list_takes_the_same_queries_at_two_sizes(cal, size, django_assert_num_queries):
    for i in range(size):
        schedule(
            cal.regional_team,
            platform_sector=cal.world.regional_health,
            accept=True,
            start_local=local(2027, 2, 1 + i, 10),
            end_local=local(2027, 2, 1 + i, 11),
            invited_organizations=[cal.world.partner_org],
        )
    api = api_for(cal.personas["partner"])
    api.get(reverse("meeting-list"))  # warm the scope cache path
    with django_assert_num_queries(_list_queries):
        assert len(api.get(reverse("meeting-list")).json()["results"]) == size


_list_queries = 6
