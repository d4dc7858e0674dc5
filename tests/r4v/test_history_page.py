"""The shared history page (r4v.history): registered records of every app, in the viewer's scope,
with their related records' histories, relations named, creations' values, the reader's language."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from program_cycle.services import task_types_load
from r4v.audit import save_audited
from r4v.history import history_url
from r4v.services import system_user
from sectors import services
from sectors.models import ChangeNotice

from ..conftest import client_for
from ..factories import (
    CoCoordinatorFactory,
    CoLeadFactory,
    OrganizationFactory,
    PartnerFactory,
    TaskFactory,
    UserFactory,
    meeting_draft,
)


def _sector_history(client, ps, **params):
    return client.get(reverse("history", args=["platformsector", ps.pk]), params)


def _labels(response) -> list[str]:
    return [r.record_label for r in response.context["records"] if r.record_label]


# --- Scope ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("regional", 200),
        ("admin", 200),
        ("platform_team", 404),  # the Colombia team: Regional Health is not on its platform
        ("co_coordinator", 404),
        ("focal_point", 404),
        ("partner", 404),
        ("outsider", 404),
    ],
)
def test_a_record_outside_the_viewers_scope_answers_404_like_a_missing_one(
    client, world, personas, persona, status
):
    # given
    client_for(client, personas[persona])
    # when
    response = _sector_history(client, world.regional_health)
    # then
    assert response.status_code == status


def test_a_platform_team_sees_the_history_of_its_own_platforms_sectors(client, world, personas):
    # given
    client_for(client, personas["platform_team"])
    # when
    own = _sector_history(client, world.colombia_health)
    organization = client.get(reverse("history", args=["organization", world.iom.pk]))
    # then: organizations span every platform, so their history stays the regional team's
    assert own.status_code == 200
    assert organization.status_code == 404


def test_an_unregistered_model_answers_404(client, world, personas):
    # given
    client_for(client, personas["regional"])
    # when
    response = client.get(reverse("history", args=["country", world.health.pk]))
    # then
    assert response.status_code == 404


def test_a_task_registered_by_the_program_cycle_shows_its_history_to_those_who_see_the_task(
    client, world, personas
):
    # given: a Colombia Health task, seen by the Colombia team and not by an outsider
    task_types_load(by=system_user())
    task = TaskFactory(task_type="pin", platform=world.colombia, sector=world.health)
    url = history_url(task)
    # when
    seen = client_for(client, personas["platform_team"]).get(url)
    unseen = client_for(client, personas["outsider"]).get(url)
    # then
    assert url == reverse("history", args=["task", task.pk])
    assert seen.status_code == 200
    assert _labels(seen) == ["Version 1"]
    assert unseen.status_code == 404


def test_a_meeting_registered_by_the_meetings_app_shows_its_history_to_its_organizers(
    client, world, personas
):
    # given: a Colombia Health meeting scheduled by the Colombia team
    from meetings.services import meeting_schedule

    meeting = meeting_schedule(
        draft=meeting_draft(platform_sector=world.colombia_health), by=personas["platform_team"]
    )
    url = history_url(meeting)
    # when
    organizer = client_for(client, personas["platform_team"]).get(url)
    partner = client_for(client, personas["partner"]).get(url)
    # then
    assert url == reverse("history", args=["meeting", meeting.pk])
    assert organizer.status_code == 200
    [created] = organizer.context["records"]
    assert {c.label: c.new for c in created.changes}["organizer"] == personas[
        "platform_team"
    ].full_name
    assert partner.status_code == 404


# --- What the sector set-up's full history holds -----------------------------------------------


def test_the_full_history_of_a_sector_holds_its_co_leads_co_coordinators_and_partners(
    client, world, personas
):
    # given
    client_for(client, personas["regional"])
    # when
    full = _sector_history(client, world.regional_health)
    recent = client.get(reverse("sectors:sector-manage", args=[world.regional_health.pk]))
    # then: everything "Recent changes" shows, and no fewer
    labels = _labels(full)
    assert "Co-lead: UNHCR" in labels and "Co-lead: CS" in labels
    assert "Co-coordinator: Ana Pérez" in labels and "Co-coordinator: Luis Gómez" in labels
    assert any(label.startswith("Partner: ") for label in labels)
    shown = {(r.record_label, r.history_id) for r in full.context["records"]}
    assert {(r.record_label, r.history_id) for r in recent.context["history_records"]} <= shown


def test_a_created_entry_shows_every_value_set_with_relations_by_name(client, world, personas):
    # given
    client_for(client, personas["regional"])
    # when
    response = client.get(reverse("history", args=["cocoordinator", world.ngo_coordinator.pk]))
    # then
    [created] = response.context["records"]
    values = {c.label: c.new for c in created.changes}
    assert values["person"] == "Luis Gómez"
    assert values["designated by"] == str(world.ngo_health)
    assert values["public contact e-mail"] == "salud@cs.example"
    assert all(c.old is None for c in created.changes)


def test_a_changed_relation_shows_names_never_ids(client, world, personas):
    # given: a notice acknowledged by the regional team ("Handled by: — -> Team Regional")
    notice = services.change_notice_file(
        co_lead=world.ngo_health,
        kind=ChangeNotice.Kind.CO_LEAD_STEPPING_DOWN,
        effective_on=timezone.localdate(),
        reason="We step down.",
        by=personas["focal_point"],
    )
    services.change_notice_acknowledge(notice=notice, by=personas["regional"])
    client_for(client, personas["regional"])
    # when
    response = client.get(reverse("history", args=["changenotice", notice.pk]))
    # then
    changed = response.context["records"][0]
    handled = next(c for c in changed.changes if c.label == "handled by")
    assert (handled.old, handled.new) == (None, personas["regional"].full_name)
    assert f">{personas['regional'].pk}<" not in response.text


def test_every_label_of_the_history_page_is_in_the_readers_language(client, world, personas):
    # given
    client_for(client, personas["regional"])
    # when
    with translation.override("es"):
        url = reverse("history", args=["cocoordinator", world.ngo_coordinator.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="es").text
    # then
    assert "Historial de cambios" in html
    assert "Creado" in html or "Creada" in html
    assert "Changes" not in html and "Created" not in html


# --- Cost ----------------------------------------------------------------------------------------


def _grow(world, n):
    """n more co-leads, each with a co-coordinator whose term changes, and n more partners."""
    for _ in range(n):
        co_lead = CoLeadFactory(platform_sector=world.regional_health)
        designation = CoCoordinatorFactory(co_lead=co_lead, person=UserFactory())
        designation.term_end = datetime.date(2028, 12, 31)
        designation.save()
        PartnerFactory(platform_sector=world.regional_health, organization=OrganizationFactory())


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _touch(ps, n):
    ps.purpose_en = f"Purpose {n}"
    save_audited(ps, by=system_user(), reason="edit", update_fields=["purpose_en"])


def test_the_sector_history_takes_the_same_queries_however_many_entries(client, world, personas):
    # given: more than a page, rows of the sector and of all three kinds of related records on
    # it (the cost is one query per kind of record on the page and per kind of record named)
    client_for(client, personas["regional"])
    url = reverse("history", args=["platformsector", world.regional_health.pk])
    _grow(world, 15)
    _touch(world.regional_health, 1)
    client.get(url)  # process-wide caches (content types) fill on the first request
    small = _count(client, url)
    # when: ten times the entries
    _grow(world, 135)
    _touch(world.regional_health, 2)
    large = _count(client, url)
    later_page = _count(client, url + "?page=5")
    # then: a later page holds fewer kinds of records (the sector's own rows are on page 1)
    assert large == small
    assert later_page <= small
