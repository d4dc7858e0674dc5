"""HTML pages of the program cycle: the task page, the clearance queue, drafting, cycles.

Reads come from `selectors` (404 for what the user may not see), the buttons from the
workflow's `allowed_actions`, writes from `services` and `workflow.task_transition`: the pages
hold no rule of their own.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from r4v.forms_kit import form_service_call, message_service_call
from sectors import policy

from . import parties, selectors, services, workflow
from .api import attachment_file_response
from .filters import TaskFilter
from .forms import CycleForm, DraftForm, TransitionForm, VersionForm
from .models import Attachment, TaskState
from .payloads import compare_all
from .rendering import markdown_html
from .serializers import transition_note

PAGE_SIZE = 25


# --- Cycles -------------------------------------------------------------------------------------


@login_required
def cycle_list(request):
    cycles = selectors.cycle_list_visible_to(request.user)
    can_open = policy.can(request.user, policy.Action.RUN_PROGRAM_CYCLE)
    form = CycleForm(request.POST or None) if can_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        cycle = form_service_call(form, services.cycle_open, by=request.user, **form.cleaned_data)
        if cycle is not None:
            messages.success(
                request, _("Cycle opened. Generate its tasks when the structure is ready.")
            )
            return redirect(cycle)
    return render(request, "program_cycle/cycle_list.html", {"cycles": cycles, "form": form})


@login_required
def cycle_detail(request, pk):
    cycle = selectors.cycle_get_for(request.user, pk=pk)
    return render(
        request,
        "program_cycle/cycle_detail.html",
        {
            "cycle": cycle,
            "rows": selectors.cycle_type_counts(cycle),
            "can_generate": policy.can(request.user, policy.Action.RUN_PROGRAM_CYCLE),
            "generated": request.session.pop(f"pc-generated-{cycle.pk}", None),
        },
    )


@login_required
@require_POST
def cycle_generate(request, pk):
    cycle = selectors.cycle_get_for(request.user, pk=pk)
    counts = message_service_call(request, services.cycle_generate, cycle=cycle, by=request.user)
    if counts is not None:
        made = sum(c["created"] for c in counts.values())
        request.session[f"pc-generated-{cycle.pk}"] = {
            code: c["created"] for code, c in counts.items()
        }
        messages.success(
            request, _("%(count)s tasks made; existing tasks were kept.") % {"count": made}
        )
    return redirect(cycle)


# --- The clearance queue --------------------------------------------------------------------------


@login_required
def queue(request):
    visible = selectors.task_list_visible_to(request.user)
    filtered = TaskFilter(request.GET or None, queryset=visible, request=request)
    tasks = filtered.qs if filtered.is_valid() else visible.none()
    counts = selectors.state_counts(tasks)
    page = Paginator(selectors.by_due_date(tasks), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    workflow.prefetch_allowed_actions(request.user, rows)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "program_cycle/queue.html",
        {
            "filter": filtered,
            "page": page,
            "rows": [_row(request.user, task) for task in rows],
            "counts": [(TaskState(s).label, n, s) for s, n in counts.items()],
            "total": sum(counts.values()),
            "query": query.urlencode(),
        },
    )


def _row(user, task) -> dict:
    return {
        "task": task,
        "status": workflow.status_label(task),
        "waiting": parties.waiting_label(task),
        "note": parties.substitution_note(task) if task.substituted else "",
        "overdue": task.is_overdue(),
        "actions": workflow.task_allowed_actions(user, task),
    }


# --- The task page -----------------------------------------------------------------------------


@login_required
def task_detail(request, pk):
    task = selectors.task_get_for(request.user, pk=pk)
    versions = list(selectors.submission_versions(task))
    current = versions[-1]
    allowed = workflow.task_allowed_actions(request.user, task)
    steps = list(task.task_type.steps.all())
    history = list(selectors.task_history(task))
    return render(
        request,
        "program_cycle/task_detail.html",
        {
            "task": task,
            "row": _row(request.user, task),
            "current": current,
            "narrative": markdown_html(current.narrative),
            "versions": versions,
            "steps": [
                {
                    "step": s,
                    "label": _party_or_substitute(task, s),
                    "current": task.state == TaskState.SUBMITTED and task.step == s.position,
                    "done": task.state == TaskState.FINAL
                    or (task.state == TaskState.SUBMITTED and task.step > s.position),
                }
                for s in steps
            ],
            "history": [
                {
                    "row": h,
                    "action": workflow.history_label(h.action),
                    "note": transition_note(h, task),
                }
                for h in history
            ],
            "buttons": [
                {
                    "action": a,
                    "label": workflow.action_label(a),
                    "comment": workflow.RULES[a].comment_required,
                }
                for a in allowed
                if a != workflow.Act.EDIT
            ],
            "can_edit": workflow.Act.EDIT in allowed,
        },
    )


def _party_or_substitute(task, step) -> str:
    if task.state == TaskState.SUBMITTED and task.step == step.position and task.substituted:
        return parties.waiting_label(task)
    return step.get_party_display()


@login_required
@require_POST
def task_transition(request, pk):
    task = selectors.task_get_for(request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete; reload the page and try again."))
        return redirect(task)
    moved = message_service_call(
        request, workflow.task_transition, task_id=task.pk, by=request.user, **form.cleaned_data
    )
    if moved is not None:
        messages.success(
            request,
            _("Done: %(action)s.") % {"action": workflow.action_label(form.cleaned_data["action"])},
        )
    return redirect(task)


@login_required
def task_edit(request, pk):
    task = selectors.task_get_for(request.user, pk=pk)
    if workflow.Act.EDIT not in workflow.task_allowed_actions(request.user, task):
        messages.error(request, _("This task cannot be edited now."))
        return redirect(task)
    current = task.submissions.current_first().prefetch_related("attachments").first()
    if request.method == "POST" and "remove" in request.POST:
        return _attachment_remove(request, task, current)
    form = DraftForm(
        request.POST or None,
        request.FILES or None,
        initial={"narrative": current.narrative, "version": task.version},
    )
    if request.method == "POST" and form.is_valid():
        saved = form_service_call(
            form,
            services.submission_save,
            task_id=task.pk,
            narrative=form.cleaned_data["narrative"],
            version=form.cleaned_data["version"],
            upload=form.cleaned_data["file"] or None,
            by=request.user,
        )
        if saved is not None:
            messages.success(request, _("Draft saved."))
            if "done" in request.POST:
                return redirect(task)
            return redirect("program_cycle:task-edit", pk=task.pk)
    return render(
        request,
        "program_cycle/task_edit.html",
        {
            "task": task,
            "form": form,
            "current": current,
            "allowed_types": ", ".join(sorted(services.ALLOWED_EXTENSIONS)),
        },
    )


def _attachment_remove(request, task, current):
    attachment = current.attachments.filter(pk=request.POST.get("remove")).first()
    if attachment is None:
        raise Http404
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
    elif message_service_call(
        request,
        services.attachment_remove,
        attachment=attachment,
        version=form.cleaned_data["version"],
        by=request.user,
    ):
        messages.success(request, _("Attachment removed."))
    return redirect("program_cycle:task-edit", pk=task.pk)


@login_required
def task_compare(request, pk):
    task = selectors.task_get_for(request.user, pk=pk)
    versions = {v.number: v for v in selectors.submission_versions(task)}
    latest = max(versions)
    try:
        b = int(request.GET.get("b", latest))
        a = int(request.GET.get("a", max(1, b - 1)))
    except ValueError:
        raise Http404 from None
    if a not in versions or b not in versions:
        raise Http404
    before, after = versions[a], versions[b]
    return render(
        request,
        "program_cycle/task_compare.html",
        {
            "task": task,
            "before": before,
            "after": after,
            "numbers": sorted(versions),
            "diffs": compare_all(before, after),
        },
    )


@login_required
def attachment_download(request, pk):
    visible = selectors.task_list_visible_to(request.user).values("pk")
    attachment = Attachment.objects.filter(pk=pk, submission__task__in=visible).first()
    if attachment is None:
        raise Http404
    return attachment_file_response(attachment)
