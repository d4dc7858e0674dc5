"""Permission-aware reads of the program cycle: one door for tasks, the queue and "My work".

A task is visible to the Regional Platform team (and administrators), and to whoever holds a
party for its scope: the platform's team sees its platform's tasks, a Regional Sector its
sector's tasks on every platform (it may clear in place of a National Sector), a National
Sector its own and its platform's platform-wide tasks. Partners and anonymous visitors see
none. "Missing" and "not yours" are the same 404.
"""

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sectors import policy
from sectors.policy import Party

from .models import Cycle, Submission, Task, TaskState, TaskType, Transition, overdue_q
from .parties import Eligibility, eligibility_of, place_q

NOTHING = Q(pk__in=[])


def _drafting_type_ids() -> dict[str, list[int]]:
    # Thirteen rows: read once per call rather than filtering a JSON list in SQL (portable).
    by_party: dict[str, list[int]] = {}
    for pk, drafters in TaskType.objects.values_list("pk", "drafters"):
        for party in drafters:
            by_party.setdefault(party, []).append(pk)
    return by_party


def task_q(user, elig: Eligibility | None = None, *, prefix: str = "") -> Q:
    """The tasks `user` may see (`prefix` leads from a queried model to Task): the rule the
    program cycle registers with the one door, `policy.visible_q(user, Task)`."""
    if policy.scope_of(user).is_regional:
        # Not Q(): an empty Q vanishes from an OR.
        return Q(**{f"{prefix}pk__isnull": False})
    elig = elig or eligibility_of(user)
    q = Q(**{f"{prefix}pk__in": []})
    for party, platform_id, sector_id in elig.held:
        q |= place_q(party, platform_id, sector_id, prefix)
        if party == Party.NATIONAL_SECTOR:
            q |= Q(**{f"{prefix}platform_id": platform_id, f"{prefix}sector__isnull": True})
    return q


def drafting_q(user, elig: Eligibility | None = None) -> Q:
    """Tasks `user` drafts (whatever their state)."""
    elig = elig or eligibility_of(user)
    types = _drafting_type_ids() if elig.held else {}
    q = NOTHING
    for party, platform_id, sector_id in elig.held:
        if types.get(party):
            q |= place_q(party, platform_id, sector_id) & Q(task_type_id__in=types[party])
    return q


def clearing_q(user, elig: Eligibility | None = None) -> Q:
    """Tasks in clearance waiting on a party `user` holds."""
    elig = elig or eligibility_of(user)
    q = NOTHING
    for party, platform_id, sector_id in elig.held:
        q |= place_q(party, platform_id, sector_id) & Q(waiting_on=party)
    return q & Q(state=TaskState.SUBMITTED)


def _with_reads(queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    return queryset.select_related("task_type", "platform", "sector", "cycle").with_current(today)


def task_list_visible_to(user) -> QuerySet:
    if user is None or not user.is_authenticated:
        return _with_reads(Task.objects.none())
    return _with_reads(Task.objects.filter(policy.visible_q(user, Task)))


def task_get_for(user, *, pk) -> Task:
    task = task_list_visible_to(user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def state_counts(queryset: QuerySet) -> dict[str, int]:
    rows = queryset.order_by().values("state").annotate(n=Count("pk"))
    counts = {state: 0 for state in TaskState.values}
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def by_due_date(queryset: QuerySet) -> QuerySet:
    """Overdue first, then by due date (of a queryset from `_with_reads`)."""
    return queryset.order_by("-is_late", "due_on", "pk")


def my_work(user, *, limit: int = 20) -> dict:
    """What waits for `user`: tasks to draft (overdue first) and tasks to clear, with counts.

    A constant number of queries whatever the number of tasks.
    """
    elig = eligibility_of(user)
    if not elig.held:
        return {
            "to_draft": [],
            "to_clear": [],
            "counts": {"to_draft": 0, "to_clear": 0, "overdue": 0},
        }
    today = timezone.localdate()
    visible = Task.objects.filter(task_q(user, elig))
    drafting = visible.filter(drafting_q(user, elig)).drafting()
    clearing = visible.filter(clearing_q(user, elig))
    counts = drafting.aggregate(to_draft=Count("pk"), overdue=Count("pk", filter=overdue_q(today)))
    counts["to_clear"] = clearing.count()
    return {
        "to_draft": list(by_due_date(_with_reads(drafting, today))[:limit]),
        "to_clear": list(by_due_date(_with_reads(clearing, today))[:limit]),
        "counts": counts,
        "today": today,
    }


def cycle_list_visible_to(user) -> QuerySet:
    if user is None or not user.is_authenticated:
        return Cycle.objects.none()
    if policy.scope_of(user).is_regional or eligibility_of(user).held:
        return Cycle.objects.all()
    return Cycle.objects.none()


def cycle_get_for(user, *, pk) -> Cycle:
    cycle = cycle_list_visible_to(user).filter(pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


def cycle_type_counts(cycle: Cycle) -> list[dict]:
    """Tasks per type and state in a cycle, for the cycle page."""
    rows = (
        Task.objects.filter(cycle=cycle)
        .order_by()
        .values("task_type_id")
        .annotate(
            total=Count("pk"),
            final=Count("pk", filter=Q(state=TaskState.FINAL)),
            submitted=Count("pk", filter=Q(state=TaskState.SUBMITTED)),
            substituted=Count("pk", filter=Q(substituted=True)),
        )
    )
    by_type = {row["task_type_id"]: row for row in rows}
    return [
        {
            "task_type": t,
            **by_type.get(t.pk, {"total": 0, "final": 0, "submitted": 0, "substituted": 0}),
        }
        for t in TaskType.objects.all()
        if cycle.kind in t.cycle_kinds
    ]


def task_history(task: Task) -> QuerySet:
    return (
        Transition.objects.filter(task=task).select_related("by", "submission").order_by("at", "pk")
    )


def submission_versions(task: Task) -> QuerySet:
    return (
        Submission.objects.filter(task=task)
        .select_related("submitted_by")
        .prefetch_related("attachments")
        .order_by("number")
    )
