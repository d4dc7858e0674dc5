from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class R4VConfig(AppConfig):
    name = "r4v"
    verbose_name = _("R4V core")

    def ready(self):
        # checks: the deployment checks. tasks: registered in every process (web, commands,
        # worker), since services enqueue them by name (r4v.services._enqueue) and Celery's
        # autodiscovery runs in the worker only.
        from . import checks, tasks  # noqa: F401
        from .public_cache import connect_signals

        connect_signals()
