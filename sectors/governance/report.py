"""A sector's and a platform's report: every rule, in the page's order, over the one read."""

import datetime

from ..models import Platform, PlatformSector
from . import co_coordinators, co_leads, renewal
from .findings import Finding, Rule, SectorHealth
from .loading import platform_sectors

# In the order of the page's columns and of the downloads.
RULES: tuple[Rule, ...] = (
    co_leads.UN_AND_NGO_CO_LEADS,
    co_leads.CO_LEAD_BALANCE,
    co_coordinators.CO_COORDINATOR_PER_CO_LEAD,
    co_coordinators.BILINGUAL,
    co_coordinators.GENDER_BALANCE,
    renewal.SELECTION_PROCEDURE,
    renewal.TERMS_ENDING,
)


def sector_health(ps: PlatformSector, today: datetime.date) -> SectorHealth:
    """Judge one sector loaded by `platform_sectors` (its prefetches are required)."""
    findings = []
    for rule in RULES:
        severity, message = rule.judge(ps, today)
        findings.append(Finding(rule.code, severity, message))
    return SectorHealth(ps, findings)


def platform_governance(platform: Platform, today: datetime.date) -> list[SectorHealth]:
    """Every active sector and sub-sector of the platform, judged by every rule, in 3 queries."""
    return [sector_health(ps, today) for ps in platform_sectors(platform, today)]
