"""The demo cycle: tasks in every state, played through the workflow, safe to run twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from program_cycle.models import Task, Transition

pytestmark = pytest.mark.django_db


def test_the_demo_cycle_has_every_state_and_running_it_again_changes_nothing(settings):
    # given
    settings.DEBUG = True
    call_command("load_structure", stdout=StringIO())
    call_command("seed_demo", allow_without_debug=True, stdout=StringIO())
    # when
    out = StringIO()
    call_command("seed_cycle_demo", stdout=out)
    # then
    assert "224 tasks made" in out.getvalue()
    assert "skipped" not in out.getvalue()
    states = set(Task.objects.values_list("state", flat=True))
    assert states == {"draft", "submitted", "returned", "final"}
    assert Task.objects.filter(state="submitted", step=2).exists()  # partly cleared
    assert Task.objects.filter(substituted=True, waiting_on="regional_sector").exists()
    assert Transition.objects.filter(substituted=True).exists()
    overdue = [t for t in Task.objects.filter(task_type__code="jna") if t.is_overdue()]
    assert len(overdue) == 8
    # when: again
    rows = Transition.objects.count()
    again = StringIO()
    call_command("seed_cycle_demo", stdout=again)
    # then
    assert "0 tasks made" in again.getvalue()
    assert Transition.objects.count() == rows
