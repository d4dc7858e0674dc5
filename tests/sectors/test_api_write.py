"""Writes through the API: who may do what on every write route (the permission matrix),
and what no route replaces, deletes or lets a client set.

What each write does is tested beside its kind: test_api_platform_sectors.py,
test_api_designations.py, test_api_partners.py, test_api_change_notices.py; bad input in
test_api_bad_input.py, the token that scripts use in test_api_token.py.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from r4v.api import router

from ..conftest import PERSONAS, REGIONAL
from ..factories import CoCoordinatorFactory
from .conftest import co_lead_on_colombia, filed_notice, send, snapshot

# --- The permission matrix -----------------------------------------------------------------

COLOMBIA = REGIONAL | {"platform_team"}
REGIONAL_HEALTH_PAGE = REGIONAL | {"co_coordinator"}


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    # (world, personas) -> (url, body); may create what the write acts on.
    given: Callable
    allowed: frozenset
    success: int
    # Logged-in personas without the right: 403 when they can see the object (or it is
    # named in the body), 404 when it is outside their scope.
    denied: int
    denied_overrides: dict = field(default_factory=dict)

    def expected(self, persona: str) -> int:
        if persona in self.allowed:
            return self.success
        if persona == "anonymous":
            return 401
        return self.denied_overrides.get(persona, self.denied)


WRITES = [
    Write(
        "organization-create",
        "post",
        lambda w, p: (
            "/api/v1/organizations/",
            {"name": "Nueva Esperanza", "kind": "national_ngo"},
        ),
        REGIONAL,
        201,
        403,
    ),
    Write(
        "organization-update",
        "patch",
        lambda w, p: (f"/api/v1/organizations/{w.unhcr.pk}/", {"website": "https://www.unhcr.org"}),
        REGIONAL,
        200,
        403,
    ),
    Write(
        "platform-sector-activate",
        "post",
        lambda w, p: (
            "/api/v1/platform-sectors/",
            {"platform": "colombia", "sector": "protection"},
        ),
        COLOMBIA,
        201,
        403,
    ),
    Write(
        "platform-sector-deactivate",
        "post",
        lambda w, p: (
            f"/api/v1/platform-sectors/{w.colombia_health.pk}/deactivate/",
            {"reason": "Merged"},
        ),
        COLOMBIA,
        200,
        404,
    ),
    Write(
        "platform-sector-page-regional",
        "patch",
        lambda w, p: (
            f"/api/v1/platform-sectors/{w.regional_health.pk}/",
            {"purpose_en": "Health for all."},
        ),
        REGIONAL_HEALTH_PAGE,
        200,
        404,
    ),
    Write(
        "platform-sector-page-colombia",
        "patch",
        lambda w, p: (
            f"/api/v1/platform-sectors/{w.colombia_health.pk}/",
            {"purpose_es": "Salud."},
        ),
        COLOMBIA,
        200,
        404,
    ),
    Write(
        "selection-procedure-colombia",
        "post",
        lambda w, p: (
            f"/api/v1/platform-sectors/{w.colombia_health.pk}/selection-procedure/",
            {
                "procedure_en": "Partners vote.",
                "interval_months": 24,
                "last_selection_on": "2026-01-15",
            },
        ),
        COLOMBIA,
        200,
        404,
    ),
    Write(
        "selection-procedure-regional",
        "post",
        lambda w, p: (
            f"/api/v1/platform-sectors/{w.regional_health.pk}/selection-procedure/",
            {
                "procedure_en": "Partners vote.",
                "interval_months": 24,
                "last_selection_on": "2026-01-15",
            },
        ),
        REGIONAL,
        200,
        404,
    ),
    Write(
        "co-lead-designate",
        "post",
        lambda w, p: (
            "/api/v1/co-leads/",
            {
                "platform_sector": w.colombia_health.pk,
                "organization": w.iom.pk,
                "term_start": "2026-02-01",
            },
        ),
        COLOMBIA,
        201,
        403,
    ),
    Write(
        "co-lead-end",
        "post",
        lambda w, p: (
            f"/api/v1/co-leads/{co_lead_on_colombia(w).pk}/end/",
            {"ended_on": "2026-06-30"},
        ),
        COLOMBIA,
        200,
        404,
    ),
    Write(
        "co-coordinator-designate",
        "post",
        lambda w, p: (
            "/api/v1/co-coordinators/",
            {
                "platform_sector": co_lead_on_colombia(w).platform_sector_id,
                "organization": w.iom.pk,
                "person_email": "new.person@iom.example",
                "person_full_name": "Nueva Persona",
                "contact_email": "salud.colombia@iom.example",
                "term_start": "2026-02-01",
            },
        ),
        COLOMBIA,
        201,
        403,
    ),
    Write(
        "co-coordinator-end",
        "post",
        lambda w, p: (
            f"/api/v1/co-coordinators/{CoCoordinatorFactory(co_lead=co_lead_on_colombia(w)).pk}/end/",
            {"ended_on": "2026-06-30"},
        ),
        COLOMBIA,
        200,
        404,
    ),
    Write(
        "partner-add-regional",
        "post",
        lambda w, p: (
            "/api/v1/partners/",
            {"platform_sector": w.regional_health.pk, "organization": w.iom.pk},
        ),
        REGIONAL_HEALTH_PAGE,
        201,
        403,
    ),
    Write(
        "partner-add-colombia",
        "post",
        lambda w, p: (
            "/api/v1/partners/",
            {"platform_sector": w.colombia_health.pk, "organization": w.iom.pk},
        ),
        COLOMBIA,
        201,
        403,
    ),
    Write(
        "partner-remove-regional",
        "post",
        lambda w, p: (f"/api/v1/partners/{w.regional_health.partners.get().pk}/remove/", {}),
        REGIONAL_HEALTH_PAGE,
        200,
        404,
    ),
    Write(
        "change-notice-file",
        "post",
        lambda w, p: (
            "/api/v1/change-notices/",
            {
                "co_lead": w.ngo_health.pk,
                "kind": "co_lead_stepping_down",
                "effective_on": "2026-12-31",
                "reason": "Our funding ends.",
            },
        ),
        REGIONAL | {"focal_point"},
        201,
        403,
    ),
    *[
        Write(
            f"change-notice-{decision}",
            "post",
            lambda w, p, decision=decision: (
                f"/api/v1/change-notices/{filed_notice(w, p).pk}/{decision}/",
                {"comment": "Seen by the Regional Platform."},
            ),
            REGIONAL,
            200,
            404,
            # The focal point sees their organization's notice but does not decide it.
            {"focal_point": 403},
        )
        for decision in ("acknowledge", "apply", "decline")
    ],
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_write_permission_matrix(
    world, personas, write, persona, django_capture_on_commit_callbacks
):
    # given
    url, body = write.given(world, personas)
    before = snapshot()
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        response = send(personas[persona], write.method, url, body)
    # then
    expected = write.expected(persona)
    assert (response.status_code, response["Content-Type"]) == (expected, "application/json")
    if expected < 400:
        assert snapshot() != before
    else:
        assert snapshot() == before
        assert callbacks == []


def test_the_matrix_covers_every_write_route_of_the_api(world, personas):
    # given: every (route, method) of the router that writes
    routes = {
        (url.name, method)
        for url in router.urls
        for method in getattr(url.callback, "actions", {})
        if method not in ("get", "head", "options")
        # The structure's routes; the program cycle's are covered in tests/program_cycle/.
        and url.callback.cls.__module__.startswith("sectors.api.")
    }
    # when
    covered = {
        (resolve(urlsplit(w.given(world, personas)[0]).path).url_name, w.method) for w in WRITES
    }
    # then
    assert covered == routes
    assert len(routes) == 16


# --- What no route writes ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "delete"])
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organizations/{ngo}/",
        "/api/v1/platform-sectors/{ps}/",
        "/api/v1/co-leads/{co_lead}/",
    ],
    ids=["organization", "platform-sector", "co-lead"],
)
def test_nothing_is_replaced_or_deleted_through_the_api(world, personas, url, method):
    # given
    url = url.format(ngo=world.ngo.pk, ps=world.regional_health.pk, co_lead=world.unhcr_health.pk)
    before = snapshot()
    # when
    response = send(personas["admin"], method, url, {})
    # then
    assert response.status_code == 405
    assert snapshot() == before


def test_status_fields_cannot_be_written(world, personas):
    # when
    patched = send(
        personas["regional"],
        "patch",
        f"/api/v1/platform-sectors/{world.regional_health.pk}/",
        {"is_active": False},
    )
    org = send(
        personas["regional"],
        "patch",
        f"/api/v1/organizations/{world.ngo.pk}/",
        {"is_active": False},
    )
    co_lead = send(
        personas["regional"],
        "post",
        "/api/v1/co-leads/",
        {
            "platform_sector": world.colombia_health.pk,
            "organization": world.iom.pk,
            "term_start": "2026-02-01",
            "ended_on": "2026-03-01",
        },
    )
    # then
    assert (patched.status_code, patched.json()["is_active"]) == (200, True)
    assert (org.status_code, org.json()["is_active"]) == (200, True)
    assert (co_lead.status_code, co_lead.json()["ended_on"]) == (201, None)
