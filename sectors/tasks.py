from celery import shared_task

from . import services


@shared_task(name="sectors.notify_expiring_terms")
def notify_expiring_terms() -> int:
    """Schedules the reminders; `r4v.sweep_reminders` sends them within the minute."""
    return services.term_endings_schedule()
