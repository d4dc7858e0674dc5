"""A visitor can always reach someone: a sector with nobody designated names whom to contact."""

import datetime
import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sectors.models import Platform

from ..conftest import client_for
from ..factories import CoCoordinatorFactory, CoLeadFactory


def _publish_contacts(platform):
    platform.local_name = "GIFMM"
    platform.website = "https://gifmm.example"
    platform.contact_email = "coordinacion@gifmm.example"
    platform.save()


def test_a_national_sector_with_nobody_designated_shows_the_platform_and_regional_contacts(
    client, world
):
    # given: Colombia Health has no co-lead; the Regional Health Sector has two co-coordinators
    _publish_contacts(world.colombia)
    # when
    html = client.get(world.colombia_health.get_absolute_url()).text
    # then
    assert "Whom to contact" in html
    assert "GIFMM (Colombia)" in html
    assert "mailto:coordinacion@gifmm.example" in html
    assert 'href="https://gifmm.example"' in html
    assert "mailto:health.regional@unhcr.example" in html and "Ana Pérez" in html
    assert "mailto:salud@cs.example" in html
    assert world.regional_health.get_absolute_url() in html


def test_a_co_lead_without_a_co_coordinator_in_force_still_shows_whom_to_contact(client, world):
    # given: a co-lead whose only co-coordinator starts next month
    co_lead = CoLeadFactory(platform_sector=world.colombia_health, organization=world.iom)
    CoCoordinatorFactory(
        co_lead=co_lead, term_start=timezone.localdate() + datetime.timedelta(days=30)
    )
    # when
    html = client.get(world.colombia_health.get_absolute_url()).text
    # then
    assert "Whom to contact" in html and "mailto:salud@cs.example" in html


def test_a_sector_with_a_co_coordinator_in_force_does_not_add_the_fallback(client, world):
    # when
    html = client.get(world.regional_health.get_absolute_url()).text
    # then
    assert "Whom to contact" not in html


def test_the_platform_team_publishes_its_contacts_on_the_set_up_page_with_history(
    client, world, personas
):
    # given
    client_for(client, personas["platform_team"])
    url = reverse("sectors:platform-manage", kwargs={"code": "colombia"})
    # when
    response = client.post(
        url,
        {
            "form": "contacts",
            "local_name": "GIFMM",
            "website": "https://gifmm.example",
            "contact_email": "coordinacion@gifmm.example",
            "reason": "Published by the IM team",
        },
    )
    # then
    assert response.status_code == 302
    world.colombia.refresh_from_db()
    assert world.colombia.local_name == "GIFMM"
    assert world.colombia.contact_email == "coordinacion@gifmm.example"
    latest = world.colombia.history.first()
    assert latest.history_change_reason == "Published by the IM team"
    assert latest.history_user == personas["platform_team"]


def test_bad_platform_contacts_are_refused_with_field_errors_and_nothing_saved(
    client, world, personas
):
    # given
    client_for(client, personas["platform_team"])
    url = reverse("sectors:platform-manage", kwargs={"code": "colombia"})
    # when
    response = client.post(
        url, {"form": "contacts", "website": "not a url", "contact_email": "nope"}
    )
    # then
    assert response.status_code == 200
    assert response.context["contacts_form"].errors.keys() == {"website", "contact_email"}
    world.colombia.refresh_from_db()
    assert world.colombia.contact_email == ""


def test_another_platforms_team_cannot_edit_the_contacts(client, world, personas):
    # given: the Colombia team on the Regional Platform's set-up page
    client_for(client, personas["platform_team"])
    # when
    response = client.post(
        reverse("sectors:platform-manage", kwargs={"code": "regional"}),
        {"form": "contacts", "local_name": "X"},
    )
    # then
    assert response.status_code == 404
    world.regional.refresh_from_db()
    assert world.regional.local_name == ""


def test_load_structure_fills_the_known_local_names_and_keeps_a_teams_own(db):
    # given
    call_command("load_structure", stdout=io.StringIO())
    peru = Platform.objects.get(code="peru")
    peru.local_name = "GTRM Perú"
    peru.save()
    # when
    call_command("load_structure", stdout=io.StringIO())
    # then
    names = dict(Platform.objects.values_list("code", "local_name"))
    assert names["colombia"] == "GIFMM" and names["ecuador"] == "GTRM"
    assert names["peru"] == "GTRM Perú"
    assert names["chile"] == ""
