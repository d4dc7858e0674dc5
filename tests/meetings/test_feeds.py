"""Feeds parsed back by icalendar, event by event; ETag/304; private feeds by secret token."""

import datetime
import re

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import FeedToken

from .conftest import local, schedule

UTC = datetime.UTC


def _events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    return list(cal.walk("VEVENT"))


def _page(response, url) -> bytes:
    # Per-response values (CSP nonce, CSRF token) and the address itself differ; nothing else.
    # The address also appears in the other language (the switcher, hreflang): "/es/...".
    body = response.content.replace(url.encode(), b"")
    body = body.replace(url.split("/", 2)[2].encode(), b"")
    return re.sub(rb'(nonce|value)="[^"]*"', b"", body)


def _by_uid(events) -> dict:
    out: dict = {}
    for event in events:
        out.setdefault(str(event["UID"]), []).append(event)
    return out


@pytest.fixture
def calendar(cal):
    team = cal.regional_team
    series = schedule(
        team,
        platform_sector=cal.world.regional_health,
        title="Health monthly",
        visibility="public",
        time_zone="America/Santiago",
        start_local=local(2027, 1, 12, 10),
        end_local=local(2027, 1, 12, 11),
        rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=6",
    )
    sittings = list(series.occurrences.order_by("original_start"))
    services.occurrence_move(
        occurrence=sittings[1],
        start_local=local(2027, 2, 10, 15),
        end_local=local(2027, 2, 10, 16),
        by=team,
    )
    services.occurrence_cancel(occurrence=sittings[2], by=team)
    internal = schedule(
        team,
        platform_sector=cal.world.colombia_health,
        title="Colombia internal",
        start_local=local(2027, 1, 20, 9),
        end_local=local(2027, 1, 20, 10),
    )
    dropped = schedule(
        team,
        platform_sector=cal.world.regional_protection,
        title="Protection event",
        visibility="public",
        kind="event",
        start_local=local(2027, 1, 21, 9),
        end_local=local(2027, 1, 21, 10),
    )
    services.meeting_cancel(meeting=dropped, by=team)
    return series, internal, dropped


def test_the_public_feed_has_the_series_its_moved_and_cancelled_sittings_and_cancellations(
    client, calendar
):
    series, internal, dropped = calendar
    events = _by_uid(_events(client.get(reverse("meetings:feed-public"))))
    # the internal meeting is not public
    assert set(events) == {series.uid, dropped.uid}
    master, moved = sorted(events[series.uid], key=lambda e: "RECURRENCE-ID" in e)
    # the master: wall-clock 10:00 Santiago with its zone, the rule, the cancelled sitting
    assert master["DTSTART"].dt == datetime.datetime(2027, 1, 12, 10, tzinfo=series.zone)
    assert str(master["DTSTART"].params["TZID"]) == "America/Santiago"
    assert master["RRULE"].to_ical() == b"FREQ=MONTHLY;COUNT=6;BYDAY=2TU"
    exdates = [d.dt for d in master["EXDATE"].dts]
    assert exdates == [datetime.datetime(2027, 3, 9, 10, tzinfo=series.zone)]
    assert int(master["SEQUENCE"]) == 2 and str(master["STATUS"]) == "CONFIRMED"
    # the moved sitting: RECURRENCE-ID its original start, DTSTART the new one
    assert moved["RECURRENCE-ID"].dt == datetime.datetime(2027, 2, 9, 10, tzinfo=series.zone)
    assert moved["DTSTART"].dt.astimezone(UTC) == datetime.datetime(2027, 2, 10, 18, tzinfo=UTC)
    assert int(moved["SEQUENCE"]) == 2
    # the cancelled event stays, marked cancelled
    (cancelled,) = events[dropped.uid]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 1
    # every zone used has its VTIMEZONE
    cal = icalendar.Calendar.from_ical(client.get(reverse("meetings:feed-public")).content)
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} == {
        "America/Santiago",
        "America/Bogota",
    }


def test_a_sector_feed_has_only_that_sectors_public_events(client, calendar, cal):
    series, _internal, _dropped = calendar
    url = reverse("meetings:feed-sector", kwargs={"platform": "regional", "sector": "health"})
    assert set(_by_uid(_events(client.get(url)))) == {series.uid}


def test_an_unchanged_feed_answers_304_and_a_change_shows_a_new_etag(
    client, calendar, cal, django_capture_on_commit_callbacks
):
    series, *_ = calendar
    url = reverse("meetings:feed-public")
    first = client.get(url)
    etag = first["ETag"]
    assert first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_cancel(
            occurrence=series.occurrences.order_by("start_at").last(), by=cal.regional_team
        )
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_public_feed_comes_from_the_cache_until_a_meeting_changes(
    client, calendar, cal, django_capture_on_commit_callbacks
):
    # given: the feed read once (r4v.public_cache stores it)
    series, *_ = calendar
    url = reverse("meetings:feed-public")
    first = _by_uid(_events(client.get(url)))
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert len(queries) == 0 and _by_uid(_events(again)).keys() == first.keys()
    # when: a sitting moves
    sitting = series.occurrences.order_by("start_at").last()
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_move(
            occurrence=sitting,
            start_local=local(2027, 6, 9, 15),
            end_local=local(2027, 6, 9, 16),
            by=cal.regional_team,
        )
    # then: the next request has it
    moved = [e for e in _by_uid(_events(client.get(url)))[series.uid] if "RECURRENCE-ID" in e]
    assert datetime.datetime(2027, 6, 9, 15, tzinfo=series.zone) in [e["DTSTART"].dt for e in moved]


def test_a_private_feed_shows_what_its_owner_may_see_until_revoked(client, calendar, cal):
    series, internal, _dropped = calendar
    imo = cal.personas["platform_team"]  # the Colombia platform team sees Colombia's meetings
    token = services.feed_token_issue(user=imo)
    url = reverse("meetings:feed-private", kwargs={"token": token})
    assert internal.uid in _by_uid(_events(client.get(url)))
    # only the hash is stored
    assert not FeedToken.objects.filter(token_hash=token).exists()
    # a new token revokes the old one; wrong and revoked tokens answer the same 404
    new = services.feed_token_issue(user=imo)
    wrong_url = reverse("meetings:feed-private", kwargs={"token": "x" * 43})
    revoked, wrong = client.get(url), client.get(wrong_url)
    assert revoked.status_code == wrong.status_code == 404
    # the same page but for the address itself (the language switcher's "next")
    assert _page(revoked, url) == _page(wrong, wrong_url)
    assert client.get(reverse("meetings:feed-private", kwargs={"token": new})).status_code == 200


def test_a_partner_private_feed_has_no_other_sectors_internal_meetings(client, calendar, cal):
    _series, internal, _dropped = calendar
    token = services.feed_token_issue(user=cal.personas["partner"])
    events = _by_uid(_events(client.get(reverse("meetings:feed-private", kwargs={"token": token}))))
    assert internal.uid not in events
