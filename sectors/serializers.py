"""API shapes of the coordination structure: read serializers and small input serializers.

Read serializers show what the public pages show. None of them names a person's login e-mail:
a co-coordinator is published with the contact e-mail and phone of the designation.

Input serializers check types and lengths only; every rule (who may, which dates, which
organization) lives in `sectors.services`, which the viewsets call with the validated data.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from r4v.api_errors import ErrorSerializer  # noqa: F401  (r4v.api documents the token view with it)
from r4v.api_fields import ChoiceField, DateField, IdRelatedField, TextField
from r4v.models import User

from . import policy
from .models import (
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
from .services import NOTICE_DECISIONS

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
        fields = ["id", "name", "acronym", "kind", "website", "is_active", "page_url"]
        read_only_fields = fields


class PlatformSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    countries = CountryBriefSerializer(many=True, read_only=True)
    co_leads = OrganizationBriefSerializer(many=True, read_only=True)
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Platform
        fields = ["code", "kind", "name", "name_en", "name_es", "countries", "co_leads", "page_url"]


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
    procedure = serializers.CharField(source="selection_procedure", read_only=True)
    interval_months = serializers.IntegerField(
        source="selection_interval_months", read_only=True, allow_null=True
    )
    next_selection_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = PlatformSector
        fields = ["procedure", "interval_months", "last_selection_on", "next_selection_on"]


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


# --- Input: built from r4v.api_fields, which refuses what the database or a rule cannot use --


def _reason() -> TextField:
    # The audit trail keeps a reason whole; a bound keeps it a sentence or two.
    return TextField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why, for the audit trail."),
    )


class _VisiblePlatformSectorField(IdRelatedField):
    """A sector on a platform the requesting user can see; others read as unknown ids."""

    def get_queryset(self):
        return self.context["platform_sectors"]


class OrganizationCreateInput(serializers.Serializer):
    name = TextField(max_length=200)
    acronym = TextField(max_length=30, required=False, allow_blank=True, default="")
    kind = ChoiceField(choices=Organization.Kind.choices)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")


class OrganizationUpdateInput(serializers.Serializer):
    name = TextField(max_length=200, required=False)
    acronym = TextField(max_length=30, required=False, allow_blank=True)
    kind = ChoiceField(choices=Organization.Kind.choices, required=False)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    reason = _reason()


class PlatformSectorActivateInput(serializers.Serializer):
    platform = serializers.SlugRelatedField(slug_field="code", queryset=Platform.objects.all())
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all())
    reason = _reason()


class ReasonInput(serializers.Serializer):
    reason = _reason()


class PlatformSectorPageInput(serializers.Serializer):
    purpose = TextField(max_length=4000, allow_blank=True, required=False)
    reason = _reason()


class SelectionProcedureInput(serializers.Serializer):
    procedure = TextField(max_length=8000, allow_blank=True)
    # The column is a small integer; ten years is already longer than any mandate.
    interval_months = serializers.IntegerField(min_value=1, max_value=120, allow_null=True)
    last_selection_on = DateField(allow_null=True)
    reason = _reason()


class CoLeadDesignateInput(serializers.Serializer):
    platform_sector = _VisiblePlatformSectorField()
    organization = IdRelatedField(queryset=Organization.objects.all())
    term_start = DateField()
    term_end = DateField(required=False, allow_null=True, default=None)
    reason = _reason()


class DesignationEndInput(serializers.Serializer):
    ended_on = DateField(required=False, help_text=_("Today if not given."))
    reason = _reason()


class CoCoordinatorDesignateInput(serializers.Serializer):
    platform_sector = _VisiblePlatformSectorField()
    organization = IdRelatedField(
        queryset=Organization.objects.all(),
        help_text=_("The co-lead organization designating the person."),
    )
    person_email = serializers.EmailField(help_text=_("Login e-mail; never published."))
    person_full_name = TextField(max_length=150)
    contact_email = serializers.EmailField(help_text=_("Published on the sector page."))
    contact_phone = TextField(max_length=40, required=False, allow_blank=True, default="")
    term_start = DateField()
    term_end = DateField(required=False, allow_null=True, default=None)
    reason = _reason()


class PartnerAddInput(serializers.Serializer):
    platform_sector = _VisiblePlatformSectorField()
    organization = IdRelatedField(queryset=Organization.objects.all())
    joined_on = DateField(required=False, allow_null=True, default=None)


class PartnerRemoveInput(serializers.Serializer):
    left_on = DateField(required=False, allow_null=True, default=None)


class ChangeNoticeFileInput(serializers.Serializer):
    co_lead = IdRelatedField(queryset=CoLeadDesignation.objects.all())
    kind = ChoiceField(choices=ChangeNotice.Kind.choices)
    effective_on = DateField()
    reason = TextField(max_length=4000)
    outgoing = IdRelatedField(
        queryset=CoCoordinatorDesignation.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    incoming_name = TextField(max_length=150, required=False, allow_blank=True, default="")
    incoming_email = serializers.EmailField(required=False, allow_blank=True)
    incoming_phone = TextField(max_length=40, required=False, allow_blank=True, default="")
    incoming_gender = ChoiceField(
        choices=User.Gender.choices, required=False, allow_blank=True, default=""
    )
    incoming_speaks_spanish = serializers.BooleanField(required=False, default=False)
    incoming_speaks_english = serializers.BooleanField(required=False, default=False)


class ChangeNoticeDecisionInput(serializers.Serializer):
    comment = TextField(max_length=4000, required=False, allow_blank=True, default="")
