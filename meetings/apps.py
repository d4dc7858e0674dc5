from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Sector meetings, the shared calendar and reminders (next issue)."""

    name = "meetings"
    verbose_name = _("Meetings")
