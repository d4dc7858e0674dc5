from celery import shared_task

from . import conflicts


@shared_task(name="meetings.scan_conflicts")
def scan_conflicts() -> int:
    return conflicts.conflicts_scan()
