"""Rules on renewing who holds a sector: the selection procedure (guidance §III) and terms
coming to an end (ours).

- §III: "it is recommended that each Sector/Sub-sector establish a procedure for selecting its
  own co-lead organizations and/or co-coordinators". Only recommended, so missing or overdue is
  a recommendation. The procedure covers co-lead organizations and co-coordinators. Recorded
  means a written text ("preferably documented in writing"), an interval and the last selection
  ("used repeatedly at regular intervals of time").
- Terms ending is our own check, which the guidance does not contain, so it warns at most. A
  term "ends within 60 days" when its planned end is at most 60 days away (day 60 warns, day 61
  passes); a planned end already past on a still-open designation warns too, because nobody
  renewed or ended it. The 60 days are ours, not the guidance's; the texts say so.
"""

import datetime

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import PlatformSector
from .findings import Rule, Severity, Verdict, date_text, text_list
from .loading import current_co_leads

TERM_WARNING_DAYS = 60


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
        ) % {"missing": text_list(missing)}
    due = ps.next_selection_on
    if due < today:
        return Severity.RECOMMENDATION, _(
            "The next selection was due on %(due)s (last held on %(last)s, every %(months)d months)."
        ) % {
            "due": date_text(due),
            "last": date_text(ps.last_selection_on),
            "months": ps.selection_interval_months,
        }
    return Severity.PASS, _("Procedure documented; next selection due on %(due)s.") % {
        "due": date_text(due)
    }


SELECTION_PROCEDURE = Rule(
    "selection_procedure",
    gettext_lazy("Selection of co-leads and co-coordinators"),
    gettext_lazy(
        "Guidance §III, a recommendation: a transparent, consistent and democratic procedure "
        "for selecting co-lead organizations and/or co-coordinators."
    ),
    selection_procedure,
)


def terms_ending(ps: PlatformSector, today: datetime.date) -> Verdict:
    co_leads = current_co_leads(ps)
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
                    % {"who": who, "date": date_text(end)}
                )
            else:
                items.append(
                    _("%(who)s: the term ends on %(date)s") % {"who": who, "date": date_text(end)}
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


TERMS_ENDING = Rule(
    "terms_ending",
    gettext_lazy("Terms ending"),
    lazy(_terms_basis, str)(),
    terms_ending,
)
