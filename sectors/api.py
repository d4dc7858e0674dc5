"""REST API of the coordination structure: public reads, and writes that each call one service.

Reads show what the public pages show, to anyone. Writes need a logged-in user (token or
session); each validates a small input serializer for types and lengths, then calls one
service from `sectors.services`, which checks the policy (NotAllowed -> 403) and the rules
(ValidationError -> 400 naming the field). Objects are looked up through the policy's
querysets, so one outside the user's scope answers 404, as if it did not exist.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from r4v.api_fields import Pagination as KitPagination

from . import filters, selectors, services
from . import serializers as s
from .models import Country, PlatformSector
from .policy import Action


class Pagination(KitPagination):
    def paginate_queryset(self, queryset, request, view=None):
        """The kit's paging, without the COUNT query when the first page holds every row.

        Most public lists (9 platforms, 17 countries, the catalogue) fit on one page, so one
        row more than the limit tells the count; the query saved is a round trip on every read.
        """
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        self.request = request
        rows = list(queryset[self.offset : self.offset + self.limit + 1])
        if self.offset == 0 and len(rows) <= self.limit:
            self.count = len(rows)
        else:
            self.count = self.get_count(queryset)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return rows[: self.limit]


def _input(serializer_class, request, **context) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _call(service, **kwargs):
    # One transaction per write: some services write several rows (ending a co-lead ends its
    # co-coordinators one by one) and a refusal halfway must leave nothing behind.
    with transaction.atomic():
        return service(**kwargs)


def _renamed(error: ValidationError, **names: str) -> ValidationError:
    """The service's field names, as the input names them (`person` -> `person_email`)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(field, field): errors for field, errors in error.error_dict.items()}
    )


class FlatList:
    """`list` through a flat row builder (`serializers.*Rows`) instead of the serializer.

    The page is read as `.values()` rows, each relation in one query for the whole page, and
    no serializer is built per row; the serializer class still names the schema and shapes
    single reads. The builder returns what the serializer would (test_api_lean.py).
    """

    rows: type

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginate_queryset(queryset.values(*self.rows.fields))
        return self.get_paginated_response(self.rows.build(list(page)))


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
        data = _input(s.PlatformSectorActivateInput, request)
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
        data = _input(s.PlatformSectorPageInput, request)
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
        data = _input(s.ReasonInput, request)
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
        data = _input(s.SelectionProcedureInput, request)
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
        data = _input(s.OrganizationCreateInput, request)
        organization = _call(services.organization_create, by=request.user, **data)
        return Response(self.get_serializer(organization).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change an organization"),
        request=s.OrganizationUpdateInput,
        responses={200: s.OrganizationSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        organization = self.get_object()
        data = dict(_input(s.OrganizationUpdateInput, request))
        reason = data.pop("reason")
        organization = _call(
            services.organization_update,
            organization=organization,
            by=request.user,
            reason=reason,
            **data,
        )
        return Response(self.get_serializer(organization).data)


# --- Designations and partners (management: the user's scope only) ---------------------------


class CoLeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Co-lead designations on the sectors you manage, ended ones included."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.CoLeadSerializer
    pagination_class = Pagination
    filterset_class = filters.CoLeadFilter

    def get_queryset(self):
        return selectors.co_lead_list_for(self.request.user, Action.MANAGE_SECTOR)

    @extend_schema(
        summary=_("Designate a co-lead organization"),
        request=s.CoLeadDesignateInput,
        responses={201: s.CoLeadSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = _input(
            s.CoLeadDesignateInput,
            request,
            platform_sectors=selectors.platform_sector_list_choosable_by(request.user),
        )
        co_lead = _call(services.co_lead_designate, by=request.user, **data)
        return Response(self.get_serializer(co_lead).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("End a co-lead designation and the co-coordinators it designated"),
        request=s.DesignationEndInput,
        responses={200: s.CoLeadSerializer},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, *args, **kwargs):
        co_lead = self.get_object()
        data = _input(s.DesignationEndInput, request)
        _call(
            services.co_lead_end,
            co_lead=co_lead,
            ended_on=data.get("ended_on") or timezone.localdate(),
            by=request.user,
            reason=data["reason"],
        )
        return Response(self.get_serializer(self.get_object()).data)


class CoCoordinatorViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Co-coordinator designations on the sectors you manage, ended ones included."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.CoCoordinatorSerializer
    pagination_class = Pagination
    filterset_class = filters.CoCoordinatorFilter

    def get_queryset(self):
        return selectors.co_coordinator_list_for(self.request.user, Action.MANAGE_SECTOR)

    @extend_schema(
        summary=_("Designate a co-coordinator"),
        description=_(
            "The person is found by e-mail, or added without a password. The organization must "
            "be a current co-lead of the sector."
        ),
        request=s.CoCoordinatorDesignateInput,
        responses={201: s.CoCoordinatorSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = _input(
            s.CoCoordinatorDesignateInput,
            request,
            platform_sectors=selectors.platform_sector_list_choosable_by(request.user),
        )
        try:
            designation = services.co_coordinator_designate_by_email(
                email=data["person_email"],
                full_name=data["person_full_name"],
                platform_sector=data["platform_sector"],
                organization=data["organization"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                term_start=data["term_start"],
                term_end=data["term_end"],
                by=request.user,
                reason=data["reason"],
            )
        except ValidationError as error:
            raise _renamed(
                error, person="person_email", email="person_email", full_name="person_full_name"
            ) from error
        designation = self.get_queryset().get(pk=designation.pk)
        return Response(self.get_serializer(designation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("End a co-coordinator designation"),
        request=s.DesignationEndInput,
        responses={200: s.CoCoordinatorSerializer},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, *args, **kwargs):
        designation = self.get_object()
        data = _input(s.DesignationEndInput, request)
        _call(
            services.co_coordinator_end,
            designation=designation,
            ended_on=data.get("ended_on") or timezone.localdate(),
            by=request.user,
            reason=data["reason"],
        )
        return Response(self.get_serializer(self.get_object()).data)


class PartnerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Partner organizations of the sectors whose page you edit, past ones included."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.PartnerSerializer
    pagination_class = Pagination
    filterset_class = filters.PartnerFilter

    def get_queryset(self):
        return selectors.partner_list_for(self.request.user, Action.EDIT_SECTOR_PAGE)

    @extend_schema(
        summary=_("Add a partner organization to a sector"),
        request=s.PartnerAddInput,
        responses={201: s.PartnerSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = _input(
            s.PartnerAddInput,
            request,
            platform_sectors=selectors.platform_sector_list_choosable_by(request.user),
        )
        membership = _call(services.partner_add, by=request.user, **data)
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Record that a partner left the sector"),
        request=s.PartnerRemoveInput,
        responses={200: s.PartnerSerializer},
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, *args, **kwargs):
        membership = self.get_object()
        data = _input(s.PartnerRemoveInput, request)
        _call(services.partner_remove, membership=membership, by=request.user, **data)
        return Response(self.get_serializer(self.get_object()).data)


# --- Change notices -------------------------------------------------------------------------


class ChangeNoticeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Changes co-lead organizations report to the Regional Platform: the Regional Platform
    team sees all, a co-lead focal point those of their organization."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ChangeNoticeSerializer
    pagination_class = Pagination
    filterset_class = filters.ChangeNoticeFilter

    def get_queryset(self):
        return selectors.change_notice_list_visible_to(self.request.user)

    def _read(self, pk: int) -> dict:
        return self.get_serializer(selectors.change_notice_get_for(self.request.user, pk=pk)).data

    @extend_schema(
        summary=_("File a change notice"),
        request=s.ChangeNoticeFileInput,
        responses={201: s.ChangeNoticeSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = _input(s.ChangeNoticeFileInput, request)
        notice = _call(services.change_notice_file, by=request.user, **data)
        return Response(self._read(notice.pk), status=status.HTTP_201_CREATED)

    def _decide(self, service, request) -> Response:
        notice = self.get_object()
        data = _input(s.ChangeNoticeDecisionInput, request)
        _call(service, notice=notice, by=request.user, comment=data["comment"])
        return Response(self._read(notice.pk))

    @extend_schema(
        summary=_("Acknowledge a change notice"),
        request=s.ChangeNoticeDecisionInput,
        responses={200: s.ChangeNoticeSerializer},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, *args, **kwargs):
        return self._decide(services.change_notice_acknowledge, request)

    @extend_schema(
        summary=_("Apply a change notice to the designations"),
        request=s.ChangeNoticeDecisionInput,
        responses={200: s.ChangeNoticeSerializer},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, *args, **kwargs):
        return self._decide(services.change_notice_apply, request)

    @extend_schema(
        summary=_("Decline a change notice"),
        request=s.ChangeNoticeDecisionInput,
        responses={200: s.ChangeNoticeSerializer},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        return self._decide(services.change_notice_decline, request)


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
