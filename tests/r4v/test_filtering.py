"""The API's filter backend skips django-filter only when the query holds nothing but the page."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from r4v.filtering import FilterBackend
from sectors.api.reads import PlatformViewSet
from sectors.models import Platform


def _filtered(query: str):
    request = Request(APIRequestFactory().get(f"/api/v1/platforms/{query}"))
    view = PlatformViewSet(request=request, format_kwarg=None, action="list")
    queryset = Platform.objects.all()
    return queryset, FilterBackend().filter_queryset(request, queryset, view)


@pytest.mark.parametrize("query", ["", "?limit=5", "?limit=5&offset=5", "?offset=0"])
def test_a_query_of_only_the_page_leaves_the_queryset_as_it_was(db, query):
    # when
    queryset, filtered = _filtered(query)
    # then: the same queryset, not a filter set's copy of it
    assert filtered is queryset


@pytest.mark.parametrize("query", ["?kind=national", "?limit=5&kind=national", "?unknown=1"])
def test_any_other_parameter_goes_through_django_filter(world, query):
    # when
    queryset, filtered = _filtered(query)
    # then
    assert filtered is not queryset
    if "kind=national" in query:
        assert set(filtered.values_list("kind", flat=True)) == {Platform.Kind.NATIONAL}
