"""Paging for HTML pages: the page that the query string asks for, and links to its neighbours.

Every paged page calls `paginate` and includes `templates/_pagination.html`. A page number that
is not a whole number (`?page=abc`, `?page=1.5`, `?page=10**18` written out) gives the first page,
and one past the end (`?page=1000000000000000000`) the last: Django's `Paginator.get_page` only
ever slices inside the list, so no request can send the database an offset it cannot hold. The
API pages through the kit's `r4v.api_fields.Pagination` (a bad `?limit=`/`?offset=` is a 400),
not through this module.
"""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_PARAM = "page"


class ListPage(Page):
    """A page of a list that links to its neighbours with the rest of the query kept (filters)."""

    query = ""

    def url_for(self, number: int) -> str:
        return f"?{self.query}&{PAGE_PARAM}={number}" if self.query else f"?{PAGE_PARAM}={number}"

    @property
    def previous_url(self) -> str:
        return self.url_for(self.previous_page_number())

    @property
    def next_url(self) -> str:
        return self.url_for(self.next_page_number())

    @property
    def offset(self) -> int:
        """How many items come before this page."""
        return (self.number - 1) * self.paginator.per_page


class _Paginator(Paginator):
    def _get_page(self, *args, **kwargs) -> ListPage:
        return ListPage(*args, **kwargs)


def paginate(request: HttpRequest, items, *, per_page: int) -> ListPage:
    """The page of `items` that `?page=` names, clamped to the pages that exist.

    `items` must be ordered (a queryset with `order_by`), or pages may overlap. Costs two queries
    (the count and the page) whatever the page number.
    """
    paginator = _Paginator(items, per_page)
    page = paginator.get_page(request.GET.get(PAGE_PARAM))
    query = request.GET.copy()
    query.pop(PAGE_PARAM, None)
    page.query = query.urlencode()
    return page
