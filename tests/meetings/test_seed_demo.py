"""The calendar demo: two months across sectors and zones, two conflicts (one accepted), a
series with a moved sitting, minutes with action points; running it again adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from meetings.models import ActionPoint, Conflict, Meeting, Occurrence
from r4v.models import Notification

pytestmark = pytest.mark.django_db


def test_the_demo_calendar_is_seeded_once_with_its_conflicts_series_and_minutes(settings):
    settings.DEBUG = True  # seed_demo prints public passwords and refuses otherwise
    call_command("load_structure", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_meetings_demo", stdout=StringIO())
    counts = (Meeting.objects.count(), Occurrence.objects.count(), Conflict.objects.count())
    assert counts[0] >= 14
    assert set(Meeting.objects.values_list("time_zone", flat=True)) >= {
        "America/Bogota",
        "America/Santiago",
        "America/Panama",
        "America/Mexico_City",
        "America/Lima",
    }
    conflicts = list(Conflict.objects.all())
    assert len(conflicts) == 2
    assert sorted(c.accepted_at is not None for c in conflicts) == [False, True]
    assert all(c.notified_at for c in conflicts)
    series = Meeting.objects.get(rrule__startswith="FREQ=MONTHLY")
    assert [o.is_moved for o in series.occurrences.order_by("original_start")] == [
        False,
        True,
        False,
    ]
    assert ActionPoint.objects.count() == 2
    assert Notification.objects.filter(subject__contains="overlaps").exists()
    # when run again
    call_command("seed_meetings_demo", stdout=StringIO())
    assert (Meeting.objects.count(), Occurrence.objects.count(), Conflict.objects.count()) == counts
