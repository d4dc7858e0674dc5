"""API shapes of the program cycle. Reads are plain; inputs only parse (services decide)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sectors import policy

from . import parties, workflow
from .models import (
    PARTY_CHOICES,
    Attachment,
    ClearanceStep,
    Cycle,
    CycleKind,
    Submission,
    Task,
    TaskType,
    Transition,
    party_label,
)
from .rendering import markdown_html

# --- Read shapes ----------------------------------------------------------------------------


class ClearanceStepSerializer(serializers.ModelSerializer):
    party_label = serializers.SerializerMethodField()

    class Meta:
        model = ClearanceStep
        fields = ["position", "party", "party_label", "substitutable"]

    def get_party_label(self, obj) -> str:
        return party_label(obj.party)


class TaskTypeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    steps = ClearanceStepSerializer(many=True, read_only=True)
    drafters = serializers.ListField(child=serializers.ChoiceField(choices=PARTY_CHOICES))
    cycle_kinds = serializers.ListField(child=serializers.ChoiceField(choices=CycleKind.choices))

    class Meta:
        model = TaskType
        fields = [
            "code",
            "area",
            "name",
            "name_en",
            "name_es",
            "description_en",
            "description_es",
            "clearance_wording",
            "drafters",
            "scope",
            "cycle_kinds",
            "due_offset_days",
            "steps",
        ]


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cycle
        fields = [
            "id",
            "name",
            "kind",
            "year",
            "opens_on",
            "submissions_due_on",
            "clearance_due_on",
            "closes_on",
            "created_at",
        ]


class GeneratedCountSerializer(serializers.Serializer):
    task_type = serializers.CharField(help_text=_("Task type code."))
    created = serializers.IntegerField(help_text=_("Tasks made by this call."))
    total = serializers.IntegerField(help_text=_("Tasks of this type the cycle now has."))


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "uploaded_at", "download_url"]

    def get_download_url(self, obj) -> str:
        return reverse("attachment-download", kwargs={"pk": obj.pk})


class SubmissionSerializer(serializers.ModelSerializer):
    """One version of a task's deliverable."""

    narrative_html = serializers.SerializerMethodField(
        help_text=_("The narrative rendered and sanitized.")
    )
    submitted_by = serializers.StringRelatedField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text=_(
            "The task's actions for the requesting user on the current version; none on earlier ones."
        )
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "task",
            "number",
            "narrative",
            "narrative_html",
            "submitted_by",
            "submitted_at",
            "attachments",
            "allowed_actions",
        ]

    def get_narrative_html(self, obj) -> str:
        return str(markdown_html(obj.narrative))

    def get_allowed_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return policy.allowed_actions(request.user, obj) if request else []


class TransitionSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()
    version = serializers.IntegerField(source="submission.number", read_only=True)
    party_label = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField(
        help_text=_("In words: a substitution, or a clearance without a second person.")
    )

    class Meta:
        model = Transition
        fields = [
            "id",
            "action",
            "from_state",
            "to_state",
            "step",
            "party",
            "party_label",
            "substituted",
            "four_eyes_waived",
            "note",
            "comment",
            "by",
            "at",
            "version",
        ]

    def get_party_label(self, obj) -> str:
        return party_label(obj.party)

    def get_note(self, obj) -> str:
        return transition_note(obj, self.context.get("task"))


def transition_note(row: Transition, task: Task | None) -> str:
    notes = []
    if row.substituted and task is not None:
        notes.append(parties.substitution_note(task, done=True))
    if row.four_eyes_waived:
        notes.append(_("Cleared by the person who submitted it: no one else held this step."))
    return " ".join(str(n) for n in notes)


class TaskSerializer(serializers.ModelSerializer):
    """A task as lists show it, with what the requesting user may do to it now."""

    url = serializers.SerializerMethodField()
    cycle_name = serializers.CharField(source="cycle.name", read_only=True)
    task_type = serializers.CharField(source="task_type.code", read_only=True)
    task_type_name = serializers.CharField(source="task_type.name", read_only=True)
    area = serializers.CharField(source="task_type.area", read_only=True)
    platform = serializers.CharField(source="platform.code", read_only=True)
    platform_name = serializers.CharField(source="platform.name", read_only=True)
    sector = serializers.SerializerMethodField()
    sector_name = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField(help_text=_("The state in words."))
    waiting_on_label = serializers.SerializerMethodField(
        help_text=_("Who the task waits on, in words.")
    )
    substitution_note = serializers.SerializerMethodField(
        help_text=_("Says so when a Regional Sector clears in place of a National Sector.")
    )
    overdue = serializers.SerializerMethodField()
    current_version = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text=_("What the requesting user may do now (`edit` or a transition action).")
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "url",
            "cycle",
            "cycle_name",
            "task_type",
            "task_type_name",
            "area",
            "platform",
            "platform_name",
            "sector",
            "sector_name",
            "state",
            "status",
            "step",
            "waiting_on",
            "waiting_on_label",
            "substituted",
            "substitution_note",
            "due_on",
            "clear_by",
            "overdue",
            "version",
            "current_version",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_sector(self, obj) -> str | None:
        return obj.sector.code if obj.sector_id else None

    def get_sector_name(self, obj) -> str | None:
        return obj.sector.name if obj.sector_id else None

    def get_status(self, obj) -> str:
        return str(workflow.status_label(obj))

    def get_waiting_on_label(self, obj) -> str:
        return str(parties.waiting_label(obj))

    def get_substitution_note(self, obj) -> str:
        return str(parties.substitution_note(obj)) if obj.substituted else ""

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def get_current_version(self, obj) -> int | None:
        return getattr(obj, "current_number", None)

    def get_allowed_actions(self, obj) -> list[str]:
        return workflow.task_allowed_actions(self.context["request"].user, obj)


class TaskDetailSerializer(TaskSerializer):
    steps = serializers.SerializerMethodField()
    submission = serializers.SerializerMethodField(help_text=_("The current version."))
    description = serializers.CharField(source="task_type.description", read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "description", "steps", "submission"]
        read_only_fields = fields

    @extend_schema_field(ClearanceStepSerializer(many=True))
    def get_steps(self, obj):
        return ClearanceStepSerializer(obj.task_type.steps.all(), many=True).data

    @extend_schema_field(SubmissionSerializer)
    def get_submission(self, obj):
        current = obj.submissions.current_first().prefetch_related("attachments").first()
        return SubmissionSerializer(current, context=self.context).data if current else None


# --- Inputs ----------------------------------------------------------------------------------


class CycleInput(serializers.ModelSerializer):
    class Meta:
        model = Cycle
        fields = Cycle.OPENING_FIELDS
        # The service validates uniqueness and date order, naming the field.
        validators = []


class TransitionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=[a.value for a in workflow.TRANSITIONS])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    version = serializers.IntegerField(
        min_value=1, help_text=_("The task's `version` the client saw; a stale one answers 409.")
    )


class DraftInput(serializers.Serializer):
    narrative = serializers.CharField(allow_blank=True, max_length=100_000, trim_whitespace=False)
    version = serializers.IntegerField(min_value=1)


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField()
    version = serializers.IntegerField(min_value=1)


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class ConflictSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    state = serializers.CharField()
    step = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()
