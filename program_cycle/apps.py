from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramCycleConfig(AppConfig):
    """RMNA/RMRP cycles, tasks, submissions and their clearance (next issue)."""

    name = "program_cycle"
    verbose_name = _("Program cycle")
