"""What a rule answers: a severity and a sentence for people, gathered into a sector's health."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import TextChoices
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import PlatformSector


class Severity(TextChoices):
    # Declared from the most to the least serious: `RANK` and the page's summary rely on it.
    FAIL = "fail", gettext_lazy("Fail")
    WARNING = "warning", gettext_lazy("Warning")
    RECOMMENDATION = "recommendation", gettext_lazy("Recommendation")
    NOT_JUDGED = "not_judged", gettext_lazy("Not judged")
    PASS = "pass", gettext_lazy("Pass")


RANK = {severity: rank for rank, severity in enumerate(Severity)}


@dataclass(frozen=True)
class Finding:
    """The verdict of one rule on one sector; `message` is a sentence for people."""

    rule: str
    severity: Severity
    message: str


@dataclass
class SectorHealth:
    platform_sector: PlatformSector
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(f.severity == severity for f in self.findings)

    @property
    def failing_count(self) -> int:
        return self.count(Severity.FAIL)

    @property
    def warning_count(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def recommendation_count(self) -> int:
        return self.count(Severity.RECOMMENDATION)

    @property
    def worst(self) -> Severity:
        return min((f.severity for f in self.findings), key=RANK.__getitem__, default=Severity.PASS)

    def finding(self, rule: str) -> Finding:
        return next(f for f in self.findings if f.rule == rule)


Verdict = tuple[Severity, str]


@dataclass(frozen=True)
class Rule:
    code: str
    label: Promise
    # Where the rule comes from, quoted closely enough that a reader can find it in the guidance,
    # or a plain statement that it is ours.
    basis: Promise
    judge: Callable[[PlatformSector, datetime.date], Verdict]


# --- Writing the sentences -----------------------------------------------------------------------


def text_list(items: Iterable) -> str:
    return get_text_list([str(i) for i in items], _("and"))


def date_text(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")
