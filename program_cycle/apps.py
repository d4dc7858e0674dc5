from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramCycleConfig(AppConfig):
    """RMNA/RMRP cycles, tasks, submissions and their clearance."""

    name = "program_cycle"
    verbose_name = _("Program cycle")

    def ready(self):
        # Registers the reminder handlers and Task's allowed_actions before the first request
        # or sweep (r4v.reminders.handler, sectors.policy.actions_source).
        from . import reminders, workflow  # noqa: F401

        # --- History page (r4v.history) ---------------------------------------------------
        # A task's history is seen by whoever sees the task (its page lists its transitions
        # already), with the history of its versions.
        from .histories import register_histories

        register_histories()
