"""The harness's tables: every endpoint against its floor, and the program cycle and calendar
beside the sector-data pull (median and p95, and their ratios to its own).

An endpoint none of whose requests finished within the run's --duration has no latency and no
ratio: it prints "n/a" rather than a zero that reads as infinitely fast.
"""


def _ms(r: dict, key: str) -> str:
    return f"{r[key]:.1f}" if r["rps"] else "n/a"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _over(a: dict, b: dict, key: str) -> float | None:
    return a[key] / b[key] if a["rps"] and b["rps"] and b[key] else None


def _all(results: dict) -> None:
    print(
        f"{'endpoint':34} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'queries':>7} "
        f"{'bytes':>8} {'ratio':>6} {'errors':>6}  floor"
    )
    for name, r in results.items():
        print(
            f"{name:34} {r['rps']:8.0f} {_ms(r, 'p50_ms'):>7} {_ms(r, 'p95_ms'):>7} "
            f"{_ms(r, 'p99_ms'):>7} {r['queries']:7} {r['bytes']:8} {_ratio(r['ratio']):>6} "
            f"{r['non_2xx']:6}  {r['floor'] or '—'}"
        )
    print("\n| endpoint | req/s | p50 ms | p95 ms | p99 ms | queries | bytes | ratio | floor |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['rps']:,.0f} | {_ms(r, 'p50_ms')} | {_ms(r, 'p95_ms')} | "
            f"{_ms(r, 'p99_ms')} | {r['queries']} | {r['bytes']:,} | {_ratio(r['ratio'])} | "
            f"{r['floor'] or '—'} |"
        )


def _beside(results: dict, reference: str, names: tuple[str, ...]) -> None:
    """Latency ratios > 1 mean slower than the reference; the req/s ratio < 1 likewise."""
    rows = [name for name in names if name in results]
    if reference not in results or not rows:
        return
    ref = results[reference]
    print(f"\nBeside {reference} (p50 {_ms(ref, 'p50_ms')} ms, p95 {_ms(ref, 'p95_ms')} ms):")
    print("\n| endpoint | p50 ms | p95 ms | p50 ratio | p95 ratio | req/s ratio | queries |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in rows:
        r = results[name]
        print(
            f"| {name} | {_ms(r, 'p50_ms')} | {_ms(r, 'p95_ms')} | "
            f"{_ratio(_over(r, ref, 'p50_ms'))} | {_ratio(_over(r, ref, 'p95_ms'))} | "
            f"{_ratio(_over(r, ref, 'rps'))} | {r['queries']} |"
        )


def print_tables(results: dict, *, title: str, reference: str, beside: tuple[str, ...]) -> None:
    print(f"\n{title}")
    _all(results)
    _beside(results, reference, beside)
