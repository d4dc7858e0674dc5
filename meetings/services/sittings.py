"""One sitting of a series moved or cancelled, with the reason kept in the history."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from r4v.audit import locked, save_audited
from r4v.errors import DomainError
from r4v.models import User

from .. import reminders, zones
from ..conflicts import Clash, clashes_for, conflicts_accept
from ..models import (
    MAX_DURATION,
    Meeting,
    Minutes,
    Occurrence,
)
from ..notices import when
from .scheduling import ConflictsNotAccepted, require_change, tell_invitees


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
    require_change(meeting, by)
    if occurrence.is_cancelled:
        raise DomainError(_("This sitting is cancelled."), code="occurrence_cancelled")
    start_at, end_at, clashes = occurrence_move_preview(
        meeting=meeting, start_local=start_local, end_local=end_local, fold=fold
    )
    if clashes and not accept_conflicts:
        raise ConflictsNotAccepted(clashes)
    occurrence.start_at, occurrence.end_at = start_at, end_at
    why = reason.strip() or N_("Sitting moved")
    save_audited(occurrence, by=by, reason=why, update_fields=["start_at", "end_at"])
    _bump(meeting, by=by, reason=why)
    conflicts_accept(clashes=clashes, meeting=meeting, by=by)
    reminders.occurrence_reminders_schedule(occurrence)
    tell_invitees(
        meeting,
        lambda: _("Moved: %(title)s") % {"title": meeting.title},
        lambda: (
            _("The sitting of “%(title)s” planned on %(was)s moves to %(now)s.")
            % {
                "title": meeting.title,
                "was": when(occurrence.original_start),
                "now": when(start_at),
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
    require_change(meeting, by)
    if occurrence.is_cancelled:
        return occurrence
    if Minutes.objects.filter(occurrence=occurrence).exists():
        raise DomainError(
            _("This sitting has minutes; it took place and cannot be cancelled."),
            code="sitting_has_minutes",
        )
    occurrence.is_cancelled = True
    why = reason.strip() or N_("Sitting cancelled")
    save_audited(occurrence, by=by, reason=why, update_fields=["is_cancelled"])
    _bump(meeting, by=by, reason=why)
    reminders.occurrence_reminders_cancel(occurrence)
    tell_invitees(
        meeting,
        lambda: _("Cancelled: %(title)s") % {"title": meeting.title},
        lambda: (
            _("The sitting of “%(title)s” on %(when)s is cancelled.")
            % {"title": meeting.title, "when": when(occurrence.start_at)}
            + _reason_paragraph(reason)
        ),
    )
    return occurrence


def _reason_paragraph(reason: str) -> str:
    return f"\n\n{reason.strip()}" if reason.strip() else ""


def _bump(meeting: Meeting, *, by: User, reason: str) -> None:
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    save_audited(meeting, by=by, reason=reason, update_fields=["sequence", "updated_at"])
