"""The harness's tables: every endpoint against its floor, and the program cycle and calendar
beside the sector-data pull (median and p95, and their ratios to its own)."""


def _all(results: dict) -> None:
    print(
        f"{'endpoint':34} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'queries':>7} "
        f"{'bytes':>8} {'ratio':>6} {'errors':>6}  floor"
    )
    for name, r in results.items():
        print(
            f"{name:34} {r['rps']:8.0f} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {r['p99_ms']:7.1f} "
            f"{r['queries']:7} {r['bytes']:8} {r['ratio']:6.2f} {r['non_2xx']:6}  "
            f"{r['floor'] or '—'}"
        )
    print("\n| endpoint | req/s | p50 ms | p95 ms | p99 ms | queries | bytes | ratio | floor |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['queries']} | {r['bytes']:,} | {r['ratio']:.2f} | "
            f"{r['floor'] or '—'} |"
        )


def _beside(results: dict, reference: str, names: tuple[str, ...]) -> None:
    """Latency ratios > 1 mean slower than the reference; the req/s ratio < 1 likewise."""
    rows = [name for name in names if name in results]
    if reference not in results or not rows:
        return
    ref = results[reference]
    print(f"\nBeside {reference} (p50 {ref['p50_ms']:.1f} ms, p95 {ref['p95_ms']:.1f} ms):")
    print("\n| endpoint | p50 ms | p95 ms | p50 ratio | p95 ratio | req/s ratio | queries |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in rows:
        r = results[name]
        print(
            f"| {name} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p50_ms'] / ref['p50_ms']:.2f} | {r['p95_ms'] / ref['p95_ms']:.2f} | "
            f"{r['rps'] / ref['rps']:.2f} | {r['queries']} |"
        )


def print_tables(results: dict, *, title: str, reference: str, beside: tuple[str, ...]) -> None:
    print(f"\n{title}")
    _all(results)
    _beside(results, reference, beside)
