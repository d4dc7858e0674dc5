from celery import shared_task

from . import reminders


@shared_task(name="program_cycle.ensure_overdue_digest")
def ensure_overdue_digest() -> int:
    """Schedule this week's overdue digest row; the reminder sweeper sends it."""
    return reminders.overdue_digest_ensure().pk
