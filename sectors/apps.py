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

        # --- The public cache (r4v.public_cache) ------------------------------------------
        # What the public pages, the contact directory and the API's reads show: a write to
        # any of it raises the cache's version after commit; roles and change notices are
        # never shown publicly, and a person only by name.
        from django.contrib.auth import get_user_model

        from r4v import public_cache

        from .models import (
            CoCoordinatorDesignation,
            CoLeadDesignation,
            Country,
            Organization,
            PartnerMembership,
            Platform,
            PlatformSector,
            Sector,
        )
        from .views.directory import DirectoryFilterForm

        public_cache.watch(
            Country,
            Platform,
            Sector,
            Organization,
            PlatformSector,
            CoLeadDesignation,
            CoCoordinatorDesignation,
            PartnerMembership,
        )
        public_cache.watch(get_user_model(), fields=("full_name", "is_active"))
        public_cache.public_view(
            "home",
            "sectors:platform-list",
            "sectors:platform-detail",
            "sectors:sector-list",
            "sectors:sector-page",
            "sectors:organization-detail",
        )
        public_cache.public_view(
            "sectors:contact-directory", params=tuple(DirectoryFilterForm.base_fields)
        )
        public_cache.public_view(
            "country-list",
            "country-detail",
            "platform-list",
            "platform-detail",
            "sector-list",
            "sector-detail",
            "platform-sector-list",
            "platform-sector-detail",
            "organization-list",
            "organization-detail",
            params=None,
        )
