"""Change notices: filed by a co-lead organization, decided by the Regional Platform."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from r4v.api_errors import validated_input

from .. import filters, selectors, services
from .. import serializers as s
from .shared import Pagination, _call


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
        data = validated_input(s.ChangeNoticeFileInput, request)
        notice = _call(services.change_notice_file, by=request.user, **data)
        return Response(self._read(notice.pk), status=status.HTTP_201_CREATED)

    def _decide(self, service, request) -> Response:
        notice = self.get_object()
        data = validated_input(s.ChangeNoticeDecisionInput, request)
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
