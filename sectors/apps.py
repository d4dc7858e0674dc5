from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SectorsConfig(AppConfig):
    """The coordination structure: platforms, sectors, co-leads, co-coordinators, partners."""

    name = "sectors"
    verbose_name = _("Coordination structure")
