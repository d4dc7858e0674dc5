"""The API's JSON parser: DRF's, refusing what no API input needs and what would become a 500.

- Nesting: the standard library's decoder recurses once per level, so a body nested 5,000 deep
  raises RecursionError (a 500, with DEBUG off too) where DRF only catches ValueError. No input
  of ours is deeper than a few levels; MAX_DEPTH leaves room for the apps still to come.
- Lone surrogates: JSON may spell "\\ud800", which decodes to a str that cannot be encoded as
  UTF-8. Stored, PostgreSQL refuses it; echoed in an error message, the renderer fails. Both are
  500s, so the body is refused here, before any field sees it.
"""

import re

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_DEPTH = 32

# A surrogate left in a decoded str is a lone one: the decoder joins valid pairs.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _too_deep() -> ParseError:
    return ParseError(
        _("JSON parse error - nested deeper than %(limit)d levels.") % {"limit": MAX_DEPTH}
    )


def _check(data) -> None:
    # Iterative, so that checking a deep document cannot itself run out of stack.
    pending = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise ParseError(
                    _(
                        "JSON parse error - a string contains a lone surrogate "
                        "(\\ud800 to \\udfff), which is not text."
                    )
                )
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise _too_deep()
            children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # DRF's check: a text charset only (a bz2 "charset" would decompress without bound).
        encoding = parsers.get_encoding(parser_context or {})
        parse_constant = json.strict_constant if self.strict else None
        try:
            data = json.loads(stream.read().decode(encoding), parse_constant=parse_constant)
        except RecursionError as exc:
            raise _too_deep() from exc
        except ValueError as exc:
            # Bad JSON or bad bytes: the message names a position, never the input itself.
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        _check(data)
        return data
