"""The one way coordination records are written, so every change has a who and a why.

simple-history records on post_save; `QuerySet.update()` and `bulk_update` skip it silently,
so audited models are only ever written through `save_audited`. Check-then-act services load
what they check through `locked`, so two people acting at once cannot both pass the check.
"""

from django.db import models, transaction


def save_audited(
    obj: models.Model, *, by, reason: str, update_fields: list[str] | None = None
) -> models.Model:
    """Validate and save `obj`, attributing the history row to `by` with `reason`.

    An existing row is written only in `update_fields`, which is therefore required: a full
    save from an instance loaded earlier would put back whatever someone else changed since
    in the other columns. A new row is inserted whole (`update_fields` is then ignored, so a
    service that creates or updates can name its fields once).
    """
    adding = obj._state.adding
    if not adding and not update_fields:
        raise TypeError(
            f"save_audited() of an existing {type(obj).__name__} needs update_fields=[...]."
        )
    obj.full_clean()
    obj._history_user = by
    # A text column (SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD): kept whole.
    obj._change_reason = reason
    obj.save(update_fields=None if adding else update_fields)
    return obj


def locked[M: models.Model](model: type[M] | models.QuerySet, pk) -> M:
    """Load one row for update, inside the caller's transaction.

    The row lock (PostgreSQL `SELECT ... FOR UPDATE`; SQLite serializes writers anyway) holds
    until the service's transaction ends, so what the service checks on the returned instance
    is still true when it writes. Raises the model's DoesNotExist when the row has gone.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked() must be called inside the service's transaction.")
    queryset = model if isinstance(model, models.QuerySet) else model._default_manager.all()
    # `of=("self",)`: a queryset with select_related would otherwise lock the joined rows
    # too, and PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return queryset.select_for_update(of=("self",)).get(pk=pk)


def delete_audited(obj: models.Model, *, by, reason: str) -> None:
    """Delete `obj`, attributing its history row (simple-history records deletes too) to `by`
    with `reason`. Bulk `QuerySet.delete()` records nothing: rows with a history go one by one.
    """
    obj._history_user = by
    obj._change_reason = reason
    obj.delete()
