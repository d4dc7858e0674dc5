"""Tasks on the shared history page (`r4v.history`), registered at start-up.

A task's history is seen by whoever sees the task (`selectors.task_list_visible_to`: its page
already lists its transitions); its page carries the history of its submission versions.
"""

from django.utils.translation import gettext as _

from r4v import history
from r4v.history import Source

from . import selectors
from .models import Submission, Task


def _may_view(user, task: Task) -> bool:
    return selectors.task_list_visible_to(user).filter(pk=task.pk).exists()


def _related(task: Task) -> list[Source]:
    return [
        Source(
            Submission.history.filter(task_id=task.pk),
            label=lambda row: _("Version %(n)s") % {"n": row.number},
        )
    ]


def register_histories() -> None:
    history.register(
        "task",
        Task,
        may_view=_may_view,
        manage_url=lambda task: task.get_absolute_url(),
        related=_related,
    )
