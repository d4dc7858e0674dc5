from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class R4VConfig(AppConfig):
    name = "r4v"
    verbose_name = _("R4V core")

    def ready(self):
        # checks: the deployment checks. tasks: registered in every process (web, commands,
        # worker), since services enqueue them by name (r4v.services._enqueue) and Celery's
        # autodiscovery runs in the worker only.
        from . import checks, public_cache, tasks  # noqa: F401

        public_cache.connect_signals()
        # The API's front door lists its routes; apps declare their own public reads.
        public_cache.public_view("api-root", params=None)
