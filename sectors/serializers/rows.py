"""Lean list builders: rows by `.values()`, nested rows gathered by one query per relation."""

from types import SimpleNamespace

from django.utils import translation

from r4v.reversing import url_pattern
from r4v.rows import grouped, iso

from ..languages import shown, versions_of
from ..models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    PartnerMembership,
    Platform,
    PlatformSector,
    Sector,
)

# --- Flat reads for the public lists (r4v.rows) ------------------------------------------
#
# Each builder returns exactly what its serializer in reads.py returns
# (tests/sectors/test_api_lean.py compares the two).


def _namer():
    suffix = "name_es" if translation.get_language() == "es" else "name_en"
    return lambda row, prefix="": row[prefix + suffix]


def _organization(row: dict, prefix: str = "organization__") -> dict:
    return {
        "id": row[prefix + "id"],
        "name": row[prefix + "name"],
        "acronym": row[prefix + "acronym"],
        "kind": row[prefix + "kind"],
    }


_ORGANIZATION = ("organization__id", "organization__name", "organization__acronym")


class CountryRows:
    fields = ("iso_code", "name_en", "name_es", "time_zone")

    @staticmethod
    def build(page: list[dict]) -> list[dict]:
        name = _namer()
        return [
            {
                "iso_code": row["iso_code"],
                "name": name(row),
                "name_en": row["name_en"],
                "name_es": row["name_es"],
                "time_zone": row["time_zone"],
            }
            for row in page
        ]


class OrganizationRows:
    fields = ("id", "name", "acronym", "name_es", "acronym_es", "kind", "website", "is_active")

    @staticmethod
    def build(page: list[dict]) -> list[dict]:
        url = url_pattern("sectors:organization-detail", "pk")
        for row in page:
            row["page_url"] = url(pk=row["id"])
        return page


class PlatformRows:
    fields = ("id", "code", "kind", "name_en", "name_es", "description_en", "description_es")

    @staticmethod
    def build(page: list[dict]) -> list[dict]:
        name = _namer()
        ids = [row["id"] for row in page]
        countries = grouped(
            Platform.countries.through.objects.filter(platform_id__in=ids)
            .order_by("country__name_en")
            .values("platform_id", "country__iso_code", "country__name_en", "country__name_es"),
            "platform_id",
        )
        co_leads = grouped(
            Platform.co_leads.through.objects.filter(platform_id__in=ids)
            .order_by("organization__name")
            .values("platform_id", *_ORGANIZATION, "organization__kind"),
            "platform_id",
        )
        url = url_pattern("sectors:platform-detail", "code")
        return [
            {
                "code": row["code"],
                "kind": row["kind"],
                "name": name(row),
                "name_en": row["name_en"],
                "name_es": row["name_es"],
                "description": str(shown(versions_of(row, "description"))),
                "description_en": row["description_en"],
                "description_es": row["description_es"],
                "countries": [
                    {"iso_code": c["country__iso_code"], "name": name(c, "country__")}
                    for c in countries.get(row["id"], ())
                ],
                "co_leads": [_organization(o) for o in co_leads.get(row["id"], ())],
                "page_url": url(code=row["code"]),
            }
            for row in page
        ]


class SectorRows:
    fields = ("id", "code", "kind", "name_en", "name_es", "position", "parent__code")

    @staticmethod
    def build(page: list[dict]) -> list[dict]:
        name = _namer()
        ids = [row["id"] for row in page]
        children = grouped(
            Sector.objects.filter(parent_id__in=ids).values("parent_id", "code"), "parent_id"
        )
        platforms = grouped(
            PlatformSector.objects.filter(is_active=True, sector_id__in=ids).values(
                "sector_id", "platform__code"
            ),
            "sector_id",
        )
        return [
            {
                "code": row["code"],
                "kind": row["kind"],
                "name": name(row),
                "name_en": row["name_en"],
                "name_es": row["name_es"],
                "position": row["position"],
                "parent": row["parent__code"],
                "sub_sectors": [c["code"] for c in children.get(row["id"], ())],
                "platforms": [p["platform__code"] for p in platforms.get(row["id"], ())],
            }
            for row in page
        ]


class PlatformSectorRows:
    fields = (
        "id",
        "platform_id",
        "sector_id",
        "platform__code",
        "platform__kind",
        "platform__name_en",
        "platform__name_es",
        "sector__code",
        "sector__kind",
        "sector__name_en",
        "sector__name_es",
        "sector__parent__code",
        "is_active",
        "purpose_en",
        "purpose_es",
        "selection_procedure_en",
        "selection_procedure_es",
        "selection_interval_months",
        "last_selection_on",
    )

    @staticmethod
    def build(page: list[dict]) -> list[dict]:
        name = _namer()
        ids = [row["id"] for row in page]
        # Each relation is ordered by the column it is grouped by, then its own order. The
        # models' default orderings go through the platform's code and the sector's position:
        # two joins and a sort per query that the grouping throws away.
        co_lead_rows = list(
            CoLeadDesignation.objects.current()
            .filter(platform_sector_id__in=ids)
            .values(
                "id",
                "platform_sector_id",
                *_ORGANIZATION,
                "organization__kind",
                "term_start",
                "term_end",
            )
            .order_by("platform_sector_id", "organization__name")
        )
        co_leads = grouped(co_lead_rows, "platform_sector_id")
        coordinators = grouped(
            CoCoordinatorDesignation.objects.current()
            .filter(co_lead_id__in=[c["id"] for c in co_lead_rows])
            .values(
                "id",
                "co_lead_id",
                "person__full_name",
                "contact_email",
                "contact_phone",
                "term_start",
                "term_end",
            )
            .order_by("co_lead_id", "person__full_name"),
            "co_lead_id",
        )
        partners = grouped(
            PartnerMembership.objects.filter(platform_sector_id__in=ids, left_on__isnull=True)
            .values("id", "platform_sector_id", *_ORGANIZATION, "organization__kind", "joined_on")
            .order_by("platform_sector_id", "organization__name"),
            "platform_sector_id",
        )
        # Active sub-sectors on the same platform (selectors.attach_sub_sectors, as rows).
        sub_sectors = grouped(
            PlatformSector.objects.filter(
                is_active=True,
                platform_id__in={row["platform_id"] for row in page},
                sector__parent_id__in={row["sector_id"] for row in page},
            ).values("id", "platform_id", "sector__parent_id", "sector__code", *_SECTOR_NAMES),
            ("platform_id", "sector__parent_id"),
        )
        url = url_pattern("sectors:sector-page", "platform", "sector")
        results = []
        for row in page:
            platform_name = name(row, "platform__")
            sector_name = name(row, "sector__")
            leads = co_leads.get(row["id"], ())
            results.append(
                {
                    "id": row["id"],
                    "platform": {
                        "code": row["platform__code"],
                        "kind": row["platform__kind"],
                        "name": platform_name,
                    },
                    "sector": {
                        "code": row["sector__code"],
                        "kind": row["sector__kind"],
                        "name": sector_name,
                        "parent": row["sector__parent__code"],
                    },
                    "title": f"{sector_name} · {platform_name}",
                    "is_active": row["is_active"],
                    "purpose": str(shown(versions_of(row, "purpose"))),
                    "purpose_en": row["purpose_en"],
                    "purpose_es": row["purpose_es"],
                    "page_url": url(platform=row["platform__code"], sector=row["sector__code"]),
                    "co_leads": [
                        {
                            "id": lead["id"],
                            "organization": _organization(lead),
                            "term_start": iso(lead["term_start"]),
                            "term_end": iso(lead["term_end"]),
                        }
                        for lead in leads
                    ],
                    "co_coordinators": [
                        {
                            "id": c["id"],
                            "full_name": c["person__full_name"],
                            "organization": _organization(lead),
                            "contact_email": c["contact_email"],
                            "contact_phone": c["contact_phone"],
                            "term_start": iso(c["term_start"]),
                            "term_end": iso(c["term_end"]),
                        }
                        for lead in leads
                        for c in coordinators.get(lead["id"], ())
                    ],
                    "partners": [
                        {
                            "id": p["id"],
                            "organization": _organization(p),
                            "joined_on": iso(p["joined_on"]),
                        }
                        for p in partners.get(row["id"], ())
                    ],
                    "sub_sectors": [
                        {"id": s["id"], "code": s["sector__code"], "name": name(s, "sector__")}
                        for s in sub_sectors.get((row["platform_id"], row["sector_id"]), ())
                    ],
                    "selection_procedure": {
                        "procedure": str(shown(versions_of(row, "selection_procedure"))),
                        "procedure_en": row["selection_procedure_en"],
                        "procedure_es": row["selection_procedure_es"],
                        "interval_months": row["selection_interval_months"],
                        "last_selection_on": iso(row["last_selection_on"]),
                        "next_selection_on": iso(_next_selection_on(row)),
                    },
                }
            )
        return results


_SECTOR_NAMES = ("sector__name_en", "sector__name_es")


def _next_selection_on(row: dict):
    # The model's rule, on the row's two fields (one home for the date arithmetic).
    if row["last_selection_on"] is None:
        return None
    return PlatformSector.next_selection_on.fget(
        SimpleNamespace(
            last_selection_on=row["last_selection_on"],
            selection_interval_months=row["selection_interval_months"],
        )
    )
