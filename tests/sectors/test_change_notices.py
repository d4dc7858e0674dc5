"""Change notices: the services' rules, and the whole flow driven through the pages.

Focal point files -> the Regional Platform team is told -> the team acknowledges -> applies ->
designations change, the old ones stay ended, roles follow, everything is attributed.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from r4v import tasks
from r4v.errors import DomainError, NotAllowed
from r4v.models import Notification, User
from sectors import services
from sectors.models import ChangeNotice, CoCoordinatorDesignation, CoLeadDesignation, RoleAssignment
from sectors.policy import scope_of

from ..conftest import client_for

Kind = ChangeNotice.Kind
Status = ChangeNotice.Status


def _replacement(world, by, **overrides):
    fields = {
        "co_lead": world.ngo_health,
        "kind": Kind.COORDINATOR_REPLACED,
        "outgoing": world.ngo_coordinator,
        "incoming_name": "Marta Díaz",
        "incoming_email": "marta.diaz@cs.example",
        "incoming_gender": "woman",
        "incoming_speaks_spanish": True,
        "incoming_speaks_english": True,
        "effective_on": timezone.localdate(),
        "reason": "Luis moves to the Colombia office.",
        "by": by,
    }
    fields.update(overrides)
    return services.change_notice_file(**fields)


def _coordinates(user, ps) -> bool:
    # A fresh instance: the policy caches its scope on the user object.
    return ps.pk in scope_of(User.objects.get(pk=user.pk)).coordinated_sector_ids


# --- Filing: the service's rules ------------------------------------------------------------------


def test_a_focal_point_files_a_replacement_and_the_regional_team_is_told(world, personas):
    # when
    notice = _replacement(world, personas["focal_point"])
    # then
    assert notice.status == Status.FILED
    assert notice.filed_by == personas["focal_point"]
    inbox = Notification.objects.get(recipient=personas["regional"])
    assert inbox.url == reverse("sectors:change-notice-detail", args=[notice.pk])
    assert inbox.subject.startswith("Change notice: Co-coordinator replaced")
    record = notice.history.get()
    assert (record.history_user, record.history_change_reason) == (
        personas["focal_point"],
        "Change notice filed",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"incoming_email": ""}, "incoming_email"),
        ({"incoming_name": "  "}, "incoming_name"),
        ({"effective_on": datetime.date(2025, 12, 31)}, "effective_on"),
        ({"reason": ""}, "reason"),
        ({"kind": "merger"}, "kind"),
        ({"outgoing": None}, "outgoing"),
    ],
)
def test_a_notice_with_bad_input_names_the_field_and_writes_nothing(
    world, personas, overrides, field
):
    # when
    with pytest.raises(ValidationError) as error:
        _replacement(world, personas["focal_point"], **overrides)
    # then
    assert field in error.value.message_dict
    assert not ChangeNotice.objects.exists()
    assert not Notification.objects.exists()


def test_the_outgoing_co_coordinator_must_belong_to_the_co_lead(world, personas):
    # when: UNHCR's co-coordinator named on the NGO's notice
    with pytest.raises(ValidationError) as error:
        _replacement(world, personas["regional"], outgoing=world.unhcr_coordinator)
    # then
    assert error.value.message_dict == {
        "outgoing": ["Choose a current co-coordinator designated by this co-lead."]
    }
    assert not ChangeNotice.objects.exists()


def test_a_focal_point_cannot_file_about_another_organizations_co_lead(world, personas):
    with pytest.raises(NotAllowed):
        _replacement(
            world,
            personas["focal_point"],
            co_lead=world.unhcr_health,
            outgoing=world.unhcr_coordinator,
        )
    assert not ChangeNotice.objects.exists()


# --- Deciding: the service's rules -----------------------------------------------------------------


def test_a_notice_is_not_applied_before_its_effective_date(world, personas):
    # given
    notice = _replacement(
        world,
        personas["focal_point"],
        effective_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    # when
    with pytest.raises(DomainError) as error:
        services.change_notice_apply(notice=notice, by=personas["regional"])
    # then
    assert error.value.code == "not_yet_effective"
    notice.refresh_from_db()
    assert notice.status == Status.FILED
    assert CoCoordinatorDesignation.objects.get(pk=world.ngo_coordinator.pk).ended_on is None


def test_applying_twice_answers_already_applied_and_changes_nothing(world, personas):
    # given
    notice = _replacement(world, personas["focal_point"])
    services.change_notice_apply(notice=notice, by=personas["regional"])
    designations = list(CoCoordinatorDesignation.objects.values_list("pk", "ended_on"))
    history = ChangeNotice.history.count()
    notifications = Notification.objects.count()
    # when
    with pytest.raises(DomainError) as error:
        services.change_notice_apply(notice=notice, by=personas["admin"])
    # then
    assert (error.value.code, error.value.detail) == (
        "invalid_status",
        "This notice is already applied.",
    )
    assert list(CoCoordinatorDesignation.objects.values_list("pk", "ended_on")) == designations
    assert ChangeNotice.history.count() == history
    assert Notification.objects.count() == notifications
    notice.refresh_from_db()
    assert notice.decided_by == personas["regional"]


@pytest.mark.django_db(transaction=True)
def test_two_team_members_applying_at_the_same_moment_cannot_both_succeed(
    world, personas, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; the row lock is exercised on PostgreSQL")
    # given: e-mail delivery is scheduled on commit; keep it off the broker
    monkeypatch.setattr(tasks.deliver_notification, "delay", lambda pk: None)
    notice = _replacement(world, personas["focal_point"])
    barrier = threading.Barrier(2)
    outcomes = []

    def apply(user):
        try:
            barrier.wait(timeout=10)
            services.change_notice_apply(notice=ChangeNotice.objects.get(pk=notice.pk), by=user)
            outcomes.append("applied")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(personas[p],)) for p in ("regional", "admin")]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then
    assert sorted(outcomes) == ["applied", "invalid_status"]
    incoming = User.objects.get(email="marta.diaz@cs.example")
    assert CoCoordinatorDesignation.objects.filter(person=incoming).count() == 1


def test_declining_needs_a_reason_and_a_declined_notice_cannot_be_applied(world, personas):
    # given
    notice = _replacement(world, personas["focal_point"])
    # when / then
    with pytest.raises(ValidationError):
        services.change_notice_decline(notice=notice, by=personas["regional"], comment=" ")
    services.change_notice_decline(
        notice=notice, by=personas["regional"], comment="Send the CV first."
    )
    with pytest.raises(DomainError) as error:
        services.change_notice_apply(notice=notice, by=personas["regional"])
    assert error.value.code == "invalid_status"
    assert CoCoordinatorDesignation.objects.get(pk=world.ngo_coordinator.pk).ended_on is None


# --- The whole flow, through the pages -------------------------------------------------------------------


def _post(client, url, data=None):
    response = client.post(url, data or {})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_a_replacement_flows_from_the_focal_point_to_the_designations(client, world, personas):
    focal, regional = personas["focal_point"], personas["regional"]
    luis = world.ngo_coordinator.person
    effective = timezone.localdate()

    # given: the focal point files the replacement through the form
    client_for(client, focal)
    assert client.get(reverse("sectors:change-notice-create")).status_code == 200
    response = _post(
        client,
        reverse("sectors:change-notice-create"),
        {
            "co_lead": world.ngo_health.pk,
            "kind": Kind.COORDINATOR_REPLACED,
            "outgoing": world.ngo_coordinator.pk,
            "incoming_name": "Marta Díaz",
            "incoming_email": "Marta.Diaz@cs.example",
            "incoming_phone": "+507 600 0000",
            "incoming_gender": "woman",
            "incoming_speaks_spanish": "on",
            "incoming_speaks_english": "on",
            "effective_on": effective.isoformat(),
            "reason": "Luis moves to the Colombia office.",
        },
    )
    notice = ChangeNotice.objects.get()
    assert response.url == reverse("sectors:change-notice-detail", args=[notice.pk])

    # then: the Regional Platform team finds it in its inbox
    client.logout()
    client_for(client, regional)
    inbox = client.get(reverse("inbox")).content.decode()
    assert "Change notice: Co-coordinator replaced" in inbox
    assert Notification.objects.get(recipient=regional).url == response.url

    # when: the team acknowledges, then applies
    _post(
        client,
        reverse("sectors:change-notice-decide", args=[notice.pk, "acknowledge"]),
        {"comment": "Thanks."},
    )
    notice.refresh_from_db()
    assert notice.status == Status.ACKNOWLEDGED
    _post(
        client,
        reverse("sectors:change-notice-decide", args=[notice.pk, "apply"]),
        {"confirmed": "yes", "comment": "Applied."},
    )

    # then: the old designation ended on the effective date and is still there
    notice.refresh_from_db()
    assert (notice.status, notice.decided_by) == (Status.APPLIED, regional)
    old = CoCoordinatorDesignation.objects.get(pk=world.ngo_coordinator.pk)
    assert old.ended_on == effective
    # and the incoming person has an account without a usable password and a designation
    marta = User.objects.get(email="marta.diaz@cs.example")
    assert (marta.full_name, marta.gender, marta.speaks_spanish, marta.speaks_english) == (
        "Marta Díaz",
        "woman",
        True,
        True,
    )
    assert not marta.has_usable_password()
    new = CoCoordinatorDesignation.objects.get(person=marta)
    assert (new.co_lead, new.term_start, new.ended_on, new.contact_email, new.contact_phone) == (
        world.ngo_health,
        effective,
        None,
        "marta.diaz@cs.example",
        "+507 600 0000",
    )
    # and the sector role moved from Luis to Marta
    assert _coordinates(marta, world.regional_health)
    assert not _coordinates(luis, world.regional_health)
    # and every change is attributed with its reason
    reason = "Change notice applied"
    assert [
        (h.history_user, h.history_change_reason) for h in notice.history.order_by("history_date")
    ] == [
        (focal, "Change notice filed"),
        (regional, "Change notice acknowledged"),
        (regional, reason),
    ]
    assert (old.history.first().history_user, old.history.first().history_change_reason) == (
        regional,
        reason,
    )
    assert [
        (h.history_type, h.history_user, h.history_change_reason) for h in new.history.all()
    ] == [("+", regional, reason)]
    assert marta.history.get().history_user == regional
    revoked = RoleAssignment.objects.get(user=luis, role="co_coordinator")
    assert revoked.revoked_at is not None
    assert revoked.history.first().history_user == regional
    # and the filer was told at each decision
    assert [
        n.subject.split(":")[0] for n in Notification.objects.filter(recipient=focal).order_by("pk")
    ] == [
        "Your change notice was acknowledged",
        "Your change notice was applied",
    ]
    # and the detail page shows the team the notice's history
    detail = client.get(reverse("sectors:change-notice-detail", args=[notice.pk]))
    assert [h.history_change_reason for h in detail.context["history"]] == [
        reason,
        "Change notice acknowledged",
        "Change notice filed",
    ]
    assert "Change notice acknowledged" in detail.content.decode()


def test_a_co_lead_stepping_down_ends_the_co_lead_and_its_co_coordinators(client, world, personas):
    focal, regional = personas["focal_point"], personas["regional"]
    luis = world.ngo_coordinator.person
    effective = timezone.localdate()
    # given: the focal point files through the form, leaving the replacement half empty
    client_for(client, focal)
    _post(
        client,
        reverse("sectors:change-notice-create"),
        {
            "co_lead": world.ngo_health.pk,
            "kind": Kind.CO_LEAD_STEPPING_DOWN,
            "outgoing": "",
            "effective_on": effective.isoformat(),
            "reason": "Our regional health programme closes.",
        },
    )
    notice = ChangeNotice.objects.get()
    assert (notice.kind, notice.outgoing) == (Kind.CO_LEAD_STEPPING_DOWN, None)
    client.logout()
    # when: the team applies it straight away
    client_for(client, regional)
    _post(
        client,
        reverse("sectors:change-notice-decide", args=[notice.pk, "apply"]),
        {"comment": "Noted.", "confirmed": "yes"},
    )
    # then
    co_lead = CoLeadDesignation.objects.get(pk=world.ngo_health.pk)
    coordinator = CoCoordinatorDesignation.objects.get(pk=world.ngo_coordinator.pk)
    assert (co_lead.ended_on, coordinator.ended_on) == (effective, effective)
    reason = "Change notice applied"
    for record in (co_lead.history.first(), coordinator.history.first()):
        assert (record.history_user, record.history_change_reason) == (regional, reason)
    assert not _coordinates(luis, world.regional_health)
    # and UNHCR, untouched, still co-leads
    assert CoLeadDesignation.objects.get(pk=world.unhcr_health.pk).ended_on is None
    notice.refresh_from_db()
    assert (notice.status, notice.decision_comment) == (Status.APPLIED, "Noted.")
    assert Notification.objects.filter(
        recipient=focal, subject__startswith="Your change notice was applied"
    ).exists()


def test_a_co_coordinator_who_keeps_another_designation_in_the_sector_keeps_the_role(
    world, personas
):
    # given: Luis also co-coordinates Health for UNHCR
    luis = world.ngo_coordinator.person
    services.co_coordinator_designate(
        platform_sector=world.regional_health,
        organization=world.unhcr,
        person=luis,
        contact_email="luis@unhcr.example",
        term_start=datetime.date(2026, 2, 1),
        by=personas["regional"],
    )
    notice = _replacement(world, personas["focal_point"])
    # when
    services.change_notice_apply(notice=notice, by=personas["regional"])
    # then
    assert _coordinates(luis, world.regional_health)
