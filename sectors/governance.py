"""Governance health of the Regional Platform's sectors and sub-sectors (seed 000 §I–III).

A pure read: one query set loads every regional sector with its current co-leads and their
current co-coordinators (three queries whatever the number of sectors), then each rule below
judges one sector in Python and says, in a sentence, what is right or wrong.

Decisions the seed leaves open, taken here:
- "Current" means in force on `today`: started and not ended (`DesignationQuerySet.current`).
  Designations that have ended, or not started yet, are ignored by every rule.
- A term "ends within 60 days" when its planned end is at most 60 days away (day 60 fails,
  day 61 passes); a planned end already in the past on a still-open designation fails too,
  because nobody renewed or ended it.
- Gender balance is judged only among co-coordinators whose gender is recorded (woman, man,
  another gender). With fewer than two such people there is nothing to balance, so the rule
  passes and says why; two or more who all share one gender fail.
- A sector with no current co-lead fails the co-lead and co-coordinator rules; rules about
  people (terms, gender) then pass with a note, since the failing rules already say it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
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


@dataclass(frozen=True)
class Finding:
    """The verdict of one rule on one sector; `message` is a sentence for people."""

    rule: str
    passed: bool
    message: str


@dataclass
class SectorHealth:
    platform_sector: PlatformSector
    findings: list[Finding] = field(default_factory=list)

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed]

    @property
    def failing_count(self) -> int:
        return len(self.failing)

    def finding(self, rule: str) -> Finding:
        return next(f for f in self.findings if f.rule == rule)


# --- Loading -------------------------------------------------------------------------------------


def regional_sectors(today: datetime.date) -> QuerySet[PlatformSector]:
    """Active regional sectors and sub-sectors with designations current on `today`.

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
            is_active=True,
            platform__kind=Platform.Kind.REGIONAL,
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


def _names(items) -> str:
    return get_text_list([str(i) for i in items], _("and"))


def _date(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


# --- Rules -----------------------------------------------------------------------------------------


def co_lead_balance(ps: PlatformSector, today: datetime.date) -> Finding:
    """At least one UN agency and one NGO / civil-society co-lead (seed 000 §I, §II)."""
    rule = "co_lead_balance"
    co_leads = _co_leads(ps)
    if not co_leads:
        return Finding(
            rule,
            False,
            _(
                "No current co-lead: the sector needs at least one UN agency and one NGO or civil-society co-lead."
            ),
        )
    orgs = [cl.organization for cl in co_leads]
    un = [o for o in orgs if o.is_un_agency]
    ngo = [o for o in orgs if o.is_ngo_or_civil_society]
    names = _names(orgs)
    if not un and not ngo:
        return Finding(
            rule,
            False,
            _("No UN agency and no NGO or civil-society co-lead: the co-leads are %(names)s.")
            % {"names": names},
        )
    if not ngo:
        return Finding(
            rule,
            False,
            _("No NGO or civil-society co-lead: the co-leads are %(names)s.") % {"names": names},
        )
    if not un:
        return Finding(
            rule, False, _("No UN agency co-lead: the co-leads are %(names)s.") % {"names": names}
        )
    return Finding(
        rule,
        True,
        _("UN agency: %(un)s; NGO or civil society: %(ngo)s.")
        % {"un": _names(un), "ngo": _names(ngo)},
    )


def co_coordinator_per_co_lead(ps: PlatformSector, today: datetime.date) -> Finding:
    """Each co-lead has designated a current co-coordinator (seed 000 §II, equal standing)."""
    rule = "co_coordinator_per_co_lead"
    co_leads = _co_leads(ps)
    if not co_leads:
        return Finding(rule, False, _("No current co-lead, so nobody co-coordinates the sector."))
    without = [cl.organization for cl in co_leads if not cl.current_co_coordinators]
    if without:
        return Finding(
            rule,
            False,
            ngettext(
                "%(names)s has no current co-coordinator.",
                "%(names)s have no current co-coordinator.",
                len(without),
            )
            % {"names": _names(without)},
        )
    pairs = [
        _("%(org)s (%(people)s)")
        % {"org": cl.organization, "people": _names(cc.person for cc in cl.current_co_coordinators)}
        for cl in co_leads
    ]
    return Finding(
        rule,
        True,
        _("Every co-lead has a current co-coordinator: %(pairs)s.") % {"pairs": "; ".join(pairs)},
    )


def terms_ending(ps: PlatformSector, today: datetime.date) -> Finding:
    """No current co-lead or co-coordinator term ends within 60 days (or has lapsed)."""
    rule = "terms_ending"
    horizon = today + datetime.timedelta(days=TERM_WARNING_DAYS)
    items = []
    for cl in _co_leads(ps):
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
        return Finding(
            rule,
            False,
            _("Terms to renew or replace within %(days)d days: %(items)s.")
            % {"days": TERM_WARNING_DAYS, "items": "; ".join(items)},
        )
    return Finding(
        rule,
        True,
        _("No co-lead or co-coordinator term ends within %(days)d days.")
        % {"days": TERM_WARNING_DAYS},
    )


_KNOWN_GENDERS = (User.Gender.WOMAN, User.Gender.MAN, User.Gender.OTHER)


def _gender_count(gender: str, count: int) -> str:
    if gender == User.Gender.WOMAN:
        return ngettext("%(count)d woman", "%(count)d women", count) % {"count": count}
    if gender == User.Gender.MAN:
        return ngettext("%(count)d man", "%(count)d men", count) % {"count": count}
    return ngettext(
        "%(count)d person of another gender", "%(count)d people of another gender", count
    ) % {"count": count}


def gender_balance(ps: PlatformSector, today: datetime.date) -> Finding:
    """Co-coordinators are not all of one gender (seed 000 §III: promote gender balance)."""
    rule = "gender_balance"
    people = _people(ps)
    known = [p for p in people if p.gender in _KNOWN_GENDERS]
    if not people:
        return Finding(
            rule, True, _("No current co-coordinator, so there is no balance to judge yet.")
        )
    if len(known) < 2:
        return Finding(
            rule,
            True,
            ngettext(
                "Too few to judge: %(known)d of %(total)d current co-coordinator has a recorded gender.",
                "Too few to judge: %(known)d of %(total)d current co-coordinators have a recorded gender.",
                len(people),
            )
            % {"known": len(known), "total": len(people)},
        )
    genders = {p.gender for p in known}
    names = _names(known)
    if genders == {User.Gender.WOMAN}:
        return Finding(
            rule,
            False,
            _("All co-coordinators with a recorded gender are women: %(names)s.")
            % {"names": names},
        )
    if genders == {User.Gender.MAN}:
        return Finding(
            rule,
            False,
            _("All co-coordinators with a recorded gender are men: %(names)s.") % {"names": names},
        )
    if len(genders) == 1:
        return Finding(
            rule,
            False,
            _("All co-coordinators with a recorded gender share one gender: %(names)s.")
            % {"names": names},
        )
    counts = [
        _gender_count(g, sum(p.gender == g for p in known)) for g in _KNOWN_GENDERS if g in genders
    ]
    return Finding(
        rule, True, _("Co-coordinators include %(counts)s.") % {"counts": _names(counts)}
    )


def languages(ps: PlatformSector, today: datetime.date) -> Finding:
    """Spanish and English are covered by the co-coordinators (seed 000 §III: bilingual)."""
    rule = "languages"
    people = _people(ps)
    spanish = [p for p in people if p.speaks_spanish]
    english = [p for p in people if p.speaks_english]
    if not spanish and not english:
        return Finding(rule, False, _("No current co-coordinator works in Spanish or in English."))
    if not spanish:
        return Finding(rule, False, _("No current co-coordinator works in Spanish."))
    if not english:
        return Finding(rule, False, _("No current co-coordinator works in English."))
    return Finding(
        rule,
        True,
        _("Spanish: %(spanish)s; English: %(english)s.")
        % {"spanish": _names(spanish), "english": _names(english)},
    )


def selection_procedure(ps: PlatformSector, today: datetime.date) -> Finding:
    """A written, periodic selection procedure whose next round is not overdue (seed 000 §III)."""
    rule = "selection_procedure"
    missing = []
    if not ps.selection_procedure.strip():
        missing.append(_("the written procedure"))
    if not ps.selection_interval_months:
        missing.append(_("how often selections are held"))
    if ps.last_selection_on is None:
        missing.append(_("the date of the last selection"))
    if missing:
        return Finding(rule, False, _("Not recorded: %(missing)s.") % {"missing": _names(missing)})
    due = ps.next_selection_on
    if due < today:
        return Finding(
            rule,
            False,
            _(
                "The next selection was due on %(due)s (last held on %(last)s, every %(months)d months)."
            )
            % {
                "due": _date(due),
                "last": _date(ps.last_selection_on),
                "months": ps.selection_interval_months,
            },
        )
    return Finding(
        rule, True, _("Procedure documented; next selection due on %(due)s.") % {"due": _date(due)}
    )


Rule = Callable[[PlatformSector, datetime.date], Finding]

RULES: tuple[Rule, ...] = (
    co_lead_balance,
    co_coordinator_per_co_lead,
    terms_ending,
    gender_balance,
    languages,
    selection_procedure,
)

# Column headings of the governance page, in the order of RULES.
RULE_LABELS = {
    "co_lead_balance": gettext_lazy("UN and NGO co-leads"),
    "co_coordinator_per_co_lead": gettext_lazy("Co-coordinator per co-lead"),
    "terms_ending": gettext_lazy("Terms ending"),
    "gender_balance": gettext_lazy("Gender balance"),
    "languages": gettext_lazy("Spanish and English"),
    "selection_procedure": gettext_lazy("Selection procedure"),
}


def sector_health(ps: PlatformSector, today: datetime.date) -> SectorHealth:
    """Judge one sector loaded by `regional_sectors` (its prefetches are required)."""
    return SectorHealth(ps, [rule(ps, today) for rule in RULES])


def regional_governance(today: datetime.date | None = None) -> list[SectorHealth]:
    """Every active regional sector and sub-sector, judged by every rule, in three queries."""
    today = today or timezone.localdate()
    return [sector_health(ps, today) for ps in regional_sectors(today)]
