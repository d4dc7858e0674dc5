"""Issue 22, the calendar's edges: a rule that never matches costs a fraction of a second; dates
at the ends of the range are 400s; draft minutes are their writers'; the Regional Platform sees
every action point; minutes are corrected by PATCH; a clash out of scope shows no title;
titles, zones, ids, the private feed and the focal point's view of a sector."""

import time

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import ActionPoint, Meeting, Minutes
from r4v.models import Notification

from ..conftest import api_for, client_for
from ..factories import PartnerFactory
from .conftest import local, schedule

NEVER = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=1"


def _proposal(cal, **change):
    """A Regional Health meeting as the API takes it; `_form` as the pages do."""
    data = {
        "platform_sector": cal.world.regional_health.pk,
        "platform": cal.world.regional.pk,
        "kind": "monthly_national",
        "title": "Health monthly",
        "start": "2027-03-09T11:30",
        "end": "2027-03-09T12:30",
        "time_zone": "America/Bogota",
        "visibility": "internal",
    }
    data.update(change)
    return data


def _form(fields: dict) -> dict:
    # The page derives the platform from the sector (and offers only those the user runs).
    return {k: v for k, v in fields.items() if k != "platform"}


def _cpu(call):
    call()  # warm: the first request of a process imports and compiles what it needs
    started = time.process_time()
    response = call()
    return response, time.process_time() - started


# --- 1. A rule that never matches -----------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["conflicts", "slots"])
def test_a_rule_that_never_matches_is_refused_in_a_fraction_of_a_second_by_the_api(cal, endpoint):
    # given
    api = api_for(cal.personas["co_coordinator"])
    # when
    response, cpu = _cpu(
        lambda: api.get(reverse(f"meeting-{endpoint}"), _proposal(cal, rrule=NEVER))
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "empty_rule" and "rrule" in response.json()["errors"]
    assert cpu < 0.5


@pytest.mark.parametrize("page", ["meetings:meeting-conflicts", "meetings:meeting-slots"])
def test_a_rule_that_never_matches_is_refused_in_a_fraction_of_a_second_by_the_pages(
    client, cal, page
):
    # given
    c = client_for(client, cal.personas["co_coordinator"])
    # when
    response, cpu = _cpu(lambda: c.get(reverse(page), _form(_proposal(cal, rrule=NEVER))))
    # then
    assert "yields no meeting" in response.content.decode()
    assert cpu < 0.5


@pytest.mark.parametrize("rule", ["FREQ=DAILY;UNTIL=99991231", "FREQ=DAILY;UNTIL=00010101T000000Z"])
@pytest.mark.parametrize("zone", ["America/Bogota", "Pacific/Kiritimati"])
def test_a_rule_ending_at_the_ends_of_the_calendar_is_a_400_naming_the_rule(cal, rule, zone):
    # when: the zone's offset would carry the UNTIL out of the calendar (year 0 or 10000)
    response = api_for(cal.personas["co_coordinator"]).get(
        reverse("meeting-conflicts"), _proposal(cal, rrule=rule, time_zone=zone)
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"]["rrule"] == [
        "The rule's UNTIL must lie between 1990-01-01 and 2100-12-31."
    ]


def test_a_series_reaching_past_ten_years_is_refused_rather_than_cut(cal):
    # given: every 29 February, three times from 2027: 2028, 2032, 2036 — fine; eight is 2056
    api = api_for(cal.personas["co_coordinator"])
    # when
    response = api.get(
        reverse("meeting-conflicts"),
        _proposal(cal, rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=8"),
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "rule_too_far"


# --- 2. Dates at the ends of the range ----------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_public_calendar_at_the_ends_of_the_range_is_a_400_naming_the_date(db, client, day):
    # when
    response = client.get(reverse("meetings:calendar"), {"date": day, "view": "month"})
    # then
    assert response.status_code == 400
    assert 'id="filter-errors"' in response.content.decode()


@pytest.mark.parametrize(
    ("endpoint", "change", "field"),
    [
        ("conflicts", {"start": "0001-01-01T10:00", "end": "0001-01-01T11:00"}, "start"),
        ("conflicts", {"start": "9999-12-31T10:00", "end": "9999-12-31T11:00"}, "start"),
        ("slots", {"after": "9999-12-31T00:00:00Z"}, "after"),
    ],
)
def test_a_proposal_at_the_ends_of_the_range_is_a_400_naming_the_field(
    cal, endpoint, change, field
):
    # given
    api = api_for(cal.personas["co_coordinator"])
    # when
    response = api.get(reverse(f"meeting-{endpoint}"), _proposal(cal, **change))
    # then
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_sittings_list_refuses_a_range_in_year_1(cal):
    # when
    response = api_for(cal.regional_team).get(
        reverse("occurrence-list"), {"start": "0001-01-01T00:00:00-05:00"}
    )
    # then
    assert response.status_code == 400 and "start" in response.json()["errors"]


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_a_meeting_in_year_1_or_9999_is_refused_by_the_api_and_the_page(client, cal, year):
    # given
    co = cal.personas["co_coordinator"]
    fields = _proposal(cal, start=f"{year}-06-01T10:00", end=f"{year}-06-01T11:00")
    # when
    by_api = api_for(co).post(reverse("meeting-list"), fields, format="json")
    by_page = client_for(client, co).post(reverse("meetings:meeting-schedule"), _form(fields))
    # then
    assert by_api.status_code == 400 and "start" in by_api.json()["errors"]
    assert by_page.status_code == 400
    assert "Enter a date between" in by_page.content.decode()
    assert not Meeting.objects.exists()


@pytest.fixture
def sitting(cal):
    """A past sitting of a public Regional Health meeting organized by its co-coordinator,
    with draft minutes holding one action point."""
    co = cal.personas["co_coordinator"]
    meeting = schedule(
        co,
        platform_sector=cal.world.regional_health,
        title="Health open day",
        visibility=Meeting.Visibility.PUBLIC,
        start_local=local(2026, 1, 13, 10),
        end_local=local(2026, 1, 13, 11),
    )
    occurrence = meeting.occurrences.get()
    minutes = services.minutes_save(occurrence=occurrence, by=co, key_topics="Budget gap")
    services.action_point_add(
        minutes=minutes,
        text="Call the donors about the gap",
        owner=co,
        due_on=local(2026, 2, 1).date(),
        by=co,
    )
    return occurrence


def test_an_action_point_due_in_9999_is_refused_by_the_api_and_the_page(client, cal, sitting):
    # given
    co = cal.personas["co_coordinator"]
    minutes = sitting.minutes
    # when
    by_api = api_for(co).post(
        reverse("action-point-list"),
        {"minutes": minutes.pk, "text": "Late", "owner": co.pk, "due_on": "9999-12-31"},
        format="json",
    )
    by_page = client_for(client, co).post(
        reverse("meetings:minutes-edit", args=[sitting.pk]),
        {"step": "action", "text": "Late", "owner": co.pk, "due_on": "9999-12-31"},
    )
    # then
    assert by_api.status_code == 400 and "due_on" in by_api.json()["errors"]
    assert by_page.status_code == 400
    assert ActionPoint.objects.count() == 1


# --- 3. Draft minutes ----------------------------------------------------------------------


def test_draft_minutes_of_a_public_meeting_are_not_shown_to_anonymous_visitors(client, sitting):
    # when
    page = client.get(reverse("meetings:meeting-detail", args=[sitting.meeting_id]))
    # then
    assert page.status_code == 200
    assert "Call the donors" not in page.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "partner", "platform_team"])
def test_draft_minutes_are_read_only_by_those_who_may_write_them(client, cal, sitting, persona):
    # given
    user = cal.personas[persona]
    minutes = sitting.minutes
    # when
    detail = api_for(user).get(reverse("minutes-detail", args=[minutes.pk]))
    points = api_for(user).get(reverse("action-point-list"))
    page = client_for(client, user).get(reverse("meetings:minutes-edit", args=[sitting.pk]))
    # then
    assert detail.status_code == 404
    assert points.json()["count"] == 0
    assert "Budget gap" not in page.content.decode()
    assert "Call the donors" not in page.content.decode()


def test_circulated_minutes_follow_the_meetings_visibility(client, cal, sitting):
    # given
    co = cal.personas["co_coordinator"]
    services.minutes_circulate(minutes=sitting.minutes, by=co)
    # when
    page = client.get(reverse("meetings:meeting-detail", args=[sitting.meeting_id]))
    detail = api_for(cal.personas["outsider"]).get(
        reverse("minutes-detail", args=[sitting.minutes.pk])
    )
    # then
    assert "Call the donors" in page.content.decode()
    assert detail.status_code == 200


# --- 4. The Regional Platform and the administrator see every action point --------------


@pytest.mark.parametrize("persona", ["co_coordinator", "regional", "admin"])
def test_the_regional_platform_and_the_administrator_see_and_set_action_points(
    cal, sitting, persona
):
    # given
    api = api_for(cal.personas[persona])
    point = ActionPoint.objects.get()
    # when
    listed = api.get(reverse("action-point-list"))
    done = api.post(
        reverse("action-point-set-status", args=[point.pk]), {"status": "done"}, format="json"
    )
    # then
    assert listed.json()["count"] == 1
    assert done.status_code == 200
    point.refresh_from_db()
    assert point.status == "done"


# --- 5. Correcting minutes ----------------------------------------------------------------


def test_minutes_are_corrected_with_a_patch_keeping_what_is_not_sent(cal, sitting):
    # given
    api = api_for(cal.personas["co_coordinator"])
    minutes = sitting.minutes
    # when
    response = api.patch(
        reverse("minutes-detail", args=[minutes.pk]),
        {"decisions": "Ask for a top-up"},
        format="json",
    )
    # then
    assert response.status_code == 200
    minutes.refresh_from_db()
    assert (minutes.key_topics, minutes.decisions) == ("Budget gap", "Ask for a top-up")


def test_posting_minutes_again_points_to_the_correction(cal, sitting):
    # when
    response = api_for(cal.personas["co_coordinator"]).post(
        reverse("minutes-list"), {"occurrence": sitting.pk, "key_topics": "x"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "minutes_exist"
    assert Minutes.objects.get().key_topics == "Budget gap"


def test_a_sitting_out_of_scope_answers_exactly_like_a_missing_one(cal):
    # given: an internal Regional Health sitting with minutes, which Colombia's team cannot see
    co = cal.personas["co_coordinator"]
    meeting = schedule(co, platform_sector=cal.world.regional_health)
    hidden = meeting.occurrences.get()
    services.minutes_save(occurrence=hidden, by=co, key_topics="Internal")
    missing = hidden.pk + 1000
    api = api_for(cal.personas["platform_team"])
    # when
    answers = [
        api.post(reverse("minutes-list"), {"occurrence": pk}, format="json")
        for pk in (hidden.pk, missing)
    ]
    # then
    assert [a.status_code for a in answers] == [400, 400]
    bodies = [
        str(a.json()).replace(str(pk), "<id>")
        for a, pk in zip(answers, (hidden.pk, missing), strict=True)
    ]
    assert bodies[0] == bodies[1]


# --- 6. Conflicts of meetings out of scope ------------------------------------------------


def test_a_clash_out_of_scope_shows_its_time_sector_and_kind_only(cal):
    # given: an internal Regional Protection meeting, outside a Health co-coordinator's scope
    schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_protection,
        title="Protection monthly",
        agenda="Secret agenda",
        start_local=local(2027, 3, 9, 11),
        end_local=local(2027, 3, 9, 12),
    )
    # when
    outsider = api_for(cal.personas["co_coordinator"]).get(
        reverse("meeting-conflicts"), _proposal(cal)
    )
    insider = api_for(cal.regional_team).get(reverse("meeting-conflicts"), _proposal(cal))
    # then
    [hidden] = outsider.json()
    assert hidden["in_scope"] is False
    assert [hidden[k] for k in ("meeting", "occurrence", "title", "organizer")] == [None] * 4
    assert hidden["sector"] == str(cal.world.regional_protection)
    assert hidden["kind"] == "monthly_national"
    assert "Secret" not in str(outsider.json())
    [shown] = insider.json()
    assert shown["in_scope"] is True and shown["title"] == "Protection monthly"


# --- 7. Smaller ---------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["Health\r\nBcc: all@example.org", "Health\tmonthly"])
def test_a_title_with_control_characters_is_refused(client, cal, title):
    # given
    co = cal.personas["co_coordinator"]
    fields = _proposal(cal, title=title)
    # when
    by_api = api_for(co).post(reverse("meeting-list"), fields, format="json")
    by_page = client_for(client, co).post(reverse("meetings:meeting-schedule"), _form(fields))
    # then
    assert by_api.status_code == 400 and "title" in by_api.json()["errors"]
    assert by_page.status_code == 400 and "without line breaks" in by_page.content.decode()
    assert not Meeting.objects.exists()


def test_an_action_point_with_a_line_break_is_refused(cal, sitting):
    # given: its text becomes the subject of its reminders
    co = cal.personas["co_coordinator"]
    # when
    response = api_for(co).post(
        reverse("action-point-list"),
        {
            "minutes": sitting.minutes.pk,
            "text": "Call\r\nBcc: x",
            "owner": co.pk,
            "due_on": "2026-03-01",
        },
        format="json",
    )
    # then
    assert response.status_code == 400 and "text" in response.json()["errors"]
    assert ActionPoint.objects.count() == 1


def test_localtime_is_not_a_time_zone(cal):
    # when
    response = api_for(cal.personas["co_coordinator"]).post(
        reverse("meeting-list"), _proposal(cal, time_zone="localtime"), format="json"
    )
    # then
    assert response.status_code == 400 and "time_zone" in response.json()["errors"]


@pytest.mark.parametrize("field", ["platform", "platform_sector"])
def test_a_fractional_id_is_refused_not_truncated(cal, field):
    # given
    fields = _proposal(cal)
    fields[field] = fields[field] + 0.5
    # when
    response = api_for(cal.personas["co_coordinator"]).post(
        reverse("meeting-list"), fields, format="json"
    )
    # then
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Meeting.objects.exists()


def test_a_fractional_owner_of_an_action_point_is_refused(cal, sitting):
    # given
    co = cal.personas["co_coordinator"]
    # when
    response = api_for(co).post(
        reverse("action-point-list"),
        {"minutes": sitting.minutes.pk, "text": "x", "owner": co.pk + 0.5, "due_on": "2026-03-01"},
        format="json",
    )
    # then
    assert response.status_code == 400 and "owner" in response.json()["errors"]


def test_the_private_feed_is_private_to_caches(client, cal):
    # given
    token = services.feed_token_issue(user=cal.personas["co_coordinator"])
    # when
    response = client.get(reverse("meetings:feed-private", kwargs={"token": token}))
    # then
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_a_focal_point_sees_a_sectors_meetings_exactly_when_they_see_its_internal_page(client, cal):
    # given: the focal point's organization (a co-lead of Regional Health) is only a partner
    # of Colombia Health, where the sector's rule gives a focal point nothing
    world = cal.world
    PartnerFactory(platform_sector=world.colombia_health, organization=world.ngo)
    meeting = schedule(cal.personas["platform_team"], platform_sector=world.colombia_health)
    c = client_for(client, cal.personas["focal_point"])
    # when
    sector_page = c.get(reverse("sectors:sector-manage", args=[world.colombia_health.pk]))
    meeting_page = c.get(reverse("meetings:meeting-detail", args=[meeting.pk]))
    # then
    assert sector_page.status_code == meeting_page.status_code == 404


# --- 8. Notifications in the recipient's zone ---------------------------------------------


def test_an_invitation_prints_the_time_in_each_recipients_zone(cal):
    # given: a Health co-coordinator who reads times in Santiago (UTC-3 in March)
    co = cal.personas["co_coordinator"]
    co.time_zone = "America/Santiago"
    co.save(update_fields=["time_zone"])
    # when: 10:00 in Bogotá, 15:00 UTC
    schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_health,
        title="Health monthly",
        start_local=local(2027, 3, 9, 10),
        end_local=local(2027, 3, 9, 11),
    )
    # then
    [invitation] = Notification.objects.filter(recipient=co, subject__startswith="Invitation")
    assert "2027-03-09 12:00 (America/Santiago)" in invitation.body
    assert "UTC" not in invitation.body


def test_the_organizer_told_of_an_accepted_clash_out_of_their_scope_learns_no_title(cal):
    # given: Colombia's team organizes a Colombia Health meeting inviting Regional Health
    world, team = cal.world, cal.personas["platform_team"]
    colombia = schedule(
        team,
        platform_sector=world.colombia_health,
        title="Colombia health cluster",
        invited_sectors=[world.regional_health],
        start_local=local(2027, 3, 9, 10),
        end_local=local(2027, 3, 9, 11),
    )
    # when: the Regional Health co-coordinator saves an internal meeting over it, accepting
    schedule(
        cal.personas["co_coordinator"],
        accept=True,
        platform_sector=world.regional_health,
        title="Donor strategy (confidential)",
        start_local=local(2027, 3, 9, 10),
        end_local=local(2027, 3, 9, 11),
    )
    # then: Colombia's team, who may not see it, learns the time, sector and kind only
    [told] = Notification.objects.filter(recipient=team, subject__contains="overlaps")
    assert "confidential" not in told.subject + told.body
    assert "Luis" not in told.body  # the co-coordinator who saved it
    assert str(world.regional_health) in told.subject
    assert colombia.title in told.subject
