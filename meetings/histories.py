"""Meetings on the shared history page (`r4v.history`), registered at start-up.

Who may see a meeting's history: those who may change it (`meetings.access`: its organizer, the
Regional Platform team, the platform's team, the sector's co-coordinators).
Its page carries the minutes of its sittings, whose circulation dates the seed's deadlines read.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from r4v import history
from r4v.history import Source
from sectors import policy

from . import access
from .models import Meeting, Minutes, Occurrence


def _may_view(user, meeting: Meeting) -> bool:
    return policy.can(user, access.CHANGE, meeting)


def _minutes_label(row) -> str:
    if row.occurrence is None:
        return _("Minutes")
    return _("Minutes of %(date)s") % {"date": date_format(row.occurrence.start_at, "DATE_FORMAT")}


def _related(meeting: Meeting) -> list[Source]:
    sittings = Occurrence.objects.filter(meeting=meeting).values("pk")
    return [
        Source(
            Minutes.history.filter(occurrence_id__in=sittings),
            label=_minutes_label,
            select_related=("occurrence",),
        )
    ]


def register_histories() -> None:
    history.register(
        "meeting",
        Meeting,
        may_view=_may_view,
        manage_url=lambda meeting: meeting.get_absolute_url(),
        related=_related,
    )
