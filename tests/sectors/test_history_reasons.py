"""History reasons: kept whole, stored as fixed English msgids, shown in the reader's language."""

from django.urls import reverse
from django.utils import translation

from r4v.audit import save_audited
from sectors import services
from sectors.models import RoleAssignment

from ..conftest import client_for
from ..factories import UserFactory


def test_a_long_reason_typed_on_a_page_is_kept_whole(client, world, personas):
    # given
    reason = " ".join(["Renamed after the merger of two networks, agreed in March."] * 4)
    assert len(reason) > 200
    # when
    response = client_for(client, personas["regional"]).post(
        reverse("sectors:sector-page-edit", args=[world.regional_health.pk]),
        {"purpose_en": "New purpose", "reason": reason},
    )
    # then
    assert response.status_code == 302
    assert world.regional_health.history.first().history_change_reason == reason


def test_service_reasons_are_msgids_and_roles_are_not_named_by_their_code(world, personas):
    # when
    assignment = services.role_grant(
        user=UserFactory(),
        role=RoleAssignment.Role.PARTNER_MEMBER,
        organization=world.partner_org,
        by=personas["regional"],
    )
    # then
    reason = assignment.history.get().history_change_reason
    assert reason == "Role granted"
    assert "partner_member" not in reason


def test_the_history_page_shows_reasons_in_the_readers_language(client, world, personas):
    # given: a reason the sector page service records (an N_ msgid), stored in English
    ps = world.regional_health
    ps.purpose_en = "Other purpose"
    save_audited(
        ps, by=personas["regional"], reason="Sector page updated", update_fields=["purpose_en"]
    )
    # when
    with translation.override("es"):
        response = client_for(client, personas["regional"]).get(
            reverse("history", args=["platformsector", ps.pk]), HTTP_ACCEPT_LANGUAGE="es"
        )
    # then
    page = response.content.decode()
    assert "Página del sector actualizada" in page
