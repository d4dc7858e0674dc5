"""Query-string filters of the API lists (django-filter); an invalid value answers 400."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from r4v.api_fields import IdFilter

from .models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    Sector,
)

# Filters across a many-to-many use a subquery rather than a join + DISTINCT: the lists are
# ordered by expressions (Platform's kind order), which PostgreSQL will not combine with DISTINCT.


class PlatformFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Platform.Kind.choices, label=_("Kind of platform"))
    country = filters.CharFilter(
        method="filter_country", label=_("Country (ISO 3166-1 alpha-2 code)")
    )

    class Meta:
        model = Platform
        fields = ["kind", "country"]

    def filter_country(self, queryset, name, value):
        return queryset.filter(
            pk__in=Platform.objects.filter(countries__iso_code__iexact=value).values("pk")
        )


class SectorFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Sector.Kind.choices, label=_("Kind of catalogue entry"))
    parent = filters.CharFilter(field_name="parent__code", label=_("Parent sector (code)"))

    class Meta:
        model = Sector
        fields = ["kind", "parent"]


class PlatformSectorFilter(filters.FilterSet):
    platform = filters.CharFilter(field_name="platform__code", label=_("Platform (code)"))
    sector = filters.CharFilter(field_name="sector__code", label=_("Sector (code)"))
    kind = filters.ChoiceFilter(
        field_name="sector__kind", choices=Sector.Kind.choices, label=_("Kind of sector")
    )
    country = filters.CharFilter(
        method="filter_country", label=_("Country (ISO 3166-1 alpha-2 code)")
    )

    class Meta:
        model = PlatformSector
        fields = ["platform", "sector", "kind", "country"]

    def filter_country(self, queryset, name, value):
        platforms = Platform.objects.filter(countries__iso_code__iexact=value).values("pk")
        return queryset.filter(platform_id__in=platforms)


class OrganizationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Organization.Kind.choices, label=_("Type of organization"))
    q = filters.CharFilter(method="filter_q", label=_("Name or acronym contains"))
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Organization
        fields = ["kind", "q", "is_active"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(acronym__icontains=value))


class CoLeadFilter(filters.FilterSet):
    platform_sector = IdFilter(
        field_name="platform_sector_id", label=_("Sector on a platform (id)")
    )
    organization = IdFilter(field_name="organization_id", label=_("Organization (id)"))
    is_open = filters.BooleanFilter(
        field_name="ended_on", lookup_expr="isnull", label=_("Not ended")
    )

    class Meta:
        model = CoLeadDesignation
        fields = ["platform_sector", "organization", "is_open"]


class CoCoordinatorFilter(filters.FilterSet):
    platform_sector = IdFilter(
        field_name="co_lead__platform_sector_id", label=_("Sector on a platform (id)")
    )
    organization = IdFilter(field_name="co_lead__organization_id", label=_("Organization (id)"))
    is_open = filters.BooleanFilter(
        field_name="ended_on", lookup_expr="isnull", label=_("Not ended")
    )

    class Meta:
        model = CoCoordinatorDesignation
        fields = ["platform_sector", "organization", "is_open"]


class PartnerFilter(filters.FilterSet):
    platform_sector = IdFilter(
        field_name="platform_sector_id", label=_("Sector on a platform (id)")
    )
    organization = IdFilter(field_name="organization_id", label=_("Organization (id)"))
    is_current = filters.BooleanFilter(
        field_name="left_on", lookup_expr="isnull", label=_("Not left")
    )

    class Meta:
        model = PartnerMembership
        fields = ["platform_sector", "organization", "is_current"]


class ChangeNoticeFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ChangeNotice.Status.choices, label=_("Status"))
    kind = filters.ChoiceFilter(choices=ChangeNotice.Kind.choices, label=_("Change"))

    class Meta:
        model = ChangeNotice
        fields = ["status", "kind"]
