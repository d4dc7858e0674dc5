"""One paging helper for every paged page: bounded page numbers, filters kept in the links."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from r4v.audit import save_audited
from r4v.models import Notification
from r4v.paging import paginate
from r4v.services import system_user

from ..conftest import client_for
from ..factories import OrganizationFactory

# Not whole numbers, or far past the end: each must give a page, never a 500.
BAD_PAGES = ["abc", "1.5", "-3", "0", "10**18", str(10**18), "9" * 5000, ""]


@pytest.mark.parametrize(
    ("asked", "expected"),
    [("2", 2), ("abc", 1), ("1.5", 1), ("0", 4), ("-3", 4), (str(10**18), 4), ("9" * 5000, 1)],
)
def test_the_page_number_is_clamped_to_the_pages_that_exist(asked, expected):
    # given: 10 items, 3 a page
    request = RequestFactory().get("/", {"page": asked})
    # when
    page = paginate(request, list(range(10)), per_page=3)
    # then: Django's get_page gives the last page for numbers out of range
    assert page.number == expected
    assert page.offset == (expected - 1) * 3


def test_the_links_keep_the_other_parameters_and_replace_the_page():
    # given
    request = RequestFactory().get("/", {"status": "filed", "q": "a&b", "page": "2"})
    # when
    page = paginate(request, list(range(10)), per_page=3)
    # then
    assert page.previous_url == "?status=filed&q=a%26b&page=1"
    assert page.next_url == "?status=filed&q=a%26b&page=3"
    assert paginate(RequestFactory().get("/"), [1, 2], per_page=1).next_url == "?page=2"


def _notifications(user, count):
    Notification.objects.bulk_create(
        Notification(recipient=user, subject=f"Message {n}") for n in range(count)
    )


@pytest.mark.parametrize("asked", BAD_PAGES)
def test_every_paged_page_answers_a_bad_page_number_with_a_page(client, world, personas, asked):
    # given: two pages of organizations, of messages and of one organization's history
    user = personas["regional"]
    client_for(client, user)
    OrganizationFactory.create_batch(30)
    _notifications(user, 30)
    for n in range(55):
        world.ngo.name = f"Caminos {n}"
        save_audited(world.ngo, by=system_user(), reason="rename", update_fields=["name"])
    urls = [
        reverse("sectors:organization-manage-list"),
        reverse("sectors:change-notice-list"),
        reverse("inbox"),
        reverse("history", args=["organization", world.ngo.pk]),
    ]
    for url in urls:
        # when
        response = client.get(url, {"page": asked})
        # then
        assert response.status_code == 200, url
        assert response.context["page"].number >= 1


def test_the_pages_share_one_pagination_partial_that_keeps_filters(client, world, personas):
    # given
    client_for(client, personas["regional"])
    OrganizationFactory.create_batch(30, kind="un_agency")
    # when
    response = client.get(reverse("sectors:organization-manage-list"), {"kind": "un_agency"})
    # then
    html = response.content.decode()
    assert "_pagination.html" in [t.name for t in response.templates]
    assert 'href="?kind=un_agency&amp;page=2" rel="next"' in html


def _rename_sector(ps, times, start=0):
    for n in range(start, start + times):
        ps.purpose_en = f"Purpose {n}"
        save_audited(ps, by=system_user(), reason="edit", update_fields=["purpose_en"])


def _sector_page(client, ps):
    url = reverse("sectors:sector-manage", args=[ps.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, queries


def test_the_sector_history_is_paged_in_the_database(client, world, personas):
    # given
    client_for(client, personas["regional"])
    ps = world.regional_health
    _rename_sector(ps, 60)
    _sector_page(client, ps)  # the first request fills process-wide caches (content types)
    first, small = _sector_page(client, ps)
    # when: twice the history
    _rename_sector(ps, 60, start=60)
    second, large = _sector_page(client, ps)
    # then: the same queries, each history query limited to the page or to the rows it names
    assert len(large) == len(small)
    history_queries = [q["sql"] for q in large.captured_queries if "historical" in q["sql"]]
    assert history_queries and all(
        "LIMIT" in sql or '"history_id" IN (' in sql for sql in history_queries
    )
    records = second.context["history_records"]
    assert len(records) == 50
    assert records[0].purpose_en == "Purpose 119"
    # and the oldest row shown still says what it changed, from a predecessor off the page
    assert [(c.old, c.new) for c in records[-1].changes] == [("Purpose 69", "Purpose 70")]
