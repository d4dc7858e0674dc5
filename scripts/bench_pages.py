"""Print queries and latency per page and API endpoint, on the database `make run` seeds.

    make run            # once, then Ctrl-C: migrates, loads the structure and the demo data
    DEBUG=1 .venv/bin/python scripts/bench_pages.py [--repeat 20]

Each URL is requested `repeat` times in-process (Django's test client: no network, no static
files); the figures are the query count of the last request and the median and 95th-percentile
wall time. A benchmark, not a test: it asserts nothing and prints figures to compare over time.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "r4v.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from r4v.models import User  # noqa: E402
from sectors.models import PlatformSector, RoleAssignment  # noqa: E402


def _urls(ps: PlatformSector) -> list[tuple[str, str]]:
    public = [
        "/en/",
        "/en/platforms/",
        "/en/platforms/regional/",
        "/en/sectors/",
        ps.get_absolute_url(),
        "/api/v1/platforms/",
        "/api/v1/platform-sectors/",
        f"/api/v1/platform-sectors/{ps.pk}/",
        "/api/v1/organizations/",
    ]
    team = [
        "/en/my-work/",
        "/en/manage/organizations/",
        "/en/manage/platforms/regional/",
        f"/en/manage/sectors/{ps.pk}/",
        "/en/manage/change-notices/",
        "/en/manage/governance/",
    ]
    return [("anonymous", url) for url in public] + [("regional team", url) for url in team]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ps = PlatformSector.objects.filter(platform__code="regional", sector__code="health").first()
    team = User.objects.filter(roles__role=RoleAssignment.Role.REGIONAL_TEAM).first()
    if ps is None or team is None:
        sys.exit("No demo data: run `make run` once first (it loads the structure and the demo).")
    clients = {"anonymous": Client(), "regional team": Client()}
    clients["regional team"].force_login(team)
    print(f"{'as':<14} {'url':<42} {'status':>6} {'queries':>7} {'p50 ms':>7} {'p95 ms':>7}")
    for who, url in _urls(ps):
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                # Rendered afresh, not from the public cache (r4v/public_cache.py).
                response = clients[who].get(url, HTTP_CACHE_CONTROL="no-cache")
                timings.append((time.perf_counter() - start) * 1000)
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else p50
        print(
            f"{who:<14} {url:<42} {response.status_code:>6} {len(queries):>7} "
            f"{p50:>7.1f} {p95:>7.1f}"
        )


if __name__ == "__main__":
    main()
