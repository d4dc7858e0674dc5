from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Sector meetings, the shared calendar, its overlap scan, reminders and feeds."""

    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # Registers the reminder handlers before the first sweep (r4v.reminders.handler).
        from . import reminders  # noqa: F401

        # --- History page (r4v.history) ---------------------------------------------------
        # A meeting's history is seen by those who may organize it, with its sittings' minutes.
        from .histories import register_histories

        register_histories()
