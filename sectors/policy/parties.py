"""The seed's parties, and who holds them.

The seed's program-cycle table names parties, not people: "cleared by the National Sector",
"drafted by the Regional Sectors". `holders` answers who they are *today* (a replaced
co-coordinator stops holding the party the day the designation ends; the successor starts
holding it the day theirs starts), `holds` whether one user is among them. Services, the
clearance workflow and the reminders all ask here instead of listing people themselves.
`where_of` says what a question is about, for these and for `access`.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils import timezone

from r4v.models import User

from ..models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    RoleAssignment,
)

Role = RoleAssignment.Role


class Party(StrEnum):
    # The Regional Platform team (IOM/UNHCR, Panama): holders of the regional team role.
    REGIONAL_PLATFORM = "regional_platform"
    # A national or sub-regional platform's team.
    PLATFORM = "platform"
    # "Regional Sector": the co-coordinators of that sector on the Regional Platform.
    REGIONAL_SECTOR = "regional_sector"
    # "National Sector": the co-coordinators of that sector on that national/sub-regional platform.
    NATIONAL_SECTOR = "national_sector"
    # A co-lead organization, acting through its focal points.
    CO_LEAD_ORGANIZATION = "co_lead_organization"
    # The staff of the partner organizations of that sector on that platform.
    SECTOR_PARTNERS = "sector_partners"


@dataclass(frozen=True)
class Where:
    """What a question is about: a platform, a catalogue sector on it, an organization.

    Objects of other apps (tasks, meetings) say where they are by a `policy_where()` method,
    so this module answers for them without importing them.
    """

    platform_id: int | None = None
    sector_id: int | None = None
    organization_id: int | None = None


def where_of(obj) -> Where:
    if isinstance(obj, Where):
        return obj
    hook = getattr(obj, "policy_where", None)
    if callable(hook):
        return hook()
    match obj:
        case Platform():
            return Where(platform_id=obj.pk)
        case PlatformSector():
            return Where(platform_id=obj.platform_id, sector_id=obj.sector_id)
        case Organization():
            return Where(organization_id=obj.pk)
        case CoLeadDesignation() | PartnerMembership():
            return Where(
                platform_id=obj.platform_sector.platform_id,
                sector_id=obj.platform_sector.sector_id,
                organization_id=obj.organization_id,
            )
        case CoCoordinatorDesignation() | ChangeNotice():
            return where_of(obj.co_lead)
    raise TypeError(f"{type(obj).__name__} does not say where it is (add policy_where()).")


def _role_holders(role: str, on: datetime.date | None, *scope: Q, **scope_fields) -> QuerySet:
    assignments = RoleAssignment.objects.filter(*scope, role=role, **scope_fields)
    if on is None:
        assignments = assignments.filter(revoked_at__isnull=True)
    else:
        # Roles are granted and revoked at an instant; "on a day" means at the end of it.
        end_of_day = timezone.make_aware(
            datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min)
        )
        assignments = assignments.filter(
            Q(revoked_at__isnull=True) | Q(revoked_at__gte=end_of_day), granted_at__lt=end_of_day
        )
    return User.objects.filter(is_active=True, pk__in=assignments.values("user_id"))


def _sector_coordinators(platform: Q, sector_id: int | None, on: datetime.date | None) -> QuerySet:
    designations = CoCoordinatorDesignation.objects.current(on).filter(
        platform,
        co_lead__in=CoLeadDesignation.objects.current(on),
        co_lead__platform_sector__sector_id=sector_id,
        co_lead__platform_sector__is_active=True,
    )
    return User.objects.filter(is_active=True, pk__in=designations.values("person_id"))


def _co_lead_focal_points(w: Where, on: datetime.date | None) -> QuerySet:
    """Focal points of one organization; with a sector, only while it co-leads that sector."""
    organizations = Q()
    if w.sector_id is not None:
        co_leads = CoLeadDesignation.objects.current(on).filter(
            platform_sector__platform_id=w.platform_id,
            platform_sector__sector_id=w.sector_id,
            platform_sector__is_active=True,
        )
        organizations = Q(organization_id__in=co_leads.values("organization_id"))
    elif w.organization_id is None:
        return User.objects.none()
    if w.organization_id is not None:
        organizations &= Q(organization_id=w.organization_id)
    return _role_holders(Role.CO_LEAD_FOCAL_POINT, on, organizations)


def holders(party: Party, where=None, *, on: datetime.date | None = None) -> QuerySet:
    """The active users who are `party` for `where` (an object or a `Where`) on `on` (today)."""
    w = where_of(where) if where is not None else Where()
    match party:
        case Party.REGIONAL_PLATFORM:
            return _role_holders(Role.REGIONAL_TEAM, on, platform__kind=Platform.Kind.REGIONAL)
        case Party.PLATFORM:
            if w.platform_id is None:
                return User.objects.none()
            return _role_holders(Role.PLATFORM_TEAM, on, platform_id=w.platform_id)
        case Party.REGIONAL_SECTOR:
            regional = Q(co_lead__platform_sector__platform__kind=Platform.Kind.REGIONAL)
            return _sector_coordinators(regional, w.sector_id, on)
        case Party.NATIONAL_SECTOR:
            national = Q(co_lead__platform_sector__platform_id=w.platform_id) & ~Q(
                co_lead__platform_sector__platform__kind=Platform.Kind.REGIONAL
            )
            return _sector_coordinators(national, w.sector_id, on)
        case Party.CO_LEAD_ORGANIZATION:
            return _co_lead_focal_points(w, on)
        case Party.SECTOR_PARTNERS:
            partners = PartnerMembership.objects.current(on).filter(
                platform_sector__platform_id=w.platform_id,
                platform_sector__sector_id=w.sector_id,
                platform_sector__is_active=True,
            )
            return _role_holders(
                Role.PARTNER_MEMBER, on, organization_id__in=partners.values("organization_id")
            )
    raise ValueError(f"Unknown party {party!r}")


def holds(user, party: Party, where=None, *, on: datetime.date | None = None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return holders(party, where, on=on).filter(pk=user.pk).exists()


def focal_points_by_organization() -> defaultdict[int, list]:
    """`holders(Party.CO_LEAD_ORGANIZATION, organization)` for every organization, one query."""
    by_organization = defaultdict(list)
    assignments = RoleAssignment.objects.filter(
        role=Role.CO_LEAD_FOCAL_POINT,
        revoked_at__isnull=True,
        user__in=_role_holders(Role.CO_LEAD_FOCAL_POINT, None),
    ).select_related("user")
    for assignment in assignments:
        by_organization[assignment.organization_id].append(assignment.user)
    return by_organization
