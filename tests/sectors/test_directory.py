"""The public contact directory: published contacts only, filters, CSV and vCard downloads."""

import csv
import datetime
import io

import pytest
import vobject
from django.urls import reverse, translate_url
from django.utils import timezone

from tests.factories import CoCoordinatorFactory, CoLeadFactory, OrganizationFactory, UserFactory

URL = reverse("sectors:contact-directory")


def test_the_directory_lists_current_co_coordinators_with_their_published_contact_only(
    client, world
):
    # given: one more co-coordinator whose designation has ended
    world.ngo_coordinator.ended_on = timezone.localdate() - datetime.timedelta(days=1)
    world.ngo_coordinator.save()
    # when
    response = client.get(URL)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ana Pérez" in html and "health.regional@unhcr.example" in html
    assert "Luis Gómez" not in html
    assert "ana.private@unhcr.example" not in html  # the login e-mail stays private


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Ana Pérez", "Luis Gómez"}),
        ("?q=caminos", {"Luis Gómez"}),
        ("?q=salud", {"Ana Pérez", "Luis Gómez"}),
        ("?platform=colombia", set()),
        ("?country=PA", {"Ana Pérez", "Luis Gómez"}),
        ("?sector=protection", set()),
        ("?sector=health&q=ana", {"Ana Pérez"}),
    ],
)
def test_the_filters_narrow_the_csv_to_the_matching_contacts(client, world, query, expected):
    # when
    response = client.get(reverse("sectors:contact-directory-csv") + query)
    # then
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert {row["Co-coordinator"] for row in rows} == expected


def test_an_unknown_filter_value_is_a_form_error_not_a_server_error(client, world):
    # when
    response = client.get(URL + "?platform=atlantis&country=%00")
    # then
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_vcard_download_is_read_back_by_a_vcard_parser(client, world):
    # given: a name with characters vCard must escape
    world.unhcr_coordinator.person.full_name = "Ana Pérez; Jr, II"
    world.unhcr_coordinator.person.save()
    world.unhcr_coordinator.contact_phone = "+507 300 0000"
    world.unhcr_coordinator.save()
    # when
    response = client.get(reverse("sectors:contact-directory-vcf"))
    # then
    cards = list(vobject.readComponents(response.content.decode()))
    assert response["Content-Type"].startswith("text/vcard")
    by_name = {card.fn.value: card for card in cards}
    assert set(by_name) == {"Ana Pérez; Jr, II", "Luis Gómez"}
    ana = by_name["Ana Pérez; Jr, II"]
    assert ana.email.value == "health.regional@unhcr.example"
    assert ana.tel.value == "+507 300 0000"
    assert ana.org.value == ["UN Refugee Agency"]


def test_the_csv_neutralises_formulas(client, world):
    # given
    world.ngo_coordinator.person.full_name = '=HYPERLINK("http://evil")'
    world.ngo_coordinator.person.save()
    # when
    response = client.get(reverse("sectors:contact-directory-csv"))
    # then
    assert "'=HYPERLINK" in response.content.decode()


def test_the_directory_is_in_spanish_for_a_spanish_reader(client, world):
    # when
    response = client.get(translate_url(URL, "es"), HTTP_ACCEPT_LANGUAGE="es")
    # then
    assert response.status_code == 200
    assert "Salud" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 10])
def test_the_directory_runs_the_same_queries_whatever_its_length(
    client, world, django_assert_num_queries, extra
):
    # given
    for n in range(extra):
        co_lead = CoLeadFactory(
            platform_sector=world.regional_protection, organization=OrganizationFactory()
        )
        CoCoordinatorFactory(co_lead=co_lead, person=UserFactory(), contact_email=f"c{n}@x.example")
    # when / then: the form's choices (3), the rows (1) and the structure version where the
    # public cache reads it from the database; the session-less request adds none
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert response.status_code == 200
