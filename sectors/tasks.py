from celery import shared_task

from . import services


@shared_task(name="sectors.notify_expiring_terms")
def notify_expiring_terms() -> int:
    return services.term_endings_notify()
