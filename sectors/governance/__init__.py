"""Governance health of a platform's sectors and sub-sectors (seed 000 §I–III).

A pure read: one query set loads a platform's active sectors with their current co-leads and
those co-leads' current co-coordinators (three queries whatever the number of sectors), then each
rule in `RULES` judges one sector in Python and says, in a sentence, what is right or wrong.

The package splits the rules, grouped by what they judge, from the report they make up:
`findings` (severities, a finding, a sector's health, a rule), `loading` (the one read),
the rules with the guidance they rest on and the decisions taken where it is open —
`co_leads` (§I, §II), `co_coordinators` (§II, §III), `renewal` (§III, and our term check) —
and `report` (`RULES` in the page's order, a sector's and a platform's report). The public
names are re-exported here, so `from sectors.governance import X` keeps working.

Every finding has a severity, because the guidance does not speak with one voice (each rule
module quotes the words that decide its rules' severities):
- fail: what the guidance states as the arrangement;
- warning: what it asks only "wherever possible" or as something to "attempt to promote", and
  our own 60-day term check, which the guidance does not contain;
- recommendation: what it only recommends;
- not judged: there is nothing to judge (no co-coordinator, too few recorded genders) or the rule
  does not apply on this platform;
- pass.

Decisions the seed leaves open that hold for every rule:
- "Current" means in force on `today`: started and not ended (`DesignationQuerySet.current`).
  Designations that have ended, or not started yet, are ignored by every rule.
- National and sub-regional platforms are judged by the same rules: the guidance is written for
  the regional sectors, but says the regional structure "is also replicated at the sub-regional
  and national levels" and "is designed to promote a harmonization" (§I). The one exception,
  Spanish / English, is explained in `co_coordinators`.
- Working groups are not judged: §I speaks of sectors and sub-sectors.
"""

from .co_coordinators import bilingual, co_coordinator_per_co_lead, gender_balance
from .co_leads import co_lead_balance, un_and_ngo_co_leads
from .findings import RANK, Finding, Rule, SectorHealth, Severity, Verdict
from .loading import platform_sectors
from .renewal import TERM_WARNING_DAYS, selection_procedure, terms_ending
from .report import RULES, platform_governance, sector_health

__all__ = [
    "RANK",
    "RULES",
    "TERM_WARNING_DAYS",
    "Finding",
    "Rule",
    "SectorHealth",
    "Severity",
    "Verdict",
    "bilingual",
    "co_coordinator_per_co_lead",
    "co_lead_balance",
    "gender_balance",
    "platform_governance",
    "platform_sectors",
    "sector_health",
    "selection_procedure",
    "terms_ending",
    "un_and_ngo_co_leads",
]
