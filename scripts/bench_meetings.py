"""Print the cost of the conflict check and of the overlap scan at two calendar sizes.

    DATABASE_URL=postgres://... DEBUG=1 .venv/bin/python scripts/bench_meetings.py [--sizes 2000 20000]

For each size, N one-hour meetings are written inside a transaction that is rolled back at the
end (the database is left as it was), spread over the scan's 180-day horizon on weekdays
08:00-18:00 Bogotá, each with its sector, an invited sector and an invited organization (10%
regional sectors' meetings). Written in bulk: a benchmark's data set, not audited changes.
Then it prints:
- check: the median and 95th percentile of `clashes_for` for 200 proposals (one indexed range
  query with the audience filter) — target under 5 ms, flat in N;
- scan: `upcoming_pairs` (two queries, a sort and a sweep) — target under 1 s on 20,000 —
  and the periodic `conflicts_scan` as it runs every few minutes, every clash already known
  (recorded here in bulk beforehand), which adds the look-up of the known keys;
- sort: Python's sort of 20,000 (start, end) tuples, the O(N log N) floor the scan rests on.
Wall times on a shared machine wait for the CPU; the process's own CPU time is printed beside
the scan's ("cpu"), and the load average at the end.
A benchmark, not a test: it asserts nothing.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "r4v.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from meetings.conflicts import (  # noqa: E402
    clashes_for,
    clashing,
    conflicts_scan,
    upcoming_pairs,
)
from meetings.models import Conflict, Meeting, MeetingAudience, Occurrence  # noqa: E402
from r4v.services import system_user  # noqa: E402
from sectors.models import Organization, Platform, PlatformSector, Sector  # noqa: E402

UTC = datetime.UTC
SECTORS = 60
ORGS = 200


class Rollback(Exception):
    pass


def _structure():
    regional, _ = Platform.objects.get_or_create(
        kind=Platform.Kind.REGIONAL, defaults={"code": "regional", "name_en": "R", "name_es": "R"}
    )
    national, _ = Platform.objects.get_or_create(
        code="bench-national",
        defaults={"kind": Platform.Kind.NATIONAL, "name_en": "N", "name_es": "N"},
    )
    sectors = []
    for i in range(SECTORS):
        sector, _ = Sector.objects.get_or_create(
            code=f"bench-{i}",
            defaults={"kind": "sector", "name_en": f"B{i}", "name_es": f"B{i}"},
        )
        platform = regional if i < SECTORS // 10 else national
        ps, _ = PlatformSector.objects.get_or_create(platform=platform, sector=sector)
        sectors.append(ps)
    orgs = [
        Organization.objects.get_or_create(name=f"Bench org {i}", defaults={"kind": "other"})[0]
        for i in range(ORGS)
    ]
    return sectors, orgs


def _starts(n: int, rng: random.Random, now: datetime.datetime) -> list[datetime.datetime]:
    out = []
    while len(out) < n:
        day = now.date() + datetime.timedelta(days=rng.randrange(1, 178))
        if day.weekday() >= 5:
            continue
        minute = rng.randrange(13 * 60, 22 * 60, 30)  # 08:00-17:00 Bogotá, in UTC
        out.append(
            datetime.datetime.combine(day, datetime.time(), tzinfo=UTC)
            + datetime.timedelta(minutes=minute)
        )
    return out


def _seed(n: int, sectors, orgs, by, rng, now) -> None:
    hour = datetime.timedelta(hours=1)
    starts = _starts(n, rng, now)
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                platform_id=(ps := rng.choice(sectors)).platform_id,
                platform_sector=ps,
                kind="other",
                title=f"Bench {i}",
                organizer=by,
                start_at=start,
                end_at=start + hour,
                time_zone="America/Bogota",
            )
            for i, start in enumerate(starts)
        ],
        batch_size=2000,
    )
    Occurrence.objects.bulk_create(
        [
            Occurrence(meeting=m, original_start=m.start_at, start_at=m.start_at, end_at=m.end_at)
            for m in meetings
        ],
        batch_size=5000,
    )
    regional_ids = {ps.pk for ps in sectors[: SECTORS // 10]}
    audience = []
    for m in meetings:
        keys = {
            f"s:{m.platform_sector_id}",
            f"s:{rng.choice(sectors).pk}",
            f"o:{rng.choice(orgs).pk}",
        }
        if m.platform_sector_id in regional_ids:
            keys.add("regional")
        audience += [MeetingAudience(meeting=m, key=k) for k in keys]
    MeetingAudience.objects.bulk_create(audience, batch_size=5000)
    with connection.cursor() as cursor:
        for table in ("meetings_occurrence", "meetings_meetingaudience", "meetings_meeting"):
            cursor.execute(f"ANALYZE {table}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def bench(n: int) -> None:
    rng = random.Random(n)
    now = timezone.now()
    try:
        with transaction.atomic():
            sectors, orgs = _structure()
            _seed(n, sectors, orgs, system_user(), rng, now)
            proposals = _starts(200, rng, now)
            times, cpu_times, floor = [], [], []
            for start in proposals:
                keys = {f"s:{rng.choice(sectors).pk}", f"o:{rng.choice(orgs).pk}"}
                began, cpu = time.perf_counter(), time.process_time()
                clashes_for(intervals=[(start, start + datetime.timedelta(hours=1))], keys=keys)
                times.append(time.perf_counter() - began)
                cpu_times.append(time.process_time() - cpu)
                # The floor any query pays here: one round trip to the server.
                began = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                floor.append(time.perf_counter() - began)
            # The server's own execution time (EXPLAIN ANALYZE): what the index gives, free of
            # this process's and a busy machine's overhead.
            server = []
            for start in proposals[:20]:
                keys = {f"s:{rng.choice(sectors).pk}", f"o:{rng.choice(orgs).pk}"}
                plan = clashing(
                    intervals=[(start, start + datetime.timedelta(hours=1))], keys=keys
                ).explain(analyze=True)
                server.append(float(plan.rsplit("Execution Time:", 1)[1].split()[0]) / 1000)
            began, cpu = time.perf_counter(), time.process_time()
            pairs = upcoming_pairs(now=now)
            scan, scan_cpu = time.perf_counter() - began, time.process_time() - cpu
            # The steady state of the periodic scan: every clash recorded by an earlier run.
            Conflict.objects.bulk_create(
                [Conflict(key=k, first_id=a.pk, second_id=b.pk) for k, (a, b) in pairs.items()],
                batch_size=5000,
            )
            began, cpu = time.perf_counter(), time.process_time()
            new = conflicts_scan(now=now)
            periodic, periodic_cpu = time.perf_counter() - began, time.process_time() - cpu
            assert new == 0
            times.sort()
            print(
                f"N={n:>6}  check median {_ms(statistics.median(times))}  "
                f"p95 {_ms(times[int(len(times) * 0.95)])}  "
                f"(cpu {_ms(statistics.median(cpu_times))}, "
                f"server execution {_ms(statistics.median(server))}, "
                f"round-trip floor {_ms(statistics.median(floor))})\n"
                f"          pairs {_ms(scan)} (cpu {_ms(scan_cpu)}, {len(pairs)} clashing pairs)  "
                f"periodic scan {_ms(periodic)} (cpu {_ms(periodic_cpu)})"
            )
            raise Rollback
    except Rollback:
        pass


def main() -> None:
    # DEBUG=1 only lets the script start without a secret; production runs without the debug
    # cursor, which formats and keeps every query: a cost the check does not have there.
    settings.DEBUG = False
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    args = parser.parse_args()
    print(f"Database: {connection.vendor}")
    for n in args.sizes:
        bench(n)
    rng = random.Random(0)
    now = timezone.now()
    data = [(s, s + datetime.timedelta(hours=1)) for s in _starts(20000, rng, now)]
    began = time.perf_counter()
    sorted(data)
    print(f"sort of 20,000 (start, end) tuples: {_ms(time.perf_counter() - began)}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
