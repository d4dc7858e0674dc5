"""The public lists' flat builders return what their serializers return, in constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from sectors import selectors
from sectors import serializers as s
from sectors.models import Country, Organization, Sector

from ..factories import (
    CoCoordinatorFactory,
    CoLeadFactory,
    CountryFactory,
    OrganizationFactory,
    PartnerFactory,
    PlatformFactory,
    PlatformSectorFactory,
    SectorFactory,
    UserFactory,
)


def _serialized(name: str) -> list[dict]:
    """The list as the ModelSerializers write it (the schema's shape), page order."""
    if name == "countries":
        return s.CountrySerializer(Country.objects.all(), many=True).data
    if name == "platforms":
        return s.PlatformSerializer(selectors.platform_list(), many=True).data
    if name == "sectors":
        queryset = selectors.sector_catalogue().prefetch_related("sub_sectors")
        return s.SectorSerializer(queryset, many=True).data
    if name == "organizations":
        return s.OrganizationSerializer(Organization.objects.all(), many=True).data
    page = list(selectors.platform_sector_public())
    selectors.attach_sub_sectors(page)
    return s.PlatformSectorSerializer(page, many=True).data


def _grow(world, tag: str, size: int) -> None:
    for n in range(size):
        platform = PlatformFactory(code=f"{tag}-platform-{n}")
        platform.countries.add(CountryFactory(iso_code=f"{tag[0]}{n}".upper()[:2]))
        platform.co_leads.add(OrganizationFactory())
        sector = SectorFactory(code=f"{tag}-sector-{n}")
        SectorFactory(code=f"{tag}-sub-{n}", kind=Sector.Kind.SUB_SECTOR, parent=sector)
        ps = PlatformSectorFactory(platform=platform, sector=sector, last_selection_on="2026-01-31")
        ps.selection_interval_months = 13
        ps.save()
        PlatformSectorFactory(platform=platform, sector=sector.sub_sectors.get())
        # Two of each, the second alphabetically first: the nested rows' order is their own.
        for first_letter in "ZA":
            org = OrganizationFactory(name=f"{first_letter} co-lead {tag}{n}")
            co_lead = CoLeadFactory(platform_sector=ps, organization=org)
            for person in "ZA":
                CoCoordinatorFactory(
                    co_lead=co_lead, person=UserFactory(full_name=f"{person} {first_letter}{n}")
                )
            partner = OrganizationFactory(name=f"{first_letter} partner {tag}{n}")
            PartnerFactory(platform_sector=ps, organization=partner)


LISTS = ["countries", "platforms", "sectors", "organizations", "platform-sectors"]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", LISTS)
def test_a_flat_list_returns_what_its_serializer_returns(world, name, language):
    # given: every kind of row, nested relation and empty value
    _grow(world, "a", 3)
    # when
    response = APIClient().get(
        f"/api/v1/{name}/?limit=500", HTTP_ACCEPT_LANGUAGE=language, HTTP_CACHE_CONTROL="no-cache"
    )
    # then
    assert response.status_code == 200
    with translation.override(language):
        expected = _serialized(name)
    assert response.json()["results"] == [dict(row) for row in expected]
    assert response.json()["count"] == len(expected)


def _count(url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(url, HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", LISTS)
def test_a_list_runs_the_same_queries_for_ten_times_the_rows(world, name):
    # given
    _grow(world, "b", 1)
    url = f"/api/v1/{name}/?limit=500"
    _count(url)  # process-wide caches (content types) fill on the first request
    before = _count(url)
    # when
    _grow(world, "c", 10)
    after = _count(url)
    # then: the version read, the page and one query per relation (no COUNT: it all fits)
    assert after == before
    assert after <= 6


def test_a_list_longer_than_its_page_counts_its_rows(world):
    # given: more platforms than the page holds
    _grow(world, "d", 3)
    url = "/api/v1/platforms/?limit=2"
    # when
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(url, HTTP_CACHE_CONTROL="no-cache")
    count = len(queries)  # before the next request resets the query log
    second = APIClient().get(url + "&offset=4", HTTP_CACHE_CONTROL="no-cache").json()
    # then: the page, the count, countries, co-leads (and the version)
    body = response.json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]
    assert count == 4
    assert second["count"] == 5 and len(second["results"]) == 1 and second["next"] is None
