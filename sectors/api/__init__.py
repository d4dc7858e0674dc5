"""REST API of the coordination structure: public reads, and writes that each call one service.

Reads show what the public pages show, to anyone. Writes need a logged-in user (token or
session); each validates a small input serializer for types and lengths, then calls one
service from `sectors.services`, which checks the policy (NotAllowed -> 403) and the rules
(ValidationError -> 400 naming the field). Objects are looked up through the policy's
querysets, so one outside the user's scope answers 404, as if it did not exist.

The package splits by what the viewsets serve: `reads` (the public catalogue, the sectors on
platforms, organizations), `designations` (co-leads, co-coordinators, partners) and `notices`
(change notices); the helpers they share (paging, input, one transaction per write) are in
`shared`. `register_routes` puts them all on the router.
"""

from .designations import CoCoordinatorViewSet, CoLeadViewSet, PartnerViewSet
from .notices import ChangeNoticeViewSet
from .reads import (
    CountryViewSet,
    OrganizationViewSet,
    PlatformSectorViewSet,
    PlatformViewSet,
    SectorViewSet,
)


def register_routes(router) -> None:
    """The structure's endpoints on the one API router (called from SectorsConfig.ready)."""
    router.register("countries", CountryViewSet, basename="country")
    router.register("platforms", PlatformViewSet, basename="platform")
    router.register("sectors", SectorViewSet, basename="sector")
    router.register("platform-sectors", PlatformSectorViewSet, basename="platform-sector")
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register("co-leads", CoLeadViewSet, basename="co-lead")
    router.register("co-coordinators", CoCoordinatorViewSet, basename="co-coordinator")
    router.register("partners", PartnerViewSet, basename="partner")
    router.register("change-notices", ChangeNoticeViewSet, basename="change-notice")
