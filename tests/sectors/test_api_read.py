"""The public API: what anyone may read without logging in, and what it never shows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sectors.models import Organization, Platform, Sector

from ..conftest import api_for
from ..factories import (
    CoCoordinatorFactory,
    CoLeadFactory,
    CountryFactory,
    OrganizationFactory,
    PartnerFactory,
    PlatformFactory,
    PlatformSectorFactory,
    SectorFactory,
)


def _get(url, user=None):
    response = api_for(user).get(url)
    assert response["Content-Type"] == "application/json"
    return response


def _codes(response, key):
    return [item[key] for item in response.json()["results"]]


# --- Lists and details ---------------------------------------------------------------------


def test_anonymous_lists_countries_in_name_order(world):
    # when
    response = _get("/api/v1/countries/")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "iso_code": "CO",
                "name": "Colombia",
                "name_en": "Colombia",
                "name_es": "Colombia",
                "time_zone": "America/Bogota",
            },
            {
                "iso_code": "PA",
                "name": "Panama",
                "name_en": "Panama",
                "name_es": "Panamá",
                "time_zone": "America/Panama",
            },
        ],
    }


def test_anonymous_reads_a_country_by_iso_code(world):
    # when
    response = _get("/api/v1/countries/PA/")
    # then
    assert response.status_code == 200
    assert response.json()["name_es"] == "Panamá"


def test_anonymous_lists_platforms_regional_first(world):
    # when
    response = _get("/api/v1/platforms/")
    # then
    assert response.status_code == 200
    assert _codes(response, "code") == ["regional", "colombia"]


def test_a_platform_shows_its_countries_and_co_lead_organizations(world):
    # when
    response = _get("/api/v1/platforms/regional/")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "code": "regional",
        "kind": "regional",
        "name": "Regional Platform",
        "name_en": "Regional Platform",
        "name_es": "Plataforma Regional",
        "description": "",
        "description_en": "",
        "description_es": "",
        "countries": [{"iso_code": "CO", "name": "Colombia"}, {"iso_code": "PA", "name": "Panama"}],
        "co_leads": [
            {
                "id": world.iom.pk,
                "name": "International Organization for Migration",
                "acronym": "IOM",
                "kind": "un_agency",
            },
            {
                "id": world.unhcr.pk,
                "name": "UN Refugee Agency",
                "acronym": "UNHCR",
                "kind": "un_agency",
            },
        ],
        "page_url": "/en/platforms/regional/",
    }


def test_anonymous_lists_the_sector_catalogue_in_position_order(world):
    # when
    response = _get("/api/v1/sectors/")
    # then
    assert response.status_code == 200
    assert _codes(response, "code") == ["health", "protection", "child-protection"]


def test_a_sector_shows_its_parent_sub_sectors_and_the_platforms_where_it_is_active(world):
    # when
    protection = _get("/api/v1/sectors/protection/").json()
    child = _get("/api/v1/sectors/child-protection/").json()
    health = _get("/api/v1/sectors/health/").json()
    # then
    assert (protection["parent"], protection["sub_sectors"], protection["platforms"]) == (
        None,
        ["child-protection"],
        ["regional"],
    )
    assert (child["kind"], child["parent"], child["sub_sectors"]) == (
        "sub_sector",
        "protection",
        [],
    )
    assert sorted(health["platforms"]) == ["colombia", "regional"]


def test_anonymous_lists_active_platform_sectors(world):
    # when
    response = _get("/api/v1/platform-sectors/")
    # then
    assert response.status_code == 200
    assert [
        (item["platform"]["code"], item["sector"]["code"]) for item in response.json()["results"]
    ] == [
        ("colombia", "health"),
        ("regional", "health"),
        ("regional", "protection"),
        ("regional", "child-protection"),
    ]


def test_a_platform_sector_shows_what_its_public_page_shows(world):
    # when
    response = _get(f"/api/v1/platform-sectors/{world.regional_health.pk}/")
    # then
    ngo = {
        "id": world.ngo.pk,
        "name": "Caminos Solidarios",
        "acronym": "CS",
        "kind": "national_ngo",
    }
    unhcr = {
        "id": world.unhcr.pk,
        "name": "UN Refugee Agency",
        "acronym": "UNHCR",
        "kind": "un_agency",
    }
    assert response.status_code == 200
    assert response.json() == {
        "id": world.regional_health.pk,
        "platform": {"code": "regional", "kind": "regional", "name": "Regional Platform"},
        "sector": {"code": "health", "kind": "sector", "name": "Health", "parent": None},
        "title": "Health · Regional Platform",
        "is_active": True,
        "purpose": "Coordinates the response.",
        "purpose_en": "Coordinates the response.",
        "purpose_es": "",
        "page_url": "/en/platforms/regional/sectors/health/",
        "co_leads": [
            {
                "id": world.ngo_health.pk,
                "organization": ngo,
                "term_start": "2026-01-01",
                "term_end": None,
            },
            {
                "id": world.unhcr_health.pk,
                "organization": unhcr,
                "term_start": "2026-01-01",
                "term_end": None,
            },
        ],
        "co_coordinators": [
            {
                "id": world.ngo_coordinator.pk,
                "full_name": "Luis Gómez",
                "organization": ngo,
                "contact_email": "salud@cs.example",
                "contact_phone": "",
                "term_start": "2026-01-01",
                "term_end": None,
            },
            {
                "id": world.unhcr_coordinator.pk,
                "full_name": "Ana Pérez",
                "organization": unhcr,
                "contact_email": "health.regional@unhcr.example",
                "contact_phone": "",
                "term_start": "2026-01-01",
                "term_end": None,
            },
        ],
        "partners": [
            {
                "id": world.regional_health.partners.get().pk,
                "organization": {
                    "id": world.partner_org.pk,
                    "name": "Red de Apoyo",
                    "acronym": "RDA",
                    "kind": "civil_society",
                },
                "joined_on": "2026-01-01",
            }
        ],
        "sub_sectors": [],
        "selection_procedure": {
            "procedure": "",
            "procedure_en": "",
            "procedure_es": "",
            "interval_months": None,
            "last_selection_on": None,
            "next_selection_on": None,
        },
    }


def test_a_platform_sector_lists_its_active_sub_sectors_and_selection_dates(world):
    # given
    ps = world.regional_protection
    ps.selection_procedure_en = "Elected by partners every two years."
    ps.selection_interval_months = 24
    ps.last_selection_on = datetime.date(2025, 3, 31)
    ps.save()
    PlatformSectorFactory(
        platform=world.colombia, sector=world.child_protection
    )  # another platform
    # when
    body = _get(f"/api/v1/platform-sectors/{ps.pk}/").json()
    # then
    assert body["sub_sectors"] == [
        {
            "id": world.regional_child_protection.pk,
            "code": "child-protection",
            "name": "Child Protection",
        }
    ]
    assert body["selection_procedure"] == {
        "procedure": "Elected by partners every two years.",
        "procedure_en": "Elected by partners every two years.",
        "procedure_es": "",
        "interval_months": 24,
        "last_selection_on": "2025-03-31",
        "next_selection_on": "2027-03-31",
    }


def test_ended_future_and_former_designations_are_not_shown_as_current(world):
    # given
    ended = CoLeadFactory(
        platform_sector=world.regional_health,
        organization=world.iom,
        ended_on=datetime.date(2026, 2, 1),
    )
    CoCoordinatorFactory(
        co_lead=world.unhcr_health,
        term_start=datetime.date(2099, 1, 1),
        contact_email="future@x.example",
    )
    PartnerFactory(
        platform_sector=world.regional_health,
        organization=OrganizationFactory(name="Gone"),
        left_on=datetime.date(2026, 3, 1),
    )
    # when
    body = _get(f"/api/v1/platform-sectors/{world.regional_health.pk}/").json()
    # then
    assert ended.pk not in [c["id"] for c in body["co_leads"]]
    assert [c["contact_email"] for c in body["co_coordinators"]] == [
        "salud@cs.example",
        "health.regional@unhcr.example",
    ]
    assert [p["organization"]["name"] for p in body["partners"]] == ["Red de Apoyo"]


def test_anonymous_lists_organizations_in_name_order(world):
    # when
    response = _get("/api/v1/organizations/")
    # then
    assert response.status_code == 200
    assert _codes(response, "acronym") == ["CS", "IOM", "RDA", "UNHCR"]


def test_an_organization_shows_its_type(world):
    # when
    response = _get(f"/api/v1/organizations/{world.ngo.pk}/")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "id": world.ngo.pk,
        "name": "Caminos Solidarios",
        "acronym": "CS",
        "name_es": "",
        "acronym_es": "",
        "kind": "national_ngo",
        "website": "",
        "is_active": True,
        "page_url": f"/en/organizations/{world.ngo.pk}/",
    }


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/countries/XX/",
        "/api/v1/platforms/atlantis/",
        "/api/v1/sectors/astrology/",
        "/api/v1/platform-sectors/999999/",
        "/api/v1/platform-sectors/abc/",
        "/api/v1/platform-sectors/99999999999999999999999/",
        "/api/v1/organizations/999999/",
    ],
    ids=[
        "country",
        "platform",
        "sector",
        "platform-sector",
        "non-numeric-id",
        "huge-id",
        "organization",
    ],
)
def test_an_unknown_object_answers_a_json_404(world, url):
    # when
    response = _get(url)
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- Pagination and filters ------------------------------------------------------------------


def test_lists_page_with_limit_and_offset(world):
    # when
    response = _get("/api/v1/platform-sectors/?limit=2&offset=1")
    # then
    body = response.json()
    assert body["count"] == 4
    assert [item["id"] for item in body["results"]] == [
        world.regional_health.pk,
        world.regional_protection.pk,
    ]
    assert body["next"] == "http://testserver/api/v1/platform-sectors/?limit=2&offset=3"
    assert body["previous"] == "http://testserver/api/v1/platform-sectors/?limit=2"


def test_a_page_is_capped_at_500_rows(world):
    # when
    response = _get("/api/v1/organizations/?limit=100000")
    # then
    assert response.status_code == 200
    assert response.json()["next"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("platform=colombia", [("colombia", "health")]),
        ("sector=health", [("colombia", "health"), ("regional", "health")]),
        ("kind=sub_sector", [("regional", "child-protection")]),
        (
            "country=PA",
            [("regional", "health"), ("regional", "protection"), ("regional", "child-protection")],
        ),
        ("country=co&platform=colombia", [("colombia", "health")]),
        ("platform=atlantis", []),
    ],
    ids=[
        "platform",
        "sector",
        "kind",
        "country",
        "country-lowercase-and-platform",
        "unknown-platform",
    ],
)
def test_platform_sectors_filter(world, query, expected):
    # when
    response = _get(f"/api/v1/platform-sectors/?{query}")
    # then
    assert response.status_code == 200
    assert [
        (i["platform"]["code"], i["sector"]["code"]) for i in response.json()["results"]
    ] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=un_agency", ["IOM", "UNHCR"]),
        ("q=red", ["RDA"]),
        ("q=UNH", ["UNHCR"]),
        ("q=%20%20", ["CS", "IOM", "RDA", "UNHCR"]),
        ("kind=national_ngo&q=camino", ["CS"]),
        ("is_active=false", []),
    ],
    ids=["kind", "q-name", "q-acronym", "q-blank", "kind-and-q", "inactive"],
)
def test_organizations_filter(world, query, expected):
    # when
    response = _get(f"/api/v1/organizations/?{query}")
    # then
    assert response.status_code == 200
    assert _codes(response, "acronym") == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=national", ["colombia"]),
        ("country=PA", ["regional"]),
        ("country=CO", ["regional", "colombia"]),
    ],
    ids=["kind", "country-one", "country-two"],
)
def test_platforms_filter(world, query, expected):
    # when
    response = _get(f"/api/v1/platforms/?{query}")
    # then
    assert _codes(response, "code") == expected


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/platform-sectors/?kind=galaxy", "kind"),
        ("/api/v1/organizations/?kind=club", "kind"),
        ("/api/v1/platforms/?kind=global", "kind"),
        ("/api/v1/sectors/?kind=cluster", "kind"),
    ],
    ids=["platform-sector-kind", "organization-kind", "platform-kind", "sector-kind"],
)
def test_an_invalid_filter_value_answers_400_naming_the_filter(world, url, field):
    # when
    response = _get(url)
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


# --- What the public never sees ------------------------------------------------------------------


def test_an_inactive_platform_sector_is_hidden_from_anonymous_clients(world):
    # given
    inactive = PlatformSectorFactory(
        platform=world.colombia, sector=world.protection, is_active=False
    )
    # when
    listed = _get("/api/v1/platform-sectors/?platform=colombia")
    detail = _get(f"/api/v1/platform-sectors/{inactive.pk}/")
    catalogue = _get("/api/v1/sectors/protection/")
    # then
    assert [i["id"] for i in listed.json()["results"]] == [world.colombia_health.pk]
    assert detail.status_code == 404
    assert catalogue.json()["platforms"] == ["regional"]


def test_the_team_managing_a_platform_also_sees_its_inactive_sectors(world, personas):
    # given
    inactive = PlatformSectorFactory(
        platform=world.colombia, sector=world.protection, is_active=False
    )
    # when
    team = _get(f"/api/v1/platform-sectors/{inactive.pk}/", personas["platform_team"])
    partner = _get(f"/api/v1/platform-sectors/{inactive.pk}/", personas["partner"])
    # then
    assert (team.status_code, team.json()["is_active"]) == (200, False)
    assert partner.status_code == 404


def _public_urls(world) -> list[str]:
    return [
        "/api/v1/",
        "/api/v1/countries/",
        "/api/v1/countries/CO/",
        "/api/v1/platforms/",
        "/api/v1/platforms/regional/",
        "/api/v1/platforms/colombia/",
        "/api/v1/sectors/",
        "/api/v1/sectors/health/",
        "/api/v1/platform-sectors/",
        f"/api/v1/platform-sectors/{world.regional_health.pk}/",
        f"/api/v1/platform-sectors/{world.colombia_health.pk}/",
        "/api/v1/organizations/",
        f"/api/v1/organizations/{world.unhcr.pk}/",
        f"/api/v1/organizations/{world.ngo.pk}/",
    ]


def test_no_public_response_contains_a_login_e_mail(world, personas):
    # given
    private = ["ana.private@unhcr.example", "luis.private@cs.example", "system@r4v.invalid"]
    private += [user.email for user in personas.values() if user is not None]
    # when
    responses = {url: _get(url) for url in _public_urls(world)}
    bodies = {url: response.content.decode() for url, response in responses.items()}
    # then
    assert {url: r.status_code for url, r in responses.items()} == {url: 200 for url in responses}
    leaks = {url: [e for e in private if e.lower() in body.lower()] for url, body in bodies.items()}
    assert leaks == {url: [] for url in bodies}
    assert (
        "health.regional@unhcr.example"
        in bodies[f"/api/v1/platform-sectors/{world.regional_health.pk}/"]
    )


def test_private_person_fields_are_not_published(world):
    # when
    body = _get(f"/api/v1/platform-sectors/{world.regional_health.pk}/").json()
    # then
    assert sorted(body["co_coordinators"][0]) == [
        "contact_email",
        "contact_phone",
        "full_name",
        "id",
        "organization",
        "term_end",
        "term_start",
    ]


def test_html_in_a_text_field_comes_back_as_the_same_json_string(world):
    # given
    world.regional_health.purpose_en = '<script>alert(1)</script> & "quotes"'
    world.regional_health.save()
    # when
    response = _get(f"/api/v1/platform-sectors/{world.regional_health.pk}/")
    # then
    assert response["Content-Type"] == "application/json"
    assert response.json()["purpose"] == '<script>alert(1)</script> & "quotes"'


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/co-leads/",
        "/api/v1/co-coordinators/",
        "/api/v1/partners/",
        "/api/v1/change-notices/",
    ],
)
def test_management_lists_need_a_login(world, url):
    # when
    response = _get(url)
    # then
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- A fixed number of queries, whatever the length of the list ------------------------------


def _grow(world, n: int) -> None:
    """Add `n` platforms, each with a sector and a sub-sector, co-leads, co-coordinators, partners."""
    for _ in range(n):
        platform = PlatformFactory(kind=Platform.Kind.NATIONAL)
        platform.countries.add(CountryFactory())
        platform.co_leads.add(world.iom)
        parent = SectorFactory()
        ps = PlatformSectorFactory(platform=platform, sector=parent)
        PlatformSectorFactory(
            platform=platform, sector=SectorFactory(kind=Sector.Kind.SUB_SECTOR, parent=parent)
        )
        co_lead = CoLeadFactory(
            platform_sector=ps, organization=OrganizationFactory(kind=Organization.Kind.UN_AGENCY)
        )
        CoCoordinatorFactory(co_lead=co_lead)
        PartnerFactory(platform_sector=ps)


def _queries(url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        # Rendered afresh: the view's own queries, not the public cache's copy.
        response = api_for(None).get(url, HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # A first page that holds every row needs no COUNT (sectors.api.shared.Pagination).
        # page, co-leads, co-coordinators, partners, sub-sectors
        ("/api/v1/platform-sectors/", 5),
        ("/api/v1/platforms/", 3),  # page, countries, co-leads
        ("/api/v1/sectors/", 3),  # page, active platform sectors, sub-sectors
        ("/api/v1/organizations/", 1),
        ("/api/v1/countries/", 1),
    ],
    ids=["platform-sectors", "platforms", "sectors", "organizations", "countries"],
)
def test_a_list_takes_the_same_number_of_queries_for_2_or_12_objects(world, url, expected):
    # given
    _grow(world, 1)
    few = _queries(url)
    _grow(world, 5)
    # when
    many = _queries(url)
    # then
    assert (few, many) == (expected, expected)


def test_a_platform_sector_detail_takes_a_fixed_number_of_queries(world):
    # when
    count = _queries(f"/api/v1/platform-sectors/{world.regional_health.pk}/")
    # then: the object, co-leads, co-coordinators, partners, sub-sectors (and the version)
    assert count == 5
