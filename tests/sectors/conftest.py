"""What the API write tests share: the before/after snapshot, a request as a persona, and
the objects and request bodies several of them start from."""

import datetime

from guardian.models import UserObjectPermission

from r4v.models import ApiToken, Notification, User
from sectors.models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    PlatformSector,
    PlatformSectorUserObjectPermission,
    RoleAssignment,
)

from ..conftest import api_for
from ..factories import CoLeadFactory

AUDITED = [
    Organization,
    PlatformSector,
    CoLeadDesignation,
    CoCoordinatorDesignation,
    PartnerMembership,
    ChangeNotice,
    RoleAssignment,
    User,
]


def snapshot() -> dict[str, int]:
    """Row counts and audit-trail counts: every write through a service adds a history row."""
    counts = {}
    for model in AUDITED:
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    counts["Notification"] = Notification.objects.count()
    counts["ApiToken"] = ApiToken.objects.count()
    counts["sector permissions"] = PlatformSectorUserObjectPermission.objects.count()
    counts["generic permissions"] = UserObjectPermission.objects.count()
    return counts


def send(user, method: str, url: str, body=None):
    return getattr(api_for(user), method)(url, body, format="json")


def filed_notice(world, personas, **fields) -> ChangeNotice:
    values = {
        "kind": ChangeNotice.Kind.CO_LEAD_STEPPING_DOWN,
        "co_lead": world.ngo_health,
        "effective_on": datetime.date(2026, 6, 1),
        "reason": "Funding ends.",
        "filed_by": personas["focal_point"],
    }
    return ChangeNotice.objects.create(**(values | fields))


def co_lead_on_colombia(world) -> CoLeadDesignation:
    """IOM as co-lead of Colombia Health (created the first time)."""
    existing = world.colombia_health.co_leads.filter(organization=world.iom).first()
    return existing or CoLeadFactory(platform_sector=world.colombia_health, organization=world.iom)


def co_lead_body(world, **changes):
    return {
        "platform_sector": world.colombia_health.pk,
        "organization": world.iom.pk,
        "term_start": "2026-02-01",
    } | changes


def co_coordinator_body(world, **changes):
    return {
        "platform_sector": world.regional_health.pk,
        "organization": world.unhcr.pk,
        "person_email": "new@unhcr.example",
        "person_full_name": "Nueva Persona",
        "contact_email": "contact@unhcr.example",
        "term_start": "2026-02-01",
    } | changes
