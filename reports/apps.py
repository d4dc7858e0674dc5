from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Consolidation, dashboards and exports (later issue); reads from every other app."""

    name = "reports"
    verbose_name = _("Reports")
