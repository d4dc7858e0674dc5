"""The coordination structure's sections of "My work" (registered in `SectorsConfig.ready`).

One section per kind of involvement, each shown only to those it concerns:
- shortcuts: change notices, governance, organizations (the team and focal points);
- roles: the roles held; after the last one ends, which ended and when; with none, whom to ask;
- coordination: the sectors a co-coordinator coordinates, the platforms a team manages;
- co-leads: a focal point's seats, their co-coordinators, and the terms ending soon;
- taking part: the sectors a partner's organization takes part in.

Who holds what comes from `policy` (the scope, `holders`), what they may do from `policy.can`;
each section costs a fixed number of queries whatever the number of seats or sectors.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from r4v import my_work

from . import policy, selectors
from .governance import TERM_WARNING_DAYS
from .models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    PartnerMembership,
    Platform,
    PlatformSector,
    RoleAssignment,
)
from .policy import Action, Party

Role = RoleAssignment.Role
OPEN_NOTICE_STATUSES = (ChangeNotice.Status.FILED, ChangeNotice.Status.ACKNOWLEDGED)
_SECTOR_JOINS = ("platform_sector__platform", "platform_sector__sector")


def shortcuts(user) -> dict | None:
    scope = policy.scope_of(user)
    sees_notices = scope.is_regional or bool(scope.focal_org_ids)
    context = {
        "open_notices": (
            selectors.change_notice_list_visible_to(user)
            .filter(status__in=OPEN_NOTICE_STATUSES)
            .count()
            if sees_notices
            else None
        ),
        # The team files about any co-lead; a focal point from their seats (co_lead_seats).
        "can_file": scope.is_regional,
        "can_govern": policy.can(user, Action.VIEW_GOVERNANCE),
        "can_manage_organizations": policy.can(user, Action.MANAGE_ORGANIZATIONS),
    }
    if not (sees_notices or context["can_govern"] or context["can_manage_organizations"]):
        return None
    return context


# --- Roles: held, ended, or none ---------------------------------------------------------------


@dataclass(frozen=True)
class EndedRole:
    """The role a person held last: what it was, when it ended, who recorded it and why."""

    assignment: RoleAssignment
    ended_on: datetime.date
    recorded_by: object | None
    reason: str


def _role_scope_joins():
    return RoleAssignment.objects.select_related(
        "platform", "platform_sector__platform", "platform_sector__sector", "organization"
    )


def last_ended_role(user) -> EndedRole | None:
    """The user's most recently revoked role, read with the history row that ended it.

    A co-coordinator's role ends because their designation did: its day and reason are the
    designation's (the role may have been revoked later, when the end was recorded).
    """
    assignment = (
        _role_scope_joins()
        .filter(user=user, revoked_at__isnull=False)
        .order_by("-revoked_at", "-pk")
        .first()
    )
    if assignment is None:
        return None
    ended_on = timezone.localdate(assignment.revoked_at)
    record = (
        assignment.history.filter(revoked_at__isnull=False)
        .select_related("history_user")
        .order_by("history_date", "history_id")
        .first()
    )
    if assignment.role == Role.CO_COORDINATOR:
        designation = (
            CoCoordinatorDesignation.objects.filter(
                person=user,
                co_lead__platform_sector_id=assignment.platform_sector_id,
                ended_on__isnull=False,
            )
            .order_by("-ended_on", "-pk")
            .first()
        )
        if designation is not None:
            ended_on = designation.ended_on
            record = (
                designation.history.filter(ended_on__isnull=False)
                .select_related("history_user")
                .order_by("history_date", "history_id")
                .first()
                or record
            )
    return EndedRole(
        assignment=assignment,
        ended_on=ended_on,
        recorded_by=record.history_user if record else None,
        reason=(record.history_change_reason or "") if record else "",
    )


def _whom_to_ask() -> dict:
    """The role givers (seed 000: the Regional Platform team) and where to write to them."""
    return {
        "team": list(policy.holders(Party.REGIONAL_PLATFORM).order_by("full_name")),
        "regional_platform": Platform.objects.filter(kind=Platform.Kind.REGIONAL).first(),
    }


def roles(user) -> dict:
    held = list(_role_scope_joins().filter(user=user, revoked_at__isnull=True))
    if held:
        return {"roles": held}
    return {"roles": [], "ended": last_ended_role(user), **_whom_to_ask()}


# --- Coordination: sectors and platforms -------------------------------------------------------


def coordination(user) -> dict | None:
    scope = policy.scope_of(user)
    # The user's own designations, for "your term" beside each sector they coordinate.
    mine = {
        d.co_lead.platform_sector_id: d
        for d in selectors.with_term_status(
            CoCoordinatorDesignation.objects.not_ended()
            .filter(person=user)
            .select_related("co_lead__organization")
            .order_by("term_start")
        )
    }
    coordinated = [
        {
            "ps": ps,
            "designation": mine.get(ps.pk),
            "can_manage": policy.can(user, Action.MANAGE_SECTOR, ps),
            "can_edit_page": policy.can(user, Action.EDIT_SECTOR_PAGE, ps),
        }
        for ps in PlatformSector.objects.filter(pk__in=scope.coordinated_sector_ids).select_related(
            "platform", "sector"
        )
    ]
    # The regional team manages every platform (Platform.Meta.ordering: regional first).
    platforms = list(Platform.objects.filter(pk__in=scope.managed_platform_ids))
    if not (coordinated or platforms):
        return None
    return {"coordinated": coordinated, "platforms": platforms}


# --- Co-lead seats of a focal point's organization ---------------------------------------------


def _ends_on(designation) -> datetime.date | None:
    """When a designation stops: the day it was ended on, else its planned term end."""
    return designation.ended_on or designation.term_end


def co_lead_seats(user) -> dict | None:
    """The seats of the organizations the user is focal point for, with their co-coordinators.

    `ending`: the seats and co-coordinators whose term ends within TERM_WARNING_DAYS (or has
    passed while the designation is still open), soonest first — what to renew or replace.
    """
    scope = policy.scope_of(user)
    if not scope.focal_org_ids:
        return None
    seats = selectors.with_term_status(
        CoLeadDesignation.objects.not_ended()
        .filter(organization_id__in=scope.focal_org_ids)
        .select_related("organization", *_SECTOR_JOINS)
        .prefetch_related(
            Prefetch(
                "co_coordinators",
                queryset=CoCoordinatorDesignation.objects.not_ended()
                .select_related("person")
                .order_by("term_start", "person__full_name"),
                to_attr="seated",
            )
        )
        .order_by("organization__name", "platform_sector__platform__code", "pk")
    )
    # The change-notice form's own list, so a button is offered exactly where it would work.
    filable = set(selectors.co_leads_filable_by(user).values_list("pk", flat=True))
    horizon = timezone.localdate() + datetime.timedelta(days=TERM_WARNING_DAYS)
    ending = []
    for seat in seats:
        seat.co_coordinators_shown = selectors.with_term_status(seat.seated)
        seat.can_file = seat.pk in filable
        for designation in [seat, *seat.co_coordinators_shown]:
            end = _ends_on(designation)
            if end is not None and end <= horizon:
                ending.append({"designation": designation, "seat": seat, "ends_on": end})
    ending.sort(key=lambda item: item["ends_on"])
    return {"seats": seats, "ending": ending, "warning_days": TERM_WARNING_DAYS}


# --- Sectors a partner's organization takes part in --------------------------------------------


def taking_part(user) -> dict | None:
    scope = policy.scope_of(user)
    if not scope.member_org_ids:
        return None
    memberships = list(
        PartnerMembership.objects.current()
        .filter(organization_id__in=scope.member_org_ids, platform_sector__is_active=True)
        .select_related("organization", *_SECTOR_JOINS)
        .order_by("platform_sector__platform__code", "platform_sector__sector__position", "pk")
    )
    return {"memberships": memberships}


def register_sections() -> None:
    sections = [
        ("sectors.shortcuts", "_shortcuts.html", shortcuts, 10),
        ("sectors.roles", "_roles.html", roles, 40),
        ("sectors.coordination", "_coordination.html", coordination, 50),
        ("sectors.co_leads", "_co_leads.html", co_lead_seats, 60),
        ("sectors.taking_part", "_taking_part.html", taking_part, 70),
    ]
    for key, template, context, order in sections:
        my_work.register(key, template=f"sectors/my_work/{template}", context=context, order=order)
