"""Overlaps on the shared calendar: the check before saving, the periodic scan, the slot finder.

Overlap is half-open: [start, end) and [other_start, other_end) overlap when
start < other_end and end > other_start, so a meeting ending at 10:00 and one starting at 10:00
do not clash. All comparisons are between UTC instants, so zones never enter the rule.

Decision (issues 21, 22): the check finds clashes with every meeting that shares the audience,
including meetings the person asking may not see (a national team proposing a time that clashes
with a regional internal meeting must still learn that the time is taken). What a clash shows
depends on `policy.visible_q(user, Meeting)` (`meetings.access`), the one rule for "may this user see this meeting": a
meeting in scope is shown in full; one out of scope shows only its times (UTC, and in its
organizer's zone), its organizing sector (or platform) and its kind — never its title, agenda,
id or organizer. `as_seen_by` applies this for the API and the pages alike.
"""

import dataclasses
import datetime
import zoneinfo
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from r4v.audit import save_audited
from r4v.services import system_user

from .models import MAX_DURATION, Conflict, Meeting, MeetingAudience, Occurrence
from .notices import notify, when
from .selectors import meetings_in_scope

Interval = tuple[datetime.datetime, datetime.datetime]

# The scan looks this far ahead; beyond it, the check before saving has warned already.
SCAN_HORIZON = datetime.timedelta(days=180)


def _overlap_q(intervals: Sequence[Interval]) -> Q:
    # start_at > s - MAX_DURATION bounds the index range from below: without it the index on
    # start_at would be read from the first meeting ever held, and the check would grow with
    # the calendar's history.
    q = Q(pk__in=[])
    for start, end in intervals:
        q |= Q(start_at__lt=end, start_at__gt=start - MAX_DURATION, end_at__gt=start)
    return q


def live_occurrences():
    return Occurrence.objects.filter(is_cancelled=False, meeting__status=Meeting.Status.SCHEDULED)


def _clashing(intervals, keys, exclude_meeting_id):
    keys = list(keys)
    if not intervals or not keys:
        return Occurrence.objects.none()
    shared = MeetingAudience.objects.filter(meeting_id=OuterRef("meeting_id"), key__in=keys)
    queryset = live_occurrences().filter(_overlap_q(intervals)).filter(Exists(shared))
    if exclude_meeting_id is not None:
        queryset = queryset.exclude(meeting_id=exclude_meeting_id)
    return queryset


def clashing(
    *, intervals: Sequence[Interval], keys: Iterable[str], exclude_meeting_id: int | None = None
):
    """Occurrences that overlap any of `intervals` and share one of `keys`: one query.

    The check joins only the meeting (a seven-table join cost more to plan than to run); what a
    page shows of the other meeting is loaded by `with_details`, by the pages that show it.
    """
    return (
        _clashing(intervals, keys, exclude_meeting_id)
        .select_related("meeting")
        .order_by("start_at", "pk")
    )


_DETAILS = (
    "meeting__organizer",
    "meeting__platform",
    "meeting__platform_sector__sector",
    "meeting__platform_sector__platform",
)


def with_details(clashes: Sequence["Clash"]) -> Sequence["Clash"]:
    """Load what a page or the API shows of the other meetings (organizer, sector, platform)
    in four queries, whatever the number of clashes; nothing when there is none.

    Kept out of the check itself: saving a meeting that clashes with nothing (or whose clashes
    were accepted) then costs the one range query.
    """
    # One sitting may clash with several of a series' sittings: load it once. Relations
    # already loaded (a second call) are skipped by Django without a query.
    others = list({id(c.other): c.other for c in clashes}.values())
    if others:
        prefetch_related_objects(others, *_DETAILS)
    return clashes


@dataclasses.dataclass(frozen=True)
class Clash:
    """A proposed sitting (its interval) and an existing one it overlaps."""

    start: datetime.datetime
    end: datetime.datetime
    other: Occurrence


@dataclasses.dataclass(frozen=True)
class SeenClash:
    """A clash as one user may see it: `in_scope` False hides who and what (see the decision)."""

    clash: Clash
    in_scope: bool

    @property
    def other(self) -> Occurrence:
        return self.clash.other


def as_seen_by(clashes: Sequence[Clash], user) -> list[SeenClash]:
    """The clashes with their details loaded and each marked in or out of `user`'s scope:
    five queries, whatever the number of clashes."""
    with_details(clashes)
    visible = meetings_in_scope(user, {c.other.meeting_id for c in clashes}) if clashes else set()
    return [SeenClash(c, c.other.meeting_id in visible) for c in clashes]


def clashes_for(
    *, intervals: Sequence[Interval], keys: Iterable[str], exclude_meeting_id: int | None = None
) -> list[Clash]:
    others = list(clashing(intervals=intervals, keys=keys, exclude_meeting_id=exclude_meeting_id))
    return [
        Clash(start, end, other)
        for start, end in intervals
        for other in others
        if start < other.end_at and end > other.start_at
    ]


# --- The scan: sort and sweep --------------------------------------------------------------------


class _Row:
    """One upcoming sitting as the scan sees it: ids, UTC times, its meeting's audience keys.

    A plain slotted class, not a frozen dataclass: the scan makes one per upcoming sitting, and
    a frozen dataclass's __init__ sets each field through object.__setattr__.
    """

    __slots__ = ("end", "keys", "meeting_id", "original_start", "pk", "start", "token")

    def __init__(self, pk, meeting_id, original_start, start, end, keys=frozenset()):
        self.pk, self.meeting_id, self.original_start = pk, meeting_id, original_start
        self.start, self.end, self.keys = start, end, keys
        # Computed once per sitting, not once per pair it is in: the conflict keys use it.
        self.token = _token(meeting_id, original_start, start, end)


def _token(meeting_id, original, start, end) -> str:
    return (
        f"{meeting_id}:{int(original.timestamp())}:{int(start.timestamp())}-{int(end.timestamp())}"
    )


def conflict_key(a: _Row | Occurrence, b: _Row | Occurrence) -> str:
    """One key per clashing pair *as scheduled*: the same clash twice is one row; a moved one
    is a new clash."""
    tokens = []
    for r in sorted((a, b), key=lambda r: (r.meeting_id, r.original_start)):
        if isinstance(r, _Row):
            tokens.append(r.token)
        else:
            tokens.append(_token(r.meeting_id, r.original_start, r.start_at, r.end_at))
    return "|".join(tokens)


def overlapping_pairs(rows: list[_Row]) -> list[tuple[_Row, _Row]]:
    """Sort by start, then sweep, keeping per audience key the sittings still running:
    O(N log N + pairs sharing a key).

    A sitting is compared only with the running sittings that share one of its keys, so the
    work past the sort is the number of clashing pairs, neither N² nor N times everything
    running at once (most of which, on a busy calendar, share no one).
    """
    running: dict[str, list[_Row]] = {}
    pairs = []
    for row in sorted(rows, key=lambda r: (r.start, r.pk)):
        start, meeting_id = row.start, row.meeting_id
        # Two sittings sharing several keys are one pair, not one per key.
        seen: set[int] | None = set() if len(row.keys) > 1 else None
        for key in row.keys:
            # Those of the key's sittings that have not ended when this one starts.
            alive = [other for other in running.get(key, ()) if other.end > start]
            for other in alive:
                if other.meeting_id == meeting_id:
                    continue
                if seen is not None:
                    if other.pk in seen:
                        continue
                    seen.add(other.pk)
                pairs.append((other, row))
            alive.append(row)
            running[key] = alive
    return pairs


def upcoming_pairs(*, now: datetime.datetime) -> dict[str, tuple[_Row, _Row]]:
    """Every clashing pair on the upcoming calendar, by conflict key: two queries and a sweep."""
    upcoming = live_occurrences().filter(end_at__gt=now, start_at__lt=now + SCAN_HORIZON)
    keys: dict[int, set[str]] = {}
    for meeting_id, key in MeetingAudience.objects.filter(
        meeting_id__in=upcoming.values("meeting_id")
    ).values_list("meeting_id", "key"):
        keys.setdefault(meeting_id, set()).add(key)
    frozen = {pk: frozenset(v) for pk, v in keys.items()}
    empty: frozenset[str] = frozenset()
    rows = [
        _Row(pk, meeting_id, original, start, end, frozen.get(meeting_id, empty))
        for pk, meeting_id, original, start, end in upcoming.values_list(
            "pk", "meeting_id", "original_start", "start_at", "end_at"
        ).order_by()
    ]
    pairs = {}
    for a, b in overlapping_pairs(rows):
        first, second = (
            (a, b)
            if (a.meeting_id, a.original_start) <= (b.meeting_id, b.original_start)
            else (b, a)
        )
        pairs[f"{first.token}|{second.token}"] = (a, b)
    return pairs


def conflicts_scan(*, now: datetime.datetime | None = None) -> int:
    """Record every clash on the upcoming calendar and notify each new one once.

    Safe when two scans run at once: the unique key lets one insert win; the other's insert
    waits for it and fails, and only the winner notifies, in the transaction that inserted.
    Returns how many clashes were new.
    """
    now = now or timezone.now()
    pairs = upcoming_pairs(now=now)
    # The clashes recorded for upcoming sittings, by a range on the indexed occurrence rather
    # than `key IN (every pair)`: on a busy calendar that list is tens of thousands of keys to
    # send, parse and look up one by one. A pair's sittings are both upcoming, and a Conflict
    # points at them (the unique meeting + original start), so none recorded is missed.
    known = set(
        Conflict.objects.filter(
            first__end_at__gt=now, first__start_at__lt=now + SCAN_HORIZON
        ).values_list("key", flat=True)
    )
    return sum(_conflict_record(key, *pair) for key, pair in pairs.items() if key not in known)


def _conflict_record(key: str, a: _Row, b: _Row) -> bool:
    try:
        with transaction.atomic():
            conflict = save_audited(
                Conflict(key=key, first_id=a.pk, second_id=b.pk, notified_at=timezone.now()),
                by=system_user(),
                reason=N_("Clash found by the scan"),
            )
            _conflict_notify(conflict)
            return True
    except (ValidationError, IntegrityError):
        # Another scan (or an acceptance at save time) recorded this clash first.
        return False


def _described(meeting: Meeting, *, in_scope: bool) -> str:
    """The other meeting as a notification names it: by its title in scope, else by its sector
    and kind only (the decision above)."""
    if in_scope:
        return f"“{meeting.title}”"
    return _("a meeting of %(sector)s (%(kind)s)") % {
        "sector": meeting.platform_sector or meeting.platform,
        "kind": meeting.get_kind_display(),
    }


def _conflict_notify(conflict: Conflict) -> None:
    related = ("meeting__organizer", "meeting__platform", "meeting__platform_sector__sector")
    first = Occurrence.objects.select_related(*related).get(pk=conflict.first_id)
    second = Occurrence.objects.select_related(*related).get(pk=conflict.second_id)
    for mine, theirs in ((first, second), (second, first)):
        reader = mine.meeting.organizer
        in_scope = bool(meetings_in_scope(reader, [theirs.meeting_id]))

        def body(m=mine, t=theirs, in_scope=in_scope):
            text = _(
                "Your meeting on %(when)s overlaps %(theirs)s (%(other)s), and they share part "
                "of the audience. Consider moving one."
            ) % {
                "when": when(m.start_at),
                "theirs": _described(t.meeting, in_scope=in_scope),
                "other": when(t.start_at),
            }
            if in_scope:
                text += "\n\n" + _("It is organized by %(organizer)s.") % {
                    "organizer": t.meeting.organizer
                }
            return text

        notify(
            recipients=[reader],
            subject=lambda m=mine, t=theirs, in_scope=in_scope: (
                _("“%(mine)s” overlaps %(theirs)s")
                % {"mine": m.meeting.title, "theirs": _described(t.meeting, in_scope=in_scope)}
            ),
            body=body,
            url=mine.meeting.get_absolute_url(),
        )


def _accepted_notify(own: Occurrence, other: Occurrence, *, by) -> None:
    reader = other.meeting.organizer
    if reader.pk == by.pk:
        return
    in_scope = bool(meetings_in_scope(reader, [own.meeting_id]))

    def body():
        values = {
            "who": by,
            "theirs": _described(own.meeting, in_scope=in_scope),
            "when": when(own.start_at),
        }
        if in_scope:
            return (
                _(
                    "%(who)s scheduled %(theirs)s on %(when)s knowing it overlaps your meeting "
                    "and shares part of its audience."
                )
                % values
            )
        return (
            _(
                "Someone scheduled %(theirs)s on %(when)s knowing it overlaps your meeting and "
                "shares part of its audience."
            )
            % values
        )

    notify(
        recipients=[reader],
        subject=lambda: (
            _("%(theirs)s now overlaps your “%(mine)s”")
            % {
                "theirs": _described(own.meeting, in_scope=in_scope),
                "mine": other.meeting.title,
            }
        ),
        body=body,
        url=other.meeting.get_absolute_url(),
    )


def conflicts_accept(*, clashes: Sequence[Clash], meeting: Meeting, by) -> list[Conflict]:
    """Record that `by` saved `meeting` despite `clashes` (called by the scheduling services).

    The scan then finds the clash known and says nothing: the organizer saw it before saving.
    """
    now = timezone.now()
    mine = {o.original_start: o for o in meeting.occurrences.all()}
    by_start = {o.start_at: o for o in mine.values()}
    accepted = []
    for clash in clashes:
        own = by_start.get(clash.start)
        if own is None:
            continue
        key = conflict_key(own, clash.other)
        conflict, _created = Conflict.objects.get_or_create(
            key=key, defaults={"first_id": own.pk, "second_id": clash.other.pk}
        )
        if conflict.accepted_at is None:
            conflict.accepted_by, conflict.accepted_at = by, now
            fields = ["accepted_by", "accepted_at"]
            if conflict.notified_at is None:
                # The other organizer did not see the warning: tell them now, once; the scan
                # then finds the clash known and stays quiet.
                _accepted_notify(own, clash.other, by=by)
                conflict.notified_at = now
                fields.append("notified_at")
            save_audited(conflict, by=by, reason=N_("Clash accepted"), update_fields=fields)
        accepted.append(conflict)
    return accepted


# --- Slot finder ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class WorkingHours:
    start: datetime.time = datetime.time(8, 0)
    end: datetime.time = datetime.time(18, 0)


def _inside_working_hours(
    start: datetime.datetime, end: datetime.datetime, zones, hours: WorkingHours
) -> bool:
    for zone in zones:
        ls, le = start.astimezone(zone), end.astimezone(zone)
        if ls.weekday() >= 5 or ls.date() != le.date():
            return False
        if ls.time() < hours.start or le.time() > hours.end:
            return False
    return True


def slots_find(
    *,
    duration: datetime.timedelta,
    zones: Iterable[zoneinfo.ZoneInfo],
    keys: Iterable[str],
    after: datetime.datetime,
    count: int = 3,
    step: datetime.timedelta = datetime.timedelta(minutes=30),
    hours: WorkingHours = WorkingHours(),  # noqa: B008 - a frozen dataclass, never mutated
    horizon: datetime.timedelta = datetime.timedelta(days=30),
    exclude_meeting_id: int | None = None,
) -> list[Interval]:
    """The next `count` free starts of `duration`, on weekdays inside every zone's working hours,
    clashing with no meeting that shares the audience. One query for the busy times."""
    zones = list(zones) or [zoneinfo.ZoneInfo("UTC")]
    step_s = int(step.total_seconds())
    first = datetime.datetime.fromtimestamp(
        -(-int(after.timestamp()) // step_s) * step_s, tz=datetime.UTC
    )
    busy = sorted(
        _clashing([(first, first + horizon + duration)], keys, exclude_meeting_id).values_list(
            "start_at", "end_at"
        )
    )
    found: list[Interval] = []
    candidate = first
    last = first + horizon
    while candidate < last and len(found) < count:
        end = candidate + duration
        if _inside_working_hours(candidate, end, zones, hours) and not any(
            s < end and e > candidate for s, e in busy
        ):
            found.append((candidate, end))
            candidate = end
            continue
        candidate += step
    return found
