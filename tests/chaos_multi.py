"""The chaos run with several workers and several API processes behind one address.

    .venv/bin/python -m tests.chaos --workers 2 --apis 2 --tickets 40 --burst-tickets 40

Everything is its own process, as in production: the Temporal dev server (on a file),
``hotline worker`` × N and ``hotline api`` × N sharing one port (HOTLINE_API_REUSE_PORT),
all on a fresh PostgreSQL database reached through a proxy that cuts it off. First the
API processes are checked for one truth (tests/chaos_shared_state.py); then tickets live
while a worker, an API process and the server are SIGKILLed in turn and the database is
cut off, every intake and action sent twice at once with one Idempotency-Key; then dense
bursts through a worker's SIGKILL, an API's, a worker frozen with SIGSTOP while the other
takes its tickets over (its late writes must meet the read model's fence) and the
server's SIGKILL; and every timeline is compared with its history event by event.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

import httpx
from temporalio.client import Client

from hotline.database import create_engine, session_factory
from startup.devstack import prepare_database
from tests.chaos import ChaosRun, chaos_headers, drive
from tests.chaos_driver import Figures
from tests.chaos_processes import ApiProcesses, DevServer, Fleet, until_polling
from tests.chaos_shared_state import shared_state_problems
from tests.support.keys import TEST_ENCRYPTION_KEYS
from tests.support.read_model import (
    drop_postgres_database,
    fresh_postgres_database,
    postgres_url,
)
from tests.support.stack import binary, free_port
from tests.support.waiting import eventually

# Longer than a workflow task's timeout (10 s): the frozen worker's tasks are given to the
# other worker, which replays them and publishes before the frozen one wakes up.
STALL_SECONDS = 15.0


class MultiChaosRun(ChaosRun):
    BURST_CRASHES = ("worker", "api", "stall", "server")

    def __init__(self, data: Path, database_url: str, workers: int, apis: int) -> None:
        super().__init__(data, database_url, twins=True)
        self.server = DevServer(self.temporal_port, data)
        self.base_url = f"http://127.0.0.1:{free_port()}"
        settings = self.settings
        environment = {
            **os.environ,
            "HOTLINE_TEMPORAL_ADDRESS": settings.temporal_address,
            "HOTLINE_TASK_QUEUE": settings.task_queue,
            "DATABASE_URL": self.database_url,  # through the proxy
            "HOTLINE_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
            "HOTLINE_JWT_SECRET": settings.resolved_jwt_secret(),
            "HOTLINE_DATA_DIR": str(data),
            "HOTLINE_NOTIFY_SENDERS": "database",
            "HOTLINE_TICKET_PREFIX": settings.ticket_prefix,
            "HOTLINE_ANSWER_TIMEOUT_SECONDS": str(settings.answer_timeout_seconds),
            "HOTLINE_LOG_FORMAT": "json",  # the request logs say which process served what
        }
        self.workers = Fleet("worker", [binary("hotline"), "worker"], environment, data, workers)
        shared_port = {
            "HOTLINE_API_HOST": "127.0.0.1",
            "HOTLINE_API_PORT": self.base_url.rpartition(":")[2],
            "HOTLINE_API_REUSE_PORT": "true",
        }
        self.apis = ApiProcesses(
            "api", [binary("hotline"), "api"], {**environment, **shared_port}, data, apis
        )
        self._turns = {"worker": 0, "api": 0}

    def victim(self, fleet: Fleet) -> int:
        """Each kill takes the next process of the fleet in turn."""
        self._turns[fleet.name] += 1
        return self._turns[fleet.name] % len(fleet.processes)

    # -- the moving parts, each its own process --------------------------------------

    async def start_server(self) -> None:
        await self.server.start()

    async def stop_server(self) -> None:
        self.server.kill()

    def temporal_client(self) -> Client:
        assert self.server.client is not None
        return self.server.client

    async def supervise_worker(self) -> None:
        def keep_going() -> bool:
            return self.keep_worker

        await asyncio.gather(self.workers.supervise(keep_going), self.apis.supervise(keep_going))

    def stop_everything(self) -> None:
        self.workers.stop_all()
        self.apis.stop_all()
        self.server.kill()

    # -- the failures ------------------------------------------------------------------

    async def storm(
        self, rounds: int, http: httpx.AsyncClient, agent: dict[str, str], probe_ticket: str
    ) -> None:
        # The storm's sleeps are its script, as in ChaosRun.storm: nothing is waited for.
        for round_no in range(rounds):
            await asyncio.sleep(1.5)
            kind = round_no % 4
            if kind == 0:
                self.workers.kill(self.victim(self.workers))
            elif kind == 1:
                self.apis.kill(self.victim(self.apis))
            elif kind == 2:
                self.server.kill()
                self.figures.server_restarts += 1
                await self.probe_unavailable(http, agent, probe_ticket)
                await asyncio.sleep(1.0)
                await self.server.start()
            elif self.proxy is not None:
                await self.proxy.pause()
                self.figures.database_outages += 1
                await asyncio.sleep(3.0)
                await self.proxy.start()

    async def probe_unavailable(
        self, http: httpx.AsyncClient, agent: dict[str, str], probe_ticket: str
    ) -> None:
        """While Temporal is down, whichever API process answers says so."""

        async def answered() -> httpx.Response | None:
            try:
                return await http.get(f"/v1/tickets/{probe_ticket}", headers=agent)
            except httpx.TransportError:  # a kept-alive connection to a killed API process
                return None

        answer = await eventually(answered, within=30, every=0.2)
        assert answer.status_code == 503, answer.text
        assert answer.json()["error"]["code"] == "temporal_unavailable", answer.text
        self.figures.answered_503["temporal_unavailable (probe)"] += 1

    async def crash_and_recover(self, crash: str) -> None:
        """Scripted: one second in, a worker, an API process or the server is SIGKILLed and
        stays down six seconds, or a worker is frozen for STALL_SECONDS."""
        await asyncio.sleep(1.0)
        if crash == "worker":
            self.workers.kill(self.victim(self.workers), down_for=6.0)
            await asyncio.sleep(6.0)
        elif crash == "api":
            self.apis.kill(self.victim(self.apis), down_for=6.0)
            await asyncio.sleep(6.0)
        elif crash == "stall":
            slot = self.victim(self.workers)
            self.workers.stall(slot)
            await asyncio.sleep(STALL_SECONDS)
            self.workers.resume(slot)
        else:
            self.server.kill()
            self.figures.server_restarts += 1
            await asyncio.sleep(6.0)
            await self.server.start()


async def run_multi_chaos(
    tickets: int,
    rounds: int,
    database_url: str,
    burst_tickets: int = 0,
    per_ticket: int = 10,
    workers: int = 2,
    apis: int = 2,
) -> tuple[Figures, list[str]]:
    """The figures, and what differed from one truth across the API processes."""
    assert database_url.startswith("postgresql"), "the database outage needs PostgreSQL"
    assert workers >= 2 and apis >= 2, "one truth across processes needs two of each"
    data = Path(tempfile.mkdtemp(prefix="hotline-chaos-multi-"))
    chaos = MultiChaosRun(data, database_url, workers, apis)
    started = time.monotonic()
    assert chaos.proxy is not None
    await chaos.proxy.start()
    await prepare_database(chaos.settings, demo=True)
    engine = create_engine(database_url)  # the test's own way in, for an account
    await chaos.start_server()
    chaos.workers.start_all()
    chaos.apis.start_all()
    supervisor = asyncio.create_task(chaos.supervise_worker())
    headers = chaos_headers(chaos.settings.resolved_jwt_secret())
    try:
        pids = [pid for slot in range(workers) if (pid := chaos.workers.pid(slot)) is not None]
        await until_polling(chaos.temporal_client(), chaos.settings.task_queue, pids)
        problems = await shared_state_problems(
            chaos.apis, chaos.base_url, chaos.temporal_client(), session_factory(engine), headers
        )
        async with httpx.AsyncClient(base_url=chaos.base_url, timeout=30) as http:
            await drive(chaos, http, headers, tickets, rounds, burst_tickets, per_ticket)
    finally:
        chaos.keep_worker = False
        await supervisor
        chaos.stop_everything()
        await chaos.proxy.pause()
        await engine.dispose()
    figures = chaos.figures
    figures.worker_kills, figures.worker_restarts = chaos.workers.kills, chaos.workers.starts
    figures.worker_stalls = chaos.workers.stalls
    figures.api_kills, figures.api_restarts = chaos.apis.kills, chaos.apis.starts
    figures.seconds = round(time.monotonic() - started, 1)
    print(f"logs in {data}")
    return figures, problems


async def _on_a_fresh_database(*arguments: int) -> tuple[Figures, list[str]]:
    fresh = await fresh_postgres_database()
    assert fresh is not None, f"no PostgreSQL answers at {postgres_url()}"
    try:
        tickets, rounds, burst_tickets, per_ticket, workers, apis = arguments
        return await run_multi_chaos(
            tickets, rounds, fresh[0], burst_tickets, per_ticket, workers, apis
        )
    finally:
        await drop_postgres_database(fresh[1])


def main_multi(*arguments: int) -> None:
    """The bench: a fresh database on TEST_POSTGRES_URL's server, dropped afterwards."""
    figures, problems = asyncio.run(_on_a_fresh_database(*arguments))
    for line in problems:
        print(f"one truth broken: {line}")
    for name, value in vars(figures).items():
        print(f"{name:>24}: {value}")
    print(f"{'shared_state_problems':>24}: {len(problems)}")
