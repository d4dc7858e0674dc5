"""What every viewset of the structure shares: paging, input, one transaction per write."""

from django.core.exceptions import ValidationError
from django.db import transaction

from r4v.api_fields import Pagination as KitPagination


class Pagination(KitPagination):
    def paginate_queryset(self, queryset, request, view=None):
        """The kit's paging, without the COUNT query when the first page holds every row.

        Most public lists (9 platforms, 17 countries, the catalogue) fit on one page, so one
        row more than the limit tells the count; the query saved is a round trip on every read.
        """
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        self.request = request
        rows = list(queryset[self.offset : self.offset + self.limit + 1])
        if self.offset == 0 and len(rows) <= self.limit:
            self.count = len(rows)
        else:
            self.count = self.get_count(queryset)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return rows[: self.limit]


def _call(service, **kwargs):
    # One transaction per write: some services write several rows (ending a co-lead ends its
    # co-coordinators one by one) and a refusal halfway must leave nothing behind.
    with transaction.atomic():
        return service(**kwargs)


def _renamed(error: ValidationError, **names: str) -> ValidationError:
    """The service's field names, as the input names them (`person` -> `person_email`)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(field, field): errors for field, errors in error.error_dict.items()}
    )
