"""REST API of the shared calendar: meetings and series, sittings, conflicts of a proposal, slot
suggestions, minutes, action points, feed addresses.

Reads come from `meetings.selectors` (out of scope answers 404, as if missing); writes validate
a small input serializer and call one service, whose DomainError becomes a 400/403 with a code.
"""

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from r4v.api_errors import AutoSchema, ErrorSerializer
from r4v.api_fields import Pagination, query_datetime, query_id
from r4v.rows import FlatList
from sectors import policy
from sectors.models import PlatformSector

from . import quorum, selectors, services
from . import serializers as s
from .conflicts import as_seen_by
from .filters import MeetingFilter, OccurrenceFilter
from .models import ActionPoint, Minutes


def _errors(*codes: int) -> dict:
    meanings = {
        400: _("Invalid input; `code` and `errors` name the problem."),
        401: _("Not logged in."),
        403: _("You may see this but not do this to it."),
        404: _("Not found, or outside your scope."),
    }
    return {c: OpenApiResponse(ErrorSerializer, description=meanings[c]) for c in codes}


def _parsed(serializer_class, data, **context):
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer


def _conflicts_response(error: services.ConflictsNotAccepted, user):
    return Response(
        {
            "code": error.code,
            "detail": error.detail,
            "errors": {error.field: [error.detail]},
            "conflicts": s.ClashSerializer(as_seen_by(error.clashes, user), many=True).data,
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


_RANGE = [
    OpenApiParameter("start", OpenApiTypes.DATETIME, description=_("Sittings ending after.")),
    OpenApiParameter("end", OpenApiTypes.DATETIME, description=_("Sittings starting before.")),
]


class MeetingViewSet(
    FlatList, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Meetings and series on the shared calendar that you may see (public ones to anyone)."""

    rows = s.MeetingRows
    serializer_class = s.MeetingSerializer
    filterset_class = MeetingFilter
    pagination_class = Pagination
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        return selectors.meetings_visible_to(self.request.user).prefetch_related(
            "invited_sectors", "invited_platforms", "invited_organizations"
        )

    @extend_schema(
        summary=_("Schedule a meeting or a series"),
        request=s.MeetingInputSerializer,
        responses={201: s.MeetingSerializer, **_errors(400, 401, 403)},
    )
    def create(self, request):
        data = _parsed(s.MeetingInputSerializer, request.data)
        try:
            meeting = services.meeting_schedule(
                draft=data.draft(),
                by=request.user,
                accept_conflicts=data.validated_data["accept_conflicts"],
            )
        except services.ConflictsNotAccepted as error:
            return _conflicts_response(error, request.user)
        return Response(s.MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change a meeting or a whole series"),
        request=s.MeetingInputSerializer,
        responses={200: s.MeetingSerializer, **_errors(400, 401, 403, 404)},
    )
    def update(self, request, pk=None):
        meeting = self.get_object()
        data = _parsed(s.MeetingInputSerializer, request.data)
        try:
            meeting = services.meeting_update(
                meeting=meeting,
                draft=data.draft(),
                by=request.user,
                accept_conflicts=data.validated_data["accept_conflicts"],
            )
        except services.ConflictsNotAccepted as error:
            return _conflicts_response(error, request.user)
        return Response(s.MeetingSerializer(meeting).data)

    @extend_schema(
        summary=_("Cancel a meeting or a whole series"),
        request=s.CancelSerializer,
        responses={200: s.MeetingSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def cancel(self, request, pk=None):
        data = _parsed(s.CancelSerializer, request.data).validated_data
        meeting = services.meeting_cancel(
            meeting=self.get_object(), by=request.user, reason=data["reason"]
        )
        return Response(s.MeetingSerializer(meeting).data)

    @extend_schema(
        summary=_("Conflicts of a proposed meeting"),
        description=_(
            "Meetings on the shared calendar that overlap the proposal and share part of its "
            "audience. Takes the proposal as query parameters (start, end, time_zone, platform, "
            "platform_sector, invited_*, rrule); saves nothing. A meeting you may not see shows "
            "only its times, organizing sector and kind."
        ),
        parameters=[s.ProposalSerializer, OpenApiParameter("exclude_meeting", int)],
        responses={200: s.ClashSerializer(many=True), **_errors(400, 401)},
    )
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def conflicts(self, request):
        data = _parsed(s.ProposalSerializer, _query_dict(request))
        exclude = self._excluded(request)
        clashes = services.conflicts_preview(draft=data.draft(), exclude_meeting=exclude)
        return Response(s.ClashSerializer(as_seen_by(clashes, request.user), many=True).data)

    @extend_schema(
        summary=_("Free slots for a proposed meeting"),
        description=_(
            "The next slots of the proposal's length on weekdays, inside the working hours of "
            "every involved country, avoiding conflicts."
        ),
        parameters=[s.SlotQuerySerializer, OpenApiParameter("exclude_meeting", int)],
        responses={200: s.SlotSerializer(many=True), **_errors(400, 401)},
    )
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def slots(self, request):
        data = _parsed(s.SlotQuerySerializer, _query_dict(request))
        slots = services.slots_suggest(
            draft=data.draft(),
            after=data.validated_data.get("after"),
            count=data.validated_data["count"],
            exclude_meeting=self._excluded(request),
        )
        return Response(
            s.SlotSerializer([{"start": a, "end": b} for a, b in slots], many=True).data
        )

    def _excluded(self, request):
        pk = query_id(request, "exclude_meeting")
        return None if pk is None else selectors.meeting_get_for(user=request.user, pk=pk)


def _query_dict(request) -> dict:
    params = request.query_params
    data = {key: params.get(key) for key in params}
    for many in ("invited_sectors", "invited_platforms", "invited_organizations"):
        data[many] = params.getlist(many)
    return data


class OccurrenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sittings of meetings you may see, in a time range: the calendar's rows."""

    serializer_class = s.OccurrenceSerializer
    filterset_class = OccurrenceFilter
    pagination_class = Pagination
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        return selectors.occurrences_visible_to(
            self.request.user,
            start=query_datetime(self.request, "start"),
            end=query_datetime(self.request, "end"),
        )

    @extend_schema(parameters=_RANGE)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary=_("Move one sitting of a series"),
        request=s.MoveSerializer,
        responses={200: s.OccurrenceSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def move(self, request, pk=None):
        data = _parsed(s.MoveSerializer, request.data).validated_data
        try:
            occurrence = services.occurrence_move(
                occurrence=self.get_object(),
                start_local=data["start"],
                end_local=data["end"],
                fold=data.get("fold"),
                accept_conflicts=data["accept_conflicts"],
                reason=data["reason"],
                by=request.user,
            )
        except services.ConflictsNotAccepted as error:
            return _conflicts_response(error, request.user)
        return Response(s.OccurrenceSerializer(occurrence).data)

    @extend_schema(
        summary=_("Cancel one sitting of a series"),
        request=s.CancelSerializer,
        responses={200: s.OccurrenceSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="cancel", permission_classes=[IsAuthenticated])
    def cancel_sitting(self, request, pk=None):
        data = _parsed(s.CancelSerializer, request.data).validated_data
        occurrence = services.occurrence_cancel(
            occurrence=self.get_object(), by=request.user, reason=data["reason"]
        )
        return Response(s.OccurrenceSerializer(occurrence).data)

    @extend_schema(
        methods=["GET"],
        summary=_("Attendance of a sitting, with the quorum"),
        description=_(
            "The roll (the body's member organizations that day and the invited guests), who "
            "attended, and the quorum where the body defines one (seed 001: half of the members)."
        ),
        request=None,
        responses={200: s.AttendanceSheetSerializer, **_errors(401, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Record which organizations attended a sitting"),
        description=_(
            "Replaces the attendance recorded before; organizations must be on the roll."
        ),
        request=s.AttendanceInputSerializer,
        responses={200: s.AttendanceSheetSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["get", "post"], permission_classes=[IsAuthenticated])
    def attendance(self, request, pk=None):
        occurrence = self.get_object()
        if request.method == "POST":
            data = _parsed(s.AttendanceInputSerializer, request.data)
            services.attendance_record(
                occurrence=occurrence, attended=data.entries(), by=request.user
            )
        return Response(s.AttendanceSheetSerializer(quorum.sheet_for(occurrence)).data)


class MinutesViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Minutes of the sittings you may see."""

    serializer_class = s.MinutesSerializer
    pagination_class = Pagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Minutes.objects.filter(policy.visible_q(self.request.user, Minutes)).order_by("-pk")

    @extend_schema(
        summary=_("Write the minutes of a sitting"),
        description=_(
            "For a sitting without minutes; correct existing minutes with a PATCH of them."
        ),
        request=s.MinutesInputSerializer,
        responses={201: s.MinutesSerializer, **_errors(400, 401, 403)},
    )
    def create(self, request):
        data = _parsed(s.MinutesInputSerializer, request.data, user=request.user).validated_data
        minutes = services.minutes_save(
            occurrence=data["occurrence"],
            by=request.user,
            key_topics=data["key_topics"],
            decisions=data["decisions"],
            recording_url=data["recording_url"],
            only_new=True,
        )
        return Response(s.MinutesSerializer(minutes).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Correct the minutes of a sitting"),
        description=_("Changes the texts sent, keeps the others; refused once they are final."),
        request=s.MinutesTextSerializer,
        responses={200: s.MinutesSerializer, **_errors(400, 401, 403, 404)},
    )
    def partial_update(self, request, pk=None):
        minutes = self.get_object()
        serializer = s.MinutesTextSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        minutes = services.minutes_save(
            occurrence=minutes.occurrence, by=request.user, **serializer.validated_data
        )
        return Response(s.MinutesSerializer(minutes).data)

    @extend_schema(
        summary=_("Circulate the minutes to the invitees (comments open five days)"),
        request=None,
        responses={200: s.MinutesSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def circulate(self, request, pk=None):
        minutes = services.minutes_circulate(minutes=self.get_object(), by=request.user)
        return Response(s.MinutesSerializer(minutes).data)

    @extend_schema(
        summary=_("Make the minutes final"),
        request=None,
        responses={200: s.MinutesSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        minutes = services.minutes_finalize(minutes=self.get_object(), by=request.user)
        return Response(s.MinutesSerializer(minutes).data)


class ActionPointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Action points of the minutes you may see; `?mine=1` for your own."""

    serializer_class = s.ActionPointSerializer
    pagination_class = Pagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ActionPoint.objects.none()
        visible = policy.visible_q(self.request.user, Minutes, prefix="minutes__")
        queryset = ActionPoint.objects.filter(visible | Q(owner=self.request.user))
        if self.request.query_params.get("mine"):
            queryset = queryset.filter(owner=self.request.user)
        return queryset.order_by("due_on", "pk")

    @extend_schema(
        parameters=[OpenApiParameter("mine", bool, description=_("Only yours."))],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary=_("Add an action point to minutes"),
        request=s.ActionPointSerializer,
        responses={201: s.ActionPointSerializer, **_errors(400, 401, 403, 404)},
    )
    def create(self, request):
        data = _parsed(s.ActionPointSerializer, request.data).validated_data
        visible = policy.visible_q(request.user, Minutes)
        minutes = Minutes.objects.filter(visible, pk=data["minutes"].pk).first()
        if minutes is None:
            raise Http404
        point = services.action_point_add(
            minutes=minutes,
            text=data["text"],
            owner=data["owner"],
            due_on=data["due_on"],
            by=request.user,
        )
        return Response(s.ActionPointSerializer(point).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Mark an action point done, dropped or open again"),
        request=s.ActionStatusSerializer,
        responses={200: s.ActionPointSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        data = _parsed(s.ActionStatusSerializer, request.data).validated_data
        point = services.action_point_set_status(
            point=self.get_object(), status=data["status"], by=request.user
        )
        return Response(s.ActionPointSerializer(point).data)


class _OneObjectSchema(AutoSchema):
    # The collection's GET answers one object (the addresses), not a list of them.
    def _is_list_view(self, serializer=None) -> bool:
        return False


class FeedViewSet(viewsets.ViewSet):
    """Addresses of the iCalendar feeds; issue or revoke your private one."""

    permission_classes = [AllowAny]
    schema = _OneObjectSchema()

    def _urls(self, private: str | None) -> dict:
        sectors = (
            PlatformSector.objects.filter(is_active=True, meetings__visibility="public")
            .select_related("platform", "sector")
            .distinct()
        )
        return {
            "public": settings.SITE_URL + reverse("meetings:feed-public"),
            "sectors": {
                f"{ps.platform.code}/{ps.sector.code}": settings.SITE_URL
                + reverse(
                    "meetings:feed-sector",
                    kwargs={"platform": ps.platform.code, "sector": ps.sector.code},
                )
                for ps in sectors
            },
            "private": private,
        }

    @extend_schema(summary=_("Feed addresses"), responses={200: s.FeedUrlsSerializer})
    def list(self, request):
        return Response(s.FeedUrlsSerializer(self._urls(None)).data)

    @extend_schema(
        summary=_("Issue a new private feed address (the old one stops working)"),
        request=None,
        responses={201: s.FeedUrlsSerializer, **_errors(401)},
    )
    @action(detail=False, methods=["post"], permission_classes=[IsAuthenticated])
    def private(self, request):
        token = services.feed_token_issue(user=request.user)
        url = settings.SITE_URL + reverse("meetings:feed-private", kwargs={"token": token})
        return Response(s.FeedUrlsSerializer(self._urls(url)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Revoke your private feed address"),
        request=None,
        responses={204: None, **_errors(401)},
    )
    @action(detail=False, methods=["post"], permission_classes=[IsAuthenticated])
    def revoke(self, request):
        services.feed_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register_routes(router) -> None:
    """The calendar's endpoints on the one API router (called from MeetingsConfig.ready)."""
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("occurrences", OccurrenceViewSet, basename="occurrence")
    router.register("minutes", MinutesViewSet, basename="minutes")
    router.register("action-points", ActionPointViewSet, basename="action-point")
    router.register("calendar-feeds", FeedViewSet, basename="calendar-feed")
