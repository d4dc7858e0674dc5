"""Who may do what: the one policy.

`can(user, action, obj)` answers for one object; `platform_sector_q(user, action)` answers
"which sectors" as a queryset filter, so lists, counts and exports never disagree with detail
pages. Both read the same `Scope`, which is built from the user's active role assignments
(`RoleAssignment`: platforms, sectors on platforms, organizations), granted and revoked only
by `sectors.services.role_grant` / `role_revoke` and by the designations that imply a role.
There is no second copy of them (no object-permission rows) to fall out of step.

Program-cycle submissions, meetings and figures derive their access from their sector or
platform through `platform_sector_q`; there are no per-record permission rows.

The package has two halves: `access` (the scope, `can` / `require`, the queryset filters and
the `allowed_actions` registry) and `parties` (the seed's parties with `holders` / `holds`, and
`where_of`). `access` reads `parties`, never the other way. Every name is re-exported here, so
`from sectors.policy import X` and `policy.X` keep working.

Decisions:
- The Regional Platform team is one thing: the active holders of the Regional Platform team
  role (`holders(Party.REGIONAL_PLATFORM)`). It has the rights (`Scope.is_regional`) and it
  gets the notices (change notices filed, terms ending). The platform-team role is refused on
  the Regional Platform, so no one has the rights without the notices.
- Administrators (superusers) may do everything the team may (`Scope.is_regional`), but they
  are not "the team": notices addressed to the Regional Platform do not go to them, and a
  clearance step that needs the Regional Platform is not done by an administrator's role
  alone. An administrator who works for the team holds the team role as well.
- Partner staff and co-lead focal points take part in a sector without running it: they see
  its internal pages read-only (`Action.VIEW_SECTOR_INTERNAL`) while their organization is a
  partner (by its join/leave dates) or a current co-lead there. Meetings and tasks of a
  sector will ask the same question.
- Roles: `ROLE_GIVERS` says who grants and revokes each one; the services keep at least
  one administrator and refuse revoking one's own last role.
"""

from .access import (
    _ACTION_SOURCES,
    ANONYMOUS,
    ROLE_GIVERS,
    Action,
    Role,
    Scope,
    actions_source,
    allowed_actions,
    can,
    change_notice_q,
    forget_scope,
    platform_sector_q,
    register_kind,
    require,
    scope_of,
    visible_q,
)
from .parties import Party, Where, focal_points_by_organization, holders, holds, where_of

__all__ = [
    "ANONYMOUS",
    "ROLE_GIVERS",
    "_ACTION_SOURCES",
    "Action",
    "Party",
    "Role",
    "Scope",
    "Where",
    "actions_source",
    "allowed_actions",
    "can",
    "change_notice_q",
    "focal_points_by_organization",
    "forget_scope",
    "holders",
    "holds",
    "platform_sector_q",
    "register_kind",
    "require",
    "scope_of",
    "visible_q",
    "where_of",
]
