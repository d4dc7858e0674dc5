"""Query-string filters of the task list, shared by the API and the clearance queue page."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from sectors.models import Platform, Sector

from . import selectors
from .models import PARTY_CHOICES, Cycle, Task, TaskState, TaskType, overdue_q


class TaskFilter(filters.FilterSet):
    cycle = filters.ModelChoiceFilter(queryset=Cycle.objects.all(), label=_("Cycle"))
    area = filters.ChoiceFilter(
        field_name="task_type__area", choices=TaskType.Area.choices, label=_("Area")
    )
    task_type = filters.ModelChoiceFilter(
        queryset=TaskType.objects.all(), to_field_name="code", label=_("Task type")
    )
    platform = filters.ModelChoiceFilter(
        queryset=Platform.objects.all(), to_field_name="code", label=_("Platform")
    )
    sector = filters.ModelChoiceFilter(
        queryset=Sector.objects.all(), to_field_name="code", label=_("Sector")
    )
    state = filters.ChoiceFilter(choices=TaskState.choices, label=_("State"))
    waiting_on = filters.ChoiceFilter(choices=PARTY_CHOICES, label=_("Waiting on"))
    # Absent means "either" (a checkbox widget would read absent as False).
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    mine = filters.ChoiceFilter(
        method="filter_mine",
        choices=[("draft", _("To draft by me")), ("clear", _("Waiting for my clearance"))],
        label=_("My tasks"),
    )

    class Meta:
        model = Task
        fields = ["cycle", "area", "task_type", "platform", "sector", "state", "waiting_on"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_mine(self, queryset, name, value):
        user = self.request.user if self.request else None
        if value == "draft":
            return queryset.filter(selectors.drafting_q(user)).drafting()
        if value == "clear":
            return queryset.filter(selectors.clearing_q(user))
        return queryset
