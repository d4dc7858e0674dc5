"""HTML pages of the calendar (filled in below)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


calendar = meeting_schedule = conflicts_live = slots_live = meeting_detail = _todo
meeting_cancel = minutes_edit = feeds_page = _todo
