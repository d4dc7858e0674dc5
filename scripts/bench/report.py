"""The harness's tables: every endpoint against its floor, the program cycle and calendar
beside the sector-data pull (median and p95, and their ratios to its own), the parallel
writes, and each target with what this run measured.

An endpoint none of whose requests finished within the run's --duration has no latency and no
ratio: it prints "n/a" rather than a zero that reads as infinitely fast.
"""

import re
from pathlib import Path

# The section of scripts/bench/README.md that a whole run replaces.
BEGIN = "<!-- latest run: written by scripts/bench/run.py, do not edit by hand -->"
END = "<!-- end of latest run -->"


def _ms(r: dict, key: str) -> str:
    return f"{r[key]:.1f}" if r["rps"] else "n/a"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _over(a: dict, b: dict, key: str) -> float | None:
    return a[key] / b[key] if a["rps"] and b["rps"] and b[key] else None


def _console(results: dict) -> None:
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


def _all(results: dict) -> list[str]:
    lines = [
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | queries | bytes | ratio | floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['rps']:,.0f} | {_ms(r, 'p50_ms')} | {_ms(r, 'p95_ms')} | "
            f"{_ms(r, 'p99_ms')} | {r['queries']} | {r['bytes']:,} | {_ratio(r['ratio'])} | "
            f"{r['floor'] or '—'} |"
        )
    return lines


def _beside(results: dict, reference: str, names: tuple[str, ...]) -> list[str]:
    """Latency ratios > 1 mean slower than the reference; the req/s ratio < 1 likewise."""
    rows = [name for name in names if name in results]
    if reference not in results or not rows:
        return []
    ref = results[reference]
    lines = [
        f"Beside {reference} (p50 {_ms(ref, 'p50_ms')} ms, p95 {_ms(ref, 'p95_ms')} ms):",
        "",
        "| endpoint | p50 ms | p95 ms | p50 ratio | p95 ratio | req/s ratio | queries |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in rows:
        r = results[name]
        lines.append(
            f"| {name} | {_ms(r, 'p50_ms')} | {_ms(r, 'p95_ms')} | "
            f"{_ratio(_over(r, ref, 'p50_ms'))} | {_ratio(_over(r, ref, 'p95_ms'))} | "
            f"{_ratio(_over(r, ref, 'rps'))} | {r['queries']} |"
        )
    return lines


def _writes(writes: dict, server: str) -> list[str]:
    lines = [
        f"Parallel writes ({server}): {writes['batch']} submits of {writes['batch']} different "
        "tasks through the API, all at once against one after another; medians of "
        f"{len(writes['rounds'])} rounds, each on fresh tasks.",
        "",
        "| writes | req/s | p50 ms | slowest ms |",
        "|---|---:|---:|---:|",
    ]
    for mode in ("sequential", "parallel"):
        r = writes[mode]
        lines.append(f"| {mode} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['max_ms']:.1f} |")
    per_round = ", ".join(
        f"{r['parallel']['rps'] / r['sequential']['rps']:.2f}" for r in writes["rounds"]
    )
    lines += [
        "",
        f"Ratio parallel / sequential, the median of the rounds' own: **{writes['ratio']:.2f}** "
        f"(rounds: {per_round}).",
    ]
    lines.append("")
    waits = writes["parallel_lock_waits"]
    named = ", ".join(f"{key} {count}" for key, count in sorted(waits.items())) or "none"
    lines.append(
        f"Waiting locks seen in the parallel batches, by lock type and table, over "
        f"{writes['parallel_samples']} samples (one per 20 ms): {named}."
    )
    return lines


def _span(values: list[float]) -> str:
    return f"{min(values):.2f}" if len(values) == 1 else f"{min(values):.2f}–{max(values):.2f}"


def _targets(results: dict, reference: str, writes: dict | None) -> list[str]:
    """Each target of the README's Speed section with the lowest and highest of its rows."""

    def rows(pattern: str, exclude: str = "$^") -> list[dict]:
        return [
            r
            for name, r in results.items()
            if re.search(pattern, name) and not re.search(exclude, name) and r["floor"]
        ]

    checks = [
        ("sector-data pull >= 0.8 of hand-written", rows(f"^{re.escape(reference)}$"), 0.8, None),
        (
            "other API lists >= 0.5 of their own floors",
            rows(r"^API ", rf"cached|304|^{re.escape(reference)}$"),
            0.5,
            None,
        ),
        (
            "cached public reads >= 0.5 of plain Django, p99 < 50 ms",
            rows(r" cached$| 304$"),
            0.5,
            50.0,
        ),
        ("uncached pages >= 1.0 of a bare template", rows(r"^page .* fresh$"), 1.0, None),
    ]
    lines = ["| target | this run | met |", "|---|---|---|"]
    for label, measured, floor, p99 in checks:
        ratios = [r["ratio"] for r in measured]
        if not ratios:
            continue
        met = all(x is not None and x >= floor for x in ratios)
        shown = "n/a" if None in ratios else _span(ratios)
        if p99 is not None:
            worst = max(r["p99_ms"] for r in measured)
            met = met and worst < p99
            shown += f", p99 <= {worst:.1f} ms"
        lines.append(f"| {label} | {shown} | {'yes' if met else '**no**'} |")
    if writes is not None:
        met = "yes" if writes["ratio"] >= writes["target"] else "**no**"
        lines.append(
            f"| parallel writes >= {writes['target']} of sequential | {writes['ratio']:.2f} "
            f"| {met} |"
        )
    return lines


def print_tables(
    results: dict,
    *,
    title: str,
    reference: str,
    beside: tuple[str, ...],
    writes: dict | None = None,
    write_server: str = "",
) -> str:
    """Print the run; return it as Markdown (what write_readme keeps)."""
    print(f"\n{title}")
    if results:
        _console(results)
    parts = []
    if results:
        parts += [_all(results), _beside(results, reference, beside)]
    if writes is not None:
        parts.append(_writes(writes, write_server))
    parts.append(_targets(results, reference, writes))
    text = "\n\n".join("\n".join(lines) for lines in parts if lines)
    print(f"\n{text}")
    return f"{title}\n\n{text}"


def write_readme(path: Path, text: str) -> None:
    """Replace the latest-run section of the bench README with this run."""
    readme = path.read_text()
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    path.write_text(f"{readme[:start]}\n\n{text}\n\n{readme[end:]}")
