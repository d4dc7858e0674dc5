"""Reminders of terms ending within the governance window: who gets one, and only once.

They ride on the reminder table (r4v.reminders): scheduled daily, sent by the sweeper.
"""

import datetime

from django.utils import timezone, translation

from r4v.models import Notification
from r4v.reminders import reminders_sweep
from sectors.services import term_endings_schedule
from sectors.tasks import notify_expiring_terms

TODAY = datetime.date(2026, 6, 1)


def _end(designation, days: int | None, today=TODAY):
    designation.term_end = None if days is None else today + datetime.timedelta(days=days)
    designation.save()


def _remind(today: datetime.date) -> int:
    """The daily scheduler, then the reminder sweeper: how many reminders were sent."""
    term_endings_schedule(today=today)
    return reminders_sweep()


def _recipients() -> set[str]:
    return set(Notification.objects.values_list("recipient__email", flat=True))


def test_a_co_lead_term_ending_on_day_60_reminds_the_team_and_the_focal_points(world, personas):
    # given: the NGO's co-lead term ends on day 60, its co-coordinator's on day 61
    _end(world.ngo_health, 60)
    _end(world.ngo_coordinator, 61)
    # when
    reminded = _remind(TODAY)
    # then
    assert reminded == 1
    assert _recipients() == {"team@regional.example", "focal@cs.example"}
    assert {n.subject for n in Notification.objects.all()} == {
        "Term ending on 2026-07-31: CS – Regional Platform – Health"
    }


def test_a_co_coordinator_term_ending_reminds_the_person_too(world, personas):
    # given
    _end(world.ngo_coordinator, 10)
    # when
    reminded = _remind(TODAY)
    # then
    assert reminded == 1
    assert _recipients() == {
        "team@regional.example",
        "focal@cs.example",
        "luis.private@cs.example",
    }


def test_each_planned_end_is_reminded_once_and_a_renewed_term_again(world, personas):
    # given: reminded once already
    _end(world.ngo_health, 30)
    _remind(TODAY)
    # when / then: the next day's run sends nothing new
    assert _remind(TODAY + datetime.timedelta(days=1)) == 0
    # when: the term is renewed to a new end that falls within the window again
    _end(world.ngo_health, 59)
    # then
    assert _remind(TODAY) == 1
    assert Notification.objects.filter(recipient__email="focal@cs.example").count() == 2


def test_ended_and_open_ended_designations_are_not_reminded(world, personas):
    # given: one designation ended (its planned end is past), the others have no planned end
    _end(world.unhcr_health, -5)
    world.unhcr_health.ended_on = TODAY - datetime.timedelta(days=5)
    world.unhcr_health.save()
    # when / then
    assert _remind(TODAY) == 0
    assert not Notification.objects.exists()


def test_the_beat_task_runs_the_reminders_for_today(world, personas):
    # given
    _end(world.unhcr_coordinator, 7, today=timezone.localdate())
    # when: run as Celery runs it, in-process
    result = notify_expiring_terms.apply()
    # then: scheduled; the reminder sweeper sends it
    assert result.get() == 1
    assert reminders_sweep() == 1
    assert "ana.private@unhcr.example" in _recipients()


def test_each_recipient_reads_the_reminder_in_their_own_language(world, personas):
    # given: the focal point works in Spanish; the Regional Platform team member in English
    personas["focal_point"].preferred_language = "es"
    personas["focal_point"].save()
    _end(world.ngo_health, 30)
    # when: the reminder is triggered from an English-language context
    with translation.override("en"):
        _remind(TODAY)
    # then
    subjects = dict(Notification.objects.values_list("recipient__email", "subject"))
    assert subjects["team@regional.example"].startswith("Term ending on 2026-07-01")
    assert subjects["team@regional.example"].endswith("Regional Platform – Health")
    with translation.override("es"):
        spanish = translation.gettext("Term ending on %(date)s: %(designation)s")
    assert spanish != "Term ending on %(date)s: %(designation)s"
    assert subjects["focal@cs.example"] == spanish % {
        "date": "2026-07-01",
        "designation": "CS – Plataforma Regional – Salud",
    }
