"""Narratives rendered safely, and two versions compared side by side.

Markdown goes through markdown-it-py (CommonMark, raw HTML off, its own link validation), then
the HTML through nh3 (ammonia) with a short allow-list: a `<script>`, an `onclick` or a
`javascript:` link written in a narrative reaches no page as anything but text.
"""

import difflib
from dataclasses import dataclass

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def markdown_html(text: str) -> SafeString:
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitized by nh3 just above


@dataclass(frozen=True)
class DiffRow:
    left: str
    right: str
    # "same", "changed", "removed" (left only), "added" (right only)
    kind: str


def narrative_diff(before: str, after: str) -> list[DiffRow]:
    """Line-by-line rows for a side-by-side table (the template escapes the text)."""
    a, b = (before or "").splitlines(), (after or "").splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [DiffRow(x, x, "same") for x in a[i1:i2]]
        elif tag == "replace":
            left, right = a[i1:i2], b[j1:j2]
            for n in range(max(len(left), len(right))):
                rows.append(
                    DiffRow(
                        left[n] if n < len(left) else "",
                        right[n] if n < len(right) else "",
                        "changed",
                    )
                )
        elif tag == "delete":
            rows += [DiffRow(x, "", "removed") for x in a[i1:i2]]
        else:
            rows += [DiffRow("", x, "added") for x in b[j1:j2]]
    return rows


def attachments_diff(before, after) -> dict[str, list[str]]:
    """Attachment names only in the older version, only in the newer, in both."""
    old = {(a.name, a.size) for a in before}
    new = {(a.name, a.size) for a in after}
    return {
        "removed": sorted(n for n, _s in old - new),
        "added": sorted(n for n, _s in new - old),
        "kept": sorted(n for n, _s in old & new),
    }
