"""The structure: organizations, sectors on platforms, co-leads, co-coordinators, partners."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from r4v.audit import locked, save_audited
from r4v.errors import DomainError
from r4v.models import User
from r4v.services import person_get_or_create

from .. import policy
from ..models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    RoleAssignment,
    Sector,
)
from ..policy import Action
from .roles import _role_grant
from .terms import _check_ended_on, _check_term, _co_coordinator_close

Role = RoleAssignment.Role


def _check_organization_active(organization: Organization) -> None:
    # The pages offer active organizations only; the API takes any id, so the rule is here.
    if not organization.is_active:
        raise ValidationError(
            {"organization": _("%(org)s is inactive.") % {"org": organization}},
            code="inactive_organization",
        )


def _refuse_overlap(designations, term_start, field: str, open_message: str) -> None:
    """A new designation may not overlap the remaining term of the same one (see
    DesignationQuerySet.not_ended): it would be listed twice on the days they share."""
    existing = (
        designations.not_ended(term_start).order_by(F("ended_on").desc(nulls_first=True)).first()
    )
    if existing is None:
        return
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


# --- Organizations ------------------------------------------------------------------------------


def _check_organization_unique(org: Organization) -> None:
    others = Organization.objects.exclude(pk=org.pk)
    if others.filter(name__iexact=org.name).exists():
        raise ValidationError({"name": _("An organization with this name already exists.")})
    if org.acronym and others.filter(acronym__iexact=org.acronym).exists():
        raise ValidationError({"acronym": _("An organization with this acronym already exists.")})


def organization_create(
    *,
    by: User,
    name: str,
    kind: str,
    acronym: str = "",
    website: str = "",
    name_es: str = "",
    acronym_es: str = "",
) -> Organization:
    policy.require(by, Action.MANAGE_ORGANIZATIONS)
    org = Organization(
        name=name.strip(),
        acronym=acronym.strip(),
        name_es=name_es.strip(),
        acronym_es=acronym_es.strip(),
        kind=kind,
        website=website,
    )
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
def platform_contacts_update(
    *,
    platform: Platform,
    by: User,
    local_name: str,
    website: str,
    contact_email: str,
    description_en: str | None = None,
    description_es: str | None = None,
    reason: str = "",
) -> Platform:
    """The platform's published coordination contacts and description, edited by its own team.

    A description version left out (None) stays as stored.
    """
    policy.require(by, Action.MANAGE_SECTOR, platform)
    platform = locked(Platform, platform.pk)
    platform.local_name = local_name.strip()
    platform.website = website.strip()
    platform.contact_email = contact_email.strip()
    texts = _set_texts(platform, description_en=description_en, description_es=description_es)
    return save_audited(
        platform,
        by=by,
        reason=reason or N_("Platform contacts updated"),
        update_fields=["local_name", "website", "contact_email", *texts],
    )


def _set_texts(obj, **versions: str | None) -> list[str]:
    """Set the language versions given (None: not given, kept); the fields set."""
    given = {field: text for field, text in versions.items() if text is not None}
    for field, text in given.items():
        setattr(obj, field, text.strip())
    return list(given)


@transaction.atomic
def platform_sector_update_page(
    *,
    platform_sector: PlatformSector,
    by: User,
    purpose_en: str | None = None,
    purpose_es: str | None = None,
    reason: str = "",
) -> PlatformSector:
    """The sector page's purpose, per language; a version left out (None) stays as stored."""
    policy.require(by, Action.EDIT_SECTOR_PAGE, platform_sector)
    platform_sector = locked(PlatformSector, platform_sector.pk)
    texts = _set_texts(platform_sector, purpose_en=purpose_en, purpose_es=purpose_es)
    if not texts:
        return platform_sector
    return save_audited(
        platform_sector,
        by=by,
        reason=reason or N_("Sector page updated"),
        update_fields=texts,
    )


@transaction.atomic
def selection_procedure_update(
    *,
    platform_sector: PlatformSector,
    by: User,
    interval_months: int | None,
    last_selection_on: datetime.date | None,
    procedure_en: str | None = None,
    procedure_es: str | None = None,
    reason: str = "",
) -> PlatformSector:
    """The co-lead selection procedure; a text version left out (None) stays as stored."""
    policy.require(by, Action.MANAGE_SECTOR, platform_sector)
    platform_sector = locked(PlatformSector, platform_sector.pk)
    if last_selection_on and last_selection_on > timezone.localdate():
        raise ValidationError(
            {"last_selection_on": _("The last selection cannot be in the future.")}
        )
    texts = _set_texts(
        platform_sector, selection_procedure_en=procedure_en, selection_procedure_es=procedure_es
    )
    platform_sector.selection_interval_months = interval_months
    platform_sector.last_selection_on = last_selection_on
    return save_audited(
        platform_sector,
        by=by,
        reason=reason or N_("Selection procedure updated"),
        update_fields=[*texts, "selection_interval_months", "last_selection_on"],
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
    _refuse_overlap(
        platform_sector.co_leads.filter(organization=organization),
        term_start,
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
    # Four eyes (issue 22): a co-coordinator clears the sector's submissions, so whoever
    # designates must be someone else, or a team could grant itself the clearance of its work.
    if person.pk == by.pk:
        raise DomainError(
            _("You cannot designate yourself: another person who manages the sector must do it."),
            code="self_designation",
            field="person",
        )
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
    _refuse_overlap(
        co_lead.co_coordinators.filter(person=person),
        term_start,
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
def partner_remove(
    *, membership: PartnerMembership, by: User, left_on=None, reason: str = ""
) -> PartnerMembership:
    policy.require(by, Action.EDIT_SECTOR_PAGE, membership.platform_sector)
    membership = locked(PartnerMembership.objects.select_related("organization"), membership.pk)
    if membership.left_on is not None:
        raise DomainError(_("This organization has already left the sector."), code="already_left")
    membership.left_on = left_on or timezone.localdate()
    if membership.left_on < membership.joined_on:
        raise ValidationError({"left_on": _("An organization cannot leave before it joined.")})
    return save_audited(
        membership, by=by, reason=reason or N_("Partner left"), update_fields=["left_on"]
    )
