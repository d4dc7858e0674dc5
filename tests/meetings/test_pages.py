"""The calendar's pages: schedule with live conflicts and save-anyway, the calendar per persona,
meeting and minutes pages, My work."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from meetings import selectors, services
from meetings.models import Conflict, Meeting
from r4v.models import Notification

from ..conftest import client_for
from .conftest import future, local, schedule


def _form(cal, **change):
    data = {
        "platform_sector": cal.world.regional_health.pk,
        "kind": "monthly_national",
        "title": "Health monthly",
        "start": "2027-03-09T11:30",
        "end": "2027-03-09T12:30",
        "time_zone": "America/Santiago",
        "visibility": "internal",
    }
    data.update(change)
    return data


@pytest.fixture
def protection(cal):
    # 10:00-11:00 Bogotá = 15:00-16:00 UTC; 11:30 Santiago (UTC-3 in March) = 14:30 UTC
    return schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_protection,
        title="Protection monthly",
        start_local=local(2027, 3, 9, 10),
        end_local=local(2027, 3, 9, 11),
    )


def test_the_live_list_shows_the_clash_in_my_zone_and_the_organizers(client, cal, protection):
    co = cal.personas["co_coordinator"]
    co.time_zone = "America/Santiago"
    co.save(update_fields=["time_zone"])
    response = client_for(client, co).get(
        reverse("meetings:meeting-conflicts"), _form(cal), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    # Regional Protection's internal meeting is outside a Health co-coordinator's scope: its
    # times, sector and kind only (the decision in meetings.conflicts).
    assert "Protection monthly" not in html
    assert "A meeting outside your scope" in html and str(cal.world.regional_protection) in html
    assert "12:00–13:00" in html  # Santiago, the viewer's zone
    assert "America/Bogota" in html and "10:00–11:00" in html  # the organizer's


def test_saving_a_clash_needs_save_anyway_which_records_the_acceptance(client, cal, protection):
    co = cal.personas["co_coordinator"]
    c = client_for(client, co)
    refused = c.post(reverse("meetings:meeting-schedule"), _form(cal))
    assert refused.status_code == 400
    assert "A meeting outside your scope" in refused.content.decode()
    assert Meeting.objects.count() == 1
    saved = c.post(reverse("meetings:meeting-schedule"), _form(cal, accept_conflicts="on"))
    assert saved.status_code == 302
    assert Conflict.objects.get().accepted_by == co
    # the other organizer, who never saw the warning, is told once
    told = Notification.objects.filter(recipient=cal.regional_team, subject__contains="overlaps")
    assert [n.subject for n in told] == ["“Health monthly” now overlaps your “Protection monthly”"]


def test_a_nonexistent_local_time_is_a_form_error(client, cal):
    c = client_for(client, cal.regional_team)
    response = c.post(
        reverse("meetings:meeting-schedule"),
        _form(cal, start="2026-09-06T00:30", end="2026-09-06T01:30"),
    )
    assert response.status_code == 400
    assert "does not exist in America/Santiago" in response.content.decode()


def test_the_schedule_page_needs_a_login(client):
    response = client.get(reverse("meetings:meeting-schedule"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("persona", ["anonymous", "partner", "platform_team", "regional"])
def test_the_calendar_shows_each_persona_its_meetings(client, cal, persona):
    team = cal.regional_team
    schedule(
        team,
        platform_sector=cal.world.regional_health,
        title="RH internal",
        start_local=future(3, 10),
        end_local=future(3, 11),
    )
    schedule(
        team,
        platform_sector=cal.world.colombia_health,
        title="CO internal",
        start_local=future(3, 14),
        end_local=future(3, 15),
    )
    schedule(
        team,
        platform_sector=cal.world.regional_protection,
        title="Open day",
        kind="event",
        visibility="public",
        start_local=future(4, 10),
        end_local=future(4, 11),
    )
    html = (
        client_for(client, cal.personas[persona])
        .get(reverse("meetings:calendar"), {"view": "list"})
        .content.decode()
    )
    seen = {t for t in ("RH internal", "CO internal", "Open day") if t in html}
    expected = {
        "anonymous": {"Open day"},
        "partner": {"Open day", "RH internal"},
        "platform_team": {"Open day", "CO internal"},
        "regional": {"Open day", "RH internal", "CO internal"},
    }[persona]
    assert seen == expected


@pytest.mark.parametrize("size", [2, 8])
def test_the_month_view_takes_the_same_queries_at_two_sizes(
    client, cal, size, django_assert_num_queries
):
    for i in range(size):
        schedule(
            cal.regional_team,
            platform_sector=cal.world.regional_health,
            accept=True,
            start_local=local(2027, 2, 1 + i, 10),
            end_local=local(2027, 2, 1 + i, 11),
        )
    c = client_for(client, cal.personas["partner"])
    c.get(reverse("meetings:calendar"), {"date": "2027-02-10"})
    with django_assert_num_queries(_month_queries):
        html = c.get(reverse("meetings:calendar"), {"date": "2027-02-10"}).content.decode()
    assert html.count('class="sitting') == size


# + 1: the second-factor gate asks, in one query, whether this person owes one (r4v/mfa.py).
_month_queries = 10


def test_an_internal_meeting_of_another_sector_answers_404(client, cal):
    meeting = schedule(cal.regional_team, platform_sector=cal.world.colombia_health)
    response = client_for(client, cal.personas["partner"]).get(meeting.get_absolute_url())
    assert response.status_code == 404


def test_minutes_with_an_action_point_show_in_the_owners_my_work(client, cal):
    team = cal.regional_team
    ana = cal.world.unhcr_coordinator.person
    meeting = schedule(
        team,
        platform_sector=cal.world.regional_health,
        start_local=future(-2, 10),
        end_local=future(-2, 11),
        kind="workshop",
    )
    sitting = meeting.occurrences.get()
    c = client_for(client, team)
    url = reverse("meetings:minutes-edit", args=[sitting.pk])
    assert (
        c.post(url, {"step": "save", "key_topics": "Funding", "decisions": "Merge"}).status_code
        == 302
    )
    assert (
        c.post(
            url, {"step": "action", "text": "Send the 4W", "owner": ana.pk, "due_on": "2030-01-10"}
        ).status_code
        == 302
    )
    assert c.post(url, {"step": "circulate"}).status_code == 302
    work = selectors.my_work(ana)
    assert [p.text for p in work["action_points"]] == ["Send the 4W"]
    html = render_to_string("meetings/_my_work.html", {"meetings_work": work})
    assert "Send the 4W" in html
    detail = c.get(meeting.get_absolute_url()).content.decode()
    assert "Send the 4W" in detail and "Circulated for comments" in detail


def test_the_feeds_page_issues_an_address_shown_once(client, cal):
    c = client_for(client, cal.personas["partner"])
    html = c.post(reverse("meetings:feeds")).content.decode()
    assert "/en/calendar/private/" in html
    assert "/en/calendar/private/" not in c.get(reverse("meetings:feeds")).content.decode()
    services.feed_token_revoke(user=cal.personas["partner"])
