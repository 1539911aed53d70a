"""The http section of bench/RESULTS.md, from the figures bench/wire.py keeps.

The figures are kept in bench/results/http.json, tracked, so that a new machine (where
bench/data/ starts empty) adds its runs to the earlier ones instead of erasing them from
RESULTS.md; each run names the machine it was measured on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.run import machine, write_section

RAW = Path(__file__).resolve().parent / "results" / "http.json"
GOAL_RATIO = 0.25
GOAL_P95_MS = 600.0


def _ms(value: float | None) -> str:
    return "–" if value is None else (f"{value:.0f}" if value >= 100 else f"{value:.1f}")


def _latency(figures: dict[str, Any]) -> str:
    # wrk leaves a request that took longer than its timeout out of the latencies.
    if not figures["p50"]:
        return "all > 2 s" if figures["timeouts"] else "–"
    return " / ".join(_ms(figures[k]) for k in ("p50", "p95", "p99"))


def _failures(figures: dict[str, Any]) -> str:
    return f"{figures['timeouts']} / {figures['errors']}"


def verdict(row: dict[str, Any]) -> str:
    """The issue's goals: ratio ≥ 0.25 at 8 connections; at 50, no failure and p95 ≤ 600 ms."""
    if row.get("bare"):
        return "–"
    low, high = row["by_connections"]["8"], row["by_connections"]["50"]
    missed = []
    if (low["ratio"] or 0) < GOAL_RATIO:
        missed.append("ratio")
    if high["timeouts"] or high["errors"] or low["timeouts"] or low["errors"]:
        missed.append("failures")
    if high["p95"] is None or high["p95"] > GOAL_P95_MS:
        missed.append("p95")
    return "met" if not missed else "NOT met (" + ", ".join(missed) + ")"


def data_table(result: dict[str, Any]) -> list[str]:
    """One data set's figures as a Markdown table."""
    lines = [
        "| page | KB | req/s @8 | ratio @8 | p50 / p95 / p99 ms @8 | CPU ms/req | "
        "req/s @50 | ratio @50 | p50 / p95 / p99 ms @50 | timeouts / errors @8, @50 | goals |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in result["rows"]:
        low, high = row["by_connections"]["8"], row["by_connections"]["50"]
        ratio8 = "1" if row.get("bare") else f"{low['ratio']:.3f}"
        ratio50 = "1" if row.get("bare") else f"{high['ratio']:.3f}"
        lines.append(
            f"| {row['name']} | {row['bytes'] / 1024:.1f} | {low['rps']:.1f} | {ratio8} | "
            f"{_latency(low)} | {_ms(low['cpu_ms'])} | {high['rps']:.1f} | {ratio50} | "
            f"{_latency(high)} | {_failures(low)}, {_failures(high)} | {verdict(row)} |"
        )
    return lines


def write_results(raw: dict[str, dict[str, Any]]) -> None:
    """Rewrite the http section from every label and data set measured so far."""
    runs = [result for by_data in raw.values() for result in by_data.values()]
    # The machine of the first run heads the section; a run measured elsewhere says so.
    first = next((r["machine"] for r in runs if r.get("machine")), None) or machine()
    lines = [
        "## Over the wire: gunicorn and wrk against a bare Django page (bench/wire.py)",
        "",
        f"Machine: {first}. Shared with other work while measured: absolute figures are "
        "noisy, the ratios to the bare page (measured alternately in the same run) less so.",
        "",
        "Both servers run README's production command with the same settings, `gunicorn "
        "<app>.wsgi --workers 2 --bind 127.0.0.1:PORT` (sync workers). The product runs with "
        "README's production environment (`JINMU_PRODUCTION=true`, `DEBUG` off, collected "
        "static files served by WhiteNoise, Redis as the cache, behind a TLS proxy: the load "
        "sends `X-Forwarded-Proto: https`), signed in as `industry` through the login form; the "
        "API lists with an API token. The bare page (bench/http_bare) renders 50 rows from "
        "one indexed query of a 300,000-row table on the same database engine, with Django's "
        "security, common and clickjacking middleware and no session. wrk (`--latency`, its "
        "default 2 s timeout) loads bare, page, bare, page, … for a few seconds each at 8 and "
        "50 connections; a page's ratio is its requests/s over the mean of the bare runs just "
        "before and after it; each figure is the median over the rounds, timeouts and errors "
        "(non-2xx, socket errors) are summed over them; before each run the script waits until "
        "the server is idle (the requests wrk left queued answered). CPU ms/req: CPU time "
        "(user + system) "
        "of the two gunicorn workers during the 8-connection run, from /proc, per request "
        "answered. KB: the body of one response. Goals (issue 11): ratio ≥ "
        f"{GOAL_RATIO} at 8 connections; at 50, no failed or timed-out request and p95 ≤ "
        f"{GOAL_P95_MS:.0f} ms. wrk keeps every connection busy, so at 50 connections a "
        "request queues behind the others (latency ≈ 50 / requests per second): p95 ≤ 600 ms "
        "asks for about 85 requests/s, which the bare page itself barely reaches on this "
        "shared machine.",
        "",
    ]
    for label, results in raw.items():
        for result in results.values():
            rss = ", ".join(f"{v:.0f}" for v in result.get("worker_rss_mib", []))
            elsewhere = result.get("machine", first)
            on = "" if elsewhere == first else f" Machine: {elsewhere}."
            lines += [
                f"### {label}: {result['describe']}",
                "",
                f"Run {result['when']}, source `{result['src']}`, {result['rounds']} rounds of "
                f"{result['duration']} s per run; workers held {rss} MiB after the load.{on}",
                "",
                *data_table(result),
                "",
            ]
    write_section("http", lines)
