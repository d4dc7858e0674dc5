"""The one read behind the report, and the readers the rules use on what it loaded."""

import datetime

from django.db.models import Prefetch, QuerySet

from r4v.models import User

from ..models import CoCoordinatorDesignation, CoLeadDesignation, Platform, PlatformSector, Sector


def platform_sectors(platform: Platform, today: datetime.date) -> QuerySet[PlatformSector]:
    """The platform's active sectors and sub-sectors with designations current on `today`.

    Not `selectors.platform_sector_public()`: that one is pinned to the real today and also
    loads partners, which no rule reads.
    """
    co_coordinators = CoCoordinatorDesignation.objects.current(today).select_related("person")
    co_leads = (
        CoLeadDesignation.objects.current(today)
        .select_related("organization")
        .prefetch_related(
            Prefetch("co_coordinators", queryset=co_coordinators, to_attr="current_co_coordinators")
        )
        .order_by("organization__name")
    )
    return (
        PlatformSector.objects.filter(
            platform=platform,
            is_active=True,
            sector__kind__in=[Sector.Kind.SECTOR, Sector.Kind.SUB_SECTOR],
        )
        .select_related("platform", "sector", "sector__parent")
        .prefetch_related(Prefetch("co_leads", queryset=co_leads, to_attr="current_co_leads"))
        .order_by("sector__position", "sector__name_en")
    )


def current_co_leads(ps: PlatformSector) -> list[CoLeadDesignation]:
    return ps.current_co_leads


def current_co_coordinators(ps: PlatformSector) -> list[CoCoordinatorDesignation]:
    return [cc for cl in ps.current_co_leads for cc in cl.current_co_coordinators]


def current_people(ps: PlatformSector) -> list[User]:
    """Current co-coordinators as people, each once even if designated twice."""
    return list({cc.person_id: cc.person for cc in current_co_coordinators(ps)}.values())
