"""API shapes of the coordination structure: read serializers and small input serializers.

Read serializers show what the public pages show. None of them names a person's login e-mail:
a co-coordinator is published with the contact e-mail and phone of the designation.

Input serializers check types and lengths only; every rule (who may, which dates, which
organization) lives in `sectors.services`, which the viewsets call with the validated data.
"""

from types import SimpleNamespace

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from r4v.api_errors import ErrorSerializer  # noqa: F401  (r4v.api documents the token view with it)
from r4v.api_fields import ChoiceField, DateField, IdRelatedField, TextField
from r4v.models import User

from . import policy
from .languages import shown, versions_of
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
    name_es = TextField(max_length=200, required=False, allow_blank=True, default="")
    acronym_es = TextField(max_length=30, required=False, allow_blank=True, default="")
    kind = ChoiceField(choices=Organization.Kind.choices)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")


class OrganizationUpdateInput(serializers.Serializer):
    name = TextField(max_length=200, required=False)
    acronym = TextField(max_length=30, required=False, allow_blank=True)
    name_es = TextField(max_length=200, required=False, allow_blank=True)
    acronym_es = TextField(max_length=30, required=False, allow_blank=True)
    kind = ChoiceField(choices=Organization.Kind.choices, required=False)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    reason = _reason()


class PlatformSectorActivateInput(serializers.Serializer):
    platform = serializers.SlugRelatedField(slug_field="code", queryset=Platform.objects.all())
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all())
    reason = _reason()


class ReasonInput(serializers.Serializer):
    reason = _reason()


class _PerLanguageInput(serializers.Serializer):
    """Texts kept per language take `<text>_en` and `<text>_es`; a version not sent stays as
    stored. The single field of earlier clients is refused by name rather than ignored, so
    such a write cannot answer 200 and change nothing."""

    per_language: tuple[str, ...] = ()

    def validate(self, attrs):
        sent = [name for name in self.per_language if name in self.initial_data]
        if sent:
            raise serializers.ValidationError(
                {
                    name: _("Texts are kept per language: send %(fields)s.")
                    % {"fields": f"{name}_en, {name}_es"}
                    for name in sent
                }
            )
        return attrs


_VERSION_HELP = {
    "en": _("The English version; kept as it is if not sent."),
    "es": _("The Spanish version; kept as it is if not sent."),
}


def _text_version(max_length: int, language: str) -> TextField:
    return TextField(
        max_length=max_length, allow_blank=True, required=False, help_text=_VERSION_HELP[language]
    )


class PlatformSectorPageInput(_PerLanguageInput):
    per_language = ("purpose",)

    purpose_en = _text_version(4000, "en")
    purpose_es = _text_version(4000, "es")
    reason = _reason()


class SelectionProcedureInput(_PerLanguageInput):
    per_language = ("procedure",)

    procedure_en = _text_version(8000, "en")
    procedure_es = _text_version(8000, "es")
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


# --- Flat reads for the public lists ----------------------------------------------------------
#
# The lists above, built from `.values()` rows: one query for the page, one per relation, and
# no serializer instance per row. Nested ModelSerializers cost a serializer tree per row,
# which made the sector-data pull six times slower than the same rows written by hand. Each
# builder returns exactly what its serializer above returns (tests/sectors/test_api_lean.py
# compares the two), so the serializers stay the schema and the shape of single reads.


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def _grouped(rows, key: str | tuple[str, ...]) -> dict:
    """Rows by `key` (a field, or a tuple of fields), in the order the query returned them."""
    grouped: dict = {}
    for row in rows:
        value = tuple(row[k] for k in key) if isinstance(key, tuple) else row[key]
        grouped.setdefault(value, []).append(row)
    return grouped


def _url_pattern(name: str, *kwargs: str):
    """`reverse` once per page, then string formatting per row (slugs and ids need no escaping).

    The stand-ins are digits, which every converter here (slug, int) accepts.
    """
    sentinels = {kwarg: f"{i}4242424242{i}" for i, kwarg in enumerate(kwargs, 1)}
    pattern = reverse(name, kwargs=sentinels).replace("{", "{{").replace("}", "}}")
    for kwarg, sentinel in sentinels.items():
        pattern = pattern.replace(sentinel, "{" + kwarg + "}")
    return pattern.format


def _namer():
    suffix = "name_es" if translation.get_language() == "es" else "name_en"
    return lambda row, prefix="": row[prefix + suffix]


def _organization(row: dict, prefix: str = "organization__") -> dict:
    return {
        "id": row[prefix + "id"],
        "name": row[prefix + "name"],
        "acronym": row[prefix + "acronym"],
        "kind": row[prefix + "kind"],
    }


_ORGANIZATION = ("organization__id", "organization__name", "organization__acronym")


class CountryRows:
    fields = ("iso_code", "name_en", "name_es", "time_zone")

    @staticmethod
    def build(page: list[dict]) -> list[dict]:
        name = _namer()
        return [
            {
                "iso_code": row["iso_code"],
                "name": name(row),
                "name_en": row["name_en"],
                "name_es": row["name_es"],
                "time_zone": row["time_zone"],
            }
            for row in page
        ]


class OrganizationRows:
    fields = ("id", "name", "acronym", "name_es", "acronym_es", "kind", "website", "is_active")

    @staticmethod
    def build(page: list[dict]) -> list[dict]:
        url = _url_pattern("sectors:organization-detail", "pk")
        for row in page:
            row["page_url"] = url(pk=row["id"])
        return page


class PlatformRows:
    fields = ("id", "code", "kind", "name_en", "name_es", "description_en", "description_es")

    @staticmethod
    def build(page: list[dict]) -> list[dict]:
        name = _namer()
        ids = [row["id"] for row in page]
        countries = _grouped(
            Platform.countries.through.objects.filter(platform_id__in=ids)
            .order_by("country__name_en")
            .values("platform_id", "country__iso_code", "country__name_en", "country__name_es"),
            "platform_id",
        )
        co_leads = _grouped(
            Platform.co_leads.through.objects.filter(platform_id__in=ids)
            .order_by("organization__name")
            .values("platform_id", *_ORGANIZATION, "organization__kind"),
            "platform_id",
        )
        url = _url_pattern("sectors:platform-detail", "code")
        return [
            {
                "code": row["code"],
                "kind": row["kind"],
                "name": name(row),
                "name_en": row["name_en"],
                "name_es": row["name_es"],
                "description": str(shown(versions_of(row, "description"))),
                "description_en": row["description_en"],
                "description_es": row["description_es"],
                "countries": [
                    {"iso_code": c["country__iso_code"], "name": name(c, "country__")}
                    for c in countries.get(row["id"], ())
                ],
                "co_leads": [_organization(o) for o in co_leads.get(row["id"], ())],
                "page_url": url(code=row["code"]),
            }
            for row in page
        ]


class SectorRows:
    fields = ("id", "code", "kind", "name_en", "name_es", "position", "parent__code")

    @staticmethod
    def build(page: list[dict]) -> list[dict]:
        name = _namer()
        ids = [row["id"] for row in page]
        children = _grouped(
            Sector.objects.filter(parent_id__in=ids).values("parent_id", "code"), "parent_id"
        )
        platforms = _grouped(
            PlatformSector.objects.filter(is_active=True, sector_id__in=ids).values(
                "sector_id", "platform__code"
            ),
            "sector_id",
        )
        return [
            {
                "code": row["code"],
                "kind": row["kind"],
                "name": name(row),
                "name_en": row["name_en"],
                "name_es": row["name_es"],
                "position": row["position"],
                "parent": row["parent__code"],
                "sub_sectors": [c["code"] for c in children.get(row["id"], ())],
                "platforms": [p["platform__code"] for p in platforms.get(row["id"], ())],
            }
            for row in page
        ]


class PlatformSectorRows:
    fields = (
        "id",
        "platform_id",
        "sector_id",
        "platform__code",
        "platform__kind",
        "platform__name_en",
        "platform__name_es",
        "sector__code",
        "sector__kind",
        "sector__name_en",
        "sector__name_es",
        "sector__parent__code",
        "is_active",
        "purpose_en",
        "purpose_es",
        "selection_procedure_en",
        "selection_procedure_es",
        "selection_interval_months",
        "last_selection_on",
    )

    @staticmethod
    def build(page: list[dict]) -> list[dict]:
        name = _namer()
        ids = [row["id"] for row in page]
        co_lead_rows = list(
            CoLeadDesignation.objects.current()
            .filter(platform_sector_id__in=ids)
            .values(
                "id",
                "platform_sector_id",
                *_ORGANIZATION,
                "organization__kind",
                "term_start",
                "term_end",
            )
        )
        co_leads = _grouped(co_lead_rows, "platform_sector_id")
        coordinators = _grouped(
            CoCoordinatorDesignation.objects.current()
            .filter(co_lead_id__in=[c["id"] for c in co_lead_rows])
            .values(
                "id",
                "co_lead_id",
                "person__full_name",
                "contact_email",
                "contact_phone",
                "term_start",
                "term_end",
            ),
            "co_lead_id",
        )
        partners = _grouped(
            PartnerMembership.objects.filter(platform_sector_id__in=ids, left_on__isnull=True)
            .values("id", "platform_sector_id", *_ORGANIZATION, "organization__kind", "joined_on")
            .order_by("platform_sector", "organization__name"),
            "platform_sector_id",
        )
        # Active sub-sectors on the same platform (selectors.attach_sub_sectors, as rows).
        sub_sectors = _grouped(
            PlatformSector.objects.filter(
                is_active=True,
                platform_id__in={row["platform_id"] for row in page},
                sector__parent_id__in={row["sector_id"] for row in page},
            ).values("id", "platform_id", "sector__parent_id", "sector__code", *_SECTOR_NAMES),
            ("platform_id", "sector__parent_id"),
        )
        url = _url_pattern("sectors:sector-page", "platform", "sector")
        results = []
        for row in page:
            platform_name = name(row, "platform__")
            sector_name = name(row, "sector__")
            leads = co_leads.get(row["id"], ())
            results.append(
                {
                    "id": row["id"],
                    "platform": {
                        "code": row["platform__code"],
                        "kind": row["platform__kind"],
                        "name": platform_name,
                    },
                    "sector": {
                        "code": row["sector__code"],
                        "kind": row["sector__kind"],
                        "name": sector_name,
                        "parent": row["sector__parent__code"],
                    },
                    "title": f"{sector_name} · {platform_name}",
                    "is_active": row["is_active"],
                    "purpose": str(shown(versions_of(row, "purpose"))),
                    "purpose_en": row["purpose_en"],
                    "purpose_es": row["purpose_es"],
                    "page_url": url(platform=row["platform__code"], sector=row["sector__code"]),
                    "co_leads": [
                        {
                            "id": lead["id"],
                            "organization": _organization(lead),
                            "term_start": _iso(lead["term_start"]),
                            "term_end": _iso(lead["term_end"]),
                        }
                        for lead in leads
                    ],
                    "co_coordinators": [
                        {
                            "id": c["id"],
                            "full_name": c["person__full_name"],
                            "organization": _organization(lead),
                            "contact_email": c["contact_email"],
                            "contact_phone": c["contact_phone"],
                            "term_start": _iso(c["term_start"]),
                            "term_end": _iso(c["term_end"]),
                        }
                        for lead in leads
                        for c in coordinators.get(lead["id"], ())
                    ],
                    "partners": [
                        {
                            "id": p["id"],
                            "organization": _organization(p),
                            "joined_on": _iso(p["joined_on"]),
                        }
                        for p in partners.get(row["id"], ())
                    ],
                    "sub_sectors": [
                        {"id": s["id"], "code": s["sector__code"], "name": name(s, "sector__")}
                        for s in sub_sectors.get((row["platform_id"], row["sector_id"]), ())
                    ],
                    "selection_procedure": {
                        "procedure": str(shown(versions_of(row, "selection_procedure"))),
                        "procedure_en": row["selection_procedure_en"],
                        "procedure_es": row["selection_procedure_es"],
                        "interval_months": row["selection_interval_months"],
                        "last_selection_on": _iso(row["last_selection_on"]),
                        "next_selection_on": _iso(_next_selection_on(row)),
                    },
                }
            )
        return results


_SECTOR_NAMES = ("sector__name_en", "sector__name_es")


def _next_selection_on(row: dict):
    # The model's rule, on the row's two fields (one home for the date arithmetic).
    if row["last_selection_on"] is None:
        return None
    return PlatformSector.next_selection_on.fget(
        SimpleNamespace(
            last_selection_on=row["last_selection_on"],
            selection_interval_months=row["selection_interval_months"],
        )
    )
