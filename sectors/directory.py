"""The contact directory: who to write to about a sector on a platform.

Only what the structure publishes: the current co-lead organizations and the contact details
given with each current co-coordinator designation (never a login e-mail). One query for the
rows whatever their number; the filters are the visitor's (country, platform, sector, text).
"""

import csv
import io
from dataclasses import dataclass

from django.db.models import Case, Q, QuerySet, When
from django.utils.translation import gettext as _

from .models import CoCoordinatorDesignation, CoLeadDesignation, Country, Platform, Sector


@dataclass(frozen=True)
class Filters:
    country: Country | None = None
    platform: Platform | None = None
    sector: Sector | None = None
    text: str = ""


def contacts(filters: Filters) -> QuerySet[CoCoordinatorDesignation]:
    """Current co-coordinators of active sectors, with their sector, platform and co-lead."""
    rows = (
        CoCoordinatorDesignation.objects.current()
        .filter(
            co_lead__in=CoLeadDesignation.objects.current(),
            co_lead__platform_sector__is_active=True,
        )
        .select_related(
            "person",
            "co_lead__organization",
            "co_lead__platform_sector__platform",
            "co_lead__platform_sector__sector",
        )
        .order_by(
            # Regional first, then national, then sub-regional, as the platform list.
            Case(
                When(co_lead__platform_sector__platform__kind=Platform.Kind.REGIONAL, then=0),
                When(co_lead__platform_sector__platform__kind=Platform.Kind.NATIONAL, then=1),
                default=2,
            ),
            "co_lead__platform_sector__platform__name_en",
            "co_lead__platform_sector__sector__position",
            "person__full_name",
        )
    )
    if filters.country:
        rows = rows.filter(co_lead__platform_sector__platform__countries=filters.country)
    if filters.platform:
        rows = rows.filter(co_lead__platform_sector__platform=filters.platform)
    if filters.sector:
        rows = rows.filter(
            Q(co_lead__platform_sector__sector=filters.sector)
            | Q(co_lead__platform_sector__sector__parent=filters.sector)
        )
    for word in filters.text.split()[:5]:
        rows = rows.filter(
            Q(person__full_name__icontains=word)
            | Q(co_lead__organization__name__icontains=word)
            | Q(co_lead__organization__acronym__icontains=word)
            | Q(co_lead__platform_sector__sector__name_en__icontains=word)
            | Q(co_lead__platform_sector__sector__name_es__icontains=word)
            | Q(co_lead__platform_sector__platform__name_en__icontains=word)
            | Q(co_lead__platform_sector__platform__name_es__icontains=word)
        )
    return rows.distinct()


def _columns(row: CoCoordinatorDesignation) -> list[str]:
    ps = row.co_lead.platform_sector
    return [
        ps.platform.name,
        ps.sector.name,
        row.co_lead.organization.name,
        row.person.full_name,
        row.contact_email,
        row.contact_phone,
    ]


def as_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("Platform"), _("Sector"), _("Co-lead organization"), _("Co-coordinator")]
        + [_("E-mail"), _("Phone")]
    )
    for row in rows:
        writer.writerow([_spreadsheet_safe(value) for value in _columns(row)])
    return out.getvalue()


def _spreadsheet_safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to Excel/LibreOffice (CSV injection).
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def as_vcards(rows) -> str:
    """vCard 3.0 (RFC 2426): the version Outlook, Google Contacts and Apple Contacts all read."""
    cards = []
    for row in rows:
        platform, sector, organization, name, email, phone = _columns(row)
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"FN:{_escape(name)}",
            f"N:{_escape(name)};;;;",
            f"ORG:{_escape(organization)}",
            f"TITLE:{_escape(_('Co-coordinator, %(sector)s – %(platform)s') % {'sector': sector, 'platform': platform})}",
            f"EMAIL;TYPE=INTERNET,WORK:{_escape(email)}",
        ]
        if phone:
            lines.append(f"TEL;TYPE=WORK,VOICE:{_escape(phone)}")
        lines.append(f"UID:r4v-co-coordinator-{row.pk}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    return "\r\n".join(cards) + ("\r\n" if cards else "")


def _escape(value: str) -> str:
    """RFC 2426 text escaping; line breaks in a value would start a new property."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )
