"""Change notices: a co-lead tells the Regional Platform of a change, which decides on it.

`NOTICE_DECISIONS` is the one table of the notice's rules, read by the services under the
row lock and by `allowed_actions` (the API and the notice page).
"""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from r4v.audit import locked, save_audited
from r4v.errors import DomainError
from r4v.models import User
from r4v.services import notification_send

from .. import policy
from ..models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    RoleAssignment,
)
from ..policy import Action
from .roles import _regional_team
from .structure import co_coordinator_designate_by_email, co_lead_end
from .terms import _co_coordinator_close

Role = RoleAssignment.Role


def change_notice_problems(
    *,
    co_lead: CoLeadDesignation,
    kind: str | None,
    effective_on: datetime.date | None,
    reason: str | None,
    outgoing: CoCoordinatorDesignation | None = None,
    incoming_name: str = "",
    incoming_email: str = "",
    incoming_phone: str = "",
    incoming_gender: str = "",
    incoming_speaks_spanish: bool = False,
    incoming_speaks_english: bool = False,
) -> dict[str, str]:
    """Every rule a notice breaks, by field: all at once, so a form shows them together.

    The service checks them under the co-lead's lock; a form may ask early with what it could
    parse (None: a value that did not parse, whose rules wait for it).
    """
    errors = {}
    if co_lead.ended_on is not None:
        errors["co_lead"] = _("This co-lead designation has already ended.")
    if reason is not None and not reason.strip():
        errors["reason"] = _("Say what is changing and why.")
    if kind == ChangeNotice.Kind.COORDINATOR_REPLACED:
        if outgoing is None or outgoing.co_lead_id != co_lead.pk or outgoing.ended_on is not None:
            errors["outgoing"] = _("Choose a current co-coordinator designated by this co-lead.")
        if not incoming_name.strip():
            errors["incoming_name"] = _("Name the incoming co-coordinator.")
        if not incoming_email.strip():
            errors["incoming_email"] = _("Give the incoming co-coordinator's e-mail.")
    elif kind == ChangeNotice.Kind.CO_LEAD_STEPPING_DOWN:
        # A co-lead stepping down names nobody; a client that sends a person anyway has
        # misunderstood the kind, so say so rather than keep or drop the data silently.
        named = {
            "outgoing": outgoing is not None,
            "incoming_name": bool(incoming_name.strip()),
            "incoming_email": bool(incoming_email.strip()),
            "incoming_phone": bool(incoming_phone.strip()),
            "incoming_gender": bool(incoming_gender),
            "incoming_speaks_spanish": incoming_speaks_spanish,
            "incoming_speaks_english": incoming_speaks_english,
        }
        for field, given in named.items():
            if given:
                errors[field] = _("A co-lead stepping down names no co-coordinator.")
    elif kind is not None:
        errors["kind"] = _("Unknown kind of change.")
    if effective_on is not None and effective_on < co_lead.term_start:
        errors["effective_on"] = _(
            "The change cannot take effect before the co-lead's term started."
        )
    return errors


@transaction.atomic
def change_notice_file(
    *,
    co_lead: CoLeadDesignation,
    kind: str,
    effective_on: datetime.date,
    reason: str,
    by: User,
    outgoing: CoCoordinatorDesignation | None = None,
    incoming_name: str = "",
    incoming_email: str = "",
    incoming_phone: str = "",
    incoming_gender: str = "",
    incoming_speaks_spanish: bool = False,
    incoming_speaks_english: bool = False,
) -> ChangeNotice:
    """A co-lead focal point tells the Regional Platform about a change (seed 000 §III (3))."""
    policy.require(by, Action.FILE_CHANGE_NOTICE, co_lead)
    co_lead = locked(
        CoLeadDesignation.objects.select_related(
            "organization", "platform_sector__platform", "platform_sector__sector"
        ),
        co_lead.pk,
    )
    errors = change_notice_problems(
        co_lead=co_lead,
        kind=kind,
        effective_on=effective_on,
        reason=reason,
        outgoing=outgoing,
        incoming_name=incoming_name,
        incoming_email=incoming_email,
        incoming_phone=incoming_phone,
        incoming_gender=incoming_gender,
        incoming_speaks_spanish=incoming_speaks_spanish,
        incoming_speaks_english=incoming_speaks_english,
    )
    if errors:
        raise ValidationError(errors)
    notice = ChangeNotice(
        kind=kind,
        co_lead=co_lead,
        effective_on=effective_on,
        reason=reason.strip(),
        outgoing=outgoing,
        incoming_name=incoming_name.strip(),
        incoming_email=incoming_email.strip().lower(),
        incoming_phone=incoming_phone.strip(),
        incoming_gender=incoming_gender,
        incoming_speaks_spanish=incoming_speaks_spanish,
        incoming_speaks_english=incoming_speaks_english,
        filed_by=by,
    )
    save_audited(notice, by=by, reason=N_("Change notice filed"))
    notification_send(
        recipients=_regional_team(),
        subject=lambda: (
            _("Change notice: %(kind)s – %(co_lead)s")
            % {"kind": notice.get_kind_display(), "co_lead": co_lead}
        ),
        body=notice.reason,
        url=reverse("sectors:change-notice-detail", kwargs={"pk": notice.pk}),
    )
    return notice


# What deciding a notice writes.
DECIDED = ["status", "decided_by", "decision_comment"]

Status = ChangeNotice.Status
# decision -> the statuses it moves a notice from. The one table of the notice's rules: the
# services check it under the row lock, `allowed_actions` (the API and the page) read it.
NOTICE_DECISIONS: dict[str, tuple[str, ...]] = {
    "acknowledge": (Status.FILED,),
    "apply": (Status.FILED, Status.ACKNOWLEDGED),
    "decline": (Status.FILED, Status.ACKNOWLEDGED),
}


def _not_yet_effective(notice: ChangeNotice) -> bool:
    return notice.effective_on > timezone.localdate()


@policy.actions_source(ChangeNotice)
def change_notice_actions(user, notice: ChangeNotice) -> list[str]:
    """The decisions `user` may take on `notice` now."""
    if not policy.can(user, Action.DECIDE_CHANGE_NOTICE, notice):
        return []
    return [
        decision
        for decision, statuses in NOTICE_DECISIONS.items()
        if notice.status in statuses and not (decision == "apply" and _not_yet_effective(notice))
    ]


def _locked_notice(notice_id: int, *allowed: str) -> ChangeNotice:
    # Lock, then re-check the status: two team members acting at once cannot both succeed.
    notice = locked(ChangeNotice, notice_id)
    if notice.status not in allowed:
        raise DomainError(
            _("This notice is already %(status)s.")
            % {"status": notice.get_status_display().lower()},
            code="invalid_status",
        )
    return notice


@transaction.atomic
def change_notice_acknowledge(*, notice: ChangeNotice, by: User, comment: str = "") -> ChangeNotice:
    policy.require(by, Action.DECIDE_CHANGE_NOTICE)
    notice = _locked_notice(notice.pk, *NOTICE_DECISIONS["acknowledge"])
    notice.status = ChangeNotice.Status.ACKNOWLEDGED
    notice.decided_by = by
    notice.decision_comment = comment.strip()
    save_audited(notice, by=by, reason=N_("Change notice acknowledged"), update_fields=DECIDED)
    _tell_filer(notice, lambda: _("Your change notice was acknowledged"))
    return notice


@transaction.atomic
def change_notice_decline(*, notice: ChangeNotice, by: User, comment: str) -> ChangeNotice:
    policy.require(by, Action.DECIDE_CHANGE_NOTICE)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the notice is declined.")})
    notice = _locked_notice(notice.pk, *NOTICE_DECISIONS["decline"])
    notice.status = ChangeNotice.Status.DECLINED
    notice.decided_by = by
    notice.decision_comment = comment.strip()
    save_audited(notice, by=by, reason=N_("Change notice declined"), update_fields=DECIDED)
    _tell_filer(notice, lambda: _("Your change notice was declined"))
    return notice


@transaction.atomic
def change_notice_apply(*, notice: ChangeNotice, by: User, comment: str = "") -> ChangeNotice:
    """Apply the change to the designations; the old ones stay, ended, as history."""
    policy.require(by, Action.DECIDE_CHANGE_NOTICE)
    notice = _locked_notice(notice.pk, *NOTICE_DECISIONS["apply"])
    if _not_yet_effective(notice):
        raise DomainError(
            _("This change takes effect on %(date)s; apply it on or after that day.")
            % {"date": notice.effective_on.isoformat()},
            code="not_yet_effective",
        )
    reason = N_("Change notice applied")
    co_lead = CoLeadDesignation.objects.select_related("platform_sector").get(pk=notice.co_lead_id)
    if notice.kind == ChangeNotice.Kind.COORDINATOR_REPLACED:
        outgoing = CoCoordinatorDesignation.objects.get(pk=notice.outgoing_id)
        if outgoing.ended_on is None:
            _co_coordinator_close(outgoing, ended_on=notice.effective_on, by=by, reason=reason)
        co_coordinator_designate_by_email(
            email=notice.incoming_email,
            full_name=notice.incoming_name,
            person_details={
                "gender": notice.incoming_gender,
                "speaks_spanish": notice.incoming_speaks_spanish,
                "speaks_english": notice.incoming_speaks_english,
            },
            platform_sector=co_lead.platform_sector,
            organization=co_lead.organization,
            contact_email=notice.incoming_email,
            contact_phone=notice.incoming_phone,
            term_start=notice.effective_on,
            term_end=outgoing.term_end
            if outgoing.term_end and outgoing.term_end >= notice.effective_on
            else None,
            by=by,
            reason=reason,
        )
    elif co_lead.ended_on is None:
        co_lead_end(co_lead=co_lead, ended_on=notice.effective_on, by=by, reason=reason)
    notice.status = ChangeNotice.Status.APPLIED
    notice.decided_by = by
    notice.decision_comment = comment.strip()
    save_audited(notice, by=by, reason=reason, update_fields=DECIDED)
    _tell_filer(notice, lambda: _("Your change notice was applied"))
    return notice


def _tell_filer(notice: ChangeNotice, subject: Callable[[], str]) -> None:
    notification_send(
        recipients=[notice.filed_by],
        subject=lambda: f"{subject()}: {notice.co_lead}",
        body=notice.decision_comment,
        url=reverse("sectors:change-notice-detail", kwargs={"pk": notice.pk}),
    )
