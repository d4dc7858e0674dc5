"""Input serializers: types and lengths only; every rule lives in `sectors.services`."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from r4v.api_fields import ChoiceField, DateField, IdRelatedField, TextField
from r4v.models import User

from ..models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    Platform,
    Sector,
)

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
