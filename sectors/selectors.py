"""Reads of the coordination structure: public ones, and scoped ones that answer 404.

Every list is built with a fixed number of queries whatever its length (prefetches below);
tests assert those counts.
"""

import dataclasses
import datetime
import functools
from collections import defaultdict

from django.db import connection
from django.db.models import FilteredRelation, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from r4v.reversing import url_pattern

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
    bilingual,
    in_force_q,
)
from .policy import Action


def platform_list() -> QuerySet[Platform]:
    return Platform.objects.prefetch_related("countries", "co_leads")


def platform_get(*, code: str) -> Platform:
    """One platform, alone: its page asks for its countries and co-leads itself (a query each
    costs less than the prefetch machinery for one row)."""
    # `get`, not `first`: no ORDER BY (the model's is a CASE) for a unique code.
    try:
        return Platform.objects.get(code=code)
    except Platform.DoesNotExist:
        raise Http404 from None


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


@dataclasses.dataclass(slots=True)
class SectorCard:
    """An active sector as the home and platform pages show it: its catalogue code, its page,
    its name in the reader's language, its kind, its current co-leads' organizations and its
    active sub-sectors on the same platform (`children`)."""

    code: str
    url: str
    name: str
    kind: str
    parent_key: tuple[int, int | None]
    co_leads: list[Organization] = dataclasses.field(default_factory=list)
    children: list["SectorCard"] = dataclasses.field(default_factory=list)


def sector_cards(**filters) -> list[SectorCard]:
    """The active sectors matching `filters` (on `PlatformSector`) as cards, sub-sectors nested
    under their parent. A sub-sector whose parent is not active on that platform stays at the
    top level, so nothing active disappears from the page.

    One query of `.values()` rows: built from model instances with a prefetch, the cards cost
    a public platform page more than its layout and its other reads together.
    """
    # One row per sector and current co-lead (or one with none): the co-leads come joined.
    rows = (
        PlatformSector.objects.filter(is_active=True, **filters)
        .annotate(lead=FilteredRelation("co_leads", condition=in_force_q(prefix="co_leads__")))
        .order_by(*PlatformSector._meta.ordering, "lead__organization__name")
        .values(
            "platform_id",
            "sector_id",
            "sector__parent_id",
            "sector__kind",
            "sector__name_en",
            "sector__name_es",
            "platform__code",
            "sector__code",
            "lead__organization_id",
            "lead__organization__name",
            "lead__organization__name_es",
            "lead__organization__acronym",
            "lead__organization__acronym_es",
        )
    )
    url = url_pattern("sectors:sector-page", "platform", "sector")
    cards = {}
    for row in rows:
        key = (row["platform_id"], row["sector_id"])
        card = cards.get(key)
        if card is None:
            card = cards[key] = SectorCard(
                code=row["sector__code"],
                url=url(platform=row["platform__code"], sector=row["sector__code"]),
                name=bilingual(row["sector__name_en"], row["sector__name_es"]),
                kind=row["sector__kind"],
                parent_key=(row["platform_id"], row["sector__parent_id"]),
            )
        if row["lead__organization_id"] is not None:
            card.co_leads.append(
                Organization(
                    id=row["lead__organization_id"],
                    name=row["lead__organization__name"],
                    name_es=row["lead__organization__name_es"],
                    acronym=row["lead__organization__acronym"],
                    acronym_es=row["lead__organization__acronym_es"],
                )
            )
    top = []
    for card in cards.values():
        parent = cards.get(card.parent_key)
        (parent.children if parent is not None else top).append(card)
    return top


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
    """An active sector with what its public page shows, one query each: for one row, a plain
    query costs less than the prefetch machinery.

    Sets `.current_co_leads` (with their organizations), `.page_co_coordinators` (in force or
    about to start, co-lead by co-lead, each with `.co_lead` and `.term_status`),
    `.current_partners` and `.active_sub_sectors`. The orders are explicit (and `get` has none):
    the models' default ones sort by the platform sector, a join for nothing when there is one.
    """
    try:
        ps = PlatformSector.objects.select_related("platform", "sector", "sector__parent").get(
            is_active=True, platform__code=platform_code, sector__code=sector_code
        )
    except PlatformSector.DoesNotExist:
        raise Http404 from None
    ps.current_co_leads = list(
        CoLeadDesignation.objects.current()
        .filter(platform_sector=ps)
        .select_related("organization")
        .order_by("organization__name")
    )
    co_leads = {co_lead.pk: co_lead for co_lead in ps.current_co_leads}
    by_co_lead = defaultdict(list)
    for designation in (
        CoCoordinatorDesignation.objects.not_ended()
        .filter(co_lead_id__in=co_leads)
        .select_related("person")
        .order_by("person__full_name")
    ):
        designation.co_lead = co_leads[designation.co_lead_id]
        by_co_lead[designation.co_lead_id].append(designation)
    ps.page_co_coordinators = with_term_status(
        designation for pk in co_leads for designation in by_co_lead[pk]
    )
    ps.current_partners = list(
        PartnerMembership.objects.current()
        .filter(platform_sector=ps)
        .select_related("organization")
        .order_by("organization__name")
    )
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


def _newest_change(sources: list[tuple[type, str, list]]) -> datetime.datetime | None:
    """The newest `history_date` among several histories, in one query.

    Each source is (a model with history, a condition on its history table, its params). The
    statement is written out rather than built from querysets: compiling the history
    subqueries took a public page longer than running them. MAX over a UNION ALL reads the
    same on PostgreSQL and SQLite, and a source without rows adds nothing.
    """
    parts, params = [], []
    for model, condition, values in sources:
        parts.append(
            f"SELECT MAX(history_date) AS changed FROM {_history_table(model)} WHERE {condition}"
        )
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(changed) FROM ({' UNION ALL '.join(parts)}) AS changes", params)
        (changed,) = cursor.fetchone()
    if isinstance(changed, str):
        # SQLite hands a raw aggregate back as text, in UTC (USE_TZ).
        changed = parse_datetime(changed).replace(tzinfo=datetime.UTC)
    return changed


def _table(model) -> str:
    return model._meta.db_table


@functools.cache
def _history_table(model) -> str:
    # Once per model: simple-history's `Model.history` builds a manager class at each access.
    return _table(model.history.model)


def platform_sector_last_changed(ps: PlatformSector) -> datetime.datetime | None:
    """The sector page's content: its set-up, catalogue entry, designations and partners."""
    co_leads = f"SELECT id FROM {_table(CoLeadDesignation)} WHERE platform_sector_id = %s"
    return _newest_change(
        [
            (PlatformSector, "id = %s", [ps.pk]),
            (Sector, "id = %s", [ps.sector_id]),
            (CoLeadDesignation, "platform_sector_id = %s", [ps.pk]),
            (CoCoordinatorDesignation, f"co_lead_id IN ({co_leads})", [ps.pk]),
            (PartnerMembership, "platform_sector_id = %s", [ps.pk]),
        ]
    )


def platform_last_changed(platform: Platform) -> datetime.datetime | None:
    sectors = f"SELECT id FROM {_table(PlatformSector)} WHERE platform_id = %s"
    return _newest_change(
        [
            (Platform, "id = %s", [platform.pk]),
            (PlatformSector, "platform_id = %s", [platform.pk]),
            (CoLeadDesignation, f"platform_sector_id IN ({sectors})", [platform.pk]),
        ]
    )


def organization_last_changed(organization: Organization) -> datetime.datetime | None:
    return _newest_change(
        [
            (Organization, "id = %s", [organization.pk]),
            (CoLeadDesignation, "organization_id = %s", [organization.pk]),
            (PartnerMembership, "organization_id = %s", [organization.pk]),
        ]
    )


def catalogue_last_changed() -> datetime.datetime | None:
    """The platform list and the sector catalogue: platforms, sectors and where they are active."""
    everything = "1 = 1"
    return _newest_change(
        [(Platform, everything, []), (Sector, everything, []), (PlatformSector, everything, [])]
    )
