"""The API's filter backend: django-filter's, skipped when a request filters nothing."""

from django_filters.rest_framework import DjangoFilterBackend

# The paginators' own parameters (LimitOffsetPagination's and PageNumberPagination's names).
_PAGING = ("limit_query_param", "offset_query_param", "page_query_param", "page_size_query_param")


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, except when the query holds nothing but the page.

    django-filter builds a filter set per request (every filter deep-copied, a form bound and
    validated) even with nothing to filter; then each filter hands the queryset back as it
    was, so the result is the same without it. Any other
    parameter, known or not, goes through django-filter as before: unknown ones are ignored
    there, a bad value answers 400.
    """

    def filter_queryset(self, request, queryset, view):
        paginator = getattr(view, "paginator", None)
        paging = {getattr(paginator, name, None) for name in _PAGING} - {None}
        if request.query_params.keys() <= paging:
            return queryset
        return super().filter_queryset(request, queryset, view)
