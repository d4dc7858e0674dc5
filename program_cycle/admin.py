from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ClearanceStep, Cycle, Task, TaskType, Transition


class ClearanceStepInline(admin.TabularInline):
    model = ClearanceStep
    extra = 0


@admin.register(TaskType)
class TaskTypeAdmin(SimpleHistoryAdmin):
    # A changed clearance path is a data change: edited here or in program_cycle/task_types.py.
    list_display = ["code", "area", "scope", "position"]
    inlines = [ClearanceStepInline]


@admin.register(Cycle)
class CycleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "year", "submissions_due_on", "clearance_due_on"]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    # Read-only: tasks move only through the workflow, which records every transition.
    list_display = ["pk", "task_type", "platform", "sector", "state", "step", "due_on"]
    list_filter = ["state", "task_type", "cycle"]
    readonly_fields = [f.name for f in Task._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["task", "action", "from_state", "to_state", "by", "at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
