from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SectorsConfig(AppConfig):
    """The coordination structure: platforms, sectors, co-leads, co-coordinators, partners."""

    name = "sectors"
    verbose_name = _("Coordination structure")

    def ready(self):
        # Its endpoints on the one API router (r4v.api), before the URLconf reads it.
        from r4v.api import router

        from .api import register_routes

        register_routes(router)

        # The services register the change notices' allowed_actions and the reminder
        # handlers; the API, the pages and the worker all need them before the first call.
        from . import my_work, services  # noqa: F401
        from .histories import register_histories

        # Its sections of the shared "My work" page (r4v.my_work).
        my_work.register_sections()
        # The shared history page (r4v.history) shows the structure's records.
        register_histories()
