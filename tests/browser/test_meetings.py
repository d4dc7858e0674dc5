"""A co-coordinator in Santiago schedules a monthly meeting that clashes with another regional
sector's meeting set in Bogotá time: sees the clash before saving, finds a slot, saves, and
finds the meeting in the calendar and in their private feed."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings import services
from meetings.models import Conflict, Meeting
from tests.factories import PASSWORD, meeting_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clash_world(world, personas):
    co = personas["co_coordinator"]
    co.time_zone = "America/Santiago"
    co.save(update_fields=["time_zone"])
    # Tuesday 9 March 2027, 10:00-11:00 in Bogotá: 15:00-16:00 UTC, 12:00-13:00 in Santiago.
    services.meeting_schedule(
        draft=meeting_draft(
            platform_sector=world.regional_protection,
            title="Protection monthly",
            start_local=datetime.datetime(2027, 3, 9, 10),  # noqa: DTZ001 - wall clock
            end_local=datetime.datetime(2027, 3, 9, 11),  # noqa: DTZ001
        ),
        by=personas["regional"],
    )
    return co


def test_schedule_a_clashing_meeting_find_a_slot_save_and_find_it_in_calendar_and_feed(
    world, clash_world, page
):
    co = clash_world
    # given the co-coordinator logs in
    page.goto(reverse("login"))
    page.fill("#id_username", co.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    # when they propose 11:30-12:30 Santiago time, overlapping the Bogotá meeting by half an hour
    page.goto(reverse("meetings:meeting-schedule"))
    page.select_option("#id_platform_sector", str(world.regional_health.pk))
    page.select_option("#id_kind", "monthly_partners")
    page.fill("#id_title", "Health partners")
    page.fill("#id_start", "2027-03-09T11:30")
    page.fill("#id_end", "2027-03-09T12:30")
    page.select_option("#id_time_zone", "America/Santiago")
    # then the clash shows before saving, in their zone and in the organizer's; the Protection
    # meeting is outside a Health co-coordinator's scope, so by its sector, not its title
    conflict = page.locator("#conflict-list .conflict")
    expect(conflict).to_contain_text("A meeting outside your scope")
    expect(conflict).not_to_contain_text("Protection monthly")
    expect(conflict).to_contain_text("12:00–13:00")
    expect(conflict).to_contain_text("America/Bogota")
    expect(conflict).to_contain_text("10:00–11:00")
    # when they ask for a slot and take the first
    page.locator("#find-slot").click()
    first_slot = page.locator("#slot-list a.slot").first
    expect(first_slot).to_contain_text("13:00–14:00")  # Santiago: right after the clash
    first_slot.click()
    # then the form holds the slot, with no conflict left, and saves
    expect(page.locator("#id_start")).to_have_value("2027-03-09T13:00")
    expect(page.locator("#id_title")).to_have_value("Health partners")
    expect(page.locator("#no-conflicts")).to_be_visible()
    page.locator("#save-meeting").click()
    expect(page.locator("h1")).to_contain_text("Health partners")
    meeting = Meeting.objects.get(title="Health partners")
    assert meeting.start_at.isoformat() == "2027-03-09T16:00:00+00:00"
    assert not Conflict.objects.exists()
    # and it is in the calendar, in their zone
    page.goto(reverse("meetings:calendar") + "?view=list&date=2027-03-01")
    row = page.locator("#calendar-list tr.sitting", has_text="Health partners")
    expect(row).to_contain_text("13:00–14:00")
    # and in their private feed
    page.goto(reverse("meetings:feeds"))
    page.locator("#issue-feed").click()
    url = page.locator("#private-feed").inner_text()
    path = url.split("://", 1)[1].split("/", 1)[1]
    feed = page.request.get("/" + path)
    assert feed.status == 200
    events = icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")
    assert "Health partners" in {str(e["SUMMARY"]) for e in events}
    assert page.console_errors == [], page.console_errors
