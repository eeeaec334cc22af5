"""The benchmark: one run, one machine, every figure of the performance targets.

    .venv/bin/python -m bench.run                # defaults below, a few minutes
    .venv/bin/python -m bench.run --lives 400 --storm 2000 --rows 100000

Phases, on one dev server with ``hotline worker`` and ``hotline api`` as processes:
1. full ticket lives over HTTP at a concurrency (lives/s, latency per endpoint, CPU);
2. the bare engine: the same number of four-update lives of a minimal workflow with no
   activities, driven straight through the Temporal client — and the ratio ours / bare;
3. creation latency at a steady 10 creations a second;
4. a timer storm: N tickets whose deadlines fall in the same second;
5. the bare storm: N minimal workflows whose timers fire in the same second, each doing
   one local activity and one search-attribute upsert — and the ratio of the two storms;
6. open-ticket scale: worker RSS, history size per ticket, list latency with N rows.
It prints a table and writes JSON under bench/results/. It measures; it never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.bare_engine import one_bare_life, start_worker_process
from bench.bare_storm import measure_bare_storm
from bench.open_tickets import measure_open_tickets
from bench.stack import ROOT, cpu_seconds, machine, proc_status, running_stack
from bench.ticket_lives import measure_creation_rate, measure_lives, run_concurrently
from bench.timer_storm import measure_storm

TARGETS = {
    "lives_per_second": ">= 10",
    "ratio_to_bare_engine": ">= 0.7",
    "creation_p99_ms_at_10_per_second": "< 100",
    "storm_10000_escalated_within_s": "<= 60",
    "worker_rss_mib_at_100000_open": "< 1024",
    "list_p99_ms_at_100000_rows": "< 100",
}


async def measure_bare(stack: Any, lives: int, concurrency: int) -> dict[str, Any]:
    task_queue = f"bare-{uuid.uuid4().hex[:6]}"
    worker = start_worker_process(stack.address, task_queue)
    try:
        await asyncio.sleep(2)  # the worker polls
        if worker.poll() is not None:
            raise SystemExit("the bare engine's worker did not start")
        await asyncio.wait_for(one_bare_life(stack.temporal, task_queue), 30)  # warm-up
        before = {"server": stack.cpu()["server"], "worker": cpu_seconds(worker.pid)}
        driver_before = time.process_time()
        elapsed = await run_concurrently(
            lives, concurrency, lambda: one_bare_life(stack.temporal, task_queue)
        )
        cpu = {
            "server": stack.cpu()["server"] - before["server"],
            "worker": cpu_seconds(worker.pid) - before["worker"],
            "load_generator": time.process_time() - driver_before,
        }
        return {
            "lives": lives,
            "concurrency": concurrency,
            "lives_per_second": round(lives / elapsed, 2),
            "cpu_ms_per_life": {name: round(1000 * value / lives) for name, value in cpu.items()},
            "worker_peak_rss_mib": proc_status(worker.pid, "VmHWM"),
        }
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def done(phase: str, figures: dict[str, Any]) -> dict[str, Any]:
    """Each phase's figures as soon as it ends, so a run cut short still tells them."""
    print(f"[{phase}] {json.dumps(figures, ensure_ascii=False)}", flush=True)
    return figures


async def run(arguments: argparse.Namespace) -> dict[str, Any]:
    async with running_stack(arguments.database_url) as stack:
        lives = done("lives", await measure_lives(stack, arguments.lives, arguments.concurrency))
        bare = done(
            "bare engine", await measure_bare(stack, arguments.lives, arguments.concurrency)
        )
        creation = done("creation", await measure_creation_rate(stack, rate=10, seconds=10))
        storm = await measure_storm(stack, arguments.storm, arguments.concurrency)
        numbers = storm.pop("ticket_numbers")
        done("timer storm", storm)
        bare_storm = done(
            "bare storm", await measure_bare_storm(stack, arguments.storm, arguments.concurrency)
        )
        scale = done(
            "open tickets",
            await measure_open_tickets(stack, numbers, arguments.rows, repeats=100),
        )
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "read_model": stack.settings.resolved_database_url().split(":", 1)[0],
            "targets": TARGETS,
            "lives": lives,
            "bare_engine": bare,
            "ratio_to_bare_engine": round(lives["lives_per_second"] / bare["lives_per_second"], 2),
            "creation_at_10_per_second": creation,
            "timer_storm": storm,
            "bare_storm": bare_storm,
            "storm_ratio_to_bare": round(
                bare_storm["seconds_until_all_upserted"]
                / storm["seconds_until_all_escalated_and_overdue"],
                2,
            ),
            "open_tickets": scale,
            "peak_rss_mib": {name: proc_status(pid, "VmHWM") for name, pid in stack.pids.items()},
        }


def print_table(r: dict[str, Any]) -> None:
    lives, storm, scale = r["lives"], r["timer_storm"], r["open_tickets"]
    print(f"hotline benchmark — {r['machine']}, read model {r['read_model']}, {r['when']}")
    print(
        f"  lives over HTTP: {lives['lives_per_second']}/s ({lives['lives']} at concurrency "
        f"{lives['concurrency']}); bare engine {r['bare_engine']['lives_per_second']}/s; "
        f"ratio {r['ratio_to_bare_engine']}"
    )
    print(f"  {'endpoint':<8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, figures in lives["latency_ms"].items():
        print(f"  {name:<8} {figures['p50']:>8} {figures['p95']:>8} {figures['p99']:>8}")
    print(f"  CPU ms per life: {lives['cpu_ms_per_life']}")
    print(f"  history events per plain closed life: {lives['history_events_per_closed_life']}")
    print(f"  bare engine CPU ms per life: {r['bare_engine']['cpu_ms_per_life']}")
    creation = r["creation_at_10_per_second"]
    print(f"  creation at 10/s: p50 {creation['p50_ms']} ms, p99 {creation['p99_ms']} ms")
    print(
        f"  timer storm: {storm['tickets']} deadlines in one second → all escalated and "
        f"overdue after {storm['seconds_until_all_escalated_and_overdue']} s; bare storm "
        f"{r['bare_storm']['seconds_until_all_upserted']} s; ratio {r['storm_ratio_to_bare']}"
    )
    print(
        f"  open tickets: {scale['open_tickets']} open, worker RSS "
        f"{scale['worker_rss_mib']} MiB (peak {scale['worker_peak_rss_mib']}), history "
        f"{scale['history']['events_mean']} events / {scale['history']['bytes_mean']} bytes"
    )
    for label, key in (
        ("", "list_latency"),
        (f" at {scale['read_model_rows']} rows", "list_latency_at_rows"),
    ):
        figures = ", ".join(f"{n} p99 {v['p99_ms']} ms" for n, v in scale[key].items())
        print(f"  list{label}: {figures}")
    print(f"  peak RSS MiB: {r['peak_rss_mib']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lives", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--storm", type=int, default=500, help="tickets in the timer storm")
    parser.add_argument("--rows", type=int, default=100_000, help="read-model rows for lists")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    arguments = parser.parse_args()
    result = asyncio.run(run(arguments))
    print_table(result)
    arguments.out.mkdir(parents=True, exist_ok=True)
    path = arguments.out / f"bench-{result['when'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"  written to {path}")


if __name__ == "__main__":
    main()
