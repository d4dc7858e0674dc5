"""Co-lead and co-coordinator designations and partner memberships: management, so each list
shows the user's scope only."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from r4v.api_errors import validated_input

from .. import filters, selectors, services
from .. import serializers as s
from ..policy import Action
from .shared import Pagination, _call, _renamed


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
        data = validated_input(
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
        data = validated_input(s.DesignationEndInput, request)
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
        data = validated_input(
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
        data = validated_input(s.DesignationEndInput, request)
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
        data = validated_input(
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
        data = validated_input(s.PartnerRemoveInput, request)
        _call(services.partner_remove, membership=membership, by=request.user, **data)
        return Response(self.get_serializer(self.get_object()).data)
