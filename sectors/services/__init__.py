"""Every write to the coordination structure.

Each service checks the policy, validates, writes through `save_audited` (who and why for the
audit trail) and schedules notifications after commit. Views, the API, commands and tasks all
come through here.

History reasons are fixed English msgids (`N_`, gettext_noop): stored as written, translated
where the history is shown, so each reader sees them in their own language. A reason typed by
a person is stored and shown as typed.

The package splits along the seams of the pages: `roles`, `structure` (organizations,
sectors, designations, partners), `notices` (change notices) and `terms` (term ends and
their reminders). The public names, and the helpers that other code and tests call, are
re-exported here, so `from sectors.services import X` and `sectors.services.X` keep working.
"""

from .contacts import co_coordinator_contacts_published, co_coordinator_contacts_update
from .notices import (
    DECIDED,
    NOTICE_DECISIONS,
    change_notice_acknowledge,
    change_notice_actions,
    change_notice_apply,
    change_notice_decline,
    change_notice_file,
    change_notice_problems,
)
from .roles import (
    _regional_team,
    _role_grant,
    _role_revoke,
    person_role_grant,
    role_grant,
    role_revoke,
)
from .structure import (
    co_coordinator_designate,
    co_coordinator_designate_by_email,
    co_coordinator_end,
    co_lead_designate,
    co_lead_end,
    organization_create,
    organization_update,
    partner_add,
    partner_remove,
    platform_sector_activate,
    platform_sector_deactivate,
    platform_sector_update_page,
    selection_procedure_update,
)
from .terms import CO_COORDINATOR_ROLE_END, term_endings_schedule

__all__ = [
    "CO_COORDINATOR_ROLE_END",
    "DECIDED",
    "NOTICE_DECISIONS",
    "_regional_team",
    "_role_grant",
    "_role_revoke",
    "change_notice_acknowledge",
    "change_notice_actions",
    "change_notice_apply",
    "change_notice_decline",
    "change_notice_file",
    "change_notice_problems",
    "co_coordinator_contacts_published",
    "co_coordinator_contacts_update",
    "co_coordinator_designate",
    "co_coordinator_designate_by_email",
    "co_coordinator_end",
    "co_lead_designate",
    "co_lead_end",
    "organization_create",
    "organization_update",
    "partner_add",
    "partner_remove",
    "person_role_grant",
    "platform_sector_activate",
    "platform_sector_deactivate",
    "platform_sector_update_page",
    "role_grant",
    "role_revoke",
    "selection_procedure_update",
    "term_endings_schedule",
]
