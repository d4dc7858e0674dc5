"""Scheduling: a draft checked into UTC sittings and audience keys, the conflict check before
saving, slot suggestions, and putting a meeting or series on the calendar, changing or
cancelling it."""

import dataclasses
import datetime
import unicodedata
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from r4v.audit import delete_audited, locked, save_audited
from r4v.errors import DomainError, NotAllowed
from r4v.models import User
from sectors import policy
from sectors.models import Country, Organization, Platform, PlatformSector
from sectors.policy import Action

from .. import access, reminders, selectors, zones
from ..audience import meeting_keys
from ..conflicts import Clash, WorkingHours, clashes_for, conflicts_accept, slots_find
from ..models import (
    MAX_DURATION,
    MAX_OCCURRENCES,
    Meeting,
    MeetingAudience,
    Minutes,
    Occurrence,
)
from ..notices import notify, when


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


def require_one_line(text: str, *, field: str) -> None:
    """Refuse control characters in a text that becomes an e-mail subject (a title, an action
    point): a line break there makes the mail refuse to leave, for every recipient."""
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise DomainError(
            _("Give one line of text, without line breaks or control characters."),
            code="control_characters",
            field=field,
        )


def meeting_plan(draft: MeetingDraft) -> Plan:
    """Check a draft's times, rule and scope; no writes, so the live conflict list uses it too."""
    require_one_line(draft.title, field="title")
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
    if not policy.can(by, Action.ORGANIZE_MEETINGS, platform_sector or platform):
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
    save_audited(meeting, by=by, reason=N_("Meeting scheduled"))
    _invitations_set(meeting, draft)
    _audience_sync(meeting, plan.keys)
    _occurrences_sync(meeting, plan, by=by)
    conflicts_accept(clashes=clashes, meeting=meeting, by=by)
    reminders.meeting_reminders_schedule(meeting, at_scheduling=True)
    tell_invitees(
        meeting,
        lambda: _("Invitation: %(title)s") % {"title": meeting.title},
        lambda: (
            _("You are invited to “%(title)s” on %(when)s.")
            % {"title": meeting.title, "when": when(meeting.start_at)}
        ),
    )
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, draft: MeetingDraft, by: User, accept_conflicts: bool = False
) -> Meeting:
    """Change a meeting or a whole series; SEQUENCE goes up so subscribers take the change."""
    meeting = locked(Meeting, meeting.pk)
    require_change(meeting, by)
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
        meeting,
        by=by,
        reason=N_("Meeting changed"),
        update_fields=[*changed, "sequence", "updated_at"],
    )
    _invitations_set(meeting, draft)
    _audience_sync(meeting, plan.keys)
    _occurrences_sync(meeting, plan, by=by)
    conflicts_accept(clashes=clashes, meeting=meeting, by=by)
    reminders.meeting_reminders_schedule(meeting)
    tell_invitees(
        meeting,
        lambda: _("Changed: %(title)s") % {"title": meeting.title},
        lambda: (
            _("“%(title)s” was changed; it now starts on %(when)s.")
            % {"title": meeting.title, "when": when(meeting.start_at)}
        ),
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User, reason: str = "") -> Meeting:
    """Cancel a meeting or a whole series: it stays on feeds as STATUS:CANCELLED."""
    meeting = locked(Meeting, meeting.pk)
    require_change(meeting, by)
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    save_audited(
        meeting,
        by=by,
        reason=reason.strip() or N_("Meeting cancelled"),
        update_fields=["status", "sequence", "updated_at"],
    )
    reminders.meeting_reminders_cancel(meeting)
    tell_invitees(
        meeting,
        lambda: _("Cancelled: %(title)s") % {"title": meeting.title},
        lambda: (
            (_("“%(title)s” is cancelled.") % {"title": meeting.title})
            + (f"\n\n{reason}" if reason else "")
        ),
    )
    return meeting


def require_change(meeting: Meeting, by: User) -> None:
    if meeting.is_cancelled:
        raise DomainError(
            _("This meeting is cancelled; it cannot be changed."), code="meeting_cancelled"
        )
    if not policy.can(by, access.CHANGE, meeting):
        raise NotAllowed(_("You may not change this meeting."))


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
            _("The sitting of %(when)s has minutes; the new times would remove it.")
            % {"when": when(with_minutes.occurrence.original_start)},
            code="sitting_has_minutes",
            field="start",
        )
    for occurrence in gone:
        reminders.occurrence_reminders_cancel(occurrence)
        delete_audited(occurrence, by=by, reason=N_("Series changed"))
    for start in plan.starts:
        occurrence = existing.get(start)
        if occurrence is None:
            save_audited(
                Occurrence(
                    meeting=meeting, original_start=start, start_at=start, end_at=start + duration
                ),
                by=by,
                reason=N_("Sitting scheduled"),
            )
        elif occurrence.start_at == start and occurrence.end_at != start + duration:
            # Not moved on its own: follows the series' new length.
            occurrence.end_at = start + duration
            save_audited(occurrence, by=by, reason=N_("Series changed"), update_fields=["end_at"])


def tell_invitees(meeting: Meeting, subject, body) -> None:
    recipients = selectors.meeting_invitees(meeting).exclude(pk=meeting.organizer_id)
    notify(recipients=list(recipients), subject=subject, body=body, url=meeting.get_absolute_url())
