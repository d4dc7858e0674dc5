"""The calendar's access rules, registered with the one door (`sectors.policy`) at start-up.

Callers never call these: they ask the policy, `policy.visible_q(user, Meeting)` for "which
meetings may this user see" and `policy.can(user, CHANGE, meeting)` for one, so a list, a
count, a clash and a page cannot disagree.

Who sees what (issue 15): the Regional Platform team sees everything; a sector's co-coordinators
and partners see their sectors' internal meetings (and a platform team its platform's); anyone
invited sees the meeting; anonymous visitors see public events only. Out of scope answers 404.
Who changes a meeting, its sittings, minutes and attendance: its organizer, or whoever may
organize meetings for its sector (`Action.ORGANIZE_MEETINGS`: the Regional Platform team, the
platform's team, the sector's co-coordinators).
Minutes (issue 22): drafts are read by those who may change the meeting, and circulated or
final minutes by whoever sees the meeting.
"""

from django.db.models import Exists, OuterRef, Q

from sectors import policy
from sectors.policy import Action, scope_of

from .audience import user_keys
from .models import Meeting, MeetingAudience, Minutes

# The actions registered for meetings and minutes (`policy.can(user, CHANGE, meeting)`).
CHANGE = "change"
READ = "read"


def _everything(prefix: str) -> Q:
    # Not Q(): an empty Q vanishes from an OR (`Q() | Q(owner=me)` is `Q(owner=me)`), so "all
    # of them, or mine" would become "mine".
    return Q(**{f"{prefix}pk__isnull": False})


def _meeting_q(user, prefix: str = "") -> Q:
    public = Q(**{f"{prefix}visibility": Meeting.Visibility.PUBLIC})
    s = scope_of(user)
    if s.is_regional:
        return _everything(prefix)
    if user is None or not user.is_authenticated:
        return public
    meeting_id = OuterRef(f"{prefix}pk" if prefix else "pk")
    concerned = Exists(
        MeetingAudience.objects.filter(meeting_id=meeting_id, key__in=user_keys(user))
    )
    return (
        public
        | Q(**{f"{prefix}organizer_id": user.pk})
        | Q(**{f"{prefix}platform_id__in": s.managed_platform_ids})
        | concerned
    )


def _changeable_q(user, prefix: str = "") -> Q:
    """`_may_change` as a filter."""
    s = scope_of(user)
    if s.is_regional:
        return _everything(prefix)
    if user is None or not user.is_authenticated:
        return Q(**{f"{prefix}pk__in": []})
    return (
        Q(**{f"{prefix}organizer_id": user.pk})
        | Q(**{f"{prefix}platform_id__in": s.managed_platform_ids})
        | Q(**{f"{prefix}platform_sector_id__in": s.coordinated_sector_ids})
    )


def _may_change(user, meeting: Meeting) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return meeting.organizer_id == user.pk or policy.can(
        user, Action.ORGANIZE_MEETINGS, meeting.platform_sector or meeting.platform
    )


def _minutes_q(user, prefix: str = "") -> Q:
    meeting = f"{prefix}occurrence__meeting__"
    draft = Q(**{f"{prefix}status": Minutes.Status.DRAFT})
    return _meeting_q(user, meeting) & (~draft | _changeable_q(user, meeting))


def _may_read_minutes(user, minutes: Minutes) -> bool:
    """Of minutes of a meeting the user sees: drafts only by those who may change it."""
    return minutes.status != Minutes.Status.DRAFT or _may_change(user, minutes.occurrence.meeting)


def register() -> None:
    policy.register_kind(Meeting, visible_q=_meeting_q, actions={CHANGE: _may_change})
    policy.register_kind(Minutes, visible_q=_minutes_q, actions={READ: _may_read_minutes})
