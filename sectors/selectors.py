"""Reads of the coordination structure: public ones, and scoped ones that answer 404.

Every list is built with a fixed number of queries whatever its length (prefetches below);
tests assert those counts.
"""

import dataclasses
import datetime
from collections import defaultdict

from django.db.models import DateTimeField, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from . import policy
from .models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    Sector,
)
from .policy import Action


def platform_list() -> QuerySet[Platform]:
    return Platform.objects.prefetch_related("countries", "co_leads")


def platform_get(*, code: str) -> Platform:
    platform = platform_list().filter(code=code).first()
    if platform is None:
        raise Http404
    return platform


def sector_catalogue() -> QuerySet[Sector]:
    """The catalogue with, for each entry, the platforms where it is active."""
    return Sector.objects.select_related("parent").prefetch_related(
        Prefetch(
            "platform_sectors",
            queryset=PlatformSector.objects.filter(is_active=True).select_related("platform"),
            to_attr="active_platform_sectors",
        )
    )


def current_co_coordinators() -> QuerySet[CoCoordinatorDesignation]:
    return CoCoordinatorDesignation.objects.current().select_related("person")


@dataclasses.dataclass(frozen=True)
class TermStatus:
    """Where a designation stands today: the one answer every page shows ("starts on …",
    "current", "ends on …", "ended on …")."""

    UPCOMING = "upcoming"
    CURRENT = "current"
    ENDING = "ending"
    ENDED = "ended"

    code: str
    on: datetime.date | None = None


def term_status(designation, *, today: datetime.date | None = None) -> TermStatus:
    """The status of a co-lead or co-coordinator designation, by the same rule as
    `DesignationQuerySet.current`: in force from `term_start` until the day before `ended_on`."""
    today = today or timezone.localdate()
    if designation.ended_on is not None and designation.ended_on <= today:
        return TermStatus(TermStatus.ENDED, designation.ended_on)
    if designation.term_start > today:
        return TermStatus(TermStatus.UPCOMING, designation.term_start)
    if designation.ended_on is not None:
        return TermStatus(TermStatus.ENDING, designation.ended_on)
    return TermStatus(TermStatus.CURRENT)


def with_term_status(designations):
    """Set `.term_status` on each designation (no query) and return them as a list."""
    today = timezone.localdate()
    designations = list(designations)
    for designation in designations:
        designation.term_status = term_status(designation, today=today)
    return designations


def sector_page_co_coordinators(ps: PlatformSector) -> list[CoCoordinatorDesignation]:
    """The co-coordinators a sector page lists: in force or about to start, with `.term_status`.

    Reads what `platform_sector_public(upcoming=True)` prefetched; no query.
    """
    return with_term_status(
        designation
        for co_lead in ps.current_co_leads
        for designation in co_lead.co_coordinators.all()
    )


def regional_co_coordinators_for(ps: PlatformSector) -> list[CoCoordinatorDesignation]:
    """The current co-coordinators of the same sector on the Regional Platform: whom a visitor
    of a national or sub-regional sector with nobody designated can reach instead. One query."""
    if ps.platform.is_regional:
        return []
    return list(
        current_co_coordinators()
        .filter(
            co_lead__in=CoLeadDesignation.objects.current(),
            co_lead__platform_sector__platform__kind=Platform.Kind.REGIONAL,
            co_lead__platform_sector__sector_id=ps.sector_id,
            co_lead__platform_sector__is_active=True,
        )
        .select_related(
            "co_lead__organization",
            "co_lead__platform_sector__platform",
            "co_lead__platform_sector__sector",
        )
    )


def _active_with_co_leads(co_leads: QuerySet) -> QuerySet[PlatformSector]:
    return (
        PlatformSector.objects.filter(is_active=True)
        .select_related("platform", "sector", "sector__parent")
        .prefetch_related(Prefetch("co_leads", queryset=co_leads, to_attr="current_co_leads"))
    )


def platform_sector_cards() -> QuerySet[PlatformSector]:
    """Active sectors as the home and platform pages list them: each with its current co-leads'
    organizations, and nothing they do not show (two queries and some 250 rows fewer on a
    national platform's page than `platform_sector_public`)."""
    return _active_with_co_leads(CoLeadDesignation.objects.current().select_related("organization"))


def platform_sector_public(*, upcoming: bool = False) -> QuerySet[PlatformSector]:
    """Active sectors with what the public page shows: current co-leads, co-coordinators, partners.

    `upcoming=True` also loads the co-coordinators whose term has not started yet, for the
    pages that show them as "starts on …" (the API and lists show only those in force).
    """
    co_coordinators = (
        CoCoordinatorDesignation.objects.not_ended().select_related("person")
        if upcoming
        else current_co_coordinators()
    )
    return _active_with_co_leads(
        CoLeadDesignation.objects.current()
        .select_related("organization")
        .prefetch_related(Prefetch("co_coordinators", queryset=co_coordinators))
    ).prefetch_related(
        Prefetch(
            "partners",
            queryset=PartnerMembership.objects.current().select_related("organization"),
            to_attr="current_partners",
        )
    )


def attach_sub_sectors(platform_sectors: list[PlatformSector]) -> list[PlatformSector]:
    """Set `.active_sub_sectors` on each item with one query for the whole list."""
    by_key = defaultdict(list)
    if platform_sectors:
        children = PlatformSector.objects.filter(
            is_active=True,
            platform_id__in={ps.platform_id for ps in platform_sectors},
            sector__parent_id__in={ps.sector_id for ps in platform_sectors},
        ).select_related("platform", "sector")
        for child in children:
            by_key[(child.platform_id, child.sector.parent_id)].append(child)
    for ps in platform_sectors:
        ps.active_sub_sectors = by_key[(ps.platform_id, ps.sector_id)]
    return platform_sectors


def platform_sector_get_public(*, platform_code: str, sector_code: str) -> PlatformSector:
    ps = (
        platform_sector_public(upcoming=True)
        .filter(platform__code=platform_code, sector__code=sector_code)
        .first()
    )
    if ps is None:
        raise Http404
    return attach_sub_sectors([ps])[0]


def platform_sector_list_for(user, action: Action) -> QuerySet[PlatformSector]:
    """Sectors (active or not) on which `user` may do `action`."""
    return PlatformSector.objects.filter(policy.platform_sector_q(user, action)).select_related(
        "platform", "sector"
    )


def platform_sector_get_for(user, *, pk: int, action: Action) -> PlatformSector:
    """The sector if `user` may do `action` on it; otherwise 404, as if it did not exist."""
    ps = platform_sector_list_for(user, action).filter(pk=pk).first()
    if ps is None:
        raise Http404
    return ps


def organization_list() -> QuerySet[Organization]:
    return Organization.objects.all()


def co_lead_list_for(user, action: Action) -> QuerySet[CoLeadDesignation]:
    return CoLeadDesignation.objects.filter(
        policy.platform_sector_q(user, action, prefix="platform_sector__")
    ).select_related("organization", "platform_sector__platform", "platform_sector__sector")


def co_coordinator_list_for(user, action: Action) -> QuerySet[CoCoordinatorDesignation]:
    return CoCoordinatorDesignation.objects.filter(
        policy.platform_sector_q(user, action, prefix="co_lead__platform_sector__")
    ).select_related(
        "person",
        "co_lead__organization",
        "co_lead__platform_sector__platform",
        "co_lead__platform_sector__sector",
    )


def partner_list_for(user, action: Action) -> QuerySet[PartnerMembership]:
    return PartnerMembership.objects.filter(
        policy.platform_sector_q(user, action, prefix="platform_sector__")
    ).select_related("organization", "platform_sector__platform", "platform_sector__sector")


def _visible_q(user) -> Q:
    """Active sectors for everyone, plus the inactive ones the user may edit (to fix or reactivate)."""
    active = Q(is_active=True)
    if not user.is_authenticated:
        return active
    return active | policy.platform_sector_q(user, Action.EDIT_SECTOR_PAGE)


def platform_sector_list_visible_to(user) -> QuerySet[PlatformSector]:
    """The public sectors, plus the inactive ones `user` may edit, with the public page's joins."""
    # `|` keeps the public selector's joins and prefetches and only widens its WHERE clause.
    return platform_sector_public() | PlatformSector.objects.filter(_visible_q(user))


def platform_sector_list_choosable_by(user) -> QuerySet[PlatformSector]:
    """What a request body may name as `platform_sector`; any other id reads as unknown."""
    return PlatformSector.objects.filter(_visible_q(user))


def organization_designations_public(*, organization: Organization) -> tuple[list, list]:
    """Current co-lead designations and open partner memberships on active sectors."""
    related = ("platform_sector__platform", "platform_sector__sector")
    co_leads = (
        CoLeadDesignation.objects.current()
        .filter(organization=organization, platform_sector__is_active=True)
        .select_related(*related)
    )
    memberships = (
        PartnerMembership.objects.current()
        .filter(organization=organization, platform_sector__is_active=True)
        .select_related(*related)
    )
    return list(co_leads), list(memberships)


def co_leads_filable_by(user) -> QuerySet[CoLeadDesignation]:
    """Open co-lead designations about which `user` may file a change notice."""
    s = policy.scope_of(user)
    qs = CoLeadDesignation.objects.open().select_related(
        "organization", "platform_sector__platform", "platform_sector__sector"
    )
    return qs if s.is_regional else qs.filter(organization_id__in=s.focal_org_ids)


def change_notice_list_visible_to(user) -> QuerySet[ChangeNotice]:
    return ChangeNotice.objects.filter(policy.change_notice_q(user)).select_related(
        "co_lead__organization",
        "co_lead__platform_sector__platform",
        "co_lead__platform_sector__sector",
        "outgoing__person",
        "filed_by",
        "decided_by",
    )


def change_notice_get_for(user, *, pk: int) -> ChangeNotice:
    notice = change_notice_list_visible_to(user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


# --- When a public page's content last changed ----------------------------------------------


# Stands in for "no history" inside GREATEST: PostgreSQL's skips NULLs, SQLite's MAX() returns
# NULL if any argument is, which hid the date of every page with one source without rows.
_NO_CHANGE = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _newest_change(histories: list[QuerySet]) -> datetime.datetime | None:
    """The newest `history_date` among several history querysets, in one query."""
    newest = [
        Coalesce(
            Subquery(h.order_by("-history_date").values("history_date")[:1]),
            Value(_NO_CHANGE),
            output_field=DateTimeField(),
        )
        for h in histories
    ]
    expression = Greatest(*newest) if len(newest) > 1 else newest[0]
    # One row to hang the expression on: the first source's model table holds at least the
    # row being shown (or nothing, and the page shows no date).
    anchor = histories[0].model._default_manager.order_by().annotate(newest=expression)
    changed = anchor.values_list("newest", flat=True).first()
    return None if changed is None or changed <= _NO_CHANGE else changed


def platform_sector_last_changed(ps: PlatformSector) -> datetime.datetime | None:
    """The sector page's content: its set-up, catalogue entry, designations and partners."""
    return _newest_change(
        [
            PlatformSector.history.filter(id=ps.pk),
            Sector.history.filter(id=ps.sector_id),
            CoLeadDesignation.history.filter(platform_sector_id=ps.pk),
            CoCoordinatorDesignation.history.filter(
                co_lead_id__in=CoLeadDesignation.objects.filter(platform_sector_id=ps.pk).values(
                    "pk"
                )
            ),
            PartnerMembership.history.filter(platform_sector_id=ps.pk),
        ]
    )


def platform_last_changed(platform: Platform) -> datetime.datetime | None:
    return _newest_change(
        [
            Platform.history.filter(id=platform.pk),
            PlatformSector.history.filter(platform_id=platform.pk),
            CoLeadDesignation.history.filter(
                platform_sector_id__in=PlatformSector.objects.filter(
                    platform_id=platform.pk
                ).values("pk")
            ),
        ]
    )


def organization_last_changed(organization: Organization) -> datetime.datetime | None:
    return _newest_change(
        [
            Organization.history.filter(id=organization.pk),
            CoLeadDesignation.history.filter(organization_id=organization.pk),
            PartnerMembership.history.filter(organization_id=organization.pk),
        ]
    )


def catalogue_last_changed() -> datetime.datetime | None:
    """The platform list and the sector catalogue: platforms, sectors and where they are active."""
    return _newest_change(
        [Platform.history.all(), Sector.history.all(), PlatformSector.history.all()]
    )
