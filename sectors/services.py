"""Every write to the coordination structure.

Each service checks the policy, validates, writes through `save_audited` (who and why for the
audit trail) and schedules notifications after commit. Views, the API, commands and tasks all
come through here.

History reasons are fixed English msgids (`N_`, gettext_noop): stored as written, translated
where the history is shown, so each reader sees them in their own language. A reason typed by
a person is stored and shown as typed.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from guardian.shortcuts import assign_perm, remove_perm

from r4v.audit import locked, save_audited
from r4v.errors import DomainError
from r4v.models import User
from r4v.reminders import handler as reminder_handler
from r4v.reminders import reminder_schedule
from r4v.services import SYSTEM_EMAIL, notification_send, person_get_or_create, system_user

from . import policy
from .governance import TERM_WARNING_DAYS
from .models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    RoleAssignment,
    Sector,
)
from .policy import Action, Party

Role = RoleAssignment.Role


def _check_term(term_start: datetime.date, term_end: datetime.date | None) -> None:
    if term_end is not None and term_end < term_start:
        raise ValidationError({"term_end": _("The term cannot end before it starts.")})


def _check_organization_active(organization: Organization) -> None:
    # The pages offer active organizations only; the API takes any id, so the rule is here.
    if not organization.is_active:
        raise ValidationError(
            {"organization": _("%(org)s is inactive.") % {"org": organization}},
            code="inactive_organization",
        )


def _refuse_overlap(existing, field: str, open_message: str) -> None:
    """A new designation may not overlap the remaining term of the same one (see
    DesignationQuerySet.not_ended): it would be listed twice on the days they share."""
    if existing.ended_on is None:
        raise ValidationError({field: open_message})
    raise ValidationError(
        {
            "term_start": _(
                "The current designation runs until %(date)s; the new term can start on that day."
            )
            % {"date": existing.ended_on.isoformat()}
        }
    )


def _check_ended_on(designation, ended_on: datetime.date) -> None:
    # The database refuses this too (a check constraint), but its error names no field.
    if ended_on < designation.term_start:
        raise ValidationError({"ended_on": _("A designation cannot end before its term starts.")})


# --- Roles ------------------------------------------------------------------------------------


@transaction.atomic
def role_grant(*, user: User, role: str, by: User, **scope) -> RoleAssignment:
    """Give `user` a role on a scope (platform=, platform_sector= or organization=)."""
    policy.require(by, Action.MANAGE_ROLES, role)
    return _role_grant(user=user, role=role, by=by, **scope)


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, by: User) -> RoleAssignment:
    """End a role, keeping at least one administrator and the revoker's own last role."""
    policy.require(by, Action.MANAGE_ROLES, assignment)
    assignment = locked(RoleAssignment.objects.select_related("user"), assignment.pk)
    if assignment.revoked_at is not None:
        return assignment
    if assignment.role == Role.ADMINISTRATOR:
        # Lock every administrator's account row: two administrators revoking each other at
        # once are serialized, and the second sees that the first is gone. The system user
        # (commands, tasks) cannot log in, so it does not count.
        others = list(
            User.objects.select_for_update()
            .filter(is_active=True, is_superuser=True)
            .exclude(pk=assignment.user_id)
            .exclude(email=SYSTEM_EMAIL)
            .values_list("pk", flat=True)
        )
        if not others:
            raise DomainError(
                _("This is the last administrator; make someone else administrator first."),
                code="last_administrator",
            )
    if assignment.user_id == by.pk and not (
        RoleAssignment.objects.filter(user=by, revoked_at__isnull=True)
        .exclude(pk=assignment.pk)
        .exists()
    ):
        raise DomainError(
            _("This is your last role; ask someone else to revoke it."), code="own_last_role"
        )
    return _role_revoke(assignment=assignment, by=by)


def _role_grant(
    *,
    user: User,
    role: str,
    by: User,
    platform: Platform | None = None,
    platform_sector: PlatformSector | None = None,
    organization: Organization | None = None,
) -> RoleAssignment:
    """Record the role and grant the matching guardian object permission.

    Idempotent: granting a role the user already holds returns the active assignment. Also
    called by services that imply a role (designating a co-coordinator gives the sector role).
    """
    if role == Role.REGIONAL_TEAM and (platform is None or not platform.is_regional):
        raise ValidationError(
            {"platform": _("The Regional Platform team role is held on the Regional Platform.")}
        )
    if role == Role.PLATFORM_TEAM and platform is not None and platform.is_regional:
        # One definition of the Regional Platform team (sectors.policy): its own role.
        raise ValidationError(
            {"role": _("On the Regional Platform, give the Regional Platform team role instead.")}
        )
    existing = RoleAssignment.objects.filter(
        user=user,
        role=role,
        platform=platform,
        platform_sector=platform_sector,
        organization=organization,
        revoked_at__isnull=True,
    ).first()
    if existing:
        return existing
    assignment = RoleAssignment(
        user=user,
        role=role,
        platform=platform,
        platform_sector=platform_sector,
        organization=organization,
    )
    save_audited(assignment, by=by, reason=N_("Role granted"))
    if role == Role.ADMINISTRATOR:
        user.is_staff = user.is_superuser = True
        save_audited(
            user,
            by=by,
            reason=N_("Administrator role granted"),
            update_fields=["is_staff", "is_superuser"],
        )
    else:
        field, perm = policy.ROLE_PERMISSIONS[role]
        assign_perm(perm, user, getattr(assignment, field))
    policy.forget_scope(user)
    return assignment


def _role_revoke(*, assignment: RoleAssignment, by: User) -> RoleAssignment:
    """End a role; the guardian permission goes only if no other active role still needs it."""
    if assignment.revoked_at is not None:
        return assignment
    assignment.revoked_at = timezone.now()
    save_audited(
        assignment,
        by=by,
        reason=N_("Role revoked"),
        update_fields=["revoked_at"],
    )
    user = assignment.user
    if assignment.role == Role.ADMINISTRATOR:
        user.is_staff = user.is_superuser = False
        save_audited(
            user,
            by=by,
            reason=N_("Administrator role revoked"),
            update_fields=["is_staff", "is_superuser"],
        )
    else:
        field, perm = policy.ROLE_PERMISSIONS[assignment.role]
        scope_obj = getattr(assignment, field)
        still_needed = RoleAssignment.objects.filter(
            user=user,
            revoked_at__isnull=True,
            role__in=[r for r, (f, p) in policy.ROLE_PERMISSIONS.items() if p == perm],
            **{field: scope_obj},
        ).exists()
        if not still_needed:
            remove_perm(perm, user, scope_obj)
    policy.forget_scope(user)
    return assignment


# --- Organizations ------------------------------------------------------------------------------


def _check_organization_unique(org: Organization) -> None:
    others = Organization.objects.exclude(pk=org.pk)
    if others.filter(name__iexact=org.name).exists():
        raise ValidationError({"name": _("An organization with this name already exists.")})
    if org.acronym and others.filter(acronym__iexact=org.acronym).exists():
        raise ValidationError({"acronym": _("An organization with this acronym already exists.")})


def organization_create(
    *, by: User, name: str, kind: str, acronym: str = "", website: str = ""
) -> Organization:
    policy.require(by, Action.MANAGE_ORGANIZATIONS)
    org = Organization(name=name.strip(), acronym=acronym.strip(), kind=kind, website=website)
    _check_organization_unique(org)
    return save_audited(org, by=by, reason=N_("Organization added"))


@transaction.atomic
def organization_update(
    *, organization: Organization, by: User, reason: str = "", **fields
) -> Organization:
    policy.require(by, Action.MANAGE_ORGANIZATIONS)
    if not fields:
        return organization
    # The stored row, not the caller's copy: the history row records every column as saved.
    organization = locked(Organization, organization.pk)
    for name, value in fields.items():
        setattr(organization, name, value.strip() if isinstance(value, str) else value)
    _check_organization_unique(organization)
    return save_audited(
        organization, by=by, reason=reason or N_("Organization updated"), update_fields=list(fields)
    )


# --- Sectors on platforms ----------------------------------------------------------------------


@transaction.atomic
def platform_sector_activate(
    *, platform: Platform, sector: Sector, by: User, reason: str = ""
) -> PlatformSector:
    """Make a catalogue sector active on a platform (creating it there the first time)."""
    policy.require(by, Action.MANAGE_SECTOR, platform)
    ps = PlatformSector.objects.filter(platform=platform, sector=sector).first()
    if ps is None:
        # Two first activations at once: the unique constraint refuses the second (a conflict).
        ps = PlatformSector(platform=platform, sector=sector, is_active=True)
    else:
        ps = locked(PlatformSector, ps.pk)
        if ps.is_active:
            return ps
    ps.is_active = True
    return save_audited(
        ps, by=by, reason=reason or N_("Sector activated"), update_fields=["is_active"]
    )


@transaction.atomic
def platform_sector_deactivate(
    *, platform_sector: PlatformSector, by: User, reason: str = ""
) -> PlatformSector:
    policy.require(by, Action.MANAGE_SECTOR, platform_sector)
    # The sector row is the lock that co-lead designation takes too: a designation racing
    # this deactivation either commits first (and is seen below) or sees the sector inactive.
    platform_sector = locked(PlatformSector, platform_sector.pk)
    # A co-lead ending on a future day is still in force until then.
    if platform_sector.co_leads.not_ended().exists():
        raise DomainError(
            _("End its co-lead designations before deactivating the sector."),
            code="sector_has_co_leads",
            field="is_active",
        )
    platform_sector.is_active = False
    return save_audited(
        platform_sector,
        by=by,
        reason=reason or N_("Sector deactivated"),
        update_fields=["is_active"],
    )


@transaction.atomic
def platform_sector_update_page(
    *, platform_sector: PlatformSector, by: User, purpose: str, reason: str = ""
) -> PlatformSector:
    policy.require(by, Action.EDIT_SECTOR_PAGE, platform_sector)
    platform_sector = locked(PlatformSector, platform_sector.pk)
    platform_sector.purpose = purpose.strip()
    return save_audited(
        platform_sector,
        by=by,
        reason=reason or N_("Sector page updated"),
        update_fields=["purpose"],
    )


@transaction.atomic
def selection_procedure_update(
    *,
    platform_sector: PlatformSector,
    by: User,
    procedure: str,
    interval_months: int | None,
    last_selection_on: datetime.date | None,
    reason: str = "",
) -> PlatformSector:
    policy.require(by, Action.MANAGE_SECTOR, platform_sector)
    platform_sector = locked(PlatformSector, platform_sector.pk)
    if last_selection_on and last_selection_on > timezone.localdate():
        raise ValidationError(
            {"last_selection_on": _("The last selection cannot be in the future.")}
        )
    platform_sector.selection_procedure = procedure.strip()
    platform_sector.selection_interval_months = interval_months
    platform_sector.last_selection_on = last_selection_on
    return save_audited(
        platform_sector,
        by=by,
        reason=reason or N_("Selection procedure updated"),
        update_fields=["selection_procedure", "selection_interval_months", "last_selection_on"],
    )


# --- Co-leads and co-coordinators --------------------------------------------------------------


@transaction.atomic
def co_lead_designate(
    *,
    platform_sector: PlatformSector,
    organization: Organization,
    term_start: datetime.date,
    term_end: datetime.date | None = None,
    by: User,
    reason: str = "",
) -> CoLeadDesignation:
    policy.require(by, Action.MANAGE_SECTOR, platform_sector)
    # Locked for the whole check: see platform_sector_deactivate.
    platform_sector = locked(PlatformSector, platform_sector.pk)
    if not platform_sector.is_active:
        raise ValidationError({"platform_sector": _("This sector is not active on this platform.")})
    _check_organization_active(organization)
    _check_term(term_start, term_end)
    overlapping = (
        platform_sector.co_leads.filter(organization=organization)
        .not_ended(term_start)
        .order_by(F("ended_on").desc(nulls_first=True))
        .first()
    )
    if overlapping is not None:
        _refuse_overlap(
            overlapping,
            "organization",
            _("%(org)s is already a co-lead of this sector.") % {"org": organization},
        )
    designation = CoLeadDesignation(
        platform_sector=platform_sector,
        organization=organization,
        term_start=term_start,
        term_end=term_end,
    )
    return save_audited(designation, by=by, reason=reason or N_("Co-lead designated"))


@transaction.atomic
def co_lead_end(
    *, co_lead: CoLeadDesignation, ended_on: datetime.date, by: User, reason: str = ""
) -> CoLeadDesignation:
    """End a co-lead designation and, with it, the co-coordinators it designated."""
    policy.require(by, Action.MANAGE_SECTOR, co_lead.platform_sector)
    # The co-lead row is also what co-coordinator designation locks: a co-coordinator
    # designated while the co-lead ends is either ended with it or refused.
    co_lead = locked(CoLeadDesignation.objects.select_related("platform_sector"), co_lead.pk)
    if co_lead.ended_on is not None:
        raise DomainError(_("This designation has already ended."), code="already_ended")
    _check_ended_on(co_lead, ended_on)
    # Also those already ending, but later than their co-lead: none outlives it.
    for designation in co_lead.co_coordinators.not_ended(ended_on).select_related("person"):
        _co_coordinator_close(
            designation, ended_on=ended_on, by=by, reason=reason or N_("Co-lead ended")
        )
    co_lead.ended_on = ended_on
    return save_audited(
        co_lead, by=by, reason=reason or N_("Co-lead designation ended"), update_fields=["ended_on"]
    )


@transaction.atomic
def co_coordinator_designate(
    *,
    platform_sector: PlatformSector,
    organization: Organization,
    person: User,
    contact_email: str,
    term_start: datetime.date,
    term_end: datetime.date | None = None,
    contact_phone: str = "",
    by: User,
    reason: str = "",
) -> CoCoordinatorDesignation:
    """Record a person designated by a co-lead organization, and give them the sector role."""
    policy.require(by, Action.MANAGE_SECTOR, platform_sector)
    _check_term(term_start, term_end)
    co_lead = platform_sector.co_leads.open().filter(organization=organization).first()
    if co_lead is not None:
        co_lead = locked(CoLeadDesignation, co_lead.pk)  # see co_lead_end
    if co_lead is None or co_lead.ended_on is not None:
        raise ValidationError(
            {
                "organization": _(
                    "%(org)s is not a current co-lead of %(sector)s, so it cannot designate a co-coordinator."
                )
                % {"org": organization, "sector": platform_sector}
            }
        )
    if term_start < co_lead.term_start:
        raise ValidationError(
            {"term_start": _("The term cannot start before the co-lead's own term.")}
        )
    overlapping = (
        co_lead.co_coordinators.filter(person=person)
        .not_ended(term_start)
        .order_by(F("ended_on").desc(nulls_first=True))
        .first()
    )
    if overlapping is not None:
        _refuse_overlap(
            overlapping,
            "person",
            _("%(person)s is already a co-coordinator for this co-lead.") % {"person": person},
        )
    designation = CoCoordinatorDesignation(
        co_lead=co_lead,
        person=person,
        contact_email=contact_email,
        contact_phone=contact_phone,
        term_start=term_start,
        term_end=term_end,
    )
    save_audited(designation, by=by, reason=reason or N_("Co-coordinator designated"))
    _role_grant(user=person, role=Role.CO_COORDINATOR, platform_sector=platform_sector, by=by)
    return designation


@transaction.atomic
def co_coordinator_designate_by_email(
    *, email: str, full_name: str, by: User, person_details: dict | None = None, **designation
) -> CoCoordinatorDesignation:
    """Designate the person with this e-mail, adding them (without a password) if they are new.

    One transaction: a refused designation leaves no new account behind.
    """
    person = person_get_or_create(email=email, full_name=full_name, by=by, **(person_details or {}))
    return co_coordinator_designate(person=person, by=by, **designation)


def _co_coordinator_close(designation, *, ended_on, by, reason) -> None:
    _check_ended_on(designation, ended_on)
    designation.ended_on = ended_on
    save_audited(designation, by=by, reason=reason, update_fields=["ended_on"])
    if ended_on > timezone.localdate():
        # Still in force until that day, and published: the role goes when the day comes.
        reminder_schedule(
            kind=CO_COORDINATOR_ROLE_END,
            target_id=designation.pk,
            key=f"{CO_COORDINATOR_ROLE_END}:{designation.pk}:{ended_on.isoformat()}",
            due_at=timezone.make_aware(datetime.datetime.combine(ended_on, datetime.time.min)),
        )
    else:
        _co_coordinator_role_follow(
            designation.person, designation.co_lead.platform_sector, on=timezone.localdate(), by=by
        )


def _co_coordinator_role_follow(person: User, platform_sector, *, on, by) -> bool:
    """Revoke the sector role if no designation of `person` there is in force on `on` or later."""
    if (
        CoCoordinatorDesignation.objects.not_ended(on)
        .filter(person=person, co_lead__platform_sector=platform_sector)
        .exists()
    ):
        return False
    assignments = RoleAssignment.objects.filter(
        user=person,
        role=Role.CO_COORDINATOR,
        platform_sector=platform_sector,
        revoked_at__isnull=True,
    )
    revoked = False
    for assignment in assignments:
        _role_revoke(assignment=assignment, by=by)
        revoked = True
    return revoked


CO_COORDINATOR_ROLE_END = "sectors.co_coordinator_role_end"


@reminder_handler(CO_COORDINATOR_ROLE_END)
def _co_coordinator_role_end_due(reminder) -> bool:
    """The day a co-coordinator designation ended has come: its role follows."""
    # The sweep's clock (its claim time), so a late sweep acts as of the day it catches up.
    today = timezone.localdate(reminder.sent_at)
    designation = (
        CoCoordinatorDesignation.objects.select_related("person", "co_lead__platform_sector")
        .filter(pk=reminder.target_id, ended_on__lte=today)
        .first()
    )
    if designation is None:  # gone, or its end moved later (that end has its own reminder)
        return False
    return _co_coordinator_role_follow(
        designation.person, designation.co_lead.platform_sector, on=today, by=system_user()
    )


@transaction.atomic
def co_coordinator_end(
    *, designation: CoCoordinatorDesignation, ended_on: datetime.date, by: User, reason: str = ""
) -> CoCoordinatorDesignation:
    policy.require(by, Action.MANAGE_SECTOR, designation.co_lead.platform_sector)
    designation = locked(
        CoCoordinatorDesignation.objects.select_related("co_lead__platform_sector", "person"),
        designation.pk,
    )
    if designation.ended_on is not None:
        raise DomainError(_("This designation has already ended."), code="already_ended")
    _co_coordinator_close(
        designation,
        ended_on=ended_on,
        by=by,
        reason=reason or N_("Co-coordinator designation ended"),
    )
    return designation


# --- Partners -------------------------------------------------------------------------------------


@transaction.atomic
def partner_add(
    *, platform_sector: PlatformSector, organization: Organization, by: User, joined_on=None
) -> PartnerMembership:
    policy.require(by, Action.EDIT_SECTOR_PAGE, platform_sector)
    platform_sector = locked(PlatformSector, platform_sector.pk)
    _check_organization_active(organization)
    joined_on = joined_on or timezone.localdate()
    # Not while a membership is in force on that day (a future `left_on` included).
    if (
        platform_sector.partners.filter(organization=organization)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=joined_on))
        .exists()
    ):
        raise ValidationError(
            {
                "organization": _("%(org)s is already a partner of this sector.")
                % {"org": organization}
            }
        )
    membership = PartnerMembership(
        platform_sector=platform_sector,
        organization=organization,
        joined_on=joined_on,
    )
    return save_audited(membership, by=by, reason=N_("Partner joined"))


@transaction.atomic
def partner_remove(*, membership: PartnerMembership, by: User, left_on=None) -> PartnerMembership:
    policy.require(by, Action.EDIT_SECTOR_PAGE, membership.platform_sector)
    membership = locked(PartnerMembership.objects.select_related("organization"), membership.pk)
    if membership.left_on is not None:
        raise DomainError(_("This organization has already left the sector."), code="already_left")
    membership.left_on = left_on or timezone.localdate()
    if membership.left_on < membership.joined_on:
        raise ValidationError({"left_on": _("An organization cannot leave before it joined.")})
    return save_audited(membership, by=by, reason=N_("Partner left"), update_fields=["left_on"])


# --- Change notices -------------------------------------------------------------------------------


def _regional_team() -> list[User]:
    return list(policy.holders(Party.REGIONAL_PLATFORM))


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
    if co_lead.ended_on is not None:
        raise ValidationError({"co_lead": _("This co-lead designation has already ended.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is changing and why.")})
    errors = {}
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
    else:
        errors["kind"] = _("Unknown kind of change.")
    if effective_on < co_lead.term_start:
        errors["effective_on"] = _(
            "The change cannot take effect before the co-lead's term started."
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


def term_endings_notify(*, today: datetime.date | None = None) -> int:
    """Remind of open designations whose planned end is within the governance warning window.

    Each reminder goes to the Regional Platform team and the co-lead organization's focal
    points (and, for a co-coordinator, the person), once per planned end. Returns how many
    designations were reminded of.
    """
    horizon = (today or timezone.localdate()) + datetime.timedelta(days=TERM_WARNING_DAYS)
    regional_team = _regional_team()
    focal_points = _focal_points_by_organization()
    reminded = 0
    co_leads = _term_ending(CoLeadDesignation, horizon).select_related(
        "organization", "platform_sector__platform", "platform_sector__sector"
    )
    for co_lead in co_leads:
        reminded += _term_ending_remind(
            co_lead, [*regional_team, *focal_points[co_lead.organization_id]]
        )
    co_coordinators = _term_ending(CoCoordinatorDesignation, horizon).select_related(
        "person",
        "co_lead__organization",
        "co_lead__platform_sector__platform",
        "co_lead__platform_sector__sector",
    )
    for co_coordinator in co_coordinators:
        reminded += _term_ending_remind(
            co_coordinator,
            [
                *regional_team,
                *focal_points[co_coordinator.co_lead.organization_id],
                co_coordinator.person,
            ],
        )
    return reminded


def _term_ending(model, horizon: datetime.date):
    return (
        model.objects.open().filter(term_end__lte=horizon).exclude(end_reminder_for=F("term_end"))
    )


@transaction.atomic
def _term_ending_remind(designation, recipients: list[User]) -> bool:
    # Claim by a filtered update, so two beats running at once send one reminder.
    claimed = (
        _term_ending(type(designation), designation.term_end)
        .filter(pk=designation.pk)
        .update(end_reminder_for=designation.term_end)
    )
    if claimed:
        notification_send(
            recipients=recipients,
            subject=lambda: (
                _("Term ending on %(date)s: %(designation)s")
                % {"date": designation.term_end.isoformat(), "designation": designation}
            ),
            body=lambda: _(
                "Renew the term, or file a change notice for the person or organization "
                "that takes over."
            ),
            url=reverse("sectors:sector-manage", kwargs={"pk": designation.platform_sector.pk}),
        )
    return bool(claimed)


def _focal_points_by_organization() -> defaultdict[int, list[User]]:
    return policy.focal_points_by_organization()
