"""Lean lists: a page read as `.values()` rows, each relation in one query for the whole page.

Nested ModelSerializers cost a serializer tree per row, which made the sector-data pull six
times slower than the same rows written by hand. An app's list builders (`*Rows`: `fields` to
read, `build(page)` to shape) return exactly what its serializer returns, and a test in each
app compares the two, so the serializers stay the schema and the shape of single reads.
"""


def iso(value) -> str | None:
    return None if value is None else value.isoformat()


def grouped(rows, key: str | tuple[str, ...]) -> dict:
    """Rows by `key` (a field, or a tuple of fields), in the order the query returned them."""
    by_key: dict = {}
    for row in rows:
        value = tuple(row[k] for k in key) if isinstance(key, tuple) else row[key]
        by_key.setdefault(value, []).append(row)
    return by_key


class FlatList:
    """A viewset's `list` through its flat row builder (`rows`) instead of the serializer; the
    serializer class still names the schema and shapes single reads."""

    rows: type

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginate_queryset(queryset.values(*self.rows.fields))
        return self.get_paginated_response(self.rows.build(list(page)))
