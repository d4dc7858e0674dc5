"""The one way coordination records are written, so every change has a who and a why.

simple-history records on post_save; `QuerySet.update()` and `bulk_update` skip it silently,
so audited models are only ever written through `save_audited`.
"""

from django.db import models


def save_audited(obj: models.Model, *, by, reason: str, update_fields=None) -> models.Model:
    """Validate and save `obj`, attributing the history row to `by` with `reason`."""
    obj.full_clean()
    obj._history_user = by
    obj._change_reason = reason[:100]
    obj.save(update_fields=update_fields)
    return obj
