"""The public catalogue (countries, platforms, sectors), the sectors on platforms and the
organizations: read by anyone, written by those who manage them."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from r4v.api_errors import validated_input
from r4v.rows import FlatList

from .. import filters, selectors, services
from .. import serializers as s
from ..models import Country, PlatformSector
from ..policy import Action
from .shared import Pagination, _call

# --- Public catalogue ------------------------------------------------------------------------


class CountryViewSet(FlatList, viewsets.ReadOnlyModelViewSet):
    """The countries of the R4V response."""

    rows = s.CountryRows
    permission_classes = [AllowAny]
    serializer_class = s.CountrySerializer
    pagination_class = Pagination
    lookup_field = "iso_code"

    def get_queryset(self):
        return Country.objects.all()


class PlatformViewSet(FlatList, viewsets.ReadOnlyModelViewSet):
    """Coordination platforms with their countries and co-lead organizations."""

    rows = s.PlatformRows
    permission_classes = [AllowAny]
    serializer_class = s.PlatformSerializer
    pagination_class = Pagination
    filterset_class = filters.PlatformFilter
    lookup_field = "code"

    def get_queryset(self):
        return selectors.platform_list()


class SectorViewSet(FlatList, viewsets.ReadOnlyModelViewSet):
    """The sector catalogue: sectors, sub-sectors and working groups."""

    rows = s.SectorRows
    permission_classes = [AllowAny]
    serializer_class = s.SectorSerializer
    pagination_class = Pagination
    filterset_class = filters.SectorFilter
    lookup_field = "code"

    def get_queryset(self):
        return selectors.sector_catalogue().prefetch_related("sub_sectors")


# --- Sectors on platforms ----------------------------------------------------------------------


class PlatformSectorViewSet(
    FlatList, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Sectors as they are active on each platform, with current co-leads, co-coordinators and
    partners. Anonymous clients see active sectors only."""

    rows = s.PlatformSectorRows
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.PlatformSectorSerializer
    pagination_class = Pagination
    filterset_class = filters.PlatformSectorFilter

    def get_queryset(self):
        user = self.request.user
        if self.action == "partial_update":
            return selectors.platform_sector_list_for(user, Action.EDIT_SECTOR_PAGE)
        if self.action in ("deactivate", "selection_procedure"):
            return selectors.platform_sector_list_for(user, Action.MANAGE_SECTOR)
        return selectors.platform_sector_list_visible_to(user)

    def retrieve(self, request, *args, **kwargs):
        platform_sector = self.get_object()
        selectors.attach_sub_sectors([platform_sector])
        return Response(self.get_serializer(platform_sector).data)

    def _read(self, pk: int) -> dict:
        platform_sector = selectors.platform_sector_list_visible_to(self.request.user).get(pk=pk)
        selectors.attach_sub_sectors([platform_sector])
        return self.get_serializer(platform_sector).data

    @extend_schema(
        summary=_("Activate a sector on a platform"),
        description=_("Creates it there the first time; 200 if it was already active."),
        request=s.PlatformSectorActivateInput,
        responses={
            201: s.PlatformSectorSerializer,
            200: s.PlatformSectorSerializer,
        },
    )
    def create(self, request, *args, **kwargs):
        data = validated_input(s.PlatformSectorActivateInput, request)
        was_active = PlatformSector.objects.filter(
            platform=data["platform"], sector=data["sector"], is_active=True
        ).exists()
        platform_sector = _call(services.platform_sector_activate, by=request.user, **data)
        return Response(
            self._read(platform_sector.pk),
            status=status.HTTP_200_OK if was_active else status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary=_("Update the sector page (purpose)"),
        request=s.PlatformSectorPageInput,
        responses={200: s.PlatformSectorSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        platform_sector = self.get_object()
        data = validated_input(s.PlatformSectorPageInput, request)
        if data.keys() - {"reason"}:  # PATCH: nothing sent, nothing changed
            _call(
                services.platform_sector_update_page,
                platform_sector=platform_sector,
                by=request.user,
                **data,
            )
        return Response(self._read(platform_sector.pk))

    @extend_schema(
        summary=_("Deactivate a sector on a platform"),
        request=s.ReasonInput,
        responses={200: s.PlatformSectorSerializer},
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request, *args, **kwargs):
        platform_sector = self.get_object()
        data = validated_input(s.ReasonInput, request)
        _call(
            services.platform_sector_deactivate,
            platform_sector=platform_sector,
            by=request.user,
            **data,
        )
        return Response(self._read(platform_sector.pk))

    @extend_schema(
        summary=_("Record the co-lead selection procedure"),
        request=s.SelectionProcedureInput,
        responses={200: s.PlatformSectorSerializer},
    )
    @action(detail=True, methods=["post"], url_path="selection-procedure")
    def selection_procedure(self, request, *args, **kwargs):
        platform_sector = self.get_object()
        data = validated_input(s.SelectionProcedureInput, request)
        _call(
            services.selection_procedure_update,
            platform_sector=platform_sector,
            by=request.user,
            **data,
        )
        return Response(self._read(platform_sector.pk))


# --- Organizations --------------------------------------------------------------------------


class OrganizationViewSet(
    FlatList, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Organizations taking part in the response, with their type."""

    rows = s.OrganizationRows
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.OrganizationSerializer
    pagination_class = Pagination
    filterset_class = filters.OrganizationFilter

    def get_queryset(self):
        return selectors.organization_list()

    @extend_schema(
        summary=_("Add an organization"),
        request=s.OrganizationCreateInput,
        responses={201: s.OrganizationSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = validated_input(s.OrganizationCreateInput, request)
        organization = _call(services.organization_create, by=request.user, **data)
        return Response(self.get_serializer(organization).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change an organization"),
        request=s.OrganizationUpdateInput,
        responses={200: s.OrganizationSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        organization = self.get_object()
        data = dict(validated_input(s.OrganizationUpdateInput, request))
        reason = data.pop("reason")
        organization = _call(
            services.organization_update,
            organization=organization,
            by=request.user,
            reason=reason,
            **data,
        )
        return Response(self.get_serializer(organization).data)
