"""The program cycle (seed 000, the table at its end): who drafts each deliverable, who clears it.

Task types and their clearance steps are data (`task_types.py`, loaded by `load_task_types`);
a cycle generates one task per type and scope; each task carries numbered submission versions
and a row per transition. The rules that move a task live in `workflow.py`, nowhere else.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from r4v.api_fields import EARLIEST_DATE, LATEST_DATE, date_in_range
from sectors.models import Platform, Sector
from sectors.policy import Party, Where

PARTY_CHOICES = [
    (Party.REGIONAL_PLATFORM.value, _("Regional Platform")),
    (Party.PLATFORM.value, _("National or Sub-Regional Platform")),
    (Party.REGIONAL_SECTOR.value, _("Regional Sector")),
    (Party.NATIONAL_SECTOR.value, _("National Sector")),
]


def party_label(party: str) -> str:
    return str(dict(PARTY_CHOICES).get(party, party))


class CycleKind(models.TextChoices):
    RMNA = "rmna", _("RMNA")
    RMRP = "rmrp", _("RMRP planning")
    MONITORING = "monitoring", _("Monitoring")
    MID_YEAR = "mid_year", _("Mid-year report")
    END_YEAR = "end_year", _("End-year report")


class TaskType(models.Model):
    """One line of the seed's program-cycle table: a deliverable, its drafters and its scope."""

    class Area(models.TextChoices):
        RMNA_RMRP = "rmna_rmrp", _("RMNA & RMRP")
        RMNA = "rmna", _("RMNA")
        RMRP = "rmrp", _("RMRP")
        MONITORING = "monitoring", _("Monitoring")
        REPORTS = "reports", _("Reports")

    class Scope(models.TextChoices):
        # Each regional sector and sub-sector (working groups only if a type says so).
        REGIONAL_SECTOR = "regional_sector", _("Each regional sector and sub-sector")
        # Each catalogue sector and sub-sector on each national and sub-regional platform,
        # active there or not: the substitution rule covers the inactive ones.
        PLATFORM_SECTOR = (
            "platform_sector",
            _("Each sector on each national or sub-regional platform"),
        )
        PLATFORM = "platform", _("Each national or sub-regional platform")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_es = models.CharField(_("name (Spanish)"), max_length=150)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    # The seed's "CLEARANCE" cell, verbatim, so a reviewer can check the steps against it.
    clearance_wording = models.TextField(_("clearance (seed wording)"), blank=True)
    # Parties (sectors.policy.Party values) any of whose holders may draft and submit.
    drafters = models.JSONField(_("drafting parties"), default=list)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    # The cycle kinds that generate this type (CycleKind values).
    cycle_kinds = models.JSONField(_("cycle kinds"), default=list)
    include_working_groups = models.BooleanField(_("working groups too"), default=False)
    # Days from the cycle's submission date to this type's due date (negative: earlier).
    due_offset_days = models.SmallIntegerField(_("due date offset (days)"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task type")
        verbose_name_plural = _("task types")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_es if translation.get_language() == "es" else self.name_en

    @property
    def description(self) -> str:
        return self.description_es if translation.get_language() == "es" else self.description_en

    def clean(self):
        unknown = [p for p in self.drafters if p not in dict(PARTY_CHOICES)]
        if not self.drafters or unknown:
            raise ValidationError({"drafters": _("Name at least one known drafting party.")})
        if not self.cycle_kinds or any(k not in CycleKind.values for k in self.cycle_kinds):
            raise ValidationError({"cycle_kinds": _("Name at least one known cycle kind.")})


class ClearanceStep(models.Model):
    """One step of a task type's clearance path, cleared in order by one party."""

    task_type = models.ForeignKey(
        TaskType, on_delete=models.CASCADE, related_name="steps", verbose_name=_("task type")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    party = models.CharField(_("clearing party"), max_length=30, choices=PARTY_CHOICES)
    # Seed 000, note 6: where there is no National Sector, the Regional Sector of the same
    # catalogue entry clears in its place. Only meaningful on a National Sector step.
    substitutable = models.BooleanField(_("Regional Sector substitutes"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clearance step")
        verbose_name_plural = _("clearance steps")
        ordering = ["task_type", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task_type", "position"], name="step_unique_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="step_position_from_one"),
            # Substitution replaces a National Sector; on any other step it would mean nothing.
            models.CheckConstraint(
                condition=Q(substitutable=False) | Q(party="national_sector"),
                name="step_substitution_only_national",
            ),
        ]

    def __str__(self):
        return f"{self.task_type.code} #{self.position}: {self.party}"


class Cycle(models.Model):
    """A run of the program cycle, e.g. "RMNA 2027", with the dates its tasks are due by."""

    # What the Regional Platform team gives when it opens a cycle (the page's form and the API).
    OPENING_FIELDS = (
        "name",
        "kind",
        "year",
        "opens_on",
        "submissions_due_on",
        "clearance_due_on",
        "closes_on",
    )

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=CycleKind.choices)
    # The kit's date range (r4v.api_fields), on the model: every writer, form and serializer
    # refuses a cycle in year 1 or 9999 the same way.
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[
            MinValueValidator(EARLIEST_DATE.year),
            MaxValueValidator(LATEST_DATE.year),
        ],
    )
    opens_on = models.DateField(_("opens on"), validators=[date_in_range])
    submissions_due_on = models.DateField(_("submissions due on"), validators=[date_in_range])
    clearance_due_on = models.DateField(_("clearance due on"), validators=[date_in_range])
    closes_on = models.DateField(_("closes on"), validators=[date_in_range])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="cycle_one_per_kind_and_year"),
            # Opening, submissions, clearance, closing: in that order (equal days allowed).
            models.CheckConstraint(
                condition=Q(submissions_due_on__gte=F("opens_on"))
                & Q(clearance_due_on__gte=F("submissions_due_on"))
                & Q(closes_on__gte=F("clearance_due_on")),
                name="cycle_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("program_cycle:cycle-detail", kwargs={"pk": self.pk})

    def clean(self):
        order = [
            ("opens_on", self.opens_on),
            ("submissions_due_on", self.submissions_due_on),
            ("clearance_due_on", self.clearance_due_on),
            ("closes_on", self.closes_on),
        ]
        for (_before, earlier), (field, later) in zip(order, order[1:], strict=False):
            if earlier and later and later < earlier:
                raise ValidationError(
                    {field: _("The dates must be in order: opens, submissions, clearance, closes.")}
                )


class TaskState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("In clearance")
    RETURNED = "returned", _("Returned")
    FINAL = "final", _("Final")


# The states in which the drafters hold the task (and its due date, not its clear-by, applies).
DRAFTING = (TaskState.DRAFT, TaskState.RETURNED)


def overdue_q(today=None) -> Q:
    """The one definition of "overdue": a draft past its due date, a clearance past its clear-by."""
    today = today or timezone.localdate()
    return Q(state__in=DRAFTING, due_on__lt=today) | Q(
        state=TaskState.SUBMITTED, clear_by__lt=today
    )


class TaskQuerySet(models.QuerySet):
    def overdue(self, today=None):
        return self.filter(overdue_q(today))

    def drafting(self):
        return self.filter(state__in=DRAFTING)

    def with_current(self, today=None):
        """Annotate what lists show per row: the current version and its submitter, lateness."""
        current = Submission.objects.filter(task=OuterRef("pk")).current_first()
        return self.annotate(
            current_submitter_id=Subquery(current.values("submitted_by_id")[:1]),
            current_number=Subquery(current.values("number")[:1]),
            is_late=Case(
                When(overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )


class Task(models.Model):
    """One deliverable of a cycle for one scope: "PiN, Peru, Health, RMNA 2027"."""

    State = TaskState

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("cycle")
    )
    task_type = models.ForeignKey(
        TaskType, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("task type")
    )
    # Always set: the Regional Platform for regional-sector tasks.
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("platform")
    )
    # A catalogue entry, active on the platform or not; null for platform-wide tasks.
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=TaskState.choices, default=TaskState.DRAFT
    )
    # Position of the clearance step it waits on; null unless in clearance.
    step = models.PositiveSmallIntegerField(_("clearance step"), null=True, blank=True)
    # The party the task waits on now (the drafters' parties are read from the type).
    waiting_on = models.CharField(_("waiting on"), max_length=30, blank=True, choices=PARTY_CHOICES)
    # The current step is cleared by the Regional Sector in place of a National Sector.
    # Resolved when the step begins (workflow.py explains why), so lists need no lookup.
    substituted = models.BooleanField(_("under substitution"), default=False)
    due_on = models.DateField(_("due on"))
    clear_by = models.DateField(_("to be cleared by"))
    # Bumped by every change; a client sends the one it saw, a stale one answers 409.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]
        constraints = [
            # One task per type and scope in a cycle: generating twice, or twice at the same
            # moment, cannot duplicate one (NULLs are distinct, hence two constraints).
            models.UniqueConstraint(
                fields=["cycle", "task_type", "platform", "sector"],
                condition=Q(sector__isnull=False),
                name="task_one_per_sector_scope",
            ),
            models.UniqueConstraint(
                fields=["cycle", "task_type", "platform"],
                condition=Q(sector__isnull=True),
                name="task_one_per_platform_scope",
            ),
            models.CheckConstraint(
                condition=Q(state="submitted", step__isnull=False)
                | (~Q(state="submitted") & Q(step__isnull=True)),
                name="task_step_iff_submitted",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"], name="task_state_due_idx"),
            models.Index(fields=["platform", "sector"], name="task_scope_idx"),
        ]

    def __str__(self):
        return f"{self.task_type} – {self.scope_label}"

    def get_absolute_url(self):
        return reverse("program_cycle:task-detail", kwargs={"pk": self.pk})

    def policy_where(self) -> Where:
        return Where(platform_id=self.platform_id, sector_id=self.sector_id)

    @property
    def scope_label(self) -> str:
        if self.sector_id is None:
            return self.platform.name
        return f"{self.sector.name} · {self.platform.name}"

    @property
    def is_drafting(self) -> bool:
        return self.state in DRAFTING

    def is_overdue(self, today=None) -> bool:
        # Lists annotate it (`TaskQuerySet.with_current`); a single task asks the same rule.
        if today is None and hasattr(self, "is_late"):
            return self.is_late
        return Task.objects.filter(pk=self.pk).overdue(today).exists()

    @property
    def current_submission(self) -> "Submission":
        """The version being drafted or cleared now."""
        return self.submissions.current_first().first()


class SubmissionQuerySet(models.QuerySet):
    def current_first(self):
        # Versions are only ever added, numbered upwards: the highest is the current one.
        return self.order_by("-number")


class Submission(models.Model):
    """One numbered version of a task's deliverable: a Markdown narrative and attachments.

    Returning or reopening starts the next version; every version is kept. Figures (PiN,
    targets) will hang from a version in the same way attachments do.
    """

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("task")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    narrative = models.TextField(_("narrative (Markdown)"), blank=True, max_length=100_000)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    history = HistoricalRecords()

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission version")
        verbose_name_plural = _("submission versions")
        ordering = ["task", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="submission_unique_number"),
        ]

    def __str__(self):
        return f"{self.task} v{self.number}"


def attachment_path(instance, filename: str) -> str:
    # The sanitized name is kept on the row; on disk a random prefix keeps names unique and
    # unguessable (the folder is never served, but defence in depth costs nothing here).
    return f"program_cycle/{instance.submission.task_id}/{uuid.uuid4().hex}-{filename}"


class Attachment(models.Model):
    """A file attached to a submission version; downloaded only through the policy-checked view."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("version")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=150)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["submission", "name", "pk"]

    def __str__(self):
        return self.name


class Transition(models.Model):
    """One move of a task: who, when, from and to, at which step, why, on which version.

    Append-only: the rows are the task's history, so they carry no history of their own.
    """

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("task")
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("version")
    )
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(_("from"), max_length=20, choices=TaskState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=TaskState.choices)
    step = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    # The party the actor acted as (a drafter's party, the step's party, the Regional Platform).
    party = models.CharField(_("acting as"), max_length=30, choices=PARTY_CHOICES)
    # Cleared by the Regional Sector in place of a National Sector (seed 000, note 6).
    substituted = models.BooleanField(_("in place of the National Sector"), default=False)
    # The submitter cleared it because no other eligible person held the step.
    four_eyes_waived = models.BooleanField(_("no second person available"), default=False)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["task", "at", "pk"]

    def __str__(self):
        return f"{self.task_id}: {self.from_state} -> {self.to_state} ({self.action})"
