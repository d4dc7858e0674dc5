"""The floors the product is measured against, served only by the load harness.

- `plain_constant`: the least a Django view can do (middleware, URL resolving, a response).
- `DrfConstant`: the same through DRF's APIView (content negotiation, renderer, no auth).
- `hand_*`: the rows an API list returns, written by hand with `.values()` and `JsonResponse`:
  the limit for a list endpoint, since it does the same queries with no serializer at all.
- `template_platform`: a bare Django template of the rows a public platform page shows.
"""

from collections import defaultdict

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sectors.models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    PartnerMembership,
    Platform,
    PlatformSector,
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


def hand_platform_sectors(request):
    """What `/api/v1/platform-sectors/?limit=50` returns, in 4 queries and no serializer."""
    limit = min(int(request.GET.get("limit", 50)), 200)
    offset = int(request.GET.get("offset", 0))
    active = PlatformSector.objects.filter(is_active=True)
    count = active.count()
    rows = list(
        active.order_by("platform__kind", "platform__name_en", "sector__position").values(
            "id",
            "platform__code",
            "platform__name_en",
            "sector__code",
            "sector__name_en",
            "is_active",
            "purpose",
            "selection_procedure",
            "selection_interval_months",
            "last_selection_on",
        )[offset : offset + limit]
    )
    ids = [row["id"] for row in rows]
    co_leads = _by(
        CoLeadDesignation.objects.current()
        .filter(platform_sector_id__in=ids)
        .values(
            "platform_sector_id",
            "id",
            "organization_id",
            "organization__name",
            "organization__acronym",
            "organization__kind",
            "term_start",
            "term_end",
        ),
        "platform_sector_id",
    )
    coordinators = _by(
        CoCoordinatorDesignation.objects.current()
        .filter(co_lead__platform_sector_id__in=ids)
        .values(
            "co_lead__platform_sector_id",
            "id",
            "person__full_name",
            "co_lead__organization__name",
            "contact_email",
            "contact_phone",
            "term_start",
            "term_end",
        ),
        "co_lead__platform_sector_id",
    )
    partners = _by(
        PartnerMembership.objects.filter(platform_sector_id__in=ids, left_on__isnull=True).values(
            "platform_sector_id", "id", "organization__name", "joined_on"
        ),
        "platform_sector_id",
    )
    for row in rows:
        row["co_leads"] = co_leads[row["id"]]
        row["co_coordinators"] = coordinators[row["id"]]
        row["partners"] = partners[row["id"]]
    return JsonResponse({"count": count, "results": rows})


def hand_platforms(request):
    rows = list(Platform.objects.values("id", "code", "kind", "name_en", "name_es"))
    countries = _by(
        Platform.countries.through.objects.values("platform_id", "country__iso_code"),
        "platform_id",
    )
    for row in rows:
        row["countries"] = [c["country__iso_code"] for c in countries[row["id"]]]
    return JsonResponse({"count": len(rows), "results": rows})


def template_platform(request, code):
    platform = Platform.objects.get(code=code)
    sectors = list(
        PlatformSector.objects.filter(platform=platform, is_active=True)
        .select_related("sector")
        .order_by("sector__position")
    )
    return render(request, "bench_platform.html", {"platform": platform, "sectors": sectors})
