"""HTML pages of the program cycle (filled in below)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


cycle_list = cycle_detail = cycle_generate = queue = task_detail = task_edit = _todo
task_transition = task_compare = attachment_download = _todo
