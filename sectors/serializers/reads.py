"""Read serializers: what the public pages show, never a person's login e-mail."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from r4v.models import User

from .. import policy
from ..models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Country,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    Sector,
)
from ..services import NOTICE_DECISIONS

# --- Read shapes ----------------------------------------------------------------------------


class CountryBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Country
        fields = ["iso_code", "name"]


class CountrySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Country
        fields = ["iso_code", "name", "name_en", "name_es", "time_zone"]


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "acronym", "kind"]


class OrganizationSerializer(serializers.ModelSerializer):
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    # Not a URLField: an organization without a website has "", which is no URI.
    website = serializers.CharField(read_only=True, help_text=_("A URL, or empty."))

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "acronym",
            "name_es",
            "acronym_es",
            "kind",
            "website",
            "is_active",
            "page_url",
        ]
        read_only_fields = fields


def _shown_text(**kwargs):
    # The rule is sectors.languages.shown, which the flat row builders below call too.
    return serializers.CharField(
        read_only=True,
        help_text=_(
            "In the language of the request (Accept-Language), or in the other language "
            "when not yet written in it."
        ),
        **kwargs,
    )


class PlatformSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    countries = CountryBriefSerializer(many=True, read_only=True)
    co_leads = OrganizationBriefSerializer(many=True, read_only=True)
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    description = _shown_text()

    class Meta:
        model = Platform
        fields = [
            "code",
            "kind",
            "name",
            "name_en",
            "name_es",
            "description",
            "description_en",
            "description_es",
            "countries",
            "co_leads",
            "page_url",
        ]


class SectorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    sub_sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    platforms = serializers.SerializerMethodField(
        help_text=_("Codes of the platforms where it is active.")
    )

    class Meta:
        model = Sector
        fields = [
            "code",
            "kind",
            "name",
            "name_en",
            "name_es",
            "position",
            "parent",
            "sub_sectors",
            "platforms",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_platforms(self, sector: Sector) -> list[str]:
        return [ps.platform.code for ps in sector.active_platform_sectors]


class PlatformBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Platform
        fields = ["code", "kind", "name"]


class SectorBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Sector
        fields = ["code", "kind", "name", "parent"]


class PlatformSectorRefSerializer(serializers.ModelSerializer):
    """A sector on a platform, named: enough to find it again."""

    platform = serializers.CharField(source="platform.code", read_only=True)
    sector = serializers.CharField(source="sector.code", read_only=True)
    title = serializers.CharField(read_only=True)

    class Meta:
        model = PlatformSector
        fields = ["id", "platform", "sector", "title"]


class CoLeadPublicSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)

    class Meta:
        model = CoLeadDesignation
        fields = ["id", "organization", "term_start", "term_end"]


class CoCoordinatorPublicSerializer(serializers.ModelSerializer):
    """A co-coordinator as published: name and the designation's contacts, never the login."""

    full_name = serializers.CharField(source="person.full_name", read_only=True)
    organization = OrganizationBriefSerializer(source="co_lead.organization", read_only=True)

    class Meta:
        model = CoCoordinatorDesignation
        fields = [
            "id",
            "full_name",
            "organization",
            "contact_email",
            "contact_phone",
            "term_start",
            "term_end",
        ]


class PartnerPublicSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)

    class Meta:
        model = PartnerMembership
        fields = ["id", "organization", "joined_on"]


class SubSectorSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="sector.code", read_only=True)
    name = serializers.CharField(source="sector.name", read_only=True)

    class Meta:
        model = PlatformSector
        fields = ["id", "code", "name"]


class SelectionProcedureSerializer(serializers.ModelSerializer):
    procedure = _shown_text(source="selection_procedure")
    procedure_en = serializers.CharField(source="selection_procedure_en", read_only=True)
    procedure_es = serializers.CharField(source="selection_procedure_es", read_only=True)
    interval_months = serializers.IntegerField(
        source="selection_interval_months", read_only=True, allow_null=True
    )
    next_selection_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = PlatformSector
        fields = [
            "procedure",
            "procedure_en",
            "procedure_es",
            "interval_months",
            "last_selection_on",
            "next_selection_on",
        ]


class PlatformSectorSerializer(serializers.ModelSerializer):
    """A sector on a platform as its public page shows it.

    Reads the attributes set by `selectors.platform_sector_public` and `attach_sub_sectors`.
    """

    platform = PlatformBriefSerializer(read_only=True)
    sector = SectorBriefSerializer(read_only=True)
    title = serializers.CharField(read_only=True)
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    co_leads = CoLeadPublicSerializer(source="current_co_leads", many=True, read_only=True)
    co_coordinators = serializers.SerializerMethodField()
    partners = PartnerPublicSerializer(source="current_partners", many=True, read_only=True)
    sub_sectors = SubSectorSerializer(source="active_sub_sectors", many=True, read_only=True)
    purpose = _shown_text()
    selection_procedure = SelectionProcedureSerializer(source="*", read_only=True)

    class Meta:
        model = PlatformSector
        fields = [
            "id",
            "platform",
            "sector",
            "title",
            "is_active",
            "purpose",
            "purpose_en",
            "purpose_es",
            "page_url",
            "co_leads",
            "co_coordinators",
            "partners",
            "sub_sectors",
            "selection_procedure",
        ]

    @extend_schema_field(CoCoordinatorPublicSerializer(many=True))
    def get_co_coordinators(self, ps: PlatformSector) -> list[dict]:
        designations = [c for co_lead in ps.current_co_leads for c in co_lead.co_coordinators.all()]
        return CoCoordinatorPublicSerializer(designations, many=True, context=self.context).data


class PersonBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name"]


class CoLeadSerializer(serializers.ModelSerializer):
    platform_sector = PlatformSectorRefSerializer(read_only=True)
    organization = OrganizationBriefSerializer(read_only=True)

    class Meta:
        model = CoLeadDesignation
        fields = ["id", "platform_sector", "organization", "term_start", "term_end", "ended_on"]
        read_only_fields = fields


class CoCoordinatorSerializer(serializers.ModelSerializer):
    platform_sector = PlatformSectorRefSerializer(source="co_lead.platform_sector", read_only=True)
    organization = OrganizationBriefSerializer(source="co_lead.organization", read_only=True)
    person = PersonBriefSerializer(read_only=True)

    class Meta:
        model = CoCoordinatorDesignation
        fields = [
            "id",
            "co_lead",
            "platform_sector",
            "organization",
            "person",
            "contact_email",
            "contact_phone",
            "term_start",
            "term_end",
            "ended_on",
        ]
        read_only_fields = fields


class PartnerSerializer(serializers.ModelSerializer):
    platform_sector = PlatformSectorRefSerializer(read_only=True)
    organization = OrganizationBriefSerializer(read_only=True)

    class Meta:
        model = PartnerMembership
        fields = ["id", "platform_sector", "organization", "joined_on", "left_on"]
        read_only_fields = fields


class CoCoordinatorBriefSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = CoCoordinatorDesignation
        fields = ["id", "full_name", "contact_email"]


class ChangeNoticeSerializer(serializers.ModelSerializer):
    co_lead = CoLeadSerializer(read_only=True)
    outgoing = CoCoordinatorBriefSerializer(read_only=True, allow_null=True)
    filed_by = PersonBriefSerializer(read_only=True)
    decided_by = PersonBriefSerializer(read_only=True, allow_null=True)
    # A stepping-down notice names no incoming person: these are "" there, no e-mail or gender.
    incoming_email = serializers.CharField(read_only=True, help_text=_("An e-mail, or empty."))
    incoming_gender = serializers.ChoiceField(
        choices=User.Gender.choices, allow_blank=True, read_only=True
    )
    allowed_actions = serializers.SerializerMethodField(
        help_text=_("The decisions you may take on this notice now (POST to each one's URL).")
    )

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(NOTICE_DECISIONS)))
    )
    def get_allowed_actions(self, notice: ChangeNotice) -> list[str]:
        return policy.allowed_actions(self.context["request"].user, notice)

    class Meta:
        model = ChangeNotice
        fields = [
            "id",
            "kind",
            "status",
            "co_lead",
            "effective_on",
            "reason",
            "outgoing",
            "incoming_name",
            "incoming_email",
            "incoming_phone",
            "incoming_gender",
            "incoming_speaks_spanish",
            "incoming_speaks_english",
            "filed_by",
            "filed_at",
            "decided_by",
            "decision_comment",
            "allowed_actions",
        ]
        read_only_fields = fields
