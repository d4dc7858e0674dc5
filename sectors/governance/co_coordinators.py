"""Rules on a sector's co-coordinators (guidance §II and §III).

- §II: each co-coordinator is complemented by "a co-coordinator with equal standing from the
  other co-lead organization". The guidance states it as the arrangement, so it fails when
  missing. It needs at least two co-leads, each with a current co-coordinator of its own: one
  person designated by two co-leads stands for one of them only (judged as a matching of
  distinct people to co-leads).
- §III: co-coordinators "should be professionally bilingual", so a gap fails. Judged per person:
  every current co-coordinator must work in both Spanish and English; two monolingual people who
  between them cover both languages do not satisfy it. Spanish / English is asked "to
  effectively coordinate with all 17 countries of R4V", a regional task, so it is not judged on
  national and sub-regional platforms (the one exception to judging every platform alike).
- §III: selection procedures "shall attempt to promote" gender balance, so it warns. Judged only
  among co-coordinators whose gender is recorded (woman, man, another gender). With fewer than
  two such people there is nothing to balance: "not judged". Two or more who all share one
  gender are a warning.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from r4v.models import User

from ..models import CoLeadDesignation, PlatformSector
from .findings import Rule, Severity, Verdict, text_list
from .loading import current_co_leads, current_people


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
    co_leads = current_co_leads(ps)
    if not co_leads:
        return Severity.FAIL, _("No current co-lead, so nobody co-coordinates the sector.")
    without = [cl.organization for cl in co_leads if not cl.current_co_coordinators]
    if without:
        return Severity.FAIL, ngettext(
            "%(names)s has no current co-coordinator.",
            "%(names)s have no current co-coordinator.",
            len(without),
        ) % {"names": text_list(without)}
    if len(co_leads) == 1:
        return Severity.FAIL, _(
            "%(org)s is the only co-lead: nobody from another co-lead organization complements %(people)s."
        ) % {
            "org": co_leads[0].organization,
            "people": text_list(cc.person for cc in co_leads[0].current_co_coordinators),
        }
    if not _distinct_people_per_co_lead(co_leads):
        designated_by: dict[int, list] = {}
        for cl in co_leads:
            for cc in cl.current_co_coordinators:
                designated_by.setdefault(cc.person_id, [cc.person]).append(cl.organization)
        shared = [
            _("%(person)s for %(orgs)s") % {"person": person, "orgs": text_list(orgs)}
            for person, *orgs in designated_by.values()
            if len(orgs) > 1
        ]
        return Severity.FAIL, _(
            "The same person co-coordinates for more than one co-lead: %(shared)s. Each co-lead "
            "organization needs a co-coordinator of its own."
        ) % {"shared": "; ".join(shared)}
    pairs = [
        _("%(org)s (%(people)s)")
        % {
            "org": cl.organization,
            "people": text_list(cc.person for cc in cl.current_co_coordinators),
        }
        for cl in co_leads
    ]
    return Severity.PASS, _("Each co-lead has a current co-coordinator of its own: %(pairs)s.") % {
        "pairs": "; ".join(pairs)
    }


CO_COORDINATOR_PER_CO_LEAD = Rule(
    "co_coordinator_per_co_lead",
    gettext_lazy("Co-coordinator per co-lead"),
    gettext_lazy(
        "Guidance §II: each co-coordinator complemented by a co-coordinator with equal "
        "standing from the other co-lead organization."
    ),
    co_coordinator_per_co_lead,
)


def bilingual(ps: PlatformSector, today: datetime.date) -> Verdict:
    if not ps.platform.is_regional:
        return Severity.NOT_JUDGED, _(
            "Asked of regional co-coordinators, to coordinate with all 17 countries; not judged "
            "on national and sub-regional platforms."
        )
    people = current_people(ps)
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
        "names": text_list(people)
    }


BILINGUAL = Rule(
    "bilingual",
    gettext_lazy("Bilingual Spanish / English"),
    gettext_lazy(
        "Guidance §III: regional co-coordinators should be professionally bilingual Spanish / "
        "English."
    ),
    bilingual,
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


def gender_balance(ps: PlatformSector, today: datetime.date) -> Verdict:
    people = current_people(ps)
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
    names = {"names": text_list(known)}
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
    return Severity.PASS, _("Co-coordinators include %(counts)s.") % {"counts": text_list(counts)}


GENDER_BALANCE = Rule(
    "gender_balance",
    gettext_lazy("Gender balance"),
    gettext_lazy(
        "Guidance §III: selection procedures shall attempt to promote gender balance among "
        "co-coordinators."
    ),
    gender_balance,
)
