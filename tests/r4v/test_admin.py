import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from r4v.models import Reminder, User
from r4v.services import api_token_create
from sectors import services
from sectors.models import ChangeNotice, Organization, RoleAssignment

from ..conftest import client_for

pytestmark = pytest.mark.django_db


def url(model, view, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# The password widget's summary of the stored hash: "algorithm: …, salt: …, hash: …".
HASH_SUMMARY = "<strong>algorithm</strong>"


def project_models():
    """The apps' own models; their history tables are reached through each model's history."""
    return [
        m
        for label in ("r4v", "sectors")
        for m in apps.get_app_config(label).get_models()
        if not m.__name__.startswith("Historical")
    ]


@pytest.fixture
def notice(world, personas):
    return services.change_notice_file(
        co_lead=world.ngo_health,
        kind=ChangeNotice.Kind.CO_LEAD_STEPPING_DOWN,
        effective_on=datetime.date(2026, 6, 1),
        reason="Funding ends.",
        by=personas["focal_point"],
    )


def test_every_model_is_registered_and_every_audited_one_has_the_history_button():
    # when
    registry = admin.site._registry
    # then
    assert [m for m in project_models() if m not in registry] == []
    assert [
        m._meta.label
        for m in project_models()
        if hasattr(m, "history") and not isinstance(registry[m], SimpleHistoryAdmin)
    ] == []


def test_administrator_opens_the_list_record_and_history_of_every_model(
    client, world, personas, notice
):
    # given: a row of every model, a reminder too
    Reminder.objects.create(
        kind="sectors.term_ending", target_id=1, key="example", due_at=timezone.now()
    )
    client_for(client, personas["admin"])
    api_token_create(user=personas["partner"], name="Dashboard")
    # when / then
    for model in project_models():
        assert client.get(url(model, "changelist")).status_code == 200, model
        obj = model._default_manager.first()
        assert obj is not None, model
        assert client.get(url(model, "change", obj.pk)).status_code == 200, model
        if hasattr(model, "history"):
            assert client.get(url(model, "history", obj.pk)).status_code == 200, model
            version = obj.history.first()
            assert (
                client.get(url(model, "simple_history", obj.pk, version.history_id)).status_code
                == 200
            )


def test_people_without_the_administrator_role_are_sent_to_log_in(client, personas):
    # given
    client_for(client, personas["regional"])
    # when
    response = client.get(url(Organization, "changelist"))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_user_history_never_shows_the_password_hash(client, personas):
    # given
    client_for(client, personas["admin"])
    person = personas["partner"]
    person.full_name = "Partner Renamed"
    person.save()
    version = person.history.first()
    # when
    history = client.get(url(User, "history", person.pk))
    past = client.get(url(User, "simple_history", person.pk, version.history_id))
    current = client.get(url(User, "change", person.pk))
    # then
    assert history.status_code == past.status_code == current.status_code == 200
    assert HASH_SUMMARY not in history.text
    assert HASH_SUMMARY not in past.text
    assert "Partner Renamed" in past.text
    # The change form itself still shows the summary, beside the reset-password button.
    assert HASH_SUMMARY in current.text


def test_history_cannot_be_reverted_from_the_admin(client, world, personas):
    # given
    client_for(client, personas["admin"])
    org = world.ngo
    first = org.history.last()
    services.organization_update(organization=org, by=personas["regional"], name="Caminos Renamed")
    # when
    response = client.post(
        url(Organization, "simple_history", org.pk, first.history_id),
        {"name": "Caminos Solidarios", "acronym": "CS", "kind": "national_ngo", "is_active": "on"},
    )
    # then
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.name == "Caminos Renamed"


def test_records_written_by_role_and_designation_services_are_read_only(client, world, personas):
    # given
    client_for(client, personas["admin"])
    assignment = RoleAssignment.objects.get(user=personas["partner"])
    before = RoleAssignment.objects.count()
    # when
    add = client.get(url(RoleAssignment, "add"))
    change = client.post(url(RoleAssignment, "change", assignment.pk), {"role": "administrator"})
    delete = client.post(url(RoleAssignment, "delete", assignment.pk), {"post": "yes"})
    # then
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assignment.refresh_from_db()
    assert (assignment.role, RoleAssignment.objects.count()) == ("partner_member", before)


def test_an_organization_edited_in_the_admin_is_saved_through_its_service(client, world, personas):
    # given
    client_for(client, personas["admin"])
    # when
    response = client.post(
        url(Organization, "change", world.partner_org.pk),
        {
            "name": "Red de Apoyo Mutuo",
            "acronym": "RDA",
            "kind": "civil_society",
            "is_active": "on",
        },
    )
    # then
    assert response.status_code == 302
    latest = world.partner_org.history.first()
    assert (latest.name, latest.history_user, latest.history_change_reason) == (
        "Red de Apoyo Mutuo",
        personas["admin"],
        "Edited in the admin",
    )


def test_an_organization_added_in_the_admin_is_created_through_its_service(client, personas):
    # given
    client_for(client, personas["admin"])
    # when
    response = client.post(
        url(Organization, "add"),
        {"name": "Nueva Esperanza", "acronym": "NE", "kind": "national_ngo", "is_active": "on"},
    )
    # then
    org = Organization.objects.get(acronym="NE")
    assert response.status_code == 302
    assert response.url == url(Organization, "changelist")
    assert list(org.history.values_list("history_user", "history_change_reason")) == [
        (personas["admin"].pk, "Organization added")
    ]


def test_a_user_added_in_the_admin_logs_in_by_e_mail_and_the_addition_is_attributed(
    client, personas
):
    # given
    client_for(client, personas["admin"])
    # when
    response = client.post(
        url(User, "add"),
        {
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase-26",
            "password2": "a-long-enough-passphrase-26",
        },
    )
    # then
    user = User.objects.get(email="new.person@example.org")
    assert response.status_code == 302
    assert user.check_password("a-long-enough-passphrase-26")
    assert user.history.get().history_user == personas["admin"]
