"""Query-string filters of the calendar's API lists (django-filter); an invalid value answers
400 naming it. The sittings list filters through the sitting's meeting."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from r4v.api_fields import IdFilter

from .models import Meeting, Occurrence


class MeetingFilter(filters.FilterSet):
    platform = IdFilter(field_name="platform_id", label=_("Platform (id)"))
    platform_sector = IdFilter(
        field_name="platform_sector_id", label=_("Sector on a platform (id)")
    )
    kind = filters.ChoiceFilter(choices=Meeting.Kind.choices, label=_("Kind of meeting"))
    # No DISTINCT: the one filter through a many-to-many names one organization, and a meeting
    # invites each organization once.
    organization = IdFilter(
        field_name="invited_organizations", label=_("Invited organization (id)")
    )

    class Meta:
        model = Meeting
        fields = ["platform", "platform_sector", "kind", "organization"]


class OccurrenceFilter(filters.FilterSet):
    platform = IdFilter(field_name="meeting__platform_id", label=_("Platform (id)"))
    platform_sector = IdFilter(
        field_name="meeting__platform_sector_id", label=_("Sector on a platform (id)")
    )
    kind = filters.ChoiceFilter(
        field_name="meeting__kind", choices=Meeting.Kind.choices, label=_("Kind of meeting")
    )
    organization = IdFilter(
        field_name="meeting__invited_organizations", label=_("Invited organization (id)")
    )

    class Meta:
        model = Occurrence
        fields = ["platform", "platform_sector", "kind", "organization"]
