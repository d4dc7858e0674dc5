"""iCalendar feeds (RFC 5545, written by `icalendar`) for Outlook, Google Calendar, Thunderbird.

One VEVENT per meeting with a stable UID, its SEQUENCE, DTSTART/DTEND in the organizer's zone
(with its VTIMEZONE, so a series keeps its wall-clock time across clock changes), RRULE and
EXDATE for a series' cancelled sittings, and one more VEVENT with RECURRENCE-ID for each moved
sitting. Cancelled meetings stay with STATUS:CANCELLED so subscribers remove them instead of
keeping a ghost. ETag and Last-Modified let calendar programs poll cheaply (304).

A private feed's address carries a secret token; only its hash is stored. A wrong or revoked
token answers the plain 404 page, the same as an address that never existed.
"""

import datetime
import hashlib

import icalendar
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sectors.models import PlatformSector

from . import selectors
from .models import FeedToken, Meeting, Occurrence
from .services import feed_token_hash

# Feeds carry what is still useful in a calendar program: the last months and everything ahead.
PAST_DAYS = 120


def _recent(queryset):
    cutoff = timezone.now() - datetime.timedelta(days=PAST_DAYS)
    recent = Occurrence.objects.filter(meeting_id=OuterRef("pk"), end_at__gt=cutoff)
    return queryset.filter(Exists(recent))


def feed_meetings(queryset):
    return (
        queryset.select_related("platform", "platform_sector__sector", "organizer")
        .prefetch_related(
            Prefetch("occurrences", queryset=Occurrence.objects.order_by("original_start"))
        )
        .order_by("pk")
    )


def _local(dt: datetime.datetime, meeting: Meeting) -> datetime.datetime:
    return dt.astimezone(meeting.zone)


def _event(meeting: Meeting, *, start, end, cancelled: bool, stamp) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    location = meeting.place or meeting.video_url
    if location:
        event.add("location", location)
    event.add("url", f"{settings.SITE_URL}{meeting.get_absolute_url()}")
    event.add("dtstart", _local(start, meeting))
    event.add("dtend", _local(end, meeting))
    event.add("last-modified", meeting.updated_at)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("class", "PUBLIC" if meeting.visibility == Meeting.Visibility.PUBLIC else "PRIVATE")
    return event


def calendar_for(meetings, *, name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//R4V Coordination//Shared calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for meeting in meetings:
        occurrences = list(meeting.occurrences.all())
        if not occurrences:
            continue
        if not meeting.is_series:
            only = occurrences[0]
            cal.add_component(
                _event(
                    meeting,
                    start=only.start_at,
                    end=only.end_at,
                    cancelled=meeting.is_cancelled or only.is_cancelled,
                    stamp=stamp,
                )
            )
            continue
        master = _event(
            meeting,
            start=meeting.start_at,
            end=meeting.end_at,
            cancelled=meeting.is_cancelled,
            stamp=stamp,
        )
        master.add("rrule", icalendar.vRecur.from_ical(meeting.rrule))
        cancelled = [o for o in occurrences if o.is_cancelled]
        if cancelled:
            master.add("exdate", [_local(o.original_start, meeting) for o in cancelled])
        cal.add_component(master)
        for occurrence in occurrences:
            if occurrence.is_cancelled or not occurrence.is_moved:
                continue
            moved = _event(
                meeting,
                start=occurrence.start_at,
                end=occurrence.end_at,
                cancelled=meeting.is_cancelled,
                stamp=stamp,
            )
            moved.add("recurrence-id", _local(occurrence.original_start, meeting))
            cal.add_component(moved)
    cal.add_missing_timezones()
    return cal


def _feed_response(request, queryset, *, name: str, filename: str):
    # The validators come from one cheap query; the calendar is built only when they changed.
    queryset = _recent(queryset)
    versions = list(queryset.values_list("pk", "sequence", "updated_at").order_by("pk"))
    digest = hashlib.sha256(repr([(pk, seq) for pk, seq, _u in versions]).encode()).hexdigest()
    last_modified = max((u for _p, _s, u in versions), default=None)
    timestamp = int(last_modified.timestamp()) if last_modified else None
    etag = f'"{digest[:32]}"'
    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if not_modified is not None:
        return not_modified
    body = calendar_for(feed_meetings(queryset), name=name).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _public():
    return Meeting.objects.filter(visibility=Meeting.Visibility.PUBLIC)


@require_GET
def public_feed(request):
    return _feed_response(
        request, _public(), name=_("R4V public events"), filename="r4v-public.ics"
    )


@require_GET
def sector_feed(request, platform: str, sector: str):
    ps = get_object_or_404(
        PlatformSector, platform__code=platform, sector__code=sector, is_active=True
    )
    return _feed_response(
        request,
        _public().filter(platform_sector=ps),
        name=ps.title,
        filename=f"r4v-{platform}-{sector}.ics",
    )


@require_GET
def private_feed(request, token: str):
    row = (
        FeedToken.objects.select_related("user")
        .filter(token_hash=feed_token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        raise Http404
    response = _feed_response(
        request,
        selectors.meetings_visible_to(row.user),
        name=_("R4V calendar of %(name)s") % {"name": row.user.full_name},
        filename="r4v-private.ics",
    )
    # One person's internal meetings: no shared cache (a proxy, a CDN) may keep or serve them.
    patch_cache_control(response, private=True)
    return response
