"""History pages speak the reader's language and show what a creation set."""

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from r4v.services import system_user
from sectors import services

from ..conftest import client_for


def _history(client, world, language):
    url = reverse("history", args=["organization", world.ngo.pk])
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).text


def test_a_created_entry_shows_the_values_that_were_set(client, world, personas):
    # given
    client_for(client, personas["regional"])
    # when
    html = _history(client, world, "en")
    # then
    assert "Caminos Solidarios" in html and "National NGO" in html
    assert "<strong>Acronym</strong>: CS" in html


def test_the_system_account_is_named_by_the_page_not_by_its_stored_english_name(
    client, world, personas
):
    # given: a change made by the system account, whose stored name is not what pages show
    system = system_user()
    system.full_name = "stored name"
    system.save()
    services.organization_update(
        organization=world.ngo,
        by=system,
        acronym="CSO",
    )
    client_for(client, personas["regional"])
    # when
    html = _history(client, world, "en")
    # then
    assert "R4V system" in html and "stored name" not in html


def test_history_dates_use_the_same_long_format_as_every_other_date(client, world, personas):
    # given
    client_for(client, personas["regional"])
    now = timezone.localtime(world.ngo.history.first().history_date)
    with translation.override("en"):
        expected = date_format(now, "DATETIME_FORMAT")
    # when
    html = _history(client, world, "en")
    # then
    assert expected in html


def test_a_un_agencys_type_is_shown_once(client, world):
    # when
    html = client.get(world.unhcr.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    # then
    assert html.count("UN agency") == 1
