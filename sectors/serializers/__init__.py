"""API shapes of the coordination structure: read serializers and small input serializers.

Read serializers show what the public pages show. None of them names a person's login e-mail:
a co-coordinator is published with the contact e-mail and phone of the designation.

Input serializers check types and lengths only; every rule (who may, which dates, which
organization) lives in `sectors.services`, which the viewsets call with the validated data.
"""

from .inputs import (  # noqa: F401
    ChangeNoticeDecisionInput,
    ChangeNoticeFileInput,
    CoCoordinatorDesignateInput,
    CoLeadDesignateInput,
    DesignationEndInput,
    OrganizationCreateInput,
    OrganizationUpdateInput,
    PartnerAddInput,
    PartnerRemoveInput,
    PlatformSectorActivateInput,
    PlatformSectorPageInput,
    ReasonInput,
    SelectionProcedureInput,
)
from .reads import (  # noqa: F401
    ChangeNoticeSerializer,
    CoCoordinatorBriefSerializer,
    CoCoordinatorPublicSerializer,
    CoCoordinatorSerializer,
    CoLeadPublicSerializer,
    CoLeadSerializer,
    CountryBriefSerializer,
    CountrySerializer,
    OrganizationBriefSerializer,
    OrganizationSerializer,
    PartnerPublicSerializer,
    PartnerSerializer,
    PersonBriefSerializer,
    PlatformBriefSerializer,
    PlatformSectorRefSerializer,
    PlatformSectorSerializer,
    PlatformSerializer,
    SectorBriefSerializer,
    SectorSerializer,
    SelectionProcedureSerializer,
    SubSectorSerializer,
)
from .rows import (  # noqa: F401
    CountryRows,
    OrganizationRows,
    PlatformRows,
    PlatformSectorRows,
    SectorRows,
)
