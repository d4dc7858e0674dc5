"""May this user do this: the user's `Scope`, `can` / `require` for one object, the `*_q`
filters for "which ones", and the `allowed_actions` registry. The decisions they follow are
written in `sectors.policy`."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from r4v.errors import NotAllowed

from ..models import (
    CoLeadDesignation,
    PartnerMembership,
    Platform,
    PlatformSector,
    RoleAssignment,
)
from .parties import where_of

Role = RoleAssignment.Role


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
    # A sector's internal pages (its set-up page read-only, later its meetings and tasks):
    # everyone who takes part in it, not only those who run it. See SECTOR_INTERNAL below.
    VIEW_SECTOR_INTERNAL = "view_sector_internal"
    # Meetings for a sector (obj: the PlatformSector) or a whole platform (obj: the Platform):
    # whoever runs it, and the sector's co-coordinators.
    ORGANIZE_MEETINGS = "organize_meetings"
    # Open a program cycle, generate its tasks: the Regional Platform (seed 000's table).
    RUN_PROGRAM_CYCLE = "run_program_cycle"


# Who grants and revokes each role (MANAGE_ROLES with the role, or an assignment, as obj).
# The administrator and the Regional Platform team roles are the keys to everything else,
# so only administrators hand them out; the regional team gives every other role. Platform
# teams give none: focal-point and partner roles are held for an organization across every
# platform, so they are not one platform's to give.
ROLE_GIVERS: dict[str, str] = {
    Role.ADMINISTRATOR: "admin",
    Role.REGIONAL_TEAM: "admin",
    Role.PLATFORM_TEAM: "regional",
    Role.CO_COORDINATOR: "regional",
    Role.CO_LEAD_FOCAL_POINT: "regional",
    Role.PARTNER_MEMBER: "regional",
}


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


def scope_of(user) -> Scope:
    """The user's scope, cached on the user object: one request, one computation.

    A revoked role therefore takes effect on the user's next request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_r4v_scope", None)
    if cached is not None:
        return cached
    # The one truth: the user's active role assignments, read in one query. (A designation
    # grants and ends its role assignment in the same transaction: sectors.services.)
    held: dict[str, set[int]] = {role: set() for role in Role}
    is_regional = user.is_superuser
    for (
        role,
        platform_id,
        platform_sector_id,
        organization_id,
        kind,
    ) in RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).values_list(
        "role", "platform_id", "platform_sector_id", "organization_id", "platform__kind"
    ):
        held[role].add(platform_id or platform_sector_id or organization_id)
        # One definition of the Regional Platform team: the holders of its role on the
        # Regional Platform (`holders(Party.REGIONAL_PLATFORM)`), who oversee every
        # platform's structure. Administrators act with the same rights without being it.
        is_regional |= role == Role.REGIONAL_TEAM and kind == Platform.Kind.REGIONAL
    managed = held[Role.REGIONAL_TEAM] | held[Role.PLATFORM_TEAM]
    if is_regional:
        managed = set(Platform.objects.values_list("pk", flat=True))
    scope = Scope(
        is_admin=user.is_superuser,
        is_regional=is_regional,
        managed_platform_ids=frozenset(managed),
        coordinated_sector_ids=frozenset(held[Role.CO_COORDINATOR]),
        focal_org_ids=frozenset(held[Role.CO_LEAD_FOCAL_POINT]),
        member_org_ids=frozenset(held[Role.PARTNER_MEMBER]),
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


def _may_give(s: Scope, obj) -> bool:
    if obj is None:  # may open the roles pages at all
        return s.is_regional
    role = obj.role if isinstance(obj, RoleAssignment) else obj
    return s.is_admin if ROLE_GIVERS.get(role) == "admin" else s.is_regional


def _takes_part_q(s: Scope, prefix: str = "") -> Q:
    """Sectors the user takes part in without running them: as partner staff or co-lead focal
    point, while their organization is a partner or a current co-lead there."""
    q = Q(pk__in=[])
    if s.member_org_ids:
        partnered = PartnerMembership.objects.current().filter(organization_id__in=s.member_org_ids)
        q |= Q(**{f"{prefix}pk__in": partnered.values("platform_sector_id")})
    if s.focal_org_ids:
        co_led = CoLeadDesignation.objects.current().filter(organization_id__in=s.focal_org_ids)
        q |= Q(**{f"{prefix}pk__in": co_led.values("platform_sector_id")})
    return q


def can(user, action: Action, obj=None) -> bool:
    s = scope_of(user)
    match action:
        case Action.VIEW_SECTOR_INTERNAL:
            if not isinstance(obj, PlatformSector):
                return False
            if can(user, Action.EDIT_SECTOR_PAGE, obj):
                return True
            if not (s.member_org_ids or s.focal_org_ids):
                return False
            return PlatformSector.objects.filter(_takes_part_q(s), pk=obj.pk).exists()
        case Action.MANAGE_ROLES:
            return _may_give(s, obj)
        case Action.MANAGE_SECTOR:
            return _platform_id_of(obj) in s.managed_platform_ids
        case Action.EDIT_SECTOR_PAGE | Action.ORGANIZE_MEETINGS:
            return _platform_id_of(obj) in s.managed_platform_ids or (
                isinstance(obj, PlatformSector) and obj.pk in s.coordinated_sector_ids
            )
        case Action.FILE_CHANGE_NOTICE:
            # obj is the co-lead designation the notice is about.
            return s.is_regional or (obj is not None and obj.organization_id in s.focal_org_ids)
        case Action.VIEW_HISTORY:
            # The regional team sees every record's history; a platform team the history of
            # what is on its platform (its sectors, their designations, its meetings).
            if s.is_regional or obj is None:
                return s.is_regional
            try:
                where = where_of(obj)
            except TypeError:  # no scope (people, organizations across platforms)
                return False
            return where.platform_id is not None and where.platform_id in s.managed_platform_ids
        case (
            Action.MANAGE_ORGANIZATIONS
            | Action.DECIDE_CHANGE_NOTICE
            | Action.VIEW_GOVERNANCE
            | Action.RUN_PROGRAM_CYCLE
        ):
            return s.is_regional
    if type(obj) in _KINDS and action in _KINDS[type(obj)].actions:
        return _KINDS[type(obj)].actions[action](user, obj)
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
    if action == Action.VIEW_SECTOR_INTERNAL:
        return (
            platform | Q(**{f"{prefix}pk__in": s.coordinated_sector_ids}) | _takes_part_q(s, prefix)
        )
    return Q(pk__in=[])


def change_notice_q(user) -> Q:
    """Change notices a user may see: the regional team all, focal points their organization's."""
    s = scope_of(user)
    if s.is_regional:
        return Q()
    return Q(co_lead__organization_id__in=s.focal_org_ids)


# --- Other apps' objects ------------------------------------------------------------------------
# The same door for the objects of the apps built on the structure (meetings, tasks, figures):
# each registers, from its AppConfig.ready, which of its objects a user may see and what they may
# do to one, next to the rules those read. Callers ask here (`visible_q`, `can`), never the app's
# rule directly, so a list, a count, a summary and a detail page cannot disagree.


@dataclass(frozen=True)
class _Kind:
    visible_q: Callable[..., Q]
    actions: dict[str, Callable[[object, object], bool]]


_KINDS: dict[type, _Kind] = {}


def register_kind(
    model: type,
    *,
    visible_q: Callable[..., Q],
    actions: dict[str, Callable[[object, object], bool]] | None = None,
) -> None:
    """`visible_q(user, *, prefix="") -> Q` filters the objects of `model` a user may see (`prefix`
    leads from a queried model to it); `actions[name](user, obj) -> bool` answers `can`."""
    _KINDS[model] = _Kind(visible_q=visible_q, actions=dict(actions or {}))


def visible_q(user, model: type, prefix: str = "") -> Q:
    """Filter for the objects of `model` that `user` may see."""
    return _KINDS[model].visible_q(user, prefix=prefix)


# --- Allowed actions ----------------------------------------------------------------------------
# "What may this user do to this object now?" for pages (which buttons) and the API
# (`allowed_actions`). Each kind of object registers the one function that answers, next to
# the rules it reads (change notices in sectors, tasks in program_cycle's workflow table).

_ACTION_SOURCES: dict[type, Callable[[object, object], list[str]]] = {}


def actions_source(model: type):
    """Register `fn(user, obj) -> list[str]` as the answer for objects of `model`."""

    def register(fn):
        _ACTION_SOURCES[model] = fn
        return fn

    return register


def allowed_actions(user, obj) -> list[str]:
    for model in type(obj).__mro__:
        if model in _ACTION_SOURCES:
            return sorted(_ACTION_SOURCES[model](user, obj))
    raise TypeError(f"No actions are registered for {type(obj).__name__}.")
