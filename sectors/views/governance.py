"""Governance health of a platform's sectors: the page and its CSV and XLSX downloads.

The three answer the same question from the same read (`_judged`), so a download always holds
what the page shows for the same platform and day.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .. import policy
from ..governance import RULES, SectorHealth, Severity, platform_governance
from ..models import Platform
from ..policy import Action

REGIONAL_CODE = "regional"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Judged:
    platforms: list[Platform]
    platform: Platform | None
    health: list[SectorHealth]
    today: datetime.date


def _judged(request) -> Judged:
    if not policy.can(request.user, Action.VIEW_GOVERNANCE):
        raise PermissionDenied
    today = timezone.localdate()
    # One query for the filter's options; the chosen platform is picked from them.
    platforms = list(Platform.objects.all())
    code = request.GET.get("platform") or REGIONAL_CODE
    platform = next((p for p in platforms if p.code == code), None)
    if platform is None and code != REGIONAL_CODE:
        # An unknown platform answers like any object that is not there.
        raise Http404
    health = platform_governance(platform, today) if platform else []
    return Judged(platforms, platform, health, today)


# Bootstrap colours of each severity; the badge always says the word too, never colour alone.
TONE = {
    Severity.FAIL: "danger",
    Severity.WARNING: "warning",
    Severity.RECOMMENDATION: "info",
    Severity.NOT_JUDGED: "secondary",
    Severity.PASS: "success",
}


@login_required
def governance(request):
    judged = _judged(request)
    health = judged.health
    rows = [
        {
            "health": h,
            "ps": h.platform_sector,
            "cells": [
                {"rule": rule, "finding": finding, "tone": TONE[finding.severity]}
                for rule, finding in zip(RULES, h.findings, strict=True)
            ],
        }
        for h in health
    ]
    context = {
        "platforms": judged.platforms,
        "platform": judged.platform,
        "health": health,
        "rows": rows,
        "rules": RULES,
        "legend": [{"severity": s, "tone": TONE[s]} for s in Severity],
        "today": judged.today,
        "failing_sectors": sum(1 for h in health if h.worst == Severity.FAIL),
        "warning_sectors": sum(1 for h in health if h.worst == Severity.WARNING),
    }
    return render(request, "sectors/manage/governance.html", context)


def _rows(judged: Judged) -> list[list[str]]:
    """One row per sector and rule: a long table filters well in a spreadsheet."""
    header = [
        _("Platform"),
        _("Sector"),
        _("Parent sector"),
        _("Sector code"),
        _("Rule"),
        _("Basis"),
        _("Result"),
        _("Finding"),
        _("Checked on"),
    ]
    checked_on = judged.today.isoformat()
    rows = [header]
    for health in judged.health:
        ps = health.platform_sector
        parent = ps.sector.parent.name if ps.sector.parent else ""
        for rule, finding in zip(RULES, health.findings, strict=True):
            rows.append(
                [
                    ps.platform.name,
                    ps.sector.name,
                    parent,
                    ps.sector.code,
                    str(rule.label),
                    str(rule.basis),
                    str(Severity(finding.severity).label),
                    finding.message,
                    checked_on,
                ]
            )
    return rows


def _filename(judged: Judged, extension: str) -> str:
    code = judged.platform.code if judged.platform else REGIONAL_CODE
    return f"governance-{code}-{judged.today.isoformat()}.{extension}"


def _as_text(value: str) -> str:
    # Organization and person names are typed by people: a cell starting with = + - @ would run
    # as a formula in a spreadsheet that opens the CSV (CSV injection). A leading apostrophe
    # keeps it text.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
def governance_csv(request):
    judged = _judged(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _rows(judged):
        writer.writerow([_as_text(value) for value in row])
    # The byte-order mark makes Excel read the accents of Spanish names as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(judged, "csv")}"'
    return response


@login_required
def governance_xlsx(request):
    judged = _judged(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Governance"))
    sheet.freeze_panes = "A2"
    for width, column in zip((22, 28, 18, 24, 28, 48, 14, 80, 12), "ABCDEFGHI", strict=True):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)
    for index, row in enumerate(_rows(judged)):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            # A string, always: openpyxl would store a value starting with "=" as a formula.
            cell.data_type = "s"
            if index == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    content = io.BytesIO()
    workbook.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(judged, "xlsx")}"'
    return response
