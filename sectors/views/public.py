"""Public pages of the coordination structure: anyone, logged in or not, in English or Spanish.

Reads come from `sectors.selectors`; each page runs a fixed number of queries whatever the
number of platforms, sectors or designations (tests/sectors/test_pages_public.py counts them).
Nothing here shows a person's login e-mail: only the contact details published with a
co-coordinator designation.
"""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from .. import policy, selectors
from ..models import (
    Country,
    Platform,
    PlatformSector,
    Sector,
)
from ..policy import Action

_KIND_ORDER = {Platform.Kind.REGIONAL: 0, Platform.Kind.NATIONAL: 1, Platform.Kind.SUB_REGIONAL: 2}
# Headings for a group of platforms of one kind (the choice labels are singular).
_KIND_HEADINGS = {
    Platform.Kind.REGIONAL: _("Regional Platform"),
    Platform.Kind.NATIONAL: _("National platforms"),
    Platform.Kind.SUB_REGIONAL: _("Sub-regional platforms"),
}


def _platform_sort_key(platform: Platform) -> tuple[int, str]:
    # The same order as Platform.Meta.ordering, for lists sorted in Python.
    return (_KIND_ORDER.get(platform.kind, 3), platform.name_en)


def _group_platforms(platforms) -> list[dict]:
    """[{kind, heading, platforms}]: regional, national, sub-regional; empty groups dropped."""
    by_kind = defaultdict(list)
    for platform in platforms:
        by_kind[platform.kind].append(platform)
    return [
        {"kind": kind, "heading": _KIND_HEADINGS.get(kind, label), "platforms": by_kind[kind]}
        for kind, label in Platform.Kind.choices
        if by_kind[kind]
    ]


def _utc_offset(time_zone: str, now: datetime.datetime) -> str:
    """The UTC offset now, as "UTC−05:00"; empty if the zone name is unknown."""
    try:
        offset = now.astimezone(ZoneInfo(time_zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _with_utc_offsets(countries) -> list[Country]:
    now = timezone.now()
    countries = list(countries)
    for country in countries:
        country.utc_offset = _utc_offset(country.time_zone, now)
    return countries


def _by_platform_then_sector(designation) -> tuple:
    ps = designation.platform_sector
    return (_platform_sort_key(ps.platform), ps.sector.position, ps.sector.name_en)


@require_safe
def home(request):
    return render(
        request,
        "home.html",
        {
            "platform_groups": _group_platforms(selectors.platform_list()),
            "regional_sectors": selectors.sector_cards(platform__kind=Platform.Kind.REGIONAL),
        },
    )


@require_safe
def platform_list(request):
    return render(
        request,
        "sectors/public/platform_list.html",
        {
            "platform_groups": _group_platforms(selectors.platform_list()),
            "last_changed": selectors.catalogue_last_changed(),
        },
    )


@require_safe
def platform_detail(request, code: str):
    platform = selectors.platform_get(code=code)
    cards = selectors.sector_cards(platform=platform)
    return render(
        request,
        "sectors/public/platform_detail.html",
        {
            "platform": platform,
            "countries": _with_utc_offsets(platform.countries.all()),
            "co_leads": platform.co_leads.all(),
            "top_sectors": [card for card in cards if card.kind != Sector.Kind.WORKING_GROUP],
            "working_groups": [card for card in cards if card.kind == Sector.Kind.WORKING_GROUP],
            "can_manage": policy.can(request.user, Action.MANAGE_SECTOR, platform),
            "last_changed": selectors.platform_last_changed(platform),
        },
    )


@require_safe
def sector_list(request):
    catalogue = list(selectors.sector_catalogue())
    children = defaultdict(list)
    for sector in catalogue:
        sector.active_platform_sectors.sort(key=lambda ps: _platform_sort_key(ps.platform))
        if sector.parent_id is not None:
            children[sector.parent_id].append(sector)
    top = [sector for sector in catalogue if sector.parent_id is None]
    for sector in top:
        sector.children = children[sector.pk]
    return render(
        request,
        "sectors/public/sector_list.html",
        {
            "sectors": [s for s in top if s.kind != Sector.Kind.WORKING_GROUP],
            "working_groups": [s for s in top if s.kind == Sector.Kind.WORKING_GROUP],
            "last_changed": selectors.catalogue_last_changed(),
        },
    )


@require_safe
def sector_page(request, platform: str, sector: str):
    ps = selectors.platform_sector_get_public(platform_code=platform, sector_code=sector)
    parent = None
    if ps.sector.parent_id is not None:
        # The parent sector's page on the same platform, if it is active there.
        parent = (
            PlatformSector.objects.filter(
                platform_id=ps.platform_id, sector_id=ps.sector.parent_id, is_active=True
            )
            .select_related("platform", "sector")
            .first()
        )
    co_coordinators = ps.page_co_coordinators
    # A visitor can always reach someone: with no co-lead or co-coordinator in force, the page
    # names the platform's own coordination contacts and the regional sector's co-coordinators.
    nobody_designated = not ps.current_co_leads or not any(
        d.term_status.code != selectors.TermStatus.UPCOMING for d in co_coordinators
    )
    regional_contacts = selectors.regional_co_coordinators_for(ps) if nobody_designated else []
    return render(
        request,
        "sectors/public/sector_page.html",
        {
            "ps": ps,
            "parent": parent,
            "co_leads": ps.current_co_leads,
            "co_coordinators": co_coordinators,
            "nobody_designated": nobody_designated,
            "regional_contacts": regional_contacts,
            "partners": ps.current_partners,
            "sub_sectors": ps.active_sub_sectors,
            "last_changed": selectors.platform_sector_last_changed(ps),
            "can_manage": policy.can(request.user, Action.EDIT_SECTOR_PAGE, ps)
            or policy.can(request.user, Action.MANAGE_SECTOR, ps),
        },
    )


@require_safe
def organization_detail(request, pk: int):
    organization = get_object_or_404(selectors.organization_list(), pk=pk)
    co_leads, memberships = selectors.organization_designations_public(organization=organization)
    return render(
        request,
        "sectors/public/organization_detail.html",
        {
            "organization": organization,
            "co_led_platforms": sorted(organization.co_led_platforms.all(), key=_platform_sort_key),
            "co_leads": sorted(co_leads, key=_by_platform_then_sector),
            "memberships": sorted(memberships, key=_by_platform_then_sector),
            "last_changed": selectors.organization_last_changed(organization),
        },
    )
