"""The floors the product is measured against, served only by the load harness.

- `plain_constant`: the least a Django view can do (middleware, URL resolving, a response).
- `DrfConstant`: the same through DRF's APIView (content negotiation, renderer, no auth).
- `hand_*`: the rows an API list returns, field for field and in the same order, written by
  hand with `.values()` and `JsonResponse`: the limit for a list endpoint, since it does the
  same queries with no serializer at all. (English only, and no next-selection date: the
  API's work on those is its own.) The meetings floor checks the token and asks the product's
  visibility rule, as the API must. tests/r4v/test_bench_floors.py holds each to its list.
- `template_platform`, `template_sector`: a bare Django template of the rows a public platform
  or sector page shows, read with the ORM as a Django view would: the floor of a page.
"""

import zoneinfo
from collections import defaultdict

from django.db import connection
from django.db.models import Prefetch, Subquery
from django.db.models.functions import Greatest
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings.models import Meeting
from program_cycle import parties, workflow
from program_cycle import selectors as cycle_selectors
from r4v.tokens import token_for_key
from sectors import policy
from sectors.models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Country,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    Sector,
)


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response


def plain_constant(request):
    return HttpResponse(b'{"ok": true}', content_type="application/json")


class DrfConstant(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


def _by(rows, key):
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.pop(key)].append(row)
    return grouped


def _org(row, prefix="organization__"):
    return {k: row[prefix + k] for k in ("id", "name", "acronym", "kind")}


_ORG = ("organization__id", "organization__name", "organization__acronym", "organization__kind")


def hand_platform_sectors(request):
    """What `/api/v1/platform-sectors/?limit=50` returns, field for field, with `.values()`
    and no serializer: the count, the page, and one query per relation."""
    limit = min(int(request.GET.get("limit", 50)), 500)
    offset = int(request.GET.get("offset", 0))
    active = PlatformSector.objects.filter(is_active=True)
    count = active.count()
    rows = list(
        active.order_by("platform__code", "sector__position").values(
            "id",
            "platform_id",
            "sector_id",
            "platform__code",
            "platform__kind",
            "platform__name_en",
            "sector__code",
            "sector__kind",
            "sector__name_en",
            "sector__parent__code",
            "is_active",
            "purpose_en",
            "purpose_es",
            "selection_procedure_en",
            "selection_procedure_es",
            "selection_interval_months",
            "last_selection_on",
        )[offset : offset + limit]
    )
    ids = [row["id"] for row in rows]
    co_leads = _by(
        CoLeadDesignation.objects.current()
        .filter(platform_sector_id__in=ids)
        .values("platform_sector_id", "id", *_ORG, "term_start", "term_end"),
        "platform_sector_id",
    )
    coordinators = _by(
        CoCoordinatorDesignation.objects.current()
        .filter(co_lead__platform_sector_id__in=ids)
        .values(
            "co_lead__platform_sector_id",
            "id",
            "person__full_name",
            "co_lead__organization__id",
            "co_lead__organization__name",
            "co_lead__organization__acronym",
            "co_lead__organization__kind",
            "contact_email",
            "contact_phone",
            "term_start",
            "term_end",
        ),
        "co_lead__platform_sector_id",
    )
    partners = _by(
        PartnerMembership.objects.filter(platform_sector_id__in=ids, left_on__isnull=True).values(
            "platform_sector_id", "id", *_ORG, "joined_on"
        ),
        "platform_sector_id",
    )
    children = defaultdict(list)
    for child in PlatformSector.objects.filter(
        is_active=True,
        platform_id__in={row["platform_id"] for row in rows},
        sector__parent_id__in={row["sector_id"] for row in rows},
    ).values("id", "platform_id", "sector__parent_id", "sector__code", "sector__name_en"):
        children[(child["platform_id"], child["sector__parent_id"])].append(
            {"id": child["id"], "code": child["sector__code"], "name": child["sector__name_en"]}
        )
    results = []
    for row in rows:
        results.append(
            {
                "id": row["id"],
                "platform": {
                    "code": row["platform__code"],
                    "kind": row["platform__kind"],
                    "name": row["platform__name_en"],
                },
                "sector": {
                    "code": row["sector__code"],
                    "kind": row["sector__kind"],
                    "name": row["sector__name_en"],
                    "parent": row["sector__parent__code"],
                },
                "title": f"{row['sector__name_en']} · {row['platform__name_en']}",
                "is_active": row["is_active"],
                "purpose": row["purpose_en"] or row["purpose_es"],
                "purpose_en": row["purpose_en"],
                "purpose_es": row["purpose_es"],
                "page_url": f"/en/platforms/{row['platform__code']}/sectors/{row['sector__code']}/",
                "co_leads": [
                    {
                        "id": lead["id"],
                        "organization": _org(lead),
                        "term_start": lead["term_start"],
                        "term_end": lead["term_end"],
                    }
                    for lead in co_leads[row["id"]]
                ],
                "co_coordinators": [
                    {
                        "id": c["id"],
                        "full_name": c["person__full_name"],
                        "organization": _org(c, "co_lead__organization__"),
                        "contact_email": c["contact_email"],
                        "contact_phone": c["contact_phone"],
                        "term_start": c["term_start"],
                        "term_end": c["term_end"],
                    }
                    for c in coordinators[row["id"]]
                ],
                "partners": [
                    {"id": p["id"], "organization": _org(p), "joined_on": p["joined_on"]}
                    for p in partners[row["id"]]
                ],
                "sub_sectors": children[(row["platform_id"], row["sector_id"])],
                "selection_procedure": {
                    "procedure": row["selection_procedure_en"] or row["selection_procedure_es"],
                    "procedure_en": row["selection_procedure_en"],
                    "procedure_es": row["selection_procedure_es"],
                    "interval_months": row["selection_interval_months"],
                    "last_selection_on": row["last_selection_on"],
                    "next_selection_on": None,
                },
            }
        )
    return JsonResponse({"count": count, "next": None, "previous": None, "results": results})


def hand_platforms(request):
    """What `/api/v1/platforms/` returns: the platforms, their countries and co-leads."""
    rows = list(
        Platform.objects.values(
            "id", "code", "kind", "name_en", "name_es", "description_en", "description_es"
        )
    )
    countries = _by(
        Platform.countries.through.objects.order_by("country__name_en").values(
            "platform_id", "country__iso_code", "country__name_en"
        ),
        "platform_id",
    )
    co_leads = _by(
        Platform.co_leads.through.objects.order_by("organization__name").values(
            "platform_id", *_ORG
        ),
        "platform_id",
    )
    results = [
        {
            "code": row["code"],
            "kind": row["kind"],
            "name": row["name_en"],
            "name_en": row["name_en"],
            "name_es": row["name_es"],
            "description": row["description_en"] or row["description_es"],
            "description_en": row["description_en"],
            "description_es": row["description_es"],
            "countries": [
                {"iso_code": c["country__iso_code"], "name": c["country__name_en"]}
                for c in countries[row["id"]]
            ],
            "co_leads": [_org(o) for o in co_leads[row["id"]]],
            "page_url": f"/en/platforms/{row['code']}/",
        }
        for row in rows
    ]
    return JsonResponse({"count": len(rows), "next": None, "previous": None, "results": results})


def hand_sectors(request):
    """What `/api/v1/sectors/` returns: the catalogue, each sector's sub-sectors and the
    platforms it is active on."""
    rows = list(
        Sector.objects.values(
            "id", "code", "kind", "name_en", "name_es", "position", "parent__code"
        )
    )
    children = _by(
        Sector.objects.filter(parent__isnull=False).values("parent_id", "code"), "parent_id"
    )
    platforms = _by(
        PlatformSector.objects.filter(is_active=True).values("sector_id", "platform__code"),
        "sector_id",
    )
    results = [
        {
            "code": row["code"],
            "kind": row["kind"],
            "name": row["name_en"],
            "name_en": row["name_en"],
            "name_es": row["name_es"],
            "position": row["position"],
            "parent": row["parent__code"],
            "sub_sectors": [c["code"] for c in children[row["id"]]],
            "platforms": [p["platform__code"] for p in platforms[row["id"]]],
        }
        for row in rows
    ]
    return JsonResponse({"count": len(rows), "next": None, "previous": None, "results": results})


def hand_organizations(request):
    """What `/api/v1/organizations/?limit=50` returns: the count and the page."""
    limit = min(int(request.GET.get("limit", 50)), 500)
    organizations = Organization.objects.all()
    fields = ("id", "name", "acronym", "name_es", "acronym_es", "kind", "website", "is_active")
    rows = list(organizations.values(*fields)[:limit])
    for row in rows:
        row["page_url"] = f"/en/organizations/{row['id']}/"
    return JsonResponse(
        {"count": organizations.count(), "next": None, "previous": None, "results": rows}
    )


def hand_countries(request):
    """What `/api/v1/countries/` returns."""
    rows = list(Country.objects.values("iso_code", "name_en", "name_es", "time_zone"))
    for row in rows:
        row["name"] = row["name_en"]
    return JsonResponse({"count": len(rows), "next": None, "previous": None, "results": rows})


def hand_meetings(request):
    """What `/api/v1/meetings/?limit=50` returns to a token's owner: the key checked, the
    meetings the product's rule lets them see (`policy.visible_q(user, Meeting)`), each with the ids it
    invites, in one query per kind of invitation."""
    token = token_for_key(request.headers.get("Authorization", "").removeprefix("Token "))
    if token is None:
        return JsonResponse({"detail": "Invalid token."}, status=401)
    limit = min(int(request.GET.get("limit", 50)), 500)
    meetings = Meeting.objects.filter(policy.visible_q(token.user, Meeting)).order_by(
        "start_at", "pk"
    )
    rows = list(
        meetings.values(
            "id",
            "title",
            "kind",
            "platform_id",
            "platform_sector_id",
            "organizer__full_name",
            "start_at",
            "end_at",
            "time_zone",
            "rrule",
            "agenda",
            "place",
            "video_url",
            "visibility",
            "status",
            "sequence",
        )[:limit]
    )
    ids = [row["id"] for row in rows]
    invited = {
        name: _by(model.objects.filter(invited_to__in=ids).values("invited_to", "id"), "invited_to")
        for name, model in (
            ("invited_sectors", PlatformSector),
            ("invited_platforms", Platform),
            ("invited_organizations", Organization),
        )
    }
    results = []
    for row in rows:
        zone = zoneinfo.ZoneInfo(row["time_zone"])
        results.append(
            {
                "id": row["id"],
                "uid": f"meeting-{row['id']}@r4v",
                "title": row["title"],
                "kind": row["kind"],
                "platform": row["platform_id"],
                "platform_sector": row["platform_sector_id"],
                "organizer": row["organizer__full_name"],
                "start_at": row["start_at"],
                "end_at": row["end_at"],
                "time_zone": row["time_zone"],
                "start_local": row["start_at"].astimezone(zone).replace(tzinfo=None),
                "rrule": row["rrule"],
                "agenda": row["agenda"],
                "place": row["place"],
                "video_url": row["video_url"],
                "visibility": row["visibility"],
                "status": row["status"],
                "sequence": row["sequence"],
                **{name: [i["id"] for i in by[row["id"]]] for name, by in invited.items()},
                "url": f"/en/meetings/{row['id']}/",
            }
        )
    return JsonResponse(
        {"count": meetings.count(), "next": None, "previous": None, "results": results}
    )


def hand_tasks(request):
    """What `/api/v1/tasks/?limit=50` returns to a token's owner, without DRF: the key checked,
    the tasks the product's rule lets them see in its order, and per row the same words and
    allowed actions from the workflow (its rules are not written twice), in a plain dict."""
    token = token_for_key(request.headers.get("Authorization", "").removeprefix("Token "))
    if token is None:
        return JsonResponse({"detail": "Invalid token."}, status=401)
    user = token.user
    limit = min(int(request.GET.get("limit", 50)), 500)
    tasks = cycle_selectors.by_due_date(cycle_selectors.task_list_visible_to(user))
    page = list(tasks[:limit])
    workflow.prefetch_allowed_actions(user, page)
    results = [
        {
            "id": t.pk,
            "url": f"/en/program-cycle/tasks/{t.pk}/",
            "cycle": t.cycle_id,
            "cycle_name": t.cycle.name,
            "task_type": t.task_type.code,
            "task_type_name": t.task_type.name,
            "area": t.task_type.area,
            "platform": t.platform.code,
            "platform_name": t.platform.name,
            "sector": t.sector.code if t.sector_id else None,
            "sector_name": t.sector.name if t.sector_id else None,
            "state": t.state,
            "status": str(workflow.status_label(t)),
            "step": t.step,
            "waiting_on": t.waiting_on,
            "waiting_on_label": str(parties.waiting_label(t)),
            "substituted": t.substituted,
            "substitution_note": str(parties.substitution_note(t)) if t.substituted else "",
            "due_on": t.due_on,
            "clear_by": t.clear_by,
            "overdue": t.is_overdue(),
            "version": t.version,
            "current_version": getattr(t, "current_number", None),
            "allowed_actions": workflow.task_allowed_actions(user, t),
        }
        for t in page
    ]
    return JsonResponse(
        {"count": tasks.count(), "next": None, "previous": None, "results": results}
    )


def _orm_newest(*histories):
    """The newest `history_date` of several histories, in one query built with the ORM: the
    plain way to the date of change a public page shows."""
    newest = [Subquery(h.order_by("-history_date").values("history_date")[:1]) for h in histories]
    anchor = histories[0].model._default_manager.order_by().annotate(newest=Greatest(*newest))
    return anchor.values_list("newest", flat=True).first()


def template_platform(request, code):
    """The rows the public platform page shows (its name, kind and description, countries,
    co-leads, active sectors with their co-leads and sub-sectors, the date of its last change),
    read the way a Django view would read them and shown by a bare template: no layout, no
    translation."""
    platform = get_object_or_404(
        Platform.objects.prefetch_related("countries", "co_leads"), code=code
    )
    sectors = list(
        PlatformSector.objects.filter(platform=platform, is_active=True)
        .select_related("platform", "sector")
        .order_by("sector__position")
        .prefetch_related(
            Prefetch(
                "co_leads",
                queryset=CoLeadDesignation.objects.current().select_related("organization"),
                to_attr="current_co_leads",
            )
        )
    )
    by_sector = {ps.sector_id: ps for ps in sectors}
    top = []
    for ps in sectors:
        ps.children = []
    for ps in sectors:
        parent = by_sector.get(ps.sector.parent_id)
        (parent.children if parent else top).append(ps)
    last_changed = _orm_newest(
        Platform.history.filter(id=platform.pk),
        PlatformSector.history.filter(platform_id=platform.pk),
        CoLeadDesignation.history.filter(platform_sector__platform_id=platform.pk),
    )
    return render(
        request,
        "bench_platform.html",
        {"platform": platform, "sectors": top, "last_changed": last_changed},
    )


def template_sector(request, platform, sector):
    """The rows the public sector page shows (the sector and its platform, current co-leads,
    their co-coordinators with contacts, partners, sub-sectors, the date of its last change),
    read and shown the same way."""
    ps = get_object_or_404(
        PlatformSector.objects.select_related(
            "platform", "sector", "sector__parent"
        ).prefetch_related(
            Prefetch(
                "co_leads",
                queryset=CoLeadDesignation.objects.current()
                .select_related("organization")
                .prefetch_related(
                    Prefetch(
                        "co_coordinators",
                        queryset=CoCoordinatorDesignation.objects.current().select_related(
                            "person"
                        ),
                    )
                ),
                to_attr="current_co_leads",
            ),
            Prefetch(
                "partners",
                queryset=PartnerMembership.objects.current().select_related("organization"),
                to_attr="current_partners",
            ),
        ),
        platform__code=platform,
        sector__code=sector,
        is_active=True,
    )
    sub_sectors = PlatformSector.objects.filter(
        platform_id=ps.platform_id, sector__parent_id=ps.sector_id, is_active=True
    ).select_related("platform", "sector")
    last_changed = _orm_newest(
        PlatformSector.history.filter(id=ps.pk),
        Sector.history.filter(id=ps.sector_id),
        CoLeadDesignation.history.filter(platform_sector_id=ps.pk),
        CoCoordinatorDesignation.history.filter(co_lead__platform_sector_id=ps.pk),
        PartnerMembership.history.filter(platform_sector_id=ps.pk),
    )
    return render(
        request,
        "bench_sector.html",
        {"ps": ps, "sub_sectors": sub_sectors, "last_changed": last_changed},
    )
