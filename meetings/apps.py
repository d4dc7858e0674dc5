from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def my_work_section(user) -> dict | None:
    """The calendar's part of "My work": sittings ahead, minutes to circulate, action points.

    For anyone with a role in the structure, as the program cycle's part.
    """
    from sectors.policy import scope_of

    from .selectors import my_work

    if not scope_of(user).is_staff_of_structure:
        return None
    return {"meetings_work": my_work(user)}


class MeetingsConfig(AppConfig):
    """Sector meetings, the shared calendar, its overlap scan, reminders and feeds."""

    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # Its endpoints on the one API router (r4v.api), before the URLconf reads it.
        from r4v.api import router

        from .api import register_routes

        register_routes(router)

        # Registers the reminder handlers before the first sweep (r4v.reminders.handler).
        from r4v import my_work

        from . import access, reminders  # noqa: F401

        # Its kinds of object with the one door for access (sectors.policy).
        access.register()

        my_work.register(
            "meetings", template="meetings/_my_work.html", context=my_work_section, order=30
        )

        # --- History page (r4v.history) ---------------------------------------------------
        # A meeting's history is seen by those who may organize it, with its sittings' minutes.
        from .histories import register_histories

        register_histories()

        # --- The public cache (r4v.public_cache) ------------------------------------------
        # The public calendars, which calendar programs poll, show public events and their
        # sittings (meetings.feeds).
        from r4v import public_cache

        from .models import Meeting, MeetingAudience, Occurrence

        public_cache.watch(Meeting, MeetingAudience, Occurrence)
        public_cache.public_view("meetings:feed-public", "meetings:feed-sector")
