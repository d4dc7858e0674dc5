"""Every write to the calendar: schedule, update, cancel, move or cancel one sitting, minutes,
action points, feed tokens.

Each service checks who may act, validates (times through `zones`, which refuses what does not
exist and asks about what exists twice), locks what it checks, saves through `save_audited` with
the fields it changes, keeps the sittings, audience keys and reminders in step, and notifies;
`notification_send` e-mails after commit, so a rolled-back change tells no one.
"""

import dataclasses
import datetime
import hashlib
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from r4v.audit import locked, save_audited
from r4v.errors import DomainError, NotAllowed
from r4v.models import User
from r4v.services import notification_send
from sectors.models import Country, Organization, Platform, PlatformSector

from . import quorum, reminders, selectors, zones
from .audience import meeting_keys
from .conflicts import Clash, WorkingHours, clashes_for, conflicts_accept, slots_find
from .models import (
    MAX_DURATION,
    MAX_OCCURRENCES,
    ActionPoint,
    Attendance,
    FeedToken,
    Meeting,
    MeetingAudience,
    Minutes,
    Occurrence,
)


@dataclasses.dataclass
class MeetingDraft:
    """What a form or a serializer parsed; times are wall-clock in `time_zone`."""

    platform: Platform
    platform_sector: PlatformSector | None
    kind: str
    title: str
    start_local: datetime.datetime
    end_local: datetime.datetime
    time_zone: str
    # Which of a repeated hour (clocks going back): 0 the first, 1 the second; None: ask.
    fold: int | None = None
    agenda: str = ""
    rrule: str = ""
    invited_sectors: Sequence[PlatformSector] = ()
    invited_platforms: Sequence[Platform] = ()
    invited_organizations: Sequence[Organization] = ()
    place: str = ""
    video_url: str = ""
    visibility: str = Meeting.Visibility.INTERNAL


@dataclasses.dataclass
class Plan:
    """A draft made into UTC sittings and audience keys, checked."""

    start_at: datetime.datetime
    end_at: datetime.datetime
    rrule: str
    starts: list[datetime.datetime]
    keys: set[str]

    @property
    def intervals(self) -> list[tuple[datetime.datetime, datetime.datetime]]:
        duration = self.end_at - self.start_at
        return [(s, s + duration) for s in self.starts]


class ConflictsNotAccepted(DomainError):
    """Saving would clash: the caller shows the clashes and asks the user to accept them."""

    def __init__(self, clashes: list[Clash]):
        super().__init__(
            _(
                "This meeting overlaps %(count)s meeting(s) with a shared audience. "
                "Review them and save anyway to accept."
            )
            % {"count": len(clashes)},
            code="conflicts_not_accepted",
            field="accept_conflicts",
        )
        self.clashes = clashes


def meeting_plan(draft: MeetingDraft) -> Plan:
    """Check a draft's times, rule and scope; no writes, so the live conflict list uses it too."""
    if draft.platform_sector is not None and draft.platform_sector.platform_id != draft.platform.pk:
        raise DomainError(
            _("This sector is not on that platform."),
            code="wrong_platform",
            field="platform_sector",
        )
    zone = zones.zone_named(draft.time_zone)
    start_at = zones.to_utc(draft.start_local, zone, fold=draft.fold, field="start")
    end_at = zones.to_utc(draft.end_local, zone, fold=draft.fold, field="end")
    if end_at <= start_at:
        raise DomainError(
            _("The meeting must end after it starts."), code="ends_before_start", field="end"
        )
    if end_at - start_at > MAX_DURATION:
        raise DomainError(
            _("A meeting lasts at most 3 days; schedule longer events as several meetings."),
            code="too_long",
            field="end",
        )
    rule = zones.normalize_rule(draft.rrule, zone) if draft.rrule.strip() else ""
    if rule:
        starts = zones.expand(
            rule,
            first_local=start_at.astimezone(zone).replace(tzinfo=None),
            zone=zone,
            limit=MAX_OCCURRENCES,
        )
    else:
        starts = [start_at]
    keys = meeting_keys(
        platform=draft.platform,
        platform_sector=draft.platform_sector,
        sector_ids=[s.pk for s in draft.invited_sectors],
        platform_ids=[p.pk for p in draft.invited_platforms],
        organization_ids=[o.pk for o in draft.invited_organizations],
    )
    return Plan(start_at, end_at, rule, starts, keys)


def conflicts_preview(
    *, draft: MeetingDraft, exclude_meeting: Meeting | None = None
) -> list[Clash]:
    plan = meeting_plan(draft)
    return clashes_for(
        intervals=plan.intervals,
        keys=plan.keys,
        exclude_meeting_id=exclude_meeting.pk if exclude_meeting else None,
    )


def involved_zones(draft: MeetingDraft) -> list:
    """The zones of every country on the organizing and the invited platforms."""
    platform_ids = {draft.platform.pk, *(p.pk for p in draft.invited_platforms)}
    platform_ids |= {s.platform_id for s in draft.invited_sectors}
    names = sorted(
        set(Country.objects.filter(platforms__in=platform_ids).values_list("time_zone", flat=True))
    )
    return [zones.zone_named(name) for name in names] or [zones.zone_named(draft.time_zone)]


def working_hours() -> WorkingHours:
    """08:00-18:00 local unless settings.MEETINGS_WORKING_HOURS says ("07:30", "17:00")."""
    start, end = getattr(settings, "MEETINGS_WORKING_HOURS", ("08:00", "18:00"))
    return WorkingHours(datetime.time.fromisoformat(start), datetime.time.fromisoformat(end))


def slots_suggest(
    *,
    draft: MeetingDraft,
    after: datetime.datetime | None = None,
    count: int = 3,
    exclude_meeting: Meeting | None = None,
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The next free slots of the draft's length: weekdays, inside every involved country's
    working hours, clashing with no meeting that shares the audience."""
    plan = meeting_plan(draft)
    return slots_find(
        duration=plan.end_at - plan.start_at,
        zones=involved_zones(draft),
        keys=plan.keys,
        # From the proposed time on (a March meeting wants March slots), never in the past.
        after=after or max(timezone.now(), plan.start_at),
        count=count,
        hours=working_hours(),
        exclude_meeting_id=exclude_meeting.pk if exclude_meeting else None,
    )


def _require_organizer(by: User, platform: Platform, platform_sector: PlatformSector | None):
    if not selectors.can_organize(by, platform=platform, platform_sector=platform_sector):
        raise NotAllowed(_("You may not schedule meetings for this sector."))


def _check_clashes(plan: Plan, *, exclude: Meeting | None, accept: bool) -> list[Clash]:
    clashes = clashes_for(
        intervals=plan.intervals, keys=plan.keys, exclude_meeting_id=exclude.pk if exclude else None
    )
    if clashes and not accept:
        raise ConflictsNotAccepted(clashes)
    return clashes


_FIELDS = ("platform", "platform_sector", "kind", "title", "agenda", "time_zone")
_FIELDS += ("place", "video_url", "visibility")


@transaction.atomic
def meeting_schedule(*, draft: MeetingDraft, by: User, accept_conflicts: bool = False) -> Meeting:
    """Put a meeting (or a series) on the calendar and invite its audience."""
    _require_organizer(by, draft.platform, draft.platform_sector)
    plan = meeting_plan(draft)
    clashes = _check_clashes(plan, exclude=None, accept=accept_conflicts)
    meeting = Meeting(organizer=by, start_at=plan.start_at, end_at=plan.end_at, rrule=plan.rrule)
    for field in _FIELDS:
        setattr(meeting, field, getattr(draft, field))
    meeting.title = meeting.title.strip()
    save_audited(meeting, by=by, reason="Meeting scheduled")
    _invitations_set(meeting, draft)
    _audience_sync(meeting, plan.keys)
    _occurrences_sync(meeting, plan, by=by)
    conflicts_accept(clashes=clashes, meeting=meeting, by=by)
    reminders.meeting_reminders_schedule(meeting, at_scheduling=True)
    _tell_invitees(
        meeting,
        lambda: _("Invitation: %(title)s") % {"title": meeting.title},
        lambda: (
            _("You are invited to “%(title)s” on %(when)s UTC.")
            % {"title": meeting.title, "when": f"{meeting.start_at:%Y-%m-%d %H:%M}"}
        ),
    )
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, draft: MeetingDraft, by: User, accept_conflicts: bool = False
) -> Meeting:
    """Change a meeting or a whole series; SEQUENCE goes up so subscribers take the change."""
    meeting = locked(Meeting, meeting.pk)
    _require_change(meeting, by)
    _require_organizer(by, draft.platform, draft.platform_sector)
    plan = meeting_plan(draft)
    clashes = _check_clashes(plan, exclude=meeting, accept=accept_conflicts)
    changed = [f for f in _FIELDS if getattr(meeting, f) != getattr(draft, f)]
    for field in changed:
        setattr(meeting, field, getattr(draft, field))
    for field, value in (
        ("start_at", plan.start_at),
        ("end_at", plan.end_at),
        ("rrule", plan.rrule),
    ):
        if getattr(meeting, field) != value:
            setattr(meeting, field, value)
            changed.append(field)
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    save_audited(
        meeting, by=by, reason="Meeting changed", update_fields=[*changed, "sequence", "updated_at"]
    )
    _invitations_set(meeting, draft)
    _audience_sync(meeting, plan.keys)
    _occurrences_sync(meeting, plan, by=by)
    conflicts_accept(clashes=clashes, meeting=meeting, by=by)
    reminders.meeting_reminders_schedule(meeting)
    _tell_invitees(
        meeting,
        lambda: _("Changed: %(title)s") % {"title": meeting.title},
        lambda: (
            _("“%(title)s” was changed; it now starts on %(when)s UTC.")
            % {"title": meeting.title, "when": f"{meeting.start_at:%Y-%m-%d %H:%M}"}
        ),
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User, reason: str = "") -> Meeting:
    """Cancel a meeting or a whole series: it stays on feeds as STATUS:CANCELLED."""
    meeting = locked(Meeting, meeting.pk)
    _require_change(meeting, by)
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    save_audited(
        meeting,
        by=by,
        reason=f"Meeting cancelled: {reason}".strip(": "),
        update_fields=["status", "sequence", "updated_at"],
    )
    reminders.meeting_reminders_cancel(meeting)
    _tell_invitees(
        meeting,
        lambda: _("Cancelled: %(title)s") % {"title": meeting.title},
        lambda: (
            (_("“%(title)s” is cancelled.") % {"title": meeting.title})
            + (f"\n\n{reason}" if reason else "")
        ),
    )
    return meeting


def _require_change(meeting: Meeting, by: User) -> None:
    if meeting.is_cancelled:
        raise DomainError(
            _("This meeting is cancelled; it cannot be changed."), code="meeting_cancelled"
        )
    if meeting.organizer_id != by.pk and not selectors.can_organize(
        by, platform=meeting.platform, platform_sector=meeting.platform_sector
    ):
        raise NotAllowed(_("You may not change this meeting."))


def occurrence_move_preview(
    *,
    meeting: Meeting,
    start_local: datetime.datetime,
    end_local: datetime.datetime,
    fold: int | None = None,
) -> tuple[datetime.datetime, datetime.datetime, list[Clash]]:
    """A sitting's new times in UTC and what they would clash with; no writes, so the page
    can ask before moving."""
    start_at = zones.to_utc(start_local, meeting.zone, fold=fold, field="start")
    end_at = zones.to_utc(end_local, meeting.zone, fold=fold, field="end")
    if end_at <= start_at:
        raise DomainError(
            _("The meeting must end after it starts."), code="ends_before_start", field="end"
        )
    if end_at - start_at > MAX_DURATION:
        raise DomainError(_("A meeting lasts at most 3 days."), code="too_long", field="end")
    keys = set(meeting.audience.values_list("key", flat=True))
    clashes = clashes_for(intervals=[(start_at, end_at)], keys=keys, exclude_meeting_id=meeting.pk)
    return start_at, end_at, clashes


@transaction.atomic
def occurrence_move(
    *,
    occurrence: Occurrence,
    start_local: datetime.datetime,
    end_local: datetime.datetime,
    by: User,
    fold: int | None = None,
    accept_conflicts: bool = False,
    reason: str = "",
) -> Occurrence:
    """Move one sitting of a series (in the meeting's zone); the feed shows a RECURRENCE-ID.

    `reason` goes into the sitting's and the meeting's history and to the invitees."""
    occurrence = locked(Occurrence, occurrence.pk)
    meeting = locked(Meeting, occurrence.meeting_id)
    _require_change(meeting, by)
    if occurrence.is_cancelled:
        raise DomainError(_("This sitting is cancelled."), code="occurrence_cancelled")
    start_at, end_at, clashes = occurrence_move_preview(
        meeting=meeting, start_local=start_local, end_local=end_local, fold=fold
    )
    if clashes and not accept_conflicts:
        raise ConflictsNotAccepted(clashes)
    occurrence.start_at, occurrence.end_at = start_at, end_at
    why = _with_reason("Sitting moved", reason)
    save_audited(occurrence, by=by, reason=why, update_fields=["start_at", "end_at"])
    _bump(meeting, by=by, reason=why)
    conflicts_accept(clashes=clashes, meeting=meeting, by=by)
    reminders.occurrence_reminders_schedule(occurrence)
    _tell_invitees(
        meeting,
        lambda: _("Moved: %(title)s") % {"title": meeting.title},
        lambda: (
            _("The sitting of “%(title)s” planned on %(was)s UTC moves to %(now)s UTC.")
            % {
                "title": meeting.title,
                "was": f"{occurrence.original_start:%Y-%m-%d %H:%M}",
                "now": f"{start_at:%Y-%m-%d %H:%M}",
            }
            + _reason_paragraph(reason)
        ),
    )
    return occurrence


@transaction.atomic
def occurrence_cancel(*, occurrence: Occurrence, by: User, reason: str = "") -> Occurrence:
    """Cancel one sitting of a series; the feed lists it as an EXDATE."""
    occurrence = locked(Occurrence, occurrence.pk)
    meeting = locked(Meeting, occurrence.meeting_id)
    _require_change(meeting, by)
    if occurrence.is_cancelled:
        return occurrence
    if Minutes.objects.filter(occurrence=occurrence).exists():
        raise DomainError(
            _("This sitting has minutes; it took place and cannot be cancelled."),
            code="sitting_has_minutes",
        )
    occurrence.is_cancelled = True
    why = _with_reason("Sitting cancelled", reason)
    save_audited(occurrence, by=by, reason=why, update_fields=["is_cancelled"])
    _bump(meeting, by=by, reason=why)
    reminders.occurrence_reminders_cancel(occurrence)
    _tell_invitees(
        meeting,
        lambda: _("Cancelled: %(title)s") % {"title": meeting.title},
        lambda: (
            _("The sitting of “%(title)s” on %(when)s UTC is cancelled.")
            % {"title": meeting.title, "when": f"{occurrence.start_at:%Y-%m-%d %H:%M}"}
            + _reason_paragraph(reason)
        ),
    )
    return occurrence


def _with_reason(what: str, reason: str) -> str:
    # History reasons stay in English (as every other), the user's words appended as typed.
    return f"{what}: {reason.strip()}" if reason.strip() else what


def _reason_paragraph(reason: str) -> str:
    return f"\n\n{reason.strip()}" if reason.strip() else ""


def _bump(meeting: Meeting, *, by: User, reason: str) -> None:
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    save_audited(meeting, by=by, reason=reason, update_fields=["sequence", "updated_at"])


def _invitations_set(meeting: Meeting, draft: MeetingDraft) -> None:
    # simple-history's m2m tracking records these with the meeting's history.
    meeting.invited_sectors.set(draft.invited_sectors)
    meeting.invited_platforms.set(draft.invited_platforms)
    meeting.invited_organizations.set(draft.invited_organizations)


def _audience_sync(meeting: Meeting, keys: set[str]) -> None:
    # Not audited: a derived index of the invitations, rebuilt from them on every change.
    current = set(meeting.audience.values_list("key", flat=True))
    meeting.audience.filter(key__in=current - keys).delete()
    MeetingAudience.objects.bulk_create(
        [MeetingAudience(meeting=meeting, key=k) for k in sorted(keys - current)]
    )


def _occurrences_sync(meeting: Meeting, plan: Plan, *, by: User) -> None:
    """Make the sittings match the rule, keeping the overrides of originals still yielded."""
    duration = plan.end_at - plan.start_at
    existing = {o.original_start: o for o in meeting.occurrences.select_for_update()}
    wanted = set(plan.starts)
    gone = [o for start, o in existing.items() if start not in wanted]
    with_minutes = Minutes.objects.filter(occurrence__in=gone).select_related("occurrence").first()
    if with_minutes is not None:
        raise DomainError(
            _("The sitting of %(when)s UTC has minutes; the new times would remove it.")
            % {"when": f"{with_minutes.occurrence.original_start:%Y-%m-%d %H:%M}"},
            code="sitting_has_minutes",
            field="start",
        )
    for occurrence in gone:
        reminders.occurrence_reminders_cancel(occurrence)
        occurrence._history_user = by
        occurrence.delete()
    for start in plan.starts:
        occurrence = existing.get(start)
        if occurrence is None:
            save_audited(
                Occurrence(
                    meeting=meeting, original_start=start, start_at=start, end_at=start + duration
                ),
                by=by,
                reason="Sitting scheduled",
            )
        elif occurrence.start_at == start and occurrence.end_at != start + duration:
            # Not moved on its own: follows the series' new length.
            occurrence.end_at = start + duration
            save_audited(occurrence, by=by, reason="Series changed", update_fields=["end_at"])


def _tell_invitees(meeting: Meeting, subject, body) -> None:
    recipients = selectors.meeting_invitees(meeting).exclude(pk=meeting.organizer_id)
    notification_send(
        recipients=list(recipients), subject=subject, body=body, url=meeting.get_absolute_url()
    )


# --- After the meeting -------------------------------------------------------------------------


def _require_minutes_writer(occurrence: Occurrence, by: User) -> Meeting:
    meeting = occurrence.meeting
    if meeting.organizer_id != by.pk and not selectors.can_organize(
        by, platform=meeting.platform, platform_sector=meeting.platform_sector
    ):
        raise NotAllowed(_("You may not write the minutes of this meeting."))
    return meeting


@transaction.atomic
def minutes_save(
    *,
    occurrence: Occurrence,
    by: User,
    key_topics: str = "",
    decisions: str = "",
    recording_url: str = "",
) -> Minutes:
    """Write or correct the minutes of a sitting while they are not final."""
    occurrence = Occurrence.objects.select_related("meeting").get(pk=occurrence.pk)
    _require_minutes_writer(occurrence, by)
    minutes = Minutes.objects.select_for_update().filter(occurrence=occurrence).first()
    if minutes is None:
        minutes = Minutes(occurrence=occurrence, written_by=by)
        fields = None
    else:
        if minutes.status == Minutes.Status.FINAL:
            raise DomainError(_("These minutes are final."), code="minutes_final")
        fields = ["key_topics", "decisions", "recording_url"]
    minutes.key_topics, minutes.decisions = key_topics.strip(), decisions.strip()
    minutes.recording_url = recording_url.strip()
    save_audited(minutes, by=by, reason="Minutes written", update_fields=fields)
    return minutes


@transaction.atomic
def minutes_circulate(*, minutes: Minutes, by: User) -> Minutes:
    """Send the minutes to the invitees; comments are open for five days (seed 001)."""
    minutes = locked(Minutes.objects.select_related("occurrence__meeting"), minutes.pk)
    meeting = _require_minutes_writer(minutes.occurrence, by)
    if minutes.status != Minutes.Status.DRAFT:
        raise DomainError(_("These minutes were circulated already."), code="minutes_circulated")
    minutes.status = Minutes.Status.CIRCULATED
    minutes.circulated_at = timezone.now()
    save_audited(
        minutes, by=by, reason="Minutes circulated", update_fields=["status", "circulated_at"]
    )
    reminders.minutes_reminders_schedule(minutes)
    _tell_invitees(
        meeting,
        lambda: _("Minutes: %(title)s") % {"title": meeting.title},
        lambda: (
            _("The minutes of “%(title)s” are out; comment within %(days)s days.")
            % {"title": meeting.title, "days": Minutes.COMMENT_DAYS}
        ),
    )
    return minutes


@transaction.atomic
def minutes_finalize(*, minutes: Minutes, by: User) -> Minutes:
    minutes = locked(Minutes.objects.select_related("occurrence__meeting"), minutes.pk)
    _require_minutes_writer(minutes.occurrence, by)
    if minutes.status != Minutes.Status.CIRCULATED:
        raise DomainError(_("Circulate the minutes first."), code="minutes_not_circulated")
    minutes.status = Minutes.Status.FINAL
    save_audited(minutes, by=by, reason="Minutes final", update_fields=["status"])
    return minutes


@transaction.atomic
def action_point_add(
    *, minutes: Minutes, text: str, owner: User, due_on: datetime.date, by: User
) -> ActionPoint:
    minutes = Minutes.objects.select_related("occurrence__meeting").get(pk=minutes.pk)
    _require_minutes_writer(minutes.occurrence, by)
    if not text.strip():
        raise DomainError(_("Say what is to be done."), code="blank", field="text")
    point = save_audited(
        ActionPoint(minutes=minutes, text=text.strip(), owner=owner, due_on=due_on),
        by=by,
        reason="Action point added",
    )
    reminders.action_point_reminders_schedule(point)
    return point


@transaction.atomic
def action_point_set_status(*, point: ActionPoint, status: str, by: User) -> ActionPoint:
    """The owner (or the minutes' writer) marks an action point done or dropped."""
    point = locked(ActionPoint.objects.select_related("minutes__occurrence__meeting"), point.pk)
    if point.owner_id != by.pk:
        _require_minutes_writer(point.minutes.occurrence, by)
    if status not in ActionPoint.Status.values:
        raise DomainError(_("Unknown status."), code="invalid_status", field="status")
    point.status = status
    save_audited(point, by=by, reason=f"Action point {status}", update_fields=["status"])
    if status != ActionPoint.Status.OPEN:
        reminders.action_point_reminders_cancel(point)
    return point


@dataclasses.dataclass(frozen=True)
class Attended:
    """One organization present at a sitting, as a form or a serializer parsed it."""

    organization: Organization
    people: int = 1
    names: str = ""


@transaction.atomic
def attendance_record(
    *, occurrence: Occurrence, attended: Sequence[Attended], by: User
) -> list[Attendance]:
    """Record which organizations attended a sitting (and optionally who), replacing the
    previous record; the quorum (`meetings.quorum`) is read from it."""
    # The sitting's lock serializes two people recording the same sitting at once.
    occurrence = locked(Occurrence.objects.select_related("meeting"), occurrence.pk)
    meeting = _require_minutes_writer(occurrence, by)
    if meeting.is_cancelled or occurrence.is_cancelled:
        raise DomainError(
            _("This sitting is cancelled; there is no attendance to record."),
            code="occurrence_cancelled",
        )
    if occurrence.start_at > timezone.now():
        raise DomainError(
            _("Attendance is recorded once the sitting has started."), code="not_started"
        )
    minutes = Minutes.objects.select_for_update().filter(occurrence=occurrence).first()
    if minutes is not None and minutes.status == Minutes.Status.FINAL:
        # Attendance is part of the minutes (issue 15); final minutes are the record.
        raise DomainError(_("These minutes are final."), code="minutes_final")
    roll = quorum.sheet_for(occurrence).roll_ids
    wanted: dict[int, Attended] = {}
    for entry in attended:
        org = entry.organization
        if org.pk in wanted:
            raise DomainError(
                _("%(org)s is listed twice.") % {"org": org}, code="duplicate", field="attended"
            )
        if org.pk not in roll:
            raise DomainError(
                _("%(org)s was not invited to this meeting and is not a member of its sector.")
                % {"org": org},
                code="not_invited",
                field="attended",
            )
        if entry.people < 1:
            raise DomainError(
                _("At least one person attends for %(org)s.") % {"org": org},
                code="min_value",
                field="attended",
            )
        wanted[org.pk] = dataclasses.replace(entry, names=entry.names.strip())
    existing = {a.organization_id: a for a in occurrence.attendance.select_for_update()}
    for org_id in existing.keys() - wanted.keys():
        row = existing.pop(org_id)
        row._history_user = by
        row._change_reason = "Attendance recorded"
        row.delete()
    rows = []
    for org_id, entry in wanted.items():
        row = existing.get(org_id)
        if row is None:
            row = Attendance(
                occurrence=occurrence,
                organization=entry.organization,
                people=entry.people,
                names=entry.names,
            )
            save_audited(row, by=by, reason="Attendance recorded")
        elif (row.people, row.names) != (entry.people, entry.names):
            row.people, row.names = entry.people, entry.names
            save_audited(
                row, by=by, reason="Attendance recorded", update_fields=["people", "names"]
            )
        rows.append(row)
    # Nobody is notified: attendance is a record of what happened, read with the minutes.
    return rows


# --- Feed tokens -------------------------------------------------------------------------------


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_token_issue(*, user: User) -> str:
    """A new secret feed address for `user`; the previous one stops working at once.

    Returns the token in clear, the only time it exists outside the user's calendar program.
    """
    locked(User, user.pk)  # two clicks at once cannot leave two active tokens
    FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    FeedToken.objects.create(user=user, token_hash=feed_token_hash(token))
    return token


def feed_token_revoke(*, user: User) -> int:
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
