"""A designation's status reads the same on the public page and the management page."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from ..conftest import client_for
from ..factories import CoCoordinatorFactory, UserFactory


def test_a_co_coordinator_whose_term_has_not_started_shows_starts_on_on_both_pages(
    client, world, personas
):
    # given
    starts = timezone.localdate() + datetime.timedelta(days=20)
    upcoming = CoCoordinatorFactory(
        co_lead=world.unhcr_health,
        person=UserFactory(full_name="Marta Ríos"),
        contact_email="marta@unhcr.example",
        term_start=starts,
    )
    expected = f"starts on {date_format(starts, 'DATE_FORMAT')}"
    # when
    public = client.get(world.regional_health.get_absolute_url()).text
    client_for(client, personas["regional"])
    manage = client.get(reverse("sectors:sector-manage", kwargs={"pk": world.regional_health.pk}))
    # then
    assert "Marta Ríos" in public and expected in public
    manage_html = manage.text
    row = manage_html[manage_html.index("Marta Ríos") :]
    row = row[: row.index("</tr>")]
    assert expected in row
    assert "Current" not in row
    assert upcoming.pk


def test_a_co_coordinator_in_force_is_current_on_the_management_page(client, world, personas):
    # given
    client_for(client, personas["regional"])
    # when
    html = client.get(
        reverse("sectors:sector-manage", kwargs={"pk": world.regional_health.pk})
    ).text
    # then
    row = html[html.index("Ana Pérez") :]
    row = row[: row.index("</tr>")]
    assert 'data-status="current"' in row and "starts on" not in row
