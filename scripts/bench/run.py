"""The load harness: the product under gunicorn against its floors, measured in the same run.

    make bench                                   # everything (see scripts/bench/README.md)
    make bench BENCH_ARGS="--only writes"        # only the parallel writes
    .venv/bin/python scripts/bench/run.py --rounds 1 --duration 2 --only API   # a quick look

It creates (once) a PostgreSQL database `r4v_bench` (BENCH_DATABASE_URL) with a generated
dataset of realistic size (scripts/bench/dataset.py), starts gunicorn with 4 sync workers on
127.0.0.1 with the harness's settings (the product plus floor views that exist only here), and
drives each endpoint with `wrk` (Debian package) from a second process: fixed connections,
fixed duration, endpoints interleaved over several rounds. It prints, per endpoint, the median
req/s, p50, p95 (p95.lua) and p99 latency, queries per request, bytes, and the ratio to the
endpoint's floor measured in the same run.

Logged-in pages and API reads are measured as the people cycle_data.py creates: the harness
logs them in through the log-in page (a session cookie) and the token endpoint (a token) of
the running server, and wrk sends that cookie or header with every request.

Then the parallel writes (writes.py), on a gunicorn of their own with threads, so that 20
requests are in flight at once: 20 submits of 20 different tasks sent at once against 20 sent
one after another, over --write-rounds rounds.

Every run writes var/bench/latest.json; a whole run (no --only) also replaces the "Latest
run" section of scripts/bench/README.md, and prints each target with what it measured.
"""

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "scripts.bench.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else-0123456789abcdef")
BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/r4v_bench")
os.environ["DATABASE_URL"] = BENCH_DB
# The deployment's cache (the public pages, the lockout): Redis, a database of its own.
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")

from scripts.bench import report, writes  # noqa: E402  (no Django import at their top)

# name -> (path, floor name[, request headers]). A floor is measured like any endpoint; its own
# floor is None. Every capability adds its pages and endpoints here. Anonymous public reads
# are served from the public cache (r4v/public_cache.py); `Cache-Control: no-cache` asks for
# a fresh render, which measures the views and serializers themselves. `If-None-Match: {etag}`
# sends the ETag the probe received, so the server answers 304.
FRESH = {"Cache-Control": "no-cache"}
PLATFORM_SECTORS_API = "API platform-sectors ?limit=50"
ENDPOINTS: dict[str, tuple] = {
    "plain Django constant": ("/bench/plain/", None),
    "DRF constant": ("/bench/drf/", "plain Django constant"),
    "hand-written platform-sectors": ("/bench/hand/platform-sectors/?limit=50", None),
    "hand-written platforms": ("/bench/hand/platforms/", None),
    "hand-written sectors": ("/bench/hand/sectors/", None),
    "hand-written organizations ?limit=50": ("/bench/hand/organizations/?limit=50", None),
    "hand-written countries": ("/bench/hand/countries/", None),
    "hand-written tasks ?limit=50 (team)": (
        "/bench/hand/tasks/?limit=50",
        None,
        {"Authorization": "Token {token_regional}"},
    ),
    "hand-written meetings ?limit=50 (team)": (
        "/bench/hand/meetings/?limit=50",
        None,
        {"Authorization": "Token {token_regional}"},
    ),
    "bare template platform page": ("/bench/template/platform/colombia/", None),
    "bare template sector page": ("/bench/template/sector/peru/health/", None),
    # The API lists as rendered (fresh), against the hand-written rows.
    PLATFORM_SECTORS_API: (
        "/api/v1/platform-sectors/?limit=50",
        "hand-written platform-sectors",
        FRESH,
    ),
    "API platforms": ("/api/v1/platforms/", "hand-written platforms", FRESH),
    "API sectors": ("/api/v1/sectors/", "hand-written sectors", FRESH),
    "API organizations ?limit=50": (
        "/api/v1/organizations/?limit=50",
        "hand-written organizations ?limit=50",
        FRESH,
    ),
    "API countries": ("/api/v1/countries/", "hand-written countries", FRESH),
    # The same reads as anonymous clients get them: from the public cache.
    "API platform-sectors cached": ("/api/v1/platform-sectors/?limit=50", "plain Django constant"),
    "API platforms cached": ("/api/v1/platforms/", "plain Django constant"),
    "API platform-sectors 304": (
        "/api/v1/platform-sectors/?limit=50",
        "plain Django constant",
        {"If-None-Match": "{etag}"},
    ),
    # Public pages: rendered (fresh) against a bare template of the same rows read the plain
    # ORM way (scripts/bench/views.py), and cached.
    "page platform Colombia fresh": (
        "/en/platforms/colombia/",
        "bare template platform page",
        FRESH,
    ),
    "page sector Peru Health fresh": (
        "/en/platforms/peru/sectors/health/",
        "bare template sector page",
        FRESH,
    ),
    "page home cached": ("/en/", "plain Django constant"),
    "page platforms cached": ("/en/platforms/", "plain Django constant"),
    "page platform Colombia cached": ("/en/platforms/colombia/", "plain Django constant"),
    "page sector catalogue cached": ("/en/sectors/", "plain Django constant"),
    "page sector Peru Health cached": (
        "/en/platforms/peru/sectors/health/",
        "plain Django constant",
    ),
    "page contact directory cached": ("/en/contacts/?platform=peru", "plain Django constant"),
    "page platform Colombia 304": (
        "/en/platforms/colombia/",
        "plain Django constant",
        {"If-None-Match": "{etag}"},
    ),
    # The program cycle and the calendar (issues 14 and 13), logged in (never cached), against
    # the sector-data pull: {session_*} and {token_*} are the logins made by _logins().
    "page clearance queue (team)": (
        "/en/program-cycle/queue/",
        PLATFORM_SECTORS_API,
        {"Cookie": "{session_regional}"},
    ),
    "page My work (Peru team)": (
        "/en/my-work/",
        PLATFORM_SECTORS_API,
        {"Cookie": "{session_peru}"},
    ),
    "API tasks ?limit=50 (team)": (
        "/api/v1/tasks/?limit=50",
        "hand-written tasks ?limit=50 (team)",
        {"Authorization": "Token {token_regional}"},
    ),
    "API meetings ?limit=50 (team)": (
        "/api/v1/meetings/?limit=50",
        "hand-written meetings ?limit=50 (team)",
        {"Authorization": "Token {token_regional}"},
    ),
    "iCalendar public feed": ("/en/calendar/public.ics", PLATFORM_SECTORS_API),
}
# Printed again beside PLATFORM_SECTORS_API: median and p95, and their ratios to its own.
BESIDE_PLATFORM_SECTORS = (
    "page clearance queue (team)",
    "page My work (Peru team)",
    "API tasks ?limit=50 (team)",
    "API meetings ?limit=50 (team)",
    "iCalendar public feed",
)
P95_SCRIPT = Path(__file__).with_name("p95.lua")
BENCH_README = Path(__file__).with_name("README.md")


def _setup_database() -> dict:
    import django
    import psycopg2
    from django.core.management import call_command

    name = BENCH_DB.rsplit("/", 1)[1]
    admin = psycopg2.connect(BENCH_DB.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    django.setup()
    from scripts.bench import dataset

    sizes = dataset.ensure()
    # Vacuumed and analyzed before every run: `make bench` ends with bench_meetings.py, whose
    # rolled-back meetings leave as many dead rows in the calendar's tables, which the next
    # run's calendar reads would otherwise scan.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    call_command("collectstatic", interactive=False, verbosity=0)
    # An empty cache (its own Redis database): pages from an earlier run's data never count.
    from django.core.cache import caches

    for alias in ("default", "public"):
        caches[alias].clear()
    return sizes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_gunicorn(
    port: int, workers: int, startup_timeout: int, threads: int = 1
) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # A sync worker serves one request at a time: the parallel writes, 20 at once, get a
    # server with threads; the reads keep the deployment's sync workers.
    kind = ["gthread", "--threads", str(threads)] if threads > 1 else ["sync"]
    process = subprocess.Popen(
        [str(gunicorn), "r4v.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--worker-class", *kind, "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ},
    )
    # A worker's first request imports the whole project: on a machine busy with other work
    # that takes seconds, so each try waits long enough for it and the whole start a while.
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/plain/", timeout=10)
            return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    process.wait(timeout=30)
    raise SystemExit(f"gunicorn did not answer within {startup_timeout} s")


def _session(base: str, email: str, password: str) -> str:
    """Log in through the log-in page as a browser does; the session cookie to send."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = base + "/en/accounts/login/"
    page = browser.open(login, timeout=10).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"username": email, "password": password, "csrfmiddlewaretoken": csrf}
    browser.open(
        urllib.request.Request(login, data=urllib.parse.urlencode(form).encode()), timeout=30
    )
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"could not log in as {email}")
    return f"sessionid={cookies['sessionid']}"


def _token(base: str, email: str, password: str) -> str:
    body = json.dumps({"email": email, "password": password, "name": "bench"})
    request = urllib.request.Request(
        base + "/api/v1/auth/token/",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def _logins(base: str) -> dict[str, str]:
    """The credentials the endpoints' headers name: a session and a token per person."""
    from scripts.bench.cycle_data import PASSWORD, PERU_TEAM, REGIONAL  # after django.setup()

    return {
        "session_regional": _session(base, REGIONAL, PASSWORD),
        "session_peru": _session(base, PERU_TEAM, PASSWORD),
        "token_regional": _token(base, REGIONAL, PASSWORD),
    }


def _probe(base: str, path: str, headers: dict, logins: dict) -> dict:
    """Status, body bytes, queries (the harness's middleware counts them) and the headers to
    send under load. A cached endpoint is probed twice, so the second answer is the hit."""
    etag = ""
    for _attempt in range(2):
        sent = {name: value.format(etag=etag, **logins) for name, value in headers.items()}
        if "If-None-Match" in headers and not etag:
            sent.pop("If-None-Match")
        try:
            response = urllib.request.urlopen(
                urllib.request.Request(base + path, headers=sent), timeout=10
            )
        except urllib.error.HTTPError as error:
            response = error
        with response:
            body = response.read()
            etag = response.headers.get("ETag", "")
    return {
        "status": response.status,
        "bytes": len(body),
        "queries": int(response.headers.get("X-Bench-Queries", -1)),
        "headers": sent,
    }


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def _wrk(url: str, duration: int, connections: int, headers: dict) -> dict:
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(P95_SCRIPT)]
        + [*header_args, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p95_ms": int(re.search(r"p95_us: (\d+)", out).group(1)) / 1000,
        "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def _headers(spec: tuple) -> dict:
    return spec[2] if len(spec) > 2 else {}


def _reads(args, endpoints: dict) -> dict:
    """Each endpoint under wrk, interleaved over the rounds; medians and ratios to floors."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_gunicorn(port, args.workers, args.startup_timeout)
    try:
        logins = _logins(base)
        probes = {
            name: _probe(base, spec[0], _headers(spec), logins) for name, spec in endpoints.items()
        }
        for name, probe in probes.items():
            expected = 304 if "If-None-Match" in _headers(endpoints[name]) else 200
            if probe["status"] != expected:
                raise SystemExit(f"{name}: HTTP {probe['status']}, expected {expected}")
        runs = {name: [] for name in endpoints}
        for round_no in range(args.rounds):
            for name, spec in endpoints.items():
                runs[name].append(
                    _wrk(base + spec[0], args.duration, args.connections, probes[name]["headers"])
                )
            print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=30)

    results = {}
    for name, (path, floor, *_rest) in endpoints.items():
        rounds = runs[name]
        results[name] = {
            "path": path,
            "floor": floor,
            "rps": statistics.median(r["rps"] for r in rounds),
            "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
            "p95_ms": statistics.median(r["p95_ms"] for r in rounds),
            "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
            "non_2xx": sum(r["non_2xx"] for r in rounds),
            **{k: probes[name][k] for k in ("queries", "bytes")},
        }
    for result in results.values():
        floor = result["floor"]
        if not floor:
            result["ratio"] = 1.0
            continue
        # No request finished within --duration (a slow endpoint on a loaded machine): no ratio.
        floor_rps = results[floor]["rps"]
        result["ratio"] = (
            round(result["rps"] / floor_rps, 2) if floor_rps and result["rps"] else None
        )
    return results


def _writes(args) -> dict:
    """The parallel writes (writes.py) on a server of their own, with threads."""
    from scripts.bench.cycle_data import PASSWORD  # after django.setup()

    tasks = writes.prepare(args.write_rounds)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_gunicorn(port, args.workers, args.startup_timeout, args.write_threads)
    try:
        token = _token(base, writes.WRITER, PASSWORD)
        return writes.measure(base, token, tasks, args.write_rounds, BENCH_DB)
    finally:
        server.terminate()
        server.wait(timeout=30)
        writes.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per endpoint per round")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--write-threads",
        type=int,
        default=5,
        help="threads per gunicorn worker for the parallel writes (workers x threads >= 20)",
    )
    parser.add_argument(
        "--write-rounds",
        type=int,
        default=5,
        help="rounds of the parallel writes (20 requests each way, fresh tasks each round)",
    )
    parser.add_argument(
        "--startup-timeout", type=int, default=120, help="seconds to wait for gunicorn to answer"
    )
    parser.add_argument(
        "--only",
        default="",
        help="regex: measure only matching endpoints (and their floors); "
        f"'writes' matches only the {writes.NAME}",
    )
    args = parser.parse_args()
    endpoints = {name: spec for name, spec in ENDPOINTS.items() if re.search(args.only, name)}
    for spec in list(endpoints.values()):
        floor = spec[1]
        while floor and floor not in endpoints:
            endpoints[floor] = ENDPOINTS[floor]
            floor = ENDPOINTS[floor][1]
    with_writes = re.search(args.only, writes.NAME) is not None
    if endpoints and shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (Debian package)")
    if with_writes and args.workers * args.write_threads < writes.BATCH:
        raise SystemExit(f"--workers x --write-threads must be >= {writes.BATCH}")

    # Other work on the machine shares its cores with the server: printed with the figures.
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    sizes = _setup_database()
    results = _reads(args, endpoints) if endpoints else {}
    written = _writes(args) if with_writes else None

    machine = f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"
    parts = [time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), machine, f"load {load}"]
    if results:
        parts.append(
            f"gunicorn {args.workers} sync workers · wrk {args.connections} connections · "
            f"{args.rounds} rounds x {args.duration} s"
        )
    title = " · ".join([*parts, str(sizes)])
    text = report.print_tables(
        results,
        title=title,
        reference=PLATFORM_SECTORS_API,
        beside=BESIDE_PLATFORM_SECTORS,
        writes=written,
        write_server=f"gunicorn {args.workers} workers x {args.write_threads} threads",
    )
    out = ROOT / "var" / "bench" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "load": load,
                "machine": machine,
                "dataset": sizes,
                "args": vars(args),
                "results": results,
                "writes": written,
            },
            indent=2,
        )
    )
    print(f"\nwritten: {out.relative_to(ROOT)}")
    # Only a whole run replaces the figures in the bench README; a partial one would leave
    # a table of some rows as if it were the run.
    if not args.only:
        report.write_readme(BENCH_README, text)
        print(f"written: {BENCH_README.relative_to(ROOT)} (the latest run)")


if __name__ == "__main__":
    main()
