"""A co-coordinator keeps their own public contact details current, with history."""

import pytest
from django.urls import reverse

from r4v.errors import NotAllowed
from sectors import services

from ..conftest import client_for
from ..factories import CoCoordinatorFactory, CoLeadFactory

URL = "sectors:my-contact-details"
NEW = {
    "contact_email": "Luis.Salud@CS.example",
    "contact_phone": "+507 6000 0000",
    "speaks_spanish": "on",
    "speaks_english": "on",
    "speaks_portuguese": "on",
}


def test_a_co_coordinator_updates_their_published_details_and_the_change_is_in_the_history(
    client, world, personas
):
    # given: Luis co-coordinates Regional Health and, for the same co-lead, Regional Protection
    luis = personas["co_coordinator"]
    protection = CoCoordinatorFactory(
        co_lead=CoLeadFactory(platform_sector=world.regional_protection, organization=world.ngo),
        person=luis,
        contact_email="old@cs.example",
    )
    client_for(client, luis)
    # when
    response = client.post(reverse(URL), NEW)
    # then
    assert response.status_code == 302
    for designation in (world.ngo_coordinator, protection):
        designation.refresh_from_db()
        assert (designation.contact_email, designation.contact_phone) == (
            "luis.salud@cs.example",
            "+507 6000 0000",
        )
        row = designation.history.first()
        assert (row.history_user, row.history_change_reason) == (
            luis,
            "Public contact details updated",
        )
    luis.refresh_from_db()
    assert (luis.speaks_spanish, luis.speaks_english, luis.speaks_portuguese) == (True,) * 3
    public = client.get(world.regional_health.get_absolute_url()).text
    assert "mailto:luis.salud@cs.example" in public and "mailto:salud@cs.example" not in public


def test_the_change_shows_old_and_new_on_the_designations_history_page(client, world, personas):
    # given
    client_for(client, personas["co_coordinator"])
    client.post(reverse(URL), NEW)
    client_for(client, personas["regional"])
    # when
    response = client.get(reverse("history", args=["cocoordinator", world.ngo_coordinator.pk]))
    # then
    changed = response.context["records"][0]
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("public contact e-mail", "salud@cs.example", "luis.salud@cs.example"),
        ("public contact phone", None, "+507 6000 0000"),
    ]


def test_only_their_own_details(world, personas):
    # when / then: the service refuses anyone else, the regional team included
    with pytest.raises(NotAllowed):
        services.co_coordinator_contacts_update(
            person=personas["co_coordinator"],
            by=personas["regional"],
            contact_email="hijack@example.org",
        )
    world.ngo_coordinator.refresh_from_db()
    assert world.ngo_coordinator.contact_email == "salud@cs.example"


@pytest.mark.parametrize("persona", ["partner", "focal_point", "platform_team", "regional"])
def test_someone_without_a_published_designation_has_no_such_page(client, world, personas, persona):
    # given
    client_for(client, personas[persona])
    # when
    response = client.get(reverse(URL))
    # then
    assert response.status_code == 404


def test_a_bad_e_mail_is_a_form_error_and_nothing_changes(client, world, personas):
    # given
    client_for(client, personas["co_coordinator"])
    before = world.ngo_coordinator.history.count()
    # when
    response = client.post(reverse(URL), {**NEW, "contact_email": "not an e-mail"})
    # then
    assert response.status_code == 200
    assert "contact_email" in response.context["form"].errors
    assert world.ngo_coordinator.history.count() == before


def test_the_profile_page_links_a_co_coordinator_to_the_page(client, world, personas):
    # when
    mine = client_for(client, personas["co_coordinator"]).get(reverse("profile")).text
    other = client_for(client, personas["partner"]).get(reverse("profile")).text
    # then
    assert reverse(URL) in mine
    assert reverse(URL) not in other
