"""Permission-aware reads of the calendar, through the one door (`sectors.policy`; the
calendar's rules are `meetings.access`). Out of scope answers 404, as missing does."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from r4v.models import User
from sectors import policy
from sectors.models import Platform, RoleAssignment
from sectors.policy import Party, holders

from .audience import user_keys
from .models import ActionPoint, Meeting, MeetingAudience, Minutes, Occurrence
from .zones import user_zone


def meetings_in_scope(user, meeting_ids) -> set[int]:
    """Which of `meeting_ids` `user` may see: one query."""
    return set(
        Meeting.objects.filter(
            policy.visible_q(user, Meeting), pk__in=set(meeting_ids)
        ).values_list("pk", flat=True)
    )


def meetings_visible_to(user) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(policy.visible_q(user, Meeting))
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
    queryset = Occurrence.objects.filter(policy.visible_q(user, Meeting, prefix="meeting__"))
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
