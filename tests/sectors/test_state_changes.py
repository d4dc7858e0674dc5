"""State changes that cannot lose or race: partial saves, row locks, rules in the services."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from r4v.audit import save_audited
from r4v.errors import DomainError
from sectors import services
from sectors.models import ChangeNotice, CoLeadDesignation, PartnerMembership, PlatformSector
from sectors.services import structure

from ..conftest import api_for, client_for


def test_a_stale_instance_does_not_put_back_a_field_someone_else_changed(world, personas):
    # given: two people opened the sector before either saved
    regional = personas["regional"]
    for_the_page = PlatformSector.objects.get(pk=world.regional_health.pk)
    for_the_procedure = PlatformSector.objects.get(pk=world.regional_health.pk)
    # when
    services.platform_sector_update_page(
        platform_sector=for_the_page, purpose_en="Health coordination, updated.", by=regional
    )
    services.selection_procedure_update(
        platform_sector=for_the_procedure,
        procedure_en="Elected by the partners every two years.",
        interval_months=24,
        last_selection_on=datetime.date(2026, 1, 15),
        by=regional,
    )
    # then
    stored = PlatformSector.objects.get(pk=world.regional_health.pk)
    assert stored.purpose_en == "Health coordination, updated."
    assert stored.selection_procedure_en == "Elected by the partners every two years."
    # and the history row of the second change records the purpose as it was then
    assert stored.history.first().purpose_en == "Health coordination, updated."


def test_saving_an_existing_row_without_naming_its_fields_is_refused(world, personas):
    ps = world.regional_health
    ps.purpose_en = "Whole-row save"
    with pytest.raises(TypeError, match="update_fields"):
        save_audited(ps, by=personas["regional"], reason="test")
    ps.refresh_from_db()
    assert ps.purpose_en == "Coordinates the response."


def _after_a_moment(save):
    def slow(*args, **kwargs):
        time.sleep(0.2)
        return save(*args, **kwargs)

    return slow


def _race(*calls) -> list[str]:
    """Run each call on its own connection, released together; "ok" or the refusal's code."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.code)
        except ValidationError as error:
            outcomes.append(",".join(sorted(error.message_dict)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_deactivating_a_sector_while_a_co_lead_is_designated_leaves_no_open_co_lead_on_it(
    world, personas, attempt, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; the row lock is exercised on PostgreSQL")
    # Each write waits a moment between its check and its save, so that both checks would pass
    # before either save if nothing but the sector's row lock kept them apart.
    monkeypatch.setattr(structure, "save_audited", _after_a_moment(structure.save_audited))
    # given: Regional Protection is active and has no co-lead
    ps_pk = world.regional_protection.pk
    regional, admin = personas["regional"], personas["admin"]

    def deactivate():
        services.platform_sector_deactivate(
            platform_sector=PlatformSector.objects.get(pk=ps_pk), by=regional
        )

    def designate():
        services.co_lead_designate(
            platform_sector=PlatformSector.objects.get(pk=ps_pk),
            organization=world.iom,
            term_start=datetime.date(2026, 2, 1),
            by=admin,
        )

    # when
    outcomes = _race(deactivate, designate)
    # then: one of them went first, and the other saw it
    ps = PlatformSector.objects.get(pk=ps_pk)
    open_co_leads = CoLeadDesignation.objects.open().filter(platform_sector=ps).count()
    assert (ps.is_active, open_co_leads, outcomes) in [
        (False, 0, ["ok", "platform_sector"]),
        (True, 1, ["ok", "sector_has_co_leads"]),
    ]


# --- Rules in the services: the API gets the same answers as the pages ------------------------


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/co-leads/", {"term_start": "2026-02-01"}),
        ("/api/v1/partners/", {}),
    ],
)
def test_an_inactive_organization_cannot_become_co_lead_or_partner_through_the_api(
    world, personas, url, body
):
    # given
    world.iom.is_active = False
    world.iom.save()
    before = (CoLeadDesignation.objects.count(), PartnerMembership.objects.count())
    # when
    response = api_for(personas["regional"]).post(
        url,
        {"platform_sector": world.regional_protection.pk, "organization": world.iom.pk, **body},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"organization": ["IOM is inactive."]}
    assert (CoLeadDesignation.objects.count(), PartnerMembership.objects.count()) == before


def test_a_stepping_down_notice_that_names_an_incoming_person_is_refused_through_the_api(
    world, personas
):
    # when
    response = api_for(personas["focal_point"]).post(
        "/api/v1/change-notices/",
        {
            "co_lead": world.ngo_health.pk,
            "kind": ChangeNotice.Kind.CO_LEAD_STEPPING_DOWN,
            "effective_on": "2026-02-01",
            "reason": "We step down.",
            "incoming_name": "Marta Díaz",
            "incoming_email": "marta@cs.example",
        },
        format="json",
    )
    # then
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"incoming_name", "incoming_email"}
    assert not ChangeNotice.objects.exists()


def test_a_stepping_down_notice_from_the_page_still_files_whatever_the_hidden_half_held(
    client, world, personas
):
    # given: the page's form held a replacement's fields before the kind was switched
    client_for(client, personas["focal_point"])
    # when
    response = client.post(
        reverse("sectors:change-notice-create"),
        {
            "co_lead": world.ngo_health.pk,
            "kind": ChangeNotice.Kind.CO_LEAD_STEPPING_DOWN,
            "effective_on": "2026-02-01",
            "reason": "We step down.",
            "outgoing": world.ngo_coordinator.pk,
            "incoming_name": "Marta Díaz",
        },
    )
    # then
    assert response.status_code == 302
    notice = ChangeNotice.objects.get()
    assert (notice.outgoing, notice.incoming_name) == (None, "")
