"""The R4V coordination structure (seed 000): who coordinates what, where, and since when.

The package splits along the domain's seams: `structure` (countries, platforms, the sector
catalogue, organizations, platform sectors), `designations` (co-leads, co-coordinators and
partners, with their terms), `change_notices`, and `roles` (role assignments and the
object-permission tables behind `sectors.policy`). Every model is re-exported here, so
`from sectors.models import X` keeps working.
"""

from .change_notices import ChangeNotice
from .designations import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    DesignationQuerySet,
    PartnerMembership,
    PartnerQuerySet,
    Term,
    in_force_q,
)
from .roles import (
    RoleAssignment,
)
from .structure import (
    BilingualName,
    Country,
    Organization,
    Platform,
    PlatformSector,
    Sector,
    bilingual,
)

__all__ = [
    "BilingualName",
    "bilingual",
    "ChangeNotice",
    "CoCoordinatorDesignation",
    "CoLeadDesignation",
    "Country",
    "DesignationQuerySet",
    "Organization",
    "PartnerMembership",
    "PartnerQuerySet",
    "Platform",
    "PlatformSector",
    "RoleAssignment",
    "Sector",
    "Term",
    "in_force_q",
]
