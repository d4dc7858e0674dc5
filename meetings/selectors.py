"""Permission-aware reads of the calendar: one door for "which meetings may this user see".

Who sees what (issue 15): the Regional Platform team sees everything; a sector's co-coordinators
and partners see their sectors' internal meetings (and a platform team its platform's); anyone
invited sees the meeting; anonymous visitors see public events only. Out of scope answers 404.
Minutes (issue 22): drafts are read by those who may change the meeting (`can_change`), and
circulated or final minutes by whoever sees the meeting (`minutes_visible_q`).
"""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from r4v.models import User
from sectors.models import Platform, PlatformSector, RoleAssignment
from sectors.policy import Party, holders, scope_of

from .audience import user_keys
from .models import ActionPoint, Meeting, MeetingAudience, Minutes, Occurrence
from .zones import user_zone


def can_organize(user, *, platform: Platform, platform_sector: PlatformSector | None) -> bool:
    """The Regional Platform team anywhere, a platform team on its platform, a co-coordinator
    for their sector."""
    s = scope_of(user)
    if s.is_regional or platform.pk in s.managed_platform_ids:
        return True
    return platform_sector is not None and platform_sector.pk in s.coordinated_sector_ids


def can_change(user, meeting: Meeting) -> bool:
    """Whether `user` may change `meeting`, its sittings, minutes and attendance: its organizer,
    or whoever may organize for its sector."""
    if user is None or not user.is_authenticated:
        return False
    return meeting.organizer_id == user.pk or can_organize(
        user, platform=meeting.platform, platform_sector=meeting.platform_sector
    )


def _everything(prefix: str) -> Q:
    # Not Q(): an empty Q vanishes from an OR (`Q() | Q(owner=me)` is `Q(owner=me)`), so "all
    # of them, or mine" would become "mine".
    return Q(**{f"{prefix}pk__isnull": False})


def meeting_visible_q(user, prefix: str = "") -> Q:
    """Filter for the meetings `user` may see; `prefix` leads from the queried model to Meeting."""
    public = Q(**{f"{prefix}visibility": Meeting.Visibility.PUBLIC})
    s = scope_of(user)
    if s.is_regional:
        return _everything(prefix)
    if user is None or not user.is_authenticated:
        return public
    keys = user_keys(user)
    meeting_id = OuterRef(f"{prefix}pk" if prefix else "pk")
    concerned = Exists(MeetingAudience.objects.filter(meeting_id=meeting_id, key__in=keys))
    return (
        public
        | Q(**{f"{prefix}organizer_id": user.pk})
        | Q(**{f"{prefix}platform_id__in": s.managed_platform_ids})
        | concerned
    )


def meeting_changeable_q(user, prefix: str = "") -> Q:
    """`can_change` as a filter: the meetings `user` organized or may organize."""
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


def minutes_visible_q(user, prefix: str = "") -> Q:
    """Filter for the minutes `user` may read; `prefix` leads from the queried model to Minutes.

    Draft minutes are their writers' (`can_change`: the organizer and whoever may organize for
    the sector); circulated and final minutes are read by whoever may see the meeting.
    """
    meeting = f"{prefix}occurrence__meeting__"
    draft = Q(**{f"{prefix}status": Minutes.Status.DRAFT})
    return meeting_visible_q(user, meeting) & (~draft | meeting_changeable_q(user, meeting))


def minutes_readable(user, minutes: Minutes | None) -> bool:
    """Whether a page may show `minutes` of a meeting `user` sees (`minutes_visible_q`)."""
    if minutes is None:
        return False
    return minutes.status != Minutes.Status.DRAFT or can_change(user, minutes.occurrence.meeting)


def meetings_in_scope(user, meeting_ids) -> set[int]:
    """Which of `meeting_ids` `user` may see: one query."""
    return set(
        Meeting.objects.filter(meeting_visible_q(user), pk__in=set(meeting_ids)).values_list(
            "pk", flat=True
        )
    )


def meetings_visible_to(user) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(meeting_visible_q(user))
        .select_related(
            "organizer", "platform", "platform_sector__sector", "platform_sector__platform"
        )
        .order_by("start_at", "pk")
    )


def meeting_get_for(*, user, pk) -> Meeting:
    meeting = meetings_visible_to(user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def occurrences_visible_to(
    user,
    *,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    include_cancelled: bool = True,
) -> QuerySet[Occurrence]:
    """Sittings in [start, end) the user may see, oldest first, with their meeting."""
    # The rule on the joined meeting, not `meeting__in` a subquery of it: a second scan of the
    # meetings costs PostgreSQL's planner more than running the query.
    queryset = Occurrence.objects.filter(meeting_visible_q(user, prefix="meeting__"))
    if start is not None:
        queryset = queryset.filter(end_at__gt=start)
    if end is not None:
        queryset = queryset.filter(start_at__lt=end)
    if not include_cancelled:
        queryset = queryset.filter(is_cancelled=False, meeting__status=Meeting.Status.SCHEDULED)
    return queryset.select_related(
        "meeting__organizer",
        "meeting__platform",
        "meeting__platform_sector__sector",
        "meeting__platform_sector__platform",
    ).order_by("start_at", "pk")


def occurrence_get_for(*, user, pk) -> Occurrence:
    occurrence = occurrences_visible_to(user).filter(pk=pk).first()
    if occurrence is None:
        raise Http404
    return occurrence


def meeting_invitees(meeting: Meeting) -> QuerySet[User]:
    """Who is told about the meeting: the co-coordinators of its and the invited sectors, the
    teams of invited platforms, the staff of invited organizations, and the organizer."""
    parts = Q(pk=meeting.organizer_id)
    sectors = list(meeting.invited_sectors.select_related("platform"))
    if meeting.platform_sector_id:
        sectors.append(meeting.platform_sector)
    for sector in sectors:
        party = (
            Party.REGIONAL_SECTOR
            if sector.platform.kind == Platform.Kind.REGIONAL
            else Party.NATIONAL_SECTOR
        )
        parts |= Q(pk__in=holders(party, sector).values("pk"))
    platform_ids = list(meeting.invited_platforms.values_list("pk", flat=True))
    org_ids = list(meeting.invited_organizations.values_list("pk", flat=True))
    roles = RoleAssignment.objects.filter(revoked_at__isnull=True)
    if platform_ids:
        parts |= Q(
            pk__in=roles.filter(
                role=RoleAssignment.Role.PLATFORM_TEAM, platform_id__in=platform_ids
            ).values("user_id")
        )
    if org_ids:
        parts |= Q(
            pk__in=roles.filter(
                role__in=[
                    RoleAssignment.Role.PARTNER_MEMBER,
                    RoleAssignment.Role.CO_LEAD_FOCAL_POINT,
                ],
                organization_id__in=org_ids,
            ).values("user_id")
        )
    return User.objects.filter(parts, is_active=True).distinct()


def my_work(user) -> dict:
    """The user's part of the calendar for the "My work" page: a fixed number of queries.

    upcoming: sittings in the next 14 days they may see and are concerned by; action_points:
    their open action points; minutes_due: past sittings they organized without circulated
    minutes (seed 001: "circulated within 1 week").
    """
    if user is None or not user.is_authenticated:
        return {"upcoming": [], "action_points": [], "minutes_due": []}
    now = timezone.now()
    concerned = Exists(
        MeetingAudience.objects.filter(meeting_id=OuterRef("meeting_id"), key__in=user_keys(user))
    )
    upcoming = list(
        occurrences_visible_to(
            user, start=now, end=now + datetime.timedelta(days=14), include_cancelled=False
        )
        .filter(Q(meeting__organizer=user) | concerned)
        # The page shows each sitting's title and link: the calendar's four other joins would
        # cost the planner more than the query.
        .select_related(None)
        .select_related("meeting")[:20]
    )
    action_points = list(
        ActionPoint.objects.filter(owner=user, status=ActionPoint.Status.OPEN)
        .select_related("minutes__occurrence__meeting")
        .order_by("due_on", "pk")[:50]
    )
    minutes_due = list(
        Occurrence.objects.filter(
            meeting__organizer=user,
            meeting__status=Meeting.Status.SCHEDULED,
            is_cancelled=False,
            end_at__lt=now,
            end_at__gt=now - datetime.timedelta(days=60),
        )
        .exclude(
            Exists(
                Minutes.objects.filter(
                    occurrence_id=OuterRef("pk"), status__in=["circulated", "final"]
                )
            )
        )
        .select_related("meeting")
        .order_by("start_at")[:20]
    )
    zone = user_zone(user)
    for sitting in upcoming:
        sitting.local_start = sitting.start_at.astimezone(zone)
    return {"upcoming": upcoming, "action_points": action_points, "minutes_due": minutes_due}
