from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def my_work_section(user) -> dict | None:
    """The program-cycle part of "My work": tasks to draft and to clear, with counts.

    For anyone with a role in the structure; someone without one has no task to be told about.
    """
    from sectors.policy import scope_of

    from .selectors import my_work

    if not scope_of(user).is_staff_of_structure:
        return None
    return {"work": my_work(user)}


class ProgramCycleConfig(AppConfig):
    """RMNA/RMRP cycles, tasks, submissions and their clearance."""

    name = "program_cycle"
    verbose_name = _("Program cycle")

    def ready(self):
        # Its endpoints on the one API router (r4v.api), before the URLconf reads it.
        from r4v.api import router

        from .api import register_routes

        register_routes(router)

        # Registers the reminder handlers and Task's allowed_actions before the first request
        # or sweep (r4v.reminders.handler, sectors.policy.actions_source).
        from r4v import my_work
        from sectors import policy

        from . import reminders, selectors, workflow  # noqa: F401
        from .models import Task

        # Its tasks with the one door for access (sectors.policy).
        policy.register_kind(Task, visible_q=selectors.task_q)

        my_work.register(
            "program_cycle",
            template="program_cycle/_my_work.html",
            context=my_work_section,
            order=20,
        )

        # --- History page (r4v.history) ---------------------------------------------------
        # A task's history is seen by whoever sees the task (its page lists its transitions
        # already), with the history of its versions.
        from .histories import register_histories

        register_histories()
