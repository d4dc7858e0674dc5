from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class R4VConfig(AppConfig):
    name = "r4v"
    verbose_name = _("R4V core")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
        from .public_cache import connect_signals

        connect_signals()
