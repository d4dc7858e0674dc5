"""Writes of the program cycle other than transitions (those are `workflow.task_transition`).

Loading the task types, opening a cycle and generating its tasks, saving a draft and its
attachments. Each checks the policy, writes through `save_audited` and attributes the change.
"""

import datetime
import mimetypes
import unicodedata
from collections import Counter
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from simple_history.utils import bulk_create_with_history

from r4v.audit import delete_audited, locked, save_audited
from r4v.errors import NotAllowed
from r4v.models import User
from sectors import policy
from sectors.models import Platform, PlatformSector, Sector

from . import reminders, workflow
from .models import Attachment, ClearanceStep, Cycle, Submission, Task, TaskType
from .task_types import TASK_TYPES

# --- Task types ----------------------------------------------------------------------------------


@transaction.atomic
def task_types_load(*, by: User) -> Counter:
    """Write the seed table's task types and their steps; running it again changes nothing."""
    counts = Counter()
    for position, data in enumerate(TASK_TYPES, start=1):
        fields = {
            "area": data.area,
            "name_en": data.name_en,
            "name_es": data.name_es,
            "description_en": data.description_en,
            "description_es": data.description_es,
            "clearance_wording": data.clearance_wording,
            "drafters": list(data.drafters),
            "scope": data.scope,
            "cycle_kinds": list(data.cycle_kinds),
            "due_offset_days": data.due_offset_days,
            "position": position,
        }
        task_type = TaskType.objects.filter(code=data.code).first()
        if task_type is None:
            task_type = save_audited(
                TaskType(code=data.code, **fields), by=by, reason=N_("Task types loaded")
            )
            counts["created"] += 1
        elif changed := [k for k, v in fields.items() if getattr(task_type, k) != v]:
            for k in changed:
                setattr(task_type, k, fields[k])
            save_audited(task_type, by=by, reason=N_("Task types loaded"), update_fields=changed)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        _steps_sync(task_type, data.steps, by=by)
    return counts


def _steps_sync(task_type: TaskType, steps, *, by: User) -> None:
    existing = {s.position: s for s in task_type.steps.all()}
    for position, step in enumerate(steps, start=1):
        row = existing.pop(position, None) or ClearanceStep(task_type=task_type, position=position)
        if row.pk is None or (row.party, row.substitutable) != (step.party, step.substitutable):
            row.party, row.substitutable = step.party, step.substitutable
            save_audited(
                row,
                by=by,
                reason=N_("Clearance path loaded"),
                update_fields=["party", "substitutable"],
            )
    for row in existing.values():
        delete_audited(row, by=by, reason=N_("Clearance path loaded"))


# --- Cycles --------------------------------------------------------------------------------------


def _require_regional(by: User) -> None:
    # The Regional Platform team opens cycles; administrators and commands (the system user)
    # too (sectors.policy: RUN_PROGRAM_CYCLE).
    if not policy.can(by, policy.Action.RUN_PROGRAM_CYCLE):
        raise NotAllowed(_("Only the Regional Platform team opens cycles and generates tasks."))


@transaction.atomic
def cycle_open(
    *,
    name: str,
    kind: str,
    year: int,
    opens_on: datetime.date,
    submissions_due_on: datetime.date,
    clearance_due_on: datetime.date,
    closes_on: datetime.date,
    by: User,
) -> Cycle:
    _require_regional(by)
    cycle = Cycle(
        name=name.strip(),
        kind=kind,
        year=year,
        opens_on=opens_on,
        submissions_due_on=submissions_due_on,
        clearance_due_on=clearance_due_on,
        closes_on=closes_on,
        created_by=by,
    )
    return save_audited(cycle, by=by, reason=N_("Cycle opened"))


def _scopes(task_type: TaskType) -> list[tuple[int, int | None]]:
    """Every (platform, sector) the type has a task for, in the current structure."""
    entries = Sector.objects.all()
    if not task_type.include_working_groups:
        entries = entries.exclude(kind=Sector.Kind.WORKING_GROUP)
    others = list(
        Platform.objects.exclude(kind=Platform.Kind.REGIONAL).values_list("pk", flat=True)
    )
    match task_type.scope:
        case TaskType.Scope.REGIONAL_SECTOR:
            # A Regional Sector drafts these, so only sectors active on the Regional Platform.
            return list(
                PlatformSector.objects.filter(
                    platform__kind=Platform.Kind.REGIONAL,
                    is_active=True,
                    sector__in=entries,
                ).values_list("platform_id", "sector_id")
            )
        case TaskType.Scope.PLATFORM_SECTOR:
            # Whether or not the sector is active there: that is what substitution is for.
            sector_ids = list(entries.values_list("pk", flat=True))
            return [(p, s) for p in others for s in sector_ids]
        case TaskType.Scope.PLATFORM:
            return [(p, None) for p in others]
    return []


@transaction.atomic
def cycle_generate(*, cycle: Cycle, by: User) -> dict[str, dict[str, int]]:
    """Create every task the cycle's types imply that does not exist yet.

    Returns {task type code: {"created": n, "total": m}}. The cycle row is locked, so two
    people generating at once run one after the other and the second creates nothing; the
    unique constraints on Task hold even if something bypassed the lock.
    """
    _require_regional(by)
    cycle = locked(Cycle, cycle.pk)
    existing = set(
        Task.objects.filter(cycle=cycle).values_list("task_type_id", "platform_id", "sector_id")
    )
    counts: dict[str, dict[str, int]] = {}
    new_tasks: list[Task] = []
    for task_type in TaskType.objects.all():
        if cycle.kind not in task_type.cycle_kinds:
            continue
        due_on = max(
            cycle.opens_on,
            cycle.submissions_due_on + datetime.timedelta(days=task_type.due_offset_days),
        )
        scopes = _scopes(task_type)
        missing = [(p, s) for p, s in scopes if (task_type.pk, p, s) not in existing]
        counts[task_type.code] = {"created": len(missing), "total": len(scopes)}
        new_tasks += [
            Task(
                cycle=cycle,
                task_type=task_type,
                platform_id=p,
                sector_id=s,
                due_on=due_on,
                clear_by=max(due_on, cycle.clearance_due_on),
            )
            for p, s in missing
        ]
    if new_tasks:
        # Hundreds of rows: one insert per table, each with its history rows.
        created = bulk_create_with_history(
            new_tasks, Task, default_user=by, default_change_reason=N_("Cycle generated")
        )
        created = list(
            Task.objects.filter(pk__in=[t.pk for t in created]).select_related("task_type")
        )
        bulk_create_with_history(
            [Submission(task=task, number=1) for task in created],
            Submission,
            default_user=by,
            default_change_reason=N_("Cycle generated"),
        )
        reminders.deadline_schedule_new(created)
        reminders.overdue_digest_ensure()
    return counts


# --- Drafting ----------------------------------------------------------------------------------


def _touch(task: Task, *, by: User, reason: str) -> Task:
    task.version += 1
    return save_audited(task, by=by, reason=reason, update_fields=["version"])


@transaction.atomic
def submission_save(
    *, task_id: int, narrative: str, version: int, by: User, upload: UploadedFile | None = None
) -> Task:
    """Save the current version's narrative (a draft), with a file to attach if one is given.

    One transaction: a refused file leaves the narrative as it was, so a page that says "not
    saved" is telling the truth. The task's version moves on once.
    """
    checked = _check_upload(upload) if upload is not None else None
    task = workflow.task_lock(task_id, version=version)
    workflow.require(task, workflow.Act.EDIT, by=by)
    submission = task.current_submission
    submission.narrative = narrative
    save_audited(submission, by=by, reason=N_("Draft saved"), update_fields=["narrative"])
    if checked is not None:
        _attach(submission, upload, *checked, by=by)
    return _touch(task, by=by, reason=N_("Draft saved"))


# Documents, spreadsheets, slides, images and plain data: what these deliverables are made of.
ALLOWED_EXTENSIONS = frozenset(
    {
        "pdf",
        "doc",
        "docx",
        "odt",
        "xls",
        "xlsx",
        "ods",
        "csv",
        "ppt",
        "pptx",
        "txt",
        "png",
        "jpg",
        "jpeg",
    }
)
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def attachment_name_clean(raw: str) -> str:
    """A safe file name: no path, no control characters, only [-_.A-Za-z0-9], 150 at most."""
    name = PurePath(unicodedata.normalize("NFKD", raw.replace("\\", "/"))).name
    name = name.encode("ascii", "ignore").decode()
    name = get_valid_filename(name) if name.strip(" .") else ""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem.lstrip(".")[:140] or "file"
    return f"{stem}.{ext.lower()}" if ext else stem


def _check_upload(upload: UploadedFile) -> tuple[str, str]:
    name = attachment_name_clean(upload.name or "")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Files of this type cannot be attached. Allowed: %(types)s.")
                % {"types": ", ".join(sorted(ALLOWED_EXTENSIONS))}
            }
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB.")
                % {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    # The type is ours, from the extension we allowed; the client's claim is not trusted.
    return name, mimetypes.guess_type(name)[0] or "application/octet-stream"


def _attach(
    submission: Submission, upload: UploadedFile, name: str, content_type: str, *, by: User
) -> Attachment:
    upload.name = name
    attachment = Attachment(
        submission=submission,
        file=upload,
        name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_by=by,
    )
    return save_audited(attachment, by=by, reason=N_("Attachment added"))


@transaction.atomic
def attachment_add(*, task_id: int, upload: UploadedFile, version: int, by: User) -> Attachment:
    checked = _check_upload(upload)
    task = workflow.task_lock(task_id, version=version)
    workflow.require(task, workflow.Act.EDIT, by=by)
    attachment = _attach(task.current_submission, upload, *checked, by=by)
    _touch(task, by=by, reason=N_("Attachment added"))
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, version: int, by: User) -> Task:
    """Remove an attachment from the current draft version (earlier versions keep theirs)."""
    task = workflow.task_lock(attachment.submission.task_id, version=version)
    workflow.require(task, workflow.Act.EDIT, by=by)
    if attachment.submission_id != task.current_submission.pk:
        raise NotAllowed(_("Only the attachments of the version being drafted can be removed."))
    # The row goes; the stored file stays, because an earlier version may point at it too.
    delete_audited(attachment, by=by, reason=N_("Attachment removed"))
    return _touch(task, by=by, reason=N_("Attachment removed"))
