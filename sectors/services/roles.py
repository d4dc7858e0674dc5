"""Roles: granting and revoking them.

Who may give which role is `sectors.policy.ROLE_GIVERS`; the rules that keep the structure
runnable (at least one administrator, never one's own last role) are here.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from r4v.audit import locked, save_audited
from r4v.errors import DomainError
from r4v.models import User
from r4v.services import SYSTEM_EMAIL, person_get_or_create

from .. import policy
from ..models import (
    Organization,
    Platform,
    PlatformSector,
    RoleAssignment,
)
from ..policy import Action, Party

Role = RoleAssignment.Role


@transaction.atomic
def role_grant(*, user: User, role: str, by: User, **scope) -> RoleAssignment:
    """Give `user` a role on a scope (platform=, platform_sector= or organization=)."""
    policy.require(by, Action.MANAGE_ROLES, role)
    return _role_grant(user=user, role=role, by=by, **scope)


@transaction.atomic
def person_role_grant(
    *, email: str, role: str, by: User, full_name: str = "", **scope
) -> RoleAssignment:
    """Give a role to the person with this e-mail, adding them first if they are new.

    One step for the Regional Platform team (a focal point, a platform team member): one
    transaction, so a refused grant leaves no account behind; a new person is invited by
    e-mail after commit to choose a password, as a new co-coordinator is
    (`r4v.services.person_get_or_create`).
    """
    policy.require(by, Action.MANAGE_ROLES, role)
    person = User.objects.filter(email__iexact=email.strip()).first()
    if person is not None and not person.is_active:
        raise ValidationError(
            {"email": _("This account is deactivated; an administrator can reactivate it.")}
        )
    if person is None and not full_name.strip():
        raise ValidationError(
            {
                "full_name": _(
                    "No account has this e-mail address yet: give the person's full name to add them."
                )
            }
        )
    person = person_get_or_create(email=email, full_name=full_name, by=by)
    return _role_grant(user=person, role=role, by=by, **scope)


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
    """Record the role (the policy reads it: sectors.policy.scope_of).

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
    policy.forget_scope(user)
    return assignment


def _role_revoke(*, assignment: RoleAssignment, by: User) -> RoleAssignment:
    """End a role."""
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
    policy.forget_scope(user)
    return assignment


def _regional_team() -> list[User]:
    return list(policy.holders(Party.REGIONAL_PLATFORM))
