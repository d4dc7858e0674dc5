"""The page that moves or cancels one sitting of a series: a reason, a confirmation step, the
history, the invitees told; then the calendar and the feeds (parsed by icalendar) show it."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from meetings.models import Conflict, Meeting, Occurrence
from r4v.models import Notification

from ..conftest import client_for
from .conftest import local, schedule

UTC = datetime.UTC


@pytest.fixture
def series(cal):
    """Regional Health's public monthly meeting, second Tuesday 10:00 Bogotá, Jan-Apr 2027."""
    return schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_health,
        title="Health monthly",
        visibility="public",
        start_local=local(2027, 1, 12, 10),
        end_local=local(2027, 1, 12, 11),
        rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=4",
    )


def _second(series) -> Occurrence:
    return series.occurrences.order_by("original_start")[1]  # Tue 9 Feb 2027


def _url(sitting) -> str:
    return reverse("meetings:sitting-change", args=[sitting.pk])


def _move(**change) -> dict:
    return {
        "step": "move",
        "start": "2027-02-10T15:00",
        "end": "2027-02-10T16:00",
        "reason": "The room is taken",
        **change,
    }


def _feed_events(client, series) -> list:
    cal = icalendar.Calendar.from_ical(client.get(reverse("meetings:feed-public")).content)
    return [e for e in cal.walk("VEVENT") if str(e["UID"]) == series.uid]


def test_moving_a_sitting_asks_for_confirmation_then_moves_it_with_the_reason(client, cal, series):
    # given
    sitting = _second(series)
    c = client_for(client, cal.personas["co_coordinator"])
    # when the move is asked for
    asked = c.post(_url(sitting), _move())
    # then a confirmation is shown, and nothing has moved yet
    assert asked.status_code == 200
    assert 'id="confirm-form"' in asked.content.decode()
    assert "2027-02-09 10:00 moves to 2027-02-10 15:00" in asked.content.decode()
    sitting.refresh_from_db()
    assert sitting.start_at == sitting.original_start
    # when it is confirmed
    done = c.post(_url(sitting), _move(confirmed="yes"))
    # then the sitting moves, the reason is in its history and the invitees are told it
    assert done.status_code == 302 and done["Location"] == series.get_absolute_url()
    sitting.refresh_from_db()
    assert sitting.start_at == datetime.datetime(2027, 2, 10, 20, tzinfo=UTC)
    last = sitting.history.latest("history_id")
    assert (last.history_change_reason, last.history_user) == (
        "The room is taken",
        cal.personas["co_coordinator"],
    )
    told = Notification.objects.filter(subject="Moved: Health monthly")
    assert told.exists() and all("The room is taken" in n.body for n in told)
    assert Meeting.objects.get().sequence == 1


def test_cancelling_a_sitting_asks_for_confirmation_and_keeps_the_reason(client, cal, series):
    sitting = _second(series)
    c = client_for(client, cal.regional_team)
    asked = c.post(_url(sitting), {"step": "cancel", "reason": "Holiday"})
    assert asked.status_code == 200 and "Cancel the sitting" in asked.content.decode()
    assert not Occurrence.objects.filter(is_cancelled=True).exists()
    done = c.post(_url(sitting), {"step": "cancel", "reason": "Holiday", "confirmed": "yes"})
    assert done.status_code == 302
    sitting.refresh_from_db()
    assert sitting.is_cancelled
    assert sitting.history.latest("history_id").history_change_reason == ("Holiday")
    # the rest of the series stays
    assert series.occurrences.filter(is_cancelled=False).count() == 3


@pytest.mark.parametrize("step", ["move", "cancel"])
def test_a_move_or_cancellation_without_a_reason_is_refused(client, cal, series, step):
    sitting = _second(series)
    data = _move(reason="") if step == "move" else {"step": "cancel", "reason": ""}
    response = client_for(client, cal.regional_team).post(
        _url(sitting), {**data, "confirmed": "yes"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    sitting.refresh_from_db()
    assert (sitting.start_at, sitting.is_cancelled) == (sitting.original_start, False)


def test_a_move_into_a_clash_lists_it_and_needs_accepting(client, cal, series):
    # given Regional Protection meets on 10 Feb 15:30 Bogotá, a regional sector like Health
    other = schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_protection,
        title="Protection monthly",
        start_local=local(2027, 2, 10, 15, 30),
        end_local=local(2027, 2, 10, 16, 30),
    )
    sitting = _second(series)
    c = client_for(client, cal.regional_team)
    # when the sitting is moved onto it
    refused = c.post(_url(sitting), _move(confirmed="yes"))
    # then the clash is listed and nothing moved
    assert refused.status_code == 400
    assert "Protection monthly" in refused.content.decode()
    sitting.refresh_from_db()
    assert sitting.start_at == sitting.original_start
    # when accepted and confirmed, it moves and the acceptance is recorded
    c.post(_url(sitting), _move(accept_conflicts="on"))
    assert c.post(_url(sitting), _move(accept_conflicts="on", confirmed="yes")).status_code == 302
    conflict = Conflict.objects.get()
    assert conflict.accepted_by == cal.regional_team
    assert {conflict.first.meeting_id, conflict.second.meeting_id} == {series.pk, other.pk}


def test_the_calendar_and_the_feed_show_the_moved_and_the_cancelled_sitting(client, cal, series):
    # given the February sitting moved and the March one cancelled through the page
    team = cal.regional_team
    february, march = list(series.occurrences.order_by("original_start"))[1:3]
    c = client_for(client, team)
    assert c.post(_url(february), _move(confirmed="yes")).status_code == 302
    assert (
        c.post(_url(march), {"step": "cancel", "reason": "Holiday", "confirmed": "yes"})
    ).status_code == 302
    # then the calendar lists the February sitting at its new time, marked moved, and March
    # struck through and marked cancelled
    html = c.get(
        reverse("meetings:calendar"), {"view": "list", "date": "2027-02-01"}
    ).content.decode()
    assert "Wed 10 Feb 2027, 15:00–16:00" in html and "Tue 9 Feb 2027" not in html
    assert "<s>Tue 9 Mar 2027, 10:00–11:00</s>" in html
    assert html.count(">moved<") == 1 and html.count(">cancelled<") == 1
    # and the public feed, read back by icalendar, has the master with March as an EXDATE
    # and February as a RECURRENCE-ID override at its new time
    bogota = series.zone
    events = _feed_events(client, series)
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    (moved,) = [e for e in events if "RECURRENCE-ID" in e]
    assert [d.dt for d in master["EXDATE"].dts] == [
        datetime.datetime(2027, 3, 9, 10, tzinfo=bogota)
    ]
    assert moved["RECURRENCE-ID"].dt == datetime.datetime(2027, 2, 9, 10, tzinfo=bogota)
    assert moved["DTSTART"].dt == datetime.datetime(2027, 2, 10, 15, tzinfo=bogota)
    assert moved["DTEND"].dt == datetime.datetime(2027, 2, 10, 16, tzinfo=bogota)
    # both carry the series' SEQUENCE, raised once per change
    assert {int(e["SEQUENCE"]) for e in events} == {2}


def test_a_one_off_meeting_has_no_sitting_to_move(client, cal):
    meeting = schedule(cal.regional_team, platform_sector=cal.world.regional_health)
    sitting = meeting.occurrences.get()
    c = client_for(client, cal.regional_team)
    html = c.get(_url(sitting)).content.decode()
    assert "change or cancel the meeting itself" in html and 'id="move-form"' not in html
    c.post(_url(sitting), {"step": "cancel", "reason": "x", "confirmed": "yes"})
    sitting.refresh_from_db()
    assert not sitting.is_cancelled


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("partner", 403)])
def test_the_sitting_page_is_404_outside_scope_and_403_to_readers(client, cal, persona, status):
    # an internal series: the partner of Regional Health sees it, the outsider does not
    meeting = schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_health,
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    sitting = meeting.occurrences.first()
    c = client_for(client, cal.personas[persona])
    assert c.get(_url(sitting)).status_code == status
    posted = c.post(_url(sitting), {"step": "cancel", "reason": "x", "confirmed": "yes"})
    assert posted.status_code == status
    assert not Occurrence.objects.filter(is_cancelled=True).exists()


def test_the_sitting_page_needs_a_login(client, cal, series):
    response = client.get(_url(_second(series)))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("count", [2, 20])
def test_the_sitting_page_takes_the_same_queries_whatever_the_series_length(
    client, cal, count, django_assert_num_queries
):
    meeting = schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_health,
        start_local=local(2027, 1, 12, 10),
        end_local=local(2027, 1, 12, 11),
        rrule=f"FREQ=WEEKLY;COUNT={count}",
    )
    c = client_for(client, cal.regional_team)
    url = _url(meeting.occurrences.first())
    c.get(url)
    with django_assert_num_queries(_sitting_queries):
        assert c.get(url).status_code == 200


# + 1: django-otp reads the device that verified the session (r4v/mfa.py).
_sitting_queries = 6
