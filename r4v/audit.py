"""The one way coordination records are written, so every change has a who and a why.

simple-history records on post_save; `QuerySet.update()` and `bulk_update` skip it silently,
so audited models are only ever written through `save_audited`. Check-then-act services load
what they check through `locked`, so two people acting at once cannot both pass the check.
"""

from django.db import models, transaction

from .public_cache import content_changed


def save_audited(obj: models.Model, *, by, reason: str, update_fields=None) -> models.Model:
    """Validate and save `obj`, attributing the history row to `by` with `reason`."""
    obj.full_clean()
    obj._history_user = by
    obj._change_reason = reason[:100]
    # Before the save: the structure version's row is the first lock every writer takes.
    content_changed()
    obj.save(update_fields=update_fields)
    return obj


def locked[M: models.Model](model: type[M] | models.QuerySet, pk) -> M:
    """Load one row for update, inside the caller's transaction.

    The row lock (PostgreSQL `SELECT ... FOR UPDATE`; SQLite serializes writers anyway) holds
    until the service's transaction ends, so what the service checks on the returned instance
    is still true when it writes. Raises the model's DoesNotExist when the row has gone.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked() must be called inside the service's transaction.")
    # The structure version first, then the row: every writer locks in that order.
    content_changed()
    queryset = model if isinstance(model, models.QuerySet) else model._default_manager.all()
    return queryset.select_for_update().get(pk=pk)
