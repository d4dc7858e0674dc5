"""Who may do what: the one policy module.

`can(user, action, obj)` answers for one object; `platform_sector_q(user, action)` answers
"which sectors" as a queryset filter, so lists, counts and exports never disagree with detail
pages. Both read the same `Scope`, which is built from django-guardian's object permissions on
the scope objects (platforms, sectors on platforms, organizations). Those permissions are
granted and revoked only by `sectors.services.role_grant` / `role_revoke`.

Program-cycle submissions, meetings and figures derive their access from their sector or
platform through `platform_sector_q` / `platform_q`; there are no per-record permission rows.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from guardian.shortcuts import get_objects_for_user

from r4v.errors import NotAllowed

from .models import Organization, Platform, PlatformSector, RoleAssignment

Role = RoleAssignment.Role

# Role -> (scope field on RoleAssignment, guardian permission on that scope object).
ROLE_PERMISSIONS: dict[str, tuple[str, str]] = {
    Role.REGIONAL_TEAM: ("platform", "sectors.manage_platform"),
    Role.PLATFORM_TEAM: ("platform", "sectors.manage_platform"),
    Role.CO_COORDINATOR: ("platform_sector", "sectors.coordinate_sector"),
    Role.CO_LEAD_FOCAL_POINT: ("organization", "sectors.act_for_organization"),
    Role.PARTNER_MEMBER: ("organization", "sectors.member_of_organization"),
}


class Action(StrEnum):
    # Sector set-up on a platform: activation, co-leads, co-coordinators, selection procedure.
    MANAGE_SECTOR = "manage_sector"
    # The public page's content and partner list: also the sector's own co-coordinators.
    EDIT_SECTOR_PAGE = "edit_sector_page"
    MANAGE_ORGANIZATIONS = "manage_organizations"
    MANAGE_ROLES = "manage_roles"
    FILE_CHANGE_NOTICE = "file_change_notice"
    DECIDE_CHANGE_NOTICE = "decide_change_notice"
    VIEW_GOVERNANCE = "view_governance"
    VIEW_HISTORY = "view_history"


@dataclass(frozen=True)
class Scope:
    """What one user holds, read once per request."""

    is_admin: bool = False
    is_regional: bool = False
    managed_platform_ids: frozenset[int] = frozenset()
    coordinated_sector_ids: frozenset[int] = frozenset()
    focal_org_ids: frozenset[int] = frozenset()
    member_org_ids: frozenset[int] = frozenset()

    @property
    def is_staff_of_structure(self) -> bool:
        """Anyone with a role: sees the management area."""
        return bool(
            self.is_admin
            or self.managed_platform_ids
            or self.coordinated_sector_ids
            or self.focal_org_ids
            or self.member_org_ids
        )


ANONYMOUS = Scope()


def _ids(user, perm: str, model) -> frozenset[int]:
    objects = get_objects_for_user(
        user, perm, model, use_groups=False, with_superuser=False, accept_global_perms=False
    )
    return frozenset(objects.values_list("pk", flat=True))


def scope_of(user) -> Scope:
    """The user's scope, cached on the user object: one request, one computation.

    A revoked role therefore takes effect on the user's next request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_r4v_scope", None)
    if cached is not None:
        return cached
    managed = _ids(user, "sectors.manage_platform", Platform)
    regional_ids = frozenset(
        Platform.objects.filter(kind=Platform.Kind.REGIONAL).values_list("pk", flat=True)
    )
    # Managing the Regional Platform is what makes someone Regional Platform team: the
    # regional team oversees every platform's structure.
    is_regional = user.is_superuser or bool(managed & regional_ids)
    if is_regional:
        managed = frozenset(Platform.objects.values_list("pk", flat=True))
    scope = Scope(
        is_admin=user.is_superuser,
        is_regional=is_regional,
        managed_platform_ids=managed,
        coordinated_sector_ids=_ids(user, "sectors.coordinate_sector", PlatformSector),
        focal_org_ids=_ids(user, "sectors.act_for_organization", Organization),
        member_org_ids=_ids(user, "sectors.member_of_organization", Organization),
    )
    user._r4v_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after a role change within the same request."""
    user.__dict__.pop("_r4v_scope", None)


def _platform_id_of(obj) -> int | None:
    if isinstance(obj, Platform):
        return obj.pk
    if isinstance(obj, PlatformSector):
        return obj.platform_id
    return None


def can(user, action: Action, obj=None) -> bool:
    s = scope_of(user)
    match action:
        case Action.MANAGE_SECTOR:
            return _platform_id_of(obj) in s.managed_platform_ids
        case Action.EDIT_SECTOR_PAGE:
            return _platform_id_of(obj) in s.managed_platform_ids or (
                isinstance(obj, PlatformSector) and obj.pk in s.coordinated_sector_ids
            )
        case Action.FILE_CHANGE_NOTICE:
            # obj is the co-lead designation the notice is about.
            return s.is_regional or (obj is not None and obj.organization_id in s.focal_org_ids)
        case (
            Action.MANAGE_ORGANIZATIONS
            | Action.MANAGE_ROLES
            | Action.DECIDE_CHANGE_NOTICE
            | Action.VIEW_GOVERNANCE
            | Action.VIEW_HISTORY
        ):
            return s.is_regional
    return False


def require(user, action: Action, obj=None) -> None:
    """Raise NotAllowed unless `can`; services call it so every entry point is guarded."""
    if not can(user, action, obj):
        raise NotAllowed()


def platform_sector_q(user, action: Action, prefix: str = "") -> Q:
    """Filter for the platform sectors on which `user` may do `action`.

    `prefix` is the path from the queried model to its PlatformSector ("co_lead__platform_sector__").
    """
    s = scope_of(user)
    platform = Q(**{f"{prefix}platform_id__in": s.managed_platform_ids})
    if action == Action.MANAGE_SECTOR:
        return platform
    if action == Action.EDIT_SECTOR_PAGE:
        return platform | Q(**{f"{prefix}pk__in": s.coordinated_sector_ids})
    return Q(pk__in=[])


def change_notice_q(user) -> Q:
    """Change notices a user may see: the regional team all, focal points their organization's."""
    s = scope_of(user)
    if s.is_regional:
        return Q()
    return Q(co_lead__organization_id__in=s.focal_org_ids)
