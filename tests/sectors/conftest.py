"""What the tests of sectors share: the before/after snapshot; for the API write tests
(test_api_*) a request as a persona and the objects and request bodies several of them start
from; for the management pages' tests (test_pages_organizations, _roles, _platforms,
_sector_setup, _sector_setup_input) a second sector with designations and the role x action
matrix each of them runs over its own pages."""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from r4v.models import ApiToken, Notification, User
from sectors.models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    PlatformSector,
    RoleAssignment,
)

from ..conftest import PERSONAS, REGIONAL, api_for, client_for
from ..factories import CoCoordinatorFactory, CoLeadFactory, PartnerFactory

AUDITED = [
    Organization,
    PlatformSector,
    CoLeadDesignation,
    CoCoordinatorDesignation,
    PartnerMembership,
    ChangeNotice,
    RoleAssignment,
    User,
]


def snapshot() -> dict[str, int]:
    """Row counts and audit-trail counts: every write through a service adds a history row."""
    counts = {}
    for model in AUDITED:
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    counts["Notification"] = Notification.objects.count()
    counts["ApiToken"] = ApiToken.objects.count()
    return counts


def send(user, method: str, url: str, body=None):
    return getattr(api_for(user), method)(url, body, format="json")


def filed_notice(world, personas, **fields) -> ChangeNotice:
    values = {
        "kind": ChangeNotice.Kind.CO_LEAD_STEPPING_DOWN,
        "co_lead": world.ngo_health,
        "effective_on": datetime.date(2026, 6, 1),
        "reason": "Funding ends.",
        "filed_by": personas["focal_point"],
    }
    return ChangeNotice.objects.create(**(values | fields))


def co_lead_on_colombia(world) -> CoLeadDesignation:
    """IOM as co-lead of Colombia Health (created the first time)."""
    existing = world.colombia_health.co_leads.filter(organization=world.iom).first()
    return existing or CoLeadFactory(platform_sector=world.colombia_health, organization=world.iom)


def co_lead_body(world, **changes):
    return {
        "platform_sector": world.colombia_health.pk,
        "organization": world.iom.pk,
        "term_start": "2026-02-01",
    } | changes


def co_coordinator_body(world, **changes):
    return {
        "platform_sector": world.regional_health.pk,
        "organization": world.unhcr.pk,
        "person_email": "new@unhcr.example",
        "person_full_name": "Nueva Persona",
        "contact_email": "contact@unhcr.example",
        "term_start": "2026-02-01",
    } | changes


# --- The management pages --------------------------------------------------------------------------

COLOMBIA_MANAGERS = REGIONAL | {"platform_team"}


@pytest.fixture
def colombia(world):
    """Colombia Health with an IOM co-lead, its co-coordinator and a partner."""
    co_lead = co_lead_on_colombia(world)
    return SimpleNamespace(
        co_lead=co_lead,
        coordinator=CoCoordinatorFactory(co_lead=co_lead),
        partner=PartnerFactory(
            platform_sector=world.colombia_health, organization=world.partner_org
        ),
    )


def form_errors(response) -> dict:
    return response.context["form"].errors


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Permission matrix ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    url: object  # (world, colombia, personas) -> str
    allowed: frozenset
    data: object = None  # (world, colombia, personas) -> dict, for POST

    def __str__(self):
        return self.name


def _assert_denied(response, persona):
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code in (403, 404)


@contextmanager
def _as_persona(subtests, personas, persona):
    """A client logged in as `persona`, inside a savepoint rolled back afterwards.

    Each persona of a case starts from the same world without paying for a new one: building
    the world and eight personas is most of a test's time.
    """
    with subtests.test(persona=persona), transaction.atomic():
        yield client_for(Client(), personas[persona])
        transaction.set_rollback(True)


def page_opens_only_for_the_allowed(subtests, world, colombia, personas, case: Case) -> None:
    """Each persona GETs the case's page: 200 for the allowed, a denial for the others."""
    for persona in PERSONAS:
        with _as_persona(subtests, personas, persona) as client:
            # given
            url = case.url(world, colombia, personas)
            # when
            response = client.get(url)
            # then
            if persona in case.allowed:
                assert response.status_code == 200
            else:
                _assert_denied(response, persona)


def action_succeeds_only_for_the_allowed(subtests, world, colombia, personas, case: Case) -> None:
    """Each persona POSTs the case's data: a redirect with a success message and a change for
    the allowed, a denial that changes nothing for the others."""
    for persona in PERSONAS:
        with _as_persona(subtests, personas, persona) as client:
            # given
            url = case.url(world, colombia, personas)
            data = case.data(world, colombia, personas)
            before = snapshot()
            # when
            response = client.post(url, data)
            # then
            if persona in case.allowed:
                assert response.status_code == 302
                assert [m.level_tag for m in response.wsgi_request._messages] == ["success"]
                assert snapshot() != before
            else:
                _assert_denied(response, persona)
                assert snapshot() == before
