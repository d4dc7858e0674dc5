"""Rules on a sector's co-lead organizations (guidance §I and §II).

- §I: "has worked to ensure that each [sector] is co-led by at least one UN agency and one
  NGO". The guidance states it as the arrangement, so a sector without both fails. A national
  authority co-leading a national sector (encouraged by note 3) counts as neither UN agency nor
  NGO.
- §II: the co-lead arrangement should "wherever possible" be balanced between UN agencies and
  NGOs. Asked only where possible, so it warns: balance compares the number of UN agency
  co-leads with the number of NGO / civil-society co-leads; any difference (2 UN + 1 NGO) is a
  warning, never a failure.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import PlatformSector
from .findings import Rule, Severity, Verdict, text_list
from .loading import current_co_leads


def un_and_ngo_co_leads(ps: PlatformSector, today: datetime.date) -> Verdict:
    co_leads = current_co_leads(ps)
    if not co_leads:
        return Severity.FAIL, _(
            "No current co-lead: the sector needs at least one UN agency and one NGO or civil-society co-lead."
        )
    orgs = [cl.organization for cl in co_leads]
    un = [o for o in orgs if o.is_un_agency]
    ngo = [o for o in orgs if o.is_ngo_or_civil_society]
    names = {"names": text_list(orgs)}
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
        "un": text_list(un),
        "ngo": text_list(ngo),
    }


UN_AND_NGO_CO_LEADS = Rule(
    "un_and_ngo_co_leads",
    gettext_lazy("UN and NGO co-leads"),
    gettext_lazy(
        "Guidance §I: each sector and sub-sector co-led by at least one UN agency and one NGO "
        "or civil-society organization."
    ),
    un_and_ngo_co_leads,
)


def co_lead_balance(ps: PlatformSector, today: datetime.date) -> Verdict:
    orgs = [cl.organization for cl in current_co_leads(ps)]
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


CO_LEAD_BALANCE = Rule(
    "co_lead_balance",
    gettext_lazy("Balance of co-leads"),
    gettext_lazy(
        "Guidance §II: the co-lead arrangement should, wherever possible, be balanced between "
        "UN agencies and NGOs / civil society."
    ),
    co_lead_balance,
)
