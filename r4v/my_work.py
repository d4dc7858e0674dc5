""" "My work": one page that every app contributes sections to.

The page belongs to the shared kit, but what is on it belongs to the apps: the coordination
structure knows a person's roles and seats, the program cycle their tasks, meetings their
sittings and minutes. Each app registers its sections in its `AppConfig.ready()`:

    my_work.register(
        "meetings", template="meetings/_my_work.html", context=meetings_context, order=30
    )

`context(user)` returns the variables its template reads, or None when the section has
nothing to say to this user (it is then left out). A section's template is rendered inside the
page's grid row (`.row`), so it chooses its own width: a `col-*` wrapper, or full width.

So the page imports no domain app, and a new app adds its part without touching the page.
Each context function must cost a fixed number of queries whatever the user holds: the page's
query count is the sum of its sections' (tests/r4v/test_my_work.py counts it).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .models import User

SectionContext = Callable[[User], Mapping | None]


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: SectionContext
    # Lower first; ties by key, so the page reads the same whatever order the apps load in.
    order: int


@dataclass(frozen=True)
class ShownSection:
    section: Section
    context: Mapping

    @property
    def template(self) -> str:
        return self.section.template


_SECTIONS: dict[str, Section] = {}


def register(key: str, *, template: str, context: SectionContext, order: int) -> Section:
    """Add a section to "My work"; registering a key again replaces it (ready() may run twice)."""
    section = Section(key=key, template=template, context=context, order=order)
    _SECTIONS[key] = section
    return section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def sections_for(user: User) -> list[ShownSection]:
    """The sections that have something for `user`, in page order, with their contexts."""
    shown = []
    for section in sections():
        context = section.context(user)
        if context is not None:
            shown.append(ShownSection(section, context))
    return shown
