"""REST API of the program cycle: cycles, task types, tasks, versions, attachments, history.

Tasks are looked up through `selectors.task_list_visible_to`, so a task outside the user's
scope answers 404. Every write validates a small input and calls one service or the one
transition function; a refusal is 403 with the reason, a stale `version` 409 with the current
state, bad input 400 naming the field.
"""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from r4v.api_errors import validated_input
from r4v.api_fields import Pagination as KitPagination
from r4v.errors import Conflict

from . import filters, selectors, services, workflow
from . import serializers as s
from .models import Attachment, Submission, TaskType


class Pagination(KitPagination):
    # allowed_actions of a page are answered in one query per page; a cap keeps it bounded.
    max_limit = 200


# The kit's schema documents 400/401/403/404 on every operation; a stale version's 409 is
# documented here because its body carries the task's state, not the kit's error body.
_CONFLICT = {
    409: OpenApiResponse(
        s.ConflictSerializer,
        description=_("The task changed since the client read it; the body has its state now."),
    )
}


def _conflict_response(error: Conflict) -> Response:
    return Response(
        {"code": error.code, "detail": error.detail, **error.current},
        status=status.HTTP_409_CONFLICT,
    )


class CycleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Program cycles ("RMNA 2027"); the Regional Platform team opens them and generates tasks."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.CycleSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return selectors.cycle_list_visible_to(self.request.user)

    @extend_schema(
        summary=_("Open a cycle"),
        request=s.CycleInput,
        responses={201: s.CycleSerializer},
    )
    def create(self, request, *args, **kwargs):
        cycle = services.cycle_open(by=request.user, **validated_input(s.CycleInput, request))
        return Response(s.CycleSerializer(cycle).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Generate the cycle's tasks (only those missing)"),
        request=None,
        responses={200: s.GeneratedCountSerializer(many=True)},
    )
    # Not paginated: one row per task type, a dozen at most.
    @action(detail=True, methods=["post"], pagination_class=None)
    def generate(self, request, *args, **kwargs):
        counts = services.cycle_generate(cycle=self.get_object(), by=request.user)
        return Response([{"task_type": code, **c} for code, c in counts.items()])


class TaskTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The seed table's deliverables with their drafting parties and clearance paths."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.TaskTypeSerializer
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self):
        return TaskType.objects.prefetch_related("steps")


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Deliverables of the cycles, with their state, who they wait on and `allowed_actions`."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    filterset_class = filters.TaskFilter

    def get_queryset(self):
        return selectors.by_due_date(selectors.task_list_visible_to(self.request.user))

    def get_serializer_class(self):
        return s.TaskDetailSerializer if self.action == "retrieve" else s.TaskSerializer

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        workflow.prefetch_allowed_actions(request.user, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _task(self):
        return selectors.task_get_for(self.request.user, pk=self.kwargs["pk"])

    def _read(self):
        return s.TaskDetailSerializer(self._task(), context={"request": self.request}).data

    @extend_schema(
        summary=_("History of the task: every transition"),
        responses={200: s.TransitionSerializer(many=True)},
        methods=["GET"],
    )
    @extend_schema(
        summary=_("Move the task: submit, withdraw, clear, return or reopen"),
        request=s.TransitionInput,
        responses={200: s.TaskDetailSerializer, **_CONFLICT},
        methods=["POST"],
    )
    # Whole lists of one task, neither filtered nor paged: the schema offers no such parameter.
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def transitions(self, request, *args, **kwargs):
        task = self._task()
        if request.method == "GET":
            rows = selectors.task_history(task)
            return Response(s.TransitionSerializer(rows, many=True, context={"task": task}).data)
        data = validated_input(s.TransitionInput, request)
        try:
            workflow.task_transition(task_id=task.pk, by=request.user, **data)
        except Conflict as error:
            return _conflict_response(error)
        return Response(self._read())

    @extend_schema(
        summary=_("Every version of the task's deliverable"),
        responses={200: s.SubmissionSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def versions(self, request, *args, **kwargs):
        rows = selectors.submission_versions(self._task())
        return Response(s.SubmissionSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(
        summary=_("Save the draft narrative of the current version"),
        request=s.DraftInput,
        responses={200: s.TaskDetailSerializer, **_CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def draft(self, request, *args, **kwargs):
        task = self._task()
        data = validated_input(s.DraftInput, request)
        try:
            services.submission_save(task_id=task.pk, by=request.user, **data)
        except Conflict as error:
            return _conflict_response(error)
        return Response(self._read())

    @extend_schema(
        summary=_("Attach a file to the current version"),
        request={"multipart/form-data": s.AttachmentInput},
        responses={201: s.AttachmentSerializer, **_CONFLICT},
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request, *args, **kwargs):
        task = self._task()
        data = validated_input(s.AttachmentInput, request)
        try:
            attachment = services.attachment_add(
                task_id=task.pk, upload=data["file"], version=data["version"], by=request.user
            )
        except Conflict as error:
            return _conflict_response(error)
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class SubmissionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One version of a deliverable, with its narrative and attachments."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.SubmissionSerializer

    def get_queryset(self):
        visible = selectors.task_list_visible_to(self.request.user).values("pk")
        return Submission.objects.filter(task__in=visible).prefetch_related("attachments")


class AttachmentViewSet(
    mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Files attached to versions; downloaded only by those who may see the task."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.AttachmentSerializer

    def get_queryset(self):
        visible = selectors.task_list_visible_to(self.request.user).values("pk")
        return Attachment.objects.filter(submission__task__in=visible).select_related("submission")

    @extend_schema(
        summary=_("Download the file"),
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        return attachment_file_response(self.get_object())

    @extend_schema(
        summary=_("Remove an attachment from the version being drafted"),
        request=s.VersionInput,
        responses={204: None, **_CONFLICT},
    )
    def destroy(self, request, *args, **kwargs):
        attachment = self.get_object()
        data = validated_input(s.VersionInput, request)
        try:
            services.attachment_remove(
                attachment=attachment, version=data["version"], by=request.user
            )
        except Conflict as error:
            return _conflict_response(error)
        return Response(status=status.HTTP_204_NO_CONTENT)


def attachment_file_response(attachment: Attachment) -> FileResponse:
    # Always a download, never rendered inline: an uploaded file runs nothing in our origin.
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def register_routes(router) -> None:
    """The program cycle's endpoints on the one API router (ProgramCycleConfig.ready)."""
    router.register("cycles", CycleViewSet, basename="cycle")
    router.register("task-types", TaskTypeViewSet, basename="task-type")
    router.register("tasks", TaskViewSet, basename="task")
    router.register("submissions", SubmissionViewSet, basename="submission")
    router.register("attachments", AttachmentViewSet, basename="attachment")
