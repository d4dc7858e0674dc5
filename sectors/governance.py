"""Governance health of a platform's sectors and sub-sectors (seed 000 §I–III).

A pure read: one query set loads a platform's active sectors with their current co-leads and
those co-leads' current co-coordinators (three queries whatever the number of sectors), then each
rule in `RULES` judges one sector in Python and says, in a sentence, what is right or wrong.

Every finding has a severity, because the guidance does not speak with one voice:
- fail: what the guidance states as the arrangement ("has worked to ensure that each [sector] is
  co-led by at least one UN agency and one NGO", §I; co-coordinators "should be professionally
  bilingual", §III; a co-coordinator "from the other co-lead organization", §II);
- warning: what it asks only "wherever possible" or as something to "attempt to promote"
  (balance between UN agencies and NGOs, §II; gender balance, §III), and our own 60-day term
  check, which the guidance does not contain;
- recommendation: what it only recommends ("it is recommended that each Sector/Sub-sector
  establish a procedure for selecting its own co-lead organizations and/or co-coordinators", §III);
- not judged: there is nothing to judge (no co-coordinator, too few recorded genders) or the rule
  does not apply on this platform;
- pass.

Decisions the seed leaves open, taken here:
- "Current" means in force on `today`: started and not ended (`DesignationQuerySet.current`).
  Designations that have ended, or not started yet, are ignored by every rule.
- National and sub-regional platforms are judged by the same rules: the guidance is written for
  the regional sectors, but says the regional structure "is also replicated at the sub-regional
  and national levels" and "is designed to promote a harmonization" (§I). One exception: Spanish
  / English is asked "to effectively coordinate with all 17 countries of R4V", a regional task,
  so it is not judged on national and sub-regional platforms. A national authority co-leading a
  national sector (encouraged by note 3) counts as neither UN agency nor NGO.
- Balance (§II) compares the number of UN agency co-leads with the number of NGO / civil-society
  co-leads; any difference (2 UN + 1 NGO) is a warning, never a failure.
- "A co-coordinator with equal standing from the other co-lead organization" (§II) needs at
  least two co-leads, each with a current co-coordinator of its own: one person designated by
  two co-leads stands for one of them only (judged as a matching of distinct people to co-leads).
- Bilingual is judged per person (§III: "they should be professionally bilingual"): every current
  co-coordinator must work in both Spanish and English; two monolingual people who between them
  cover both languages do not satisfy it.
- Gender balance is judged only among co-coordinators whose gender is recorded (woman, man,
  another gender). With fewer than two such people there is nothing to balance: "not judged".
  Two or more who all share one gender are a warning.
- The selection procedure covers co-lead organizations and co-coordinators (§III). Recorded means
  a written text ("preferably documented in writing"), an interval and the last selection
  ("used repeatedly at regular intervals of time"); missing or overdue is a recommendation.
- A term "ends within 60 days" when its planned end is at most 60 days away (day 60 warns,
  day 61 passes); a planned end already past on a still-open designation warns too, because
  nobody renewed or ended it. The 60 days are ours, not the guidance's; the texts say so.
- Working groups are not judged: §I speaks of sectors and sub-sectors.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet, TextChoices
from django.utils.formats import date_format
from django.utils.functional import Promise, lazy
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from r4v.models import User

from .models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Platform,
    PlatformSector,
    Sector,
)

TERM_WARNING_DAYS = 60


class Severity(TextChoices):
    # Declared from the most to the least serious: `RANK` and the page's summary rely on it.
    FAIL = "fail", gettext_lazy("Fail")
    WARNING = "warning", gettext_lazy("Warning")
    RECOMMENDATION = "recommendation", gettext_lazy("Recommendation")
    NOT_JUDGED = "not_judged", gettext_lazy("Not judged")
    PASS = "pass", gettext_lazy("Pass")


RANK = {severity: rank for rank, severity in enumerate(Severity)}


@dataclass(frozen=True)
class Finding:
    """The verdict of one rule on one sector; `message` is a sentence for people."""

    rule: str
    severity: Severity
    message: str


@dataclass
class SectorHealth:
    platform_sector: PlatformSector
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(f.severity == severity for f in self.findings)

    @property
    def failing_count(self) -> int:
        return self.count(Severity.FAIL)

    @property
    def warning_count(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def recommendation_count(self) -> int:
        return self.count(Severity.RECOMMENDATION)

    @property
    def worst(self) -> Severity:
        return min((f.severity for f in self.findings), key=RANK.__getitem__, default=Severity.PASS)

    def finding(self, rule: str) -> Finding:
        return next(f for f in self.findings if f.rule == rule)


# --- Loading -------------------------------------------------------------------------------------


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


def _co_leads(ps: PlatformSector) -> list[CoLeadDesignation]:
    return ps.current_co_leads


def _co_coordinators(ps: PlatformSector) -> list[CoCoordinatorDesignation]:
    return [cc for cl in ps.current_co_leads for cc in cl.current_co_coordinators]


def _people(ps: PlatformSector) -> list[User]:
    """Current co-coordinators as people, each once even if designated twice."""
    return list({cc.person_id: cc.person for cc in _co_coordinators(ps)}.values())


def _names(items: Iterable) -> str:
    return get_text_list([str(i) for i in items], _("and"))


def _date(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


Verdict = tuple[Severity, str]


# --- Rules -----------------------------------------------------------------------------------------


def un_and_ngo_co_leads(ps: PlatformSector, today: datetime.date) -> Verdict:
    co_leads = _co_leads(ps)
    if not co_leads:
        return Severity.FAIL, _(
            "No current co-lead: the sector needs at least one UN agency and one NGO or civil-society co-lead."
        )
    orgs = [cl.organization for cl in co_leads]
    un = [o for o in orgs if o.is_un_agency]
    ngo = [o for o in orgs if o.is_ngo_or_civil_society]
    names = {"names": _names(orgs)}
    if not un and not ngo:
        return Severity.FAIL, _(
            "No UN agency and no NGO or civil-society co-lead: the co-leads are %(names)s."
        ) % names
    if not ngo:
        return Severity.FAIL, _(
            "No NGO or civil-society co-lead: the co-leads are %(names)s."
        ) % names
    if not un:
        return Severity.FAIL, _("No UN agency co-lead: the co-leads are %(names)s.") % names
    return Severity.PASS, _("UN agency: %(un)s; NGO or civil society: %(ngo)s.") % {
        "un": _names(un),
        "ngo": _names(ngo),
    }


def co_lead_balance(ps: PlatformSector, today: datetime.date) -> Verdict:
    orgs = [cl.organization for cl in _co_leads(ps)]
    un = [o for o in orgs if o.is_un_agency]
    ngo = [o for o in orgs if o.is_ngo_or_civil_society]
    if not un and not ngo:
        return Severity.NOT_JUDGED, _(
            "No current UN agency or NGO co-lead, so there is no balance to judge."
        )
    counts = {
        "un": ngettext("%(count)d UN agency", "%(count)d UN agencies", len(un))
        % {"count": len(un)},
        "ngo": ngettext(
            "%(count)d NGO or civil-society organization",
            "%(count)d NGOs or civil-society organizations",
            len(ngo),
        )
        % {"count": len(ngo)},
    }
    if len(un) == len(ngo):
        return Severity.PASS, _("Balanced: %(un)s and %(ngo)s.") % counts
    return Severity.WARNING, _(
        "Not balanced: %(un)s and %(ngo)s. The guidance asks for balance wherever possible."
    ) % counts


def _distinct_people_per_co_lead(co_leads: list[CoLeadDesignation]) -> bool:
    """Can every co-lead be matched to a co-coordinator of its own, no person used twice?

    A small augmenting-path matching: a sector has a handful of co-leads, so its cost is nil.
    """
    people = [[cc.person_id for cc in cl.current_co_coordinators] for cl in co_leads]
    matched: dict[int, int] = {}  # person id -> index of the co-lead they stand for

    def assign(index: int, seen: set[int]) -> bool:
        for person_id in people[index]:
            if person_id in seen:
                continue
            seen.add(person_id)
            if person_id not in matched or assign(matched[person_id], seen):
                matched[person_id] = index
                return True
        return False

    return all(assign(index, set()) for index in range(len(co_leads)))


def co_coordinator_per_co_lead(ps: PlatformSector, today: datetime.date) -> Verdict:
    co_leads = _co_leads(ps)
    if not co_leads:
        return Severity.FAIL, _("No current co-lead, so nobody co-coordinates the sector.")
    without = [cl.organization for cl in co_leads if not cl.current_co_coordinators]
    if without:
        return Severity.FAIL, ngettext(
            "%(names)s has no current co-coordinator.",
            "%(names)s have no current co-coordinator.",
            len(without),
        ) % {"names": _names(without)}
    if len(co_leads) == 1:
        return Severity.FAIL, _(
            "%(org)s is the only co-lead: nobody from another co-lead organization complements %(people)s."
        ) % {
            "org": co_leads[0].organization,
            "people": _names(cc.person for cc in co_leads[0].current_co_coordinators),
        }
    if not _distinct_people_per_co_lead(co_leads):
        designated_by: dict[int, list] = {}
        for cl in co_leads:
            for cc in cl.current_co_coordinators:
                designated_by.setdefault(cc.person_id, [cc.person]).append(cl.organization)
        shared = [
            _("%(person)s for %(orgs)s") % {"person": person, "orgs": _names(orgs)}
            for person, *orgs in designated_by.values()
            if len(orgs) > 1
        ]
        return Severity.FAIL, _(
            "The same person co-coordinates for more than one co-lead: %(shared)s. Each co-lead "
            "organization needs a co-coordinator of its own."
        ) % {"shared": "; ".join(shared)}
    pairs = [
        _("%(org)s (%(people)s)")
        % {"org": cl.organization, "people": _names(cc.person for cc in cl.current_co_coordinators)}
        for cl in co_leads
    ]
    return Severity.PASS, _("Each co-lead has a current co-coordinator of its own: %(pairs)s.") % {
        "pairs": "; ".join(pairs)
    }


def bilingual(ps: PlatformSector, today: datetime.date) -> Verdict:
    if not ps.platform.is_regional:
        return Severity.NOT_JUDGED, _(
            "Asked of regional co-coordinators, to coordinate with all 17 countries; not judged "
            "on national and sub-regional platforms."
        )
    people = _people(ps)
    if not people:
        return Severity.NOT_JUDGED, _("No current co-coordinator, so nobody to judge.")
    gaps = []
    for person in people:
        if not person.speaks_spanish and not person.speaks_english:
            gaps.append(_("%(person)s works in neither") % {"person": person})
        elif not person.speaks_spanish:
            gaps.append(_("%(person)s does not work in Spanish") % {"person": person})
        elif not person.speaks_english:
            gaps.append(_("%(person)s does not work in English") % {"person": person})
    if gaps:
        return Severity.FAIL, _(
            "Each co-coordinator should work in both Spanish and English: %(gaps)s."
        ) % {"gaps": "; ".join(gaps)}
    return Severity.PASS, _("Every co-coordinator works in Spanish and English: %(names)s.") % {
        "names": _names(people)
    }


_KNOWN_GENDERS = (User.Gender.WOMAN, User.Gender.MAN, User.Gender.OTHER)


def _gender_count(gender: str, count: int) -> str:
    if gender == User.Gender.WOMAN:
        return ngettext("%(count)d woman", "%(count)d women", count) % {"count": count}
    if gender == User.Gender.MAN:
        return ngettext("%(count)d man", "%(count)d men", count) % {"count": count}
    return ngettext(
        "%(count)d person of another gender", "%(count)d people of another gender", count
    ) % {"count": count}


def gender_balance(ps: PlatformSector, today: datetime.date) -> Verdict:
    people = _people(ps)
    known = [p for p in people if p.gender in _KNOWN_GENDERS]
    if not people:
        return Severity.NOT_JUDGED, _("No current co-coordinator, so there is no balance to judge.")
    if len(known) < 2:
        return Severity.NOT_JUDGED, ngettext(
            "Too few to judge: %(known)d of %(total)d current co-coordinator has a recorded gender.",
            "Too few to judge: %(known)d of %(total)d current co-coordinators have a recorded gender.",
            len(people),
        ) % {"known": len(known), "total": len(people)}
    genders = {p.gender for p in known}
    names = {"names": _names(known)}
    if genders == {User.Gender.WOMAN}:
        return Severity.WARNING, _(
            "All co-coordinators with a recorded gender are women: %(names)s."
        ) % names
    if genders == {User.Gender.MAN}:
        return Severity.WARNING, _(
            "All co-coordinators with a recorded gender are men: %(names)s."
        ) % names
    if len(genders) == 1:
        return Severity.WARNING, _(
            "All co-coordinators with a recorded gender share one gender: %(names)s."
        ) % names
    counts = [
        _gender_count(g, sum(p.gender == g for p in known)) for g in _KNOWN_GENDERS if g in genders
    ]
    return Severity.PASS, _("Co-coordinators include %(counts)s.") % {"counts": _names(counts)}


def selection_procedure(ps: PlatformSector, today: datetime.date) -> Verdict:
    missing = []
    if not ps.selection_procedure.strip():
        missing.append(_("the written procedure"))
    if not ps.selection_interval_months:
        missing.append(_("how often selections are held"))
    if ps.last_selection_on is None:
        missing.append(_("the date of the last selection"))
    if missing:
        return Severity.RECOMMENDATION, _(
            "Not recorded: %(missing)s. The guidance recommends a written, regular and democratic "
            "procedure for selecting co-lead organizations and co-coordinators."
        ) % {"missing": _names(missing)}
    due = ps.next_selection_on
    if due < today:
        return Severity.RECOMMENDATION, _(
            "The next selection was due on %(due)s (last held on %(last)s, every %(months)d months)."
        ) % {
            "due": _date(due),
            "last": _date(ps.last_selection_on),
            "months": ps.selection_interval_months,
        }
    return Severity.PASS, _("Procedure documented; next selection due on %(due)s.") % {
        "due": _date(due)
    }


def terms_ending(ps: PlatformSector, today: datetime.date) -> Verdict:
    co_leads = _co_leads(ps)
    if not co_leads:
        return Severity.NOT_JUDGED, _("No current co-lead or co-coordinator, so no term to check.")
    horizon = today + datetime.timedelta(days=TERM_WARNING_DAYS)
    items = []
    for cl in co_leads:
        designations = [(cl, _("%(org)s as co-lead") % {"org": cl.organization})]
        designations += [
            (
                cc,
                _("%(person)s as co-coordinator for %(org)s")
                % {"person": cc.person, "org": cl.organization},
            )
            for cc in cl.current_co_coordinators
        ]
        for designation, who in designations:
            end = designation.term_end
            if end is None or end > horizon:
                continue
            if end < today:
                items.append(
                    _("%(who)s: the term ended on %(date)s and the designation is still open")
                    % {"who": who, "date": _date(end)}
                )
            else:
                items.append(
                    _("%(who)s: the term ends on %(date)s") % {"who": who, "date": _date(end)}
                )
    if items:
        return Severity.WARNING, _("Terms to renew or replace within %(days)d days: %(items)s.") % {
            "days": TERM_WARNING_DAYS,
            "items": "; ".join(items),
        }
    return Severity.PASS, _("No co-lead or co-coordinator term ends within %(days)d days.") % {
        "days": TERM_WARNING_DAYS
    }


def _terms_basis() -> str:
    # Interpolated when read, in the reader's language (a lazy string's `%` would run at import).
    return _(
        "Not in the guidance: an R4V Coordination check that warns %(days)d days before a "
        "co-lead or co-coordinator term ends."
    ) % {"days": TERM_WARNING_DAYS}


@dataclass(frozen=True)
class Rule:
    code: str
    label: Promise
    # Where the rule comes from, quoted closely enough that a reader can find it in the guidance,
    # or a plain statement that it is ours.
    basis: Promise
    judge: Callable[[PlatformSector, datetime.date], Verdict]


# In the order of the page's columns and of the downloads.
RULES: tuple[Rule, ...] = (
    Rule(
        "un_and_ngo_co_leads",
        gettext_lazy("UN and NGO co-leads"),
        gettext_lazy(
            "Guidance §I: each sector and sub-sector co-led by at least one UN agency and one NGO "
            "or civil-society organization."
        ),
        un_and_ngo_co_leads,
    ),
    Rule(
        "co_lead_balance",
        gettext_lazy("Balance of co-leads"),
        gettext_lazy(
            "Guidance §II: the co-lead arrangement should, wherever possible, be balanced between "
            "UN agencies and NGOs / civil society."
        ),
        co_lead_balance,
    ),
    Rule(
        "co_coordinator_per_co_lead",
        gettext_lazy("Co-coordinator per co-lead"),
        gettext_lazy(
            "Guidance §II: each co-coordinator complemented by a co-coordinator with equal "
            "standing from the other co-lead organization."
        ),
        co_coordinator_per_co_lead,
    ),
    Rule(
        "bilingual",
        gettext_lazy("Bilingual Spanish / English"),
        gettext_lazy(
            "Guidance §III: regional co-coordinators should be professionally bilingual Spanish / "
            "English."
        ),
        bilingual,
    ),
    Rule(
        "gender_balance",
        gettext_lazy("Gender balance"),
        gettext_lazy(
            "Guidance §III: selection procedures shall attempt to promote gender balance among "
            "co-coordinators."
        ),
        gender_balance,
    ),
    Rule(
        "selection_procedure",
        gettext_lazy("Selection of co-leads and co-coordinators"),
        gettext_lazy(
            "Guidance §III, a recommendation: a transparent, consistent and democratic procedure "
            "for selecting co-lead organizations and/or co-coordinators."
        ),
        selection_procedure,
    ),
    Rule(
        "terms_ending",
        gettext_lazy("Terms ending"),
        lazy(_terms_basis, str)(),
        terms_ending,
    ),
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
