"""Writes through the API: who may do what, bad input, and the token that scripts use."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.urls import resolve
from guardian.models import UserObjectPermission
from rest_framework.test import APIClient

from r4v.api import router
from r4v.models import ApiToken, Notification, User
from sectors.models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    PlatformSector,
    PlatformSectorUserObjectPermission,
    RoleAssignment,
)

from ..conftest import PASSWORD, PERSONAS, REGIONAL, api_for
from ..factories import (
    CoCoordinatorFactory,
    CoLeadFactory,
    PlatformSectorFactory,
    SectorFactory,
    UserFactory,
)

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


def _snapshot() -> dict[str, int]:
    """Row counts and audit-trail counts: every write through a service adds a history row."""
    counts = {}
    for model in AUDITED:
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    counts["Notification"] = Notification.objects.count()
    counts["ApiToken"] = ApiToken.objects.count()
    counts["sector permissions"] = PlatformSectorUserObjectPermission.objects.count()
    counts["generic permissions"] = UserObjectPermission.objects.count()
    return counts


def _send(user, method: str, url: str, body=None):
    return getattr(api_for(user), method)(url, body, format="json")


# --- The permission matrix -----------------------------------------------------------------

COLOMBIA = REGIONAL | {"platform_team"}
REGIONAL_HEALTH_PAGE = REGIONAL | {"co_coordinator"}


def _notice(world, personas, **fields) -> ChangeNotice:
    values = {
        "kind": ChangeNotice.Kind.CO_LEAD_STEPPING_DOWN,
        "co_lead": world.ngo_health,
        "effective_on": datetime.date(2026, 6, 1),
        "reason": "Funding ends.",
        "filed_by": personas["focal_point"],
    }
    return ChangeNotice.objects.create(**(values | fields))


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


def _co_lead_on_colombia(world) -> CoLeadDesignation:
    """IOM as co-lead of Colombia Health (created the first time)."""
    existing = world.colombia_health.co_leads.filter(organization=world.iom).first()
    return existing or CoLeadFactory(platform_sector=world.colombia_health, organization=world.iom)


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
            f"/api/v1/co-leads/{_co_lead_on_colombia(w).pk}/end/",
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
                "platform_sector": _co_lead_on_colombia(w).platform_sector_id,
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
            f"/api/v1/co-coordinators/{CoCoordinatorFactory(co_lead=_co_lead_on_colombia(w)).pk}/end/",
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
                f"/api/v1/change-notices/{_notice(w, p).pk}/{decision}/",
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
    before = _snapshot()
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        response = _send(personas[persona], write.method, url, body)
    # then
    expected = write.expected(persona)
    assert (response.status_code, response["Content-Type"]) == (expected, "application/json")
    if expected < 400:
        assert _snapshot() != before
    else:
        assert _snapshot() == before
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
    before = _snapshot()
    # when
    response = _send(personas["admin"], method, url, {})
    # then
    assert response.status_code == 405
    assert _snapshot() == before


# --- Effects of allowed writes ---------------------------------------------------------------


def test_activating_an_already_active_sector_answers_200_and_changes_nothing(world, personas):
    # given
    before = _snapshot()
    # when
    response = _send(
        personas["regional"],
        "post",
        "/api/v1/platform-sectors/",
        {"platform": "regional", "sector": "health"},
    )
    # then
    assert (response.status_code, response.json()["id"]) == (200, world.regional_health.pk)
    assert _snapshot() == before


def test_reactivating_a_sector_answers_201_with_its_public_shape(world, personas):
    # given
    inactive = PlatformSectorFactory(
        platform=world.colombia, sector=world.protection, is_active=False
    )
    # when
    response = _send(
        personas["platform_team"],
        "post",
        "/api/v1/platform-sectors/",
        {"platform": "colombia", "sector": "protection"},
    )
    # then
    assert response.status_code == 201
    assert (response.json()["id"], response.json()["is_active"]) == (inactive.pk, True)
    inactive.refresh_from_db()
    assert inactive.is_active is True
    assert inactive.history.latest().history_user == personas["platform_team"]


def test_deactivating_answers_with_the_inactive_sector_which_its_team_still_sees(world, personas):
    # when
    response = _send(
        personas["platform_team"],
        "post",
        f"/api/v1/platform-sectors/{world.colombia_health.pk}/deactivate/",
    )
    # then
    assert (response.status_code, response.json()["is_active"]) == (200, False)
    assert (
        api_for(None).get(f"/api/v1/platform-sectors/{world.colombia_health.pk}/").status_code
        == 404
    )


def test_designating_a_co_coordinator_publishes_the_contact_but_never_the_login(world, personas):
    # given
    co_lead = _co_lead_on_colombia(world)
    body = {
        "platform_sector": world.colombia_health.pk,
        "organization": world.iom.pk,
        "person_email": "Maria.Login@iom.example",
        "person_full_name": "María Rojas",
        "contact_email": "salud.colombia@iom.example",
        "contact_phone": "+57 1 555 0100",
        "term_start": "2026-02-01",
        "term_end": "2027-01-31",
        "reason": "Elected by partners",
    }
    # when
    response = _send(personas["platform_team"], "post", "/api/v1/co-coordinators/", body)
    public = api_for(None).get(f"/api/v1/platform-sectors/{world.colombia_health.pk}/")
    # then
    assert response.status_code == 201
    designation = CoCoordinatorDesignation.objects.get(pk=response.json()["id"])
    assert (designation.co_lead, designation.person.email, designation.person.full_name) == (
        co_lead,
        "maria.login@iom.example",
        "María Rojas",
    )
    assert designation.person.has_perm("sectors.coordinate_sector", world.colombia_health)
    assert designation.history.get().history_change_reason == "Elected by partners"
    assert [
        (c["full_name"], c["contact_email"], c["contact_phone"])
        for c in public.json()["co_coordinators"]
    ] == [("María Rojas", "salud.colombia@iom.example", "+57 1 555 0100")]
    assert "maria.login" not in public.content.decode().lower()
    assert "maria.login" not in response.content.decode().lower()


def test_designating_an_existing_person_reuses_their_account(world, personas):
    # given
    _co_lead_on_colombia(world)
    existing = UserFactory(email="known@iom.example", full_name="Known Person")
    users = User.objects.count()
    # when
    response = _send(
        personas["regional"],
        "post",
        "/api/v1/co-coordinators/",
        {
            "platform_sector": world.colombia_health.pk,
            "organization": world.iom.pk,
            "person_email": "KNOWN@iom.example",
            "person_full_name": "Whatever Name",
            "contact_email": "contact@iom.example",
            "term_start": "2026-02-01",
        },
    )
    # then
    assert (response.status_code, response.json()["person"]) == (
        201,
        {"id": existing.pk, "full_name": "Known Person"},
    )
    assert User.objects.count() == users


def test_ending_a_co_lead_ends_its_co_coordinators_and_their_role(world, personas):
    # when
    response = _send(
        personas["regional"],
        "post",
        f"/api/v1/co-leads/{world.ngo_health.pk}/end/",
        {"ended_on": "2026-10-31"},
    )
    # then
    assert (response.status_code, response.json()["ended_on"]) == (200, "2026-10-31")
    world.ngo_coordinator.refresh_from_db()
    assert world.ngo_coordinator.ended_on == datetime.date(2026, 10, 31)
    assert not RoleAssignment.objects.filter(
        user=personas["co_coordinator"], revoked_at=None
    ).exists()


def test_a_refusal_halfway_through_a_service_leaves_nothing_behind(world, personas):
    # given: the first co-coordinator can end on 1 March, the second started later and cannot
    CoCoordinatorFactory(
        co_lead=world.unhcr_health,
        person=UserFactory(full_name="Zoe Late"),
        term_start=datetime.date(2026, 4, 1),
    )
    before = _snapshot()
    # when
    response = _send(
        personas["regional"],
        "post",
        f"/api/v1/co-leads/{world.unhcr_health.pk}/end/",
        {"ended_on": "2026-03-01"},
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ended_on"]
    world.unhcr_coordinator.refresh_from_db()
    assert world.unhcr_coordinator.ended_on is None
    assert _snapshot() == before


def test_removing_a_partner_records_the_day_it_left(world, personas):
    # given
    membership = world.regional_health.partners.get()
    # when
    response = _send(
        personas["co_coordinator"],
        "post",
        f"/api/v1/partners/{membership.pk}/remove/",
        {"left_on": "2026-09-30"},
    )
    # then
    assert (response.status_code, response.json()["left_on"]) == (200, "2026-09-30")
    public = api_for(None).get(f"/api/v1/platform-sectors/{world.regional_health.pk}/").json()
    assert public["partners"] == []


def test_applying_a_replacement_notice_swaps_the_co_coordinator(
    world, personas, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks() as filed_callbacks:
        filed = _send(
            personas["focal_point"],
            "post",
            "/api/v1/change-notices/",
            {
                "co_lead": world.ngo_health.pk,
                "kind": "coordinator_replaced",
                "effective_on": "2026-11-01",
                "reason": "Luis moves to another post.",
                "outgoing": world.ngo_coordinator.pk,
                "incoming_name": "Carla Díaz",
                "incoming_email": "carla@cs.example",
                "incoming_phone": "+507 555 0101",
            },
        )
    assert (filed.status_code, filed.json()["status"]) == (201, "filed")
    assert len(filed_callbacks) == 1  # the Regional Platform team's notifications, after commit
    # when
    applied = _send(
        personas["regional"], "post", f"/api/v1/change-notices/{filed.json()['id']}/apply/", {}
    )
    # then
    assert (applied.status_code, applied.json()["status"]) == (200, "applied")
    public = api_for(None).get(f"/api/v1/platform-sectors/{world.regional_health.pk}/").json()
    assert [c["full_name"] for c in public["co_coordinators"]] == ["Carla Díaz", "Ana Pérez"]


def test_applying_a_notice_before_it_takes_effect_is_refused(world, personas):
    # given
    notice = _notice(world, personas, effective_on=datetime.date(2099, 1, 1))
    before = _snapshot()
    # when
    response = _send(personas["regional"], "post", f"/api/v1/change-notices/{notice.pk}/apply/", {})
    # then
    assert (response.status_code, response.json()["code"]) == (400, "not_yet_effective")
    assert _snapshot() == before


def test_deciding_a_notice_twice_is_refused(world, personas):
    # given
    notice = _notice(world, personas)
    _send(
        personas["regional"],
        "post",
        f"/api/v1/change-notices/{notice.pk}/decline/",
        {"comment": "No."},
    )
    # when
    response = _send(
        personas["admin"], "post", f"/api/v1/change-notices/{notice.pk}/acknowledge/", {}
    )
    # then
    assert (response.status_code, response.json()["code"]) == (400, "invalid_status")


def test_status_fields_cannot_be_written(world, personas):
    # when
    patched = _send(
        personas["regional"],
        "patch",
        f"/api/v1/platform-sectors/{world.regional_health.pk}/",
        {"is_active": False},
    )
    org = _send(
        personas["regional"],
        "patch",
        f"/api/v1/organizations/{world.ngo.pk}/",
        {"is_active": False},
    )
    co_lead = _send(
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


# --- Management lists show the user's scope --------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("outsider", []),
        ("co_coordinator", []),
        ("platform_team", ["colombia"]),
        ("regional", ["colombia", "regional", "regional"]),
    ],
)
def test_co_lead_list_shows_the_sectors_the_user_manages(world, personas, persona, expected):
    # given
    _co_lead_on_colombia(world)
    # when
    response = _send(personas[persona], "get", "/api/v1/co-leads/")
    # then
    assert response.status_code == 200
    assert sorted(c["platform_sector"]["platform"] for c in response.json()["results"]) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", 0), ("platform_team", 0), ("co_coordinator", 1), ("regional", 1)],
)
def test_partner_list_shows_the_sectors_whose_page_the_user_edits(
    world, personas, persona, expected
):
    # when
    response = _send(personas[persona], "get", "/api/v1/partners/")
    # then
    assert (response.status_code, response.json()["count"]) == (200, expected)


@pytest.mark.parametrize(
    ("persona", "expected"), [("outsider", 0), ("focal_point", 1), ("partner", 0), ("regional", 1)]
)
def test_change_notices_are_seen_by_the_filing_organization_and_the_regional_team(
    world, personas, persona, expected
):
    # given
    _notice(world, personas)
    # when
    response = _send(personas[persona], "get", "/api/v1/change-notices/")
    # then
    assert (response.status_code, response.json()["count"]) == (200, expected)


def test_co_coordinator_list_never_shows_a_login_e_mail(world, personas):
    # when
    response = _send(personas["regional"], "get", "/api/v1/co-coordinators/")
    # then
    assert response.status_code == 200
    assert "private@" not in response.content.decode()
    assert [c["person"]["full_name"] for c in response.json()["results"]] == [
        "Luis Gómez",
        "Ana Pérez",
    ]


# --- Bad input: 400 naming the field, nothing written, never a 500 --------------------------


def _co_lead_body(world, **changes):
    return {
        "platform_sector": world.colombia_health.pk,
        "organization": world.iom.pk,
        "term_start": "2026-02-01",
    } | changes


def _co_coordinator_body(world, **changes):
    return {
        "platform_sector": world.regional_health.pk,
        "organization": world.unhcr.pk,
        "person_email": "new@unhcr.example",
        "person_full_name": "Nueva Persona",
        "contact_email": "contact@unhcr.example",
        "term_start": "2026-02-01",
    } | changes


BAD_INPUT = [
    # (id, method, url(world), body(world), fields named)
    (
        "unknown-platform-sector",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: _co_lead_body(w, platform_sector=999999),
        ["platform_sector"],
    ),
    (
        "unknown-organization",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: _co_lead_body(w, organization=999999),
        ["organization"],
    ),
    (
        "huge-id",
        "post",
        lambda w: "/api/v1/partners/",
        lambda w: {"platform_sector": w.regional_health.pk, "organization": 10**30},
        ["organization"],
    ),
    (
        "id-as-text",
        "post",
        lambda w: "/api/v1/partners/",
        lambda w: {"platform_sector": "health", "organization": w.iom.pk},
        ["platform_sector"],
    ),
    (
        "id-as-list",
        "post",
        lambda w: "/api/v1/partners/",
        lambda w: {"platform_sector": [w.regional_health.pk], "organization": w.iom.pk},
        ["platform_sector"],
    ),
    (
        "unknown-platform-code",
        "post",
        lambda w: "/api/v1/platform-sectors/",
        lambda w: {"platform": "atlantis", "sector": "health"},
        ["platform"],
    ),
    (
        "unknown-co-lead",
        "post",
        lambda w: "/api/v1/change-notices/",
        lambda w: {
            "co_lead": 999999,
            "kind": "co_lead_stepping_down",
            "effective_on": "2026-12-01",
            "reason": "x",
        },
        ["co_lead"],
    ),
    (
        "missing-fields",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: {},
        ["platform_sector", "organization", "term_start"],
    ),
    (
        "date-as-words",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: _co_lead_body(w, term_start="next monday"),
        ["term_start"],
    ),
    (
        "impossible-date",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: _co_lead_body(w, term_start="2026-02-30"),
        ["term_start"],
    ),
    (
        "int-for-text",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": 42, "kind": "national_ngo"},
        ["name"],
    ),
    (
        "int-for-purpose",
        "patch",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/",
        lambda w: {"purpose_en": 42},
        ["purpose_en"],
    ),
    (
        "object-for-text",
        "patch",
        lambda w: f"/api/v1/organizations/{w.ngo.pk}/",
        lambda w: {"acronym": {"a": 1}},
        ["acronym"],
    ),
    (
        "text-for-int",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/selection-procedure/",
        lambda w: {"procedure_en": "Vote", "interval_months": "two", "last_selection_on": None},
        ["interval_months"],
    ),
    (
        "interval-zero",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/selection-procedure/",
        lambda w: {"procedure_en": "Vote", "interval_months": 0, "last_selection_on": None},
        ["interval_months"],
    ),
    (
        "interval-overflow",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/selection-procedure/",
        lambda w: {"procedure_en": "Vote", "interval_months": 70000, "last_selection_on": None},
        ["interval_months"],
    ),
    (
        "selection-in-the-future",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/selection-procedure/",
        lambda w: {
            "procedure_en": "Vote",
            "interval_months": 12,
            "last_selection_on": "2099-01-01",
        },
        ["last_selection_on"],
    ),
    (
        "unknown-choice",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": "Club", "kind": "club"},
        ["kind"],
    ),
    (
        "co-lead-term-end-before-start",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: _co_lead_body(w, term_end="2026-01-31"),
        ["term_end"],
    ),
    (
        "co-coordinator-term-end-before-start",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: _co_coordinator_body(w, term_end="2026-01-31"),
        ["term_end"],
    ),
    (
        "co-coordinator-before-co-lead-term",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: _co_coordinator_body(w, term_start="2025-12-31"),
        ["term_start"],
    ),
    (
        "co-coordinator-from-non-co-lead",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: _co_coordinator_body(w, organization=w.partner_org.pk),
        ["organization"],
    ),
    (
        "co-coordinator-twice",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: _co_coordinator_body(w, person_email="ANA.private@unhcr.example"),
        ["person_email"],
    ),
    (
        "co-coordinator-bad-e-mail",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: _co_coordinator_body(w, person_email="not-an-e-mail", contact_email="x@"),
        ["person_email", "contact_email"],
    ),
    (
        "duplicate-active-co-lead",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: _co_lead_body(w, platform_sector=w.regional_health.pk, organization=w.unhcr.pk),
        ["organization"],
    ),
    (
        "co-lead-on-inactive-sector",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: _co_lead_body(
            w,
            platform_sector=PlatformSectorFactory(
                platform=w.colombia, sector=w.protection, is_active=False
            ).pk,
        ),
        ["platform_sector"],
    ),
    (
        "duplicate-partner",
        "post",
        lambda w: "/api/v1/partners/",
        lambda w: {"platform_sector": w.regional_health.pk, "organization": w.partner_org.pk},
        ["organization"],
    ),
    (
        "organization-name-201",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": "x" * 201, "kind": "national_ngo"},
        ["name"],
    ),
    (
        "organization-acronym-31",
        "patch",
        lambda w: f"/api/v1/organizations/{w.ngo.pk}/",
        lambda w: {"acronym": "x" * 31},
        ["acronym"],
    ),
    (
        "purpose-4001",
        "patch",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/",
        lambda w: {"purpose_es": "x" * 4001},
        ["purpose_es"],
    ),
    (
        "phone-41",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: _co_coordinator_body(w, contact_phone="1" * 41),
        ["contact_phone"],
    ),
    (
        "reason-501",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.colombia_health.pk}/deactivate/",
        lambda w: {"reason": "x" * 501},
        ["reason"],
    ),
    (
        "null-character",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": "Nul\x00l", "kind": "national_ngo"},
        ["name"],
    ),
    (
        "duplicate-organization-name",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": "caminos solidarios", "kind": "national_ngo"},
        ["name"],
    ),
    (
        "duplicate-organization-acronym",
        "patch",
        lambda w: f"/api/v1/organizations/{w.ngo.pk}/",
        lambda w: {"acronym": "unhcr"},
        ["acronym"],
    ),
    (
        "blank-organization-name",
        "patch",
        lambda w: f"/api/v1/organizations/{w.ngo.pk}/",
        lambda w: {"name": "   "},
        ["name"],
    ),
    (
        "bad-website",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": "Web", "kind": "other", "website": "javascript:alert(1)"},
        ["website"],
    ),
    (
        "co-lead-ended-before-start",
        "post",
        lambda w: f"/api/v1/co-leads/{w.unhcr_health.pk}/end/",
        lambda w: {"ended_on": "2025-12-31"},
        ["ended_on"],
    ),
    (
        "co-coordinator-ended-before-start",
        "post",
        lambda w: f"/api/v1/co-coordinators/{w.unhcr_coordinator.pk}/end/",
        lambda w: {"ended_on": "2025-12-31"},
        ["ended_on"],
    ),
    (
        "partner-left-before-joined",
        "post",
        lambda w: f"/api/v1/partners/{w.regional_health.partners.get().pk}/remove/",
        lambda w: {"left_on": "2025-12-31"},
        ["left_on"],
    ),
    (
        "deactivate-with-co-leads",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/deactivate/",
        lambda w: {},
        ["is_active"],
    ),
    (
        "notice-without-reason",
        "post",
        lambda w: "/api/v1/change-notices/",
        lambda w: {
            "co_lead": w.ngo_health.pk,
            "kind": "co_lead_stepping_down",
            "effective_on": "2026-12-01",
            "reason": "  ",
        },
        ["reason"],
    ),
    (
        "notice-replacement-incomplete",
        "post",
        lambda w: "/api/v1/change-notices/",
        lambda w: {
            "co_lead": w.ngo_health.pk,
            "kind": "coordinator_replaced",
            "effective_on": "2026-12-01",
            "reason": "Leaving",
        },
        ["outgoing", "incoming_name", "incoming_email"],
    ),
    (
        "decline-without-comment",
        "post",
        lambda w: (
            f"/api/v1/change-notices/{ChangeNotice.objects.create(kind='co_lead_stepping_down', co_lead=w.ngo_health, effective_on=datetime.date(2026, 6, 1), reason='x', filed_by=w.ngo_coordinator.person).pk}/decline/"
        ),
        lambda w: {},
        ["comment"],
    ),
    (
        "list-for-object",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: [{"name": "A", "kind": "other"}],
        ["non_field_errors"],
    ),
]


@pytest.mark.parametrize(
    ("method", "url", "body", "fields"), [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT]
)
def test_bad_input_answers_400_naming_the_field_and_writes_nothing(
    world, personas, method, url, body, fields
):
    # given
    url, body = url(world), body(world)
    before = _snapshot()
    # when
    response = _send(personas["regional"], method, url, body)
    # then
    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert sorted(response.json()["errors"]) == sorted(fields)
    assert _snapshot() == before


@pytest.mark.parametrize(
    "url",
    ["/api/v1/organizations/", "/api/v1/co-leads/", "/api/v1/platform-sectors/"],
    ids=["organizations", "co-leads", "platform-sectors"],
)
def test_a_malformed_json_body_answers_400(world, personas, url):
    # given
    before = _snapshot()
    # when
    response = api_for(personas["regional"]).post(
        url, '{"name": "Half', content_type="application/json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert _snapshot() == before


def test_an_inactive_sector_on_another_platform_reads_as_an_unknown_id(world, personas):
    # given: the Colombia team cannot see an inactive regional sector
    hidden = PlatformSectorFactory(platform=world.regional, sector=SectorFactory(), is_active=False)
    # when
    response = _send(
        personas["platform_team"],
        "post",
        "/api/v1/co-leads/",
        _co_lead_body(world, platform_sector=hidden.pk),
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["platform_sector"]


def test_ending_twice_is_refused_with_a_stable_code(world, personas):
    # given
    _send(
        personas["regional"],
        "post",
        f"/api/v1/co-coordinators/{world.unhcr_coordinator.pk}/end/",
        {"ended_on": "2026-05-01"},
    )
    # when
    response = _send(
        personas["regional"],
        "post",
        f"/api/v1/co-coordinators/{world.unhcr_coordinator.pk}/end/",
        {},
    )
    # then
    assert (response.status_code, response.json()["code"]) == (400, "already_ended")


def test_a_refused_designation_leaves_no_new_account_behind(world, personas):
    # given
    users = User.objects.count()
    # when
    response = _send(
        personas["regional"],
        "post",
        "/api/v1/co-coordinators/",
        _co_coordinator_body(world, organization=world.iom.pk),
    )
    # then
    assert (response.status_code, list(response.json()["errors"])) == (400, ["organization"])
    assert User.objects.count() == users
    assert not User.objects.filter(email="new@unhcr.example").exists()


# --- The token endpoint ------------------------------------------------------------------------


def test_a_token_from_e_mail_and_password_authorizes_writes(world, personas):
    # given
    client = APIClient()
    # when
    response = client.post(
        "/api/v1/auth/token/",
        {"email": "IMO@colombia.example", "password": PASSWORD},
        format="json",
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    write = client.patch(
        f"/api/v1/platform-sectors/{world.colombia_health.pk}/",
        {"purpose_es": "Salud."},
        format="json",
    )
    # then
    assert response.status_code == 200
    assert ApiToken.objects.get(user=personas["platform_team"]).name == "api"
    assert (write.status_code, write.json()["purpose_es"]) == (200, "Salud.")


def test_asking_again_for_a_token_of_the_same_name_replaces_it(world, personas):
    # when
    first = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "team@regional.example", "password": PASSWORD},
        format="json",
    )
    second = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "team@regional.example", "password": PASSWORD},
        format="json",
    )
    # then: the key is not stored, so it cannot be answered twice; the old one stops working
    assert first.json()["token"] != second.json()["token"]
    assert ApiToken.objects.count() == 1
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {first.json()['token']}")
    assert old.get("/api/v1/change-notices/").status_code == 401


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"email": "team@regional.example", "password": "wrong-password-123"},
            ["non_field_errors"],
        ),
        ({"email": "nobody@example.org", "password": PASSWORD}, ["non_field_errors"]),
        ({"email": "not-an-e-mail", "password": PASSWORD}, ["email"]),
        ({}, ["email", "password"]),
    ],
    ids=["wrong-password", "unknown-user", "bad-e-mail", "empty"],
)
def test_the_token_endpoint_refuses_bad_credentials(world, personas, body, fields):
    # when
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    # then
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == fields
    assert ApiToken.objects.count() == 0


def test_an_inactive_user_gets_no_token(world, personas):
    # given
    user = personas["regional"]
    user.is_active = False
    user.save()
    # when
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )
    # then
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0


def test_password_guessing_is_throttled(world, personas):
    # given: ten guesses, each for another account (one account locks sooner: test_lockout.py)
    client = APIClient()
    guesses = [
        client.post(
            "/api/v1/auth/token/",
            {"email": f"guess-{i}@regional.example", "password": f"guess-{i}"},
            format="json",
        )
        for i in range(10)
    ]
    # when
    response = client.post(
        "/api/v1/auth/token/",
        {"email": "team@regional.example", "password": PASSWORD},
        format="json",
    )
    # then
    assert [g.status_code for g in guesses] == [400] * 10
    assert (response.status_code, response.json()["code"]) == (429, "throttled")


def test_a_bad_token_answers_401(world):
    # given
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    # when
    response = client.get("/api/v1/platform-sectors/")
    # then
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")
