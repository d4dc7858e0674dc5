"""The reminder table's services: schedule, cancel, sweep.

Apps register a handler per kind and schedule rows; the beat task `r4v.sweep_reminders` sends
what is due. Each row is claimed by a filtered update inside the transaction that runs its
handler: the handler's notifications and the claim commit together or not at all, and a second
sweeper's update finds the row already claimed (PostgreSQL re-checks the condition after the
first commits; SQLite serializes the writers). A handler that raises leaves the row pending with
a backoff, up to MAX_ATTEMPTS, after which it is marked failed and shown to the administrator.
"""

import datetime
import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Reminder, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Handlers write inbox rows (e-mail goes through the outbox), so they rarely fail; when they
# do, it is usually the database, which recovers within minutes.
BACKOFF = datetime.timedelta(minutes=2)

# kind -> fn(reminder) -> bool: True if it told someone, False if there was nothing to say.
_HANDLERS: dict[str, Callable[[Reminder], bool]] = {}


def handler(kind: str):
    """Register the function that sends reminders of `kind`.

    Register at import of the app's module that defines it, imported by its AppConfig.ready(),
    so the worker knows every kind before the first sweep.
    """

    def register(fn: Callable[[Reminder], bool]):
        _HANDLERS[kind] = fn
        return fn

    return register


def _pending():
    return Reminder.objects.filter(
        sent_at__isnull=True, skipped_at__isnull=True, failed_at__isnull=True
    )


def reminder_schedule(
    *,
    kind: str,
    target_id: int,
    key: str,
    due_at: datetime.datetime,
    recipient: User | None = None,
) -> Reminder:
    """Schedule one reminder per `key`; a pending one moves to the new due time.

    A reminder already sent (or skipped) stays as it is: the occasion it was about was told.
    """
    if kind not in _HANDLERS:
        raise ValueError(f"No reminder handler is registered for {kind!r}.")
    reminder, created = Reminder.objects.get_or_create(
        key=key,
        defaults={"kind": kind, "target_id": target_id, "due_at": due_at, "recipient": recipient},
    )
    if not created and reminder.is_pending and reminder.due_at != due_at:
        _pending().filter(pk=reminder.pk).update(due_at=due_at)
        reminder.due_at = due_at
    return reminder


def reminders_cancel(*, kind: str, target_id: int, keys_except=()) -> int:
    """Skip the pending reminders about one object (it was cancelled, it moved on)."""
    return (
        _pending()
        .filter(kind=kind, target_id=target_id)
        .exclude(key__in=keys_except)
        .update(skipped_at=timezone.now())
    )


def reminders_sweep(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Send every reminder that is due; returns how many told someone."""
    now = now or timezone.now()
    due = _pending().filter(due_at__lte=now).order_by("due_at").values_list("pk", flat=True)
    return sum(_reminder_send(pk, now=now) for pk in list(due[:limit]))


def _reminder_send(pk: int, *, now: datetime.datetime) -> bool:
    try:
        with transaction.atomic():
            claimed = _pending().filter(pk=pk).update(sent_at=now, attempts=F("attempts") + 1)
            if claimed != 1:
                return False
            reminder = Reminder.objects.select_related("recipient").get(pk=pk)
            told = _HANDLERS[reminder.kind](reminder)
            if not told:
                Reminder.objects.filter(pk=pk).update(sent_at=None, skipped_at=now)
            return bool(told)
    except Exception as error:
        # The claim rolled back with the handler's writes; count the attempt outside it.
        logger.exception("Reminder %s failed", pk)
        _reminder_failed(pk, error=error, now=now)
        return False


def _reminder_failed(pk: int, *, error: Exception, now: datetime.datetime) -> None:
    reminder = Reminder.objects.filter(pk=pk).first()
    if reminder is None:
        return
    attempts = reminder.attempts + 1  # the claim's increment rolled back
    fields = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:2000]}
    if attempts >= MAX_ATTEMPTS:
        fields["failed_at"] = now
    else:
        fields["due_at"] = now + BACKOFF * 2 ** (attempts - 1)
    Reminder.objects.filter(pk=pk, sent_at__isnull=True).update(**fields)
