"""Who was expected at a sitting, who came, and whether the quorum was reached.

Seed 001 (IBC-HM Terms of Reference, §5 Meetings): "A quorum is reached with the attendance of
half of the members." It says nothing about what a meeting without a quorum may not do, so the
product shows the count and warns; it refuses nothing.

Decisions the seed leaves open, written down:

- The body and its members. A sector's meeting is a sitting of that sector on its platform:
  its members are the organizations that are, on the sitting's day (in the organizer's zone),
  its co-leads (seed 000 §II) or its partners, counted as `current()` counts them elsewhere. A
  platform's own meeting (no sector: an ISCG, a platform event) names its body by invitation:
  its members are the invited organizations.
- Guests. Seed 001: "United Nations entities that are non-members of the IBC may be invited to
  meetings on an ad hoc basis". Invited organizations that are not members are guests: their
  attendance is recorded, and does not count towards the quorum.
- Which bodies define a quorum: the standing ones, whose regular meetings
  (`Meeting.REGULAR_KINDS`: the monthly meetings, the ISCG) are sittings of their members. A
  workshop, an event or "other" has participants, not members: no quorum is shown. A body with
  no member on the day shows none either.
- "Half of the members" rounds up: 5 of 10 and 5 of 9 (half of 9 people cannot attend).

Everything here reads; `services.attendance_record` writes. `sheets_for` answers a whole
meeting (every sitting) in a fixed number of queries, so pages stay flat in size.
"""

import dataclasses
import datetime
import math
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sectors.models import CoLeadDesignation, Organization, PartnerMembership

from .models import Attendance, Meeting, Occurrence


@dataclasses.dataclass(frozen=True)
class Quorum:
    members: int
    attended: int  # members present; guests do not count
    recorded: bool  # attendance was recorded for the sitting

    @property
    def needed(self) -> int:
        # Seed 001: "A quorum is reached with the attendance of half of the members."
        return math.ceil(self.members / 2)

    @property
    def reached(self) -> bool:
        return self.attended >= self.needed

    def sentence(self) -> str:
        values = {"attended": self.attended, "members": self.members, "needed": self.needed}
        if not self.recorded:
            return (
                ngettext(
                    "Attendance not recorded yet; the quorum is %(needed)d of %(members)d "
                    "member organization.",
                    "Attendance not recorded yet; the quorum is %(needed)d of %(members)d "
                    "member organizations.",
                    self.members,
                )
                % values
            )
        if self.reached:
            return (
                ngettext(
                    "Quorum reached: %(attended)d of %(members)d member organization attended "
                    "(quorum %(needed)d).",
                    "Quorum reached: %(attended)d of %(members)d member organizations attended "
                    "(quorum %(needed)d).",
                    self.members,
                )
                % values
            )
        return (
            ngettext(
                "Quorum not reached: %(attended)d of %(members)d member organization attended "
                "(quorum %(needed)d).",
                "Quorum not reached: %(attended)d of %(members)d member organizations attended "
                "(quorum %(needed)d).",
                self.members,
            )
            % values
        )


@dataclasses.dataclass
class RollLine:
    """One organization expected at a sitting, and whether (and who) it attended."""

    organization: Organization
    is_member: bool
    attendance: Attendance | None = None


@dataclasses.dataclass
class Sheet:
    """The attendance sheet of one sitting: the roll, the attendance, the quorum (or None)."""

    occurrence: Occurrence
    lines: list[RollLine]
    quorum: Quorum | None

    @property
    def roll_ids(self) -> set[int]:
        return {line.organization.pk for line in self.lines}

    @property
    def attended(self) -> list[RollLine]:
        return [line for line in self.lines if line.attendance is not None]


def _in_force(start: datetime.date, end: datetime.date | None, day: datetime.date) -> bool:
    # As `current()` reads a term: started on or before the day, ended after it (if at all).
    return start <= day and (end is None or end > day)


class _Body:
    """A meeting's members over time, read once; `members_on(day)` answers per sitting."""

    def __init__(self, meeting: Meeting):
        self.meeting = meeting
        self.invited = set(meeting.invited_organizations.values_list("pk", flat=True))
        self.terms: list[tuple[int, datetime.date, datetime.date | None]] = []
        if meeting.platform_sector_id:
            self.terms += CoLeadDesignation.objects.filter(
                platform_sector_id=meeting.platform_sector_id
            ).values_list("organization_id", "term_start", "ended_on")
            self.terms += PartnerMembership.objects.filter(
                platform_sector_id=meeting.platform_sector_id
            ).values_list("organization_id", "joined_on", "left_on")

    def members_on(self, day: datetime.date) -> set[int]:
        if not self.meeting.platform_sector_id:
            return set(self.invited)
        return {org for org, start, end in self.terms if _in_force(start, end, day)}

    def organization_ids(self) -> set[int]:
        return self.invited | {org for org, _start, _end in self.terms}


def defines_quorum(meeting: Meeting) -> bool:
    return meeting.kind in Meeting.REGULAR_KINDS


def sheets_for(meeting: Meeting, occurrences: Iterable[Occurrence]) -> dict[int, Sheet]:
    """The sheet of each of `occurrences` (sittings of `meeting`), by sitting id: five queries
    (invitations, co-leads, partners, organizations, attendance) whatever their number."""
    occurrences = list(occurrences)
    body = _Body(meeting)
    attendance: dict[int, dict[int, Attendance]] = {}
    for row in Attendance.objects.filter(occurrence__in=occurrences):
        attendance.setdefault(row.occurrence_id, {})[row.organization_id] = row
    recorded_orgs = {org for rows in attendance.values() for org in rows}
    organizations = {
        o.pk: o
        for o in Organization.objects.filter(
            Q(pk__in=body.organization_ids()) | Q(pk__in=recorded_orgs)
        )
    }
    sheets = {}
    for occurrence in occurrences:
        day = occurrence.start_at.astimezone(meeting.zone).date()
        members = body.members_on(day)
        came = attendance.get(occurrence.pk, {})
        # Someone recorded as attending stays on the roll even if they since left the sector.
        ids = members | body.invited | set(came)
        lines = sorted(
            (RollLine(organizations[pk], pk in members, came.get(pk)) for pk in ids),
            key=lambda line: (not line.is_member, str(line.organization).lower()),
        )
        quorum = None
        if defines_quorum(meeting) and members:
            quorum = Quorum(
                members=len(members),
                attended=len(members & set(came)),
                recorded=bool(came),
            )
        sheets[occurrence.pk] = Sheet(occurrence, lines, quorum)
    return sheets


def sheet_for(occurrence: Occurrence) -> Sheet:
    return sheets_for(occurrence.meeting, [occurrence])[occurrence.pk]


def quorum_warning(sheet: Sheet) -> str | None:
    """What a page says when decisions are recorded without a quorum (a warning, seed 001 sets
    no consequence)."""
    if sheet.quorum is None or not sheet.quorum.recorded or sheet.quorum.reached:
        return None
    return _(
        "The quorum was not reached at this sitting: say so in the minutes if decisions were taken."
    )
