"""Chaos run: tickets live their lives while the worker, Temporal and the database fail.

    .venv/bin/python -m tests.chaos --tickets 20 --rounds 6

Drives a batch of tickets over HTTP (create → sign → reply → rating) while, round after
round, it kills the worker with SIGKILL, restarts the Temporal dev server on its SQLite
file, and cuts the read model's database off (PostgreSQL behind a proxy it pauses).
A supervisor restarts a worker that dies, as a process manager would. Afterwards it
checks that every ticket closed as rated, that each action is in the workflow's
history and in the read model exactly once, and that no workflow task failed. Prints
the figures; ``tests/test_chaos.py`` runs a small batch in CI.

Then a dense burst: many concurrent progress reports over signed tickets while the worker
is SIGKILLed (and kept down for a while), then again while the Temporal server is killed.
Every ticket's timeline in the read model is compared, event by event, with the timeline
its Temporal history implies: the history is replayed and every publication the workflow
makes during the replay is captured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy.engine.url import make_url
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from hotline.request_context import RequestContextInterceptor
from hotline.settings import Settings
from hotline.tokens import issue_token
from schema.search_attributes import ALL_KEYS
from schema.ticket import Role
from startup.asgi import create_app
from startup.devstack import prepare_database
from tests.chaos_driver import Figures, TicketDriver
from tests.chaos_history import audit_lives, compare_timelines
from tests.chaos_proxy import PausableProxy
from tests.support.keys import TEST_CONVERTER, TEST_ENCRYPTION_KEYS
from tests.support.stack import SERVER_STARTUP, asgi_client, binary, free_port


class ChaosRun(TicketDriver):
    BURST_CRASHES: tuple[str, ...] = ("worker", "server")

    def __init__(self, data: Path, database_url: str | None, twins: bool = False) -> None:
        super().__init__(twins)
        self.data = data
        self.temporal_port = free_port()
        self.proxy: PausableProxy | None = None
        self.database_url = database_url or f"sqlite+aiosqlite:///{data / 'hotline.db'}"
        if self.database_url.startswith("postgresql"):
            url = make_url(self.database_url)
            self.proxy = PausableProxy(url.host or "127.0.0.1", url.port or 5432)
            self.database_url = url.set(host="127.0.0.1", port=self.proxy.port).render_as_string(
                hide_password=False
            )
        self.settings = Settings(
            data_dir=data,
            database_url=self.database_url,
            jwt_secret="chaos-" * 8,
            encryption_keys=TEST_ENCRYPTION_KEYS,
            task_queue="chaos",
            temporal_address=f"127.0.0.1:{self.temporal_port}",
            ticket_prefix="X",
            answer_timeout_seconds=5.0,
            notify_senders="database",
        )
        self.env: WorkflowEnvironment | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.keep_worker = True
        self.worker_down_until = 0.0  # the supervisor waits till then to restart it

    # -- the moving parts ---------------------------------------------------------

    async def start_server(self) -> None:
        self.env = await WorkflowEnvironment.start_local(
            port=self.temporal_port,
            search_attributes=ALL_KEYS,
            data_converter=TEST_CONVERTER,
            interceptors=[RequestContextInterceptor()],
            dev_server_existing_path=binary("temporal"),
            dev_server_log_level="error",
            dev_server_database_filename=str(self.data / "temporal.db"),
            dev_server_startup_timeout=SERVER_STARTUP,
        )

    async def stop_server(self) -> None:
        if self.env is not None:
            await self.env.shutdown()
            self.env = None

    def start_worker(self) -> None:
        environment = {
            **os.environ,
            "HOTLINE_TEMPORAL_ADDRESS": self.settings.temporal_address,
            "HOTLINE_TASK_QUEUE": self.settings.task_queue,
            "DATABASE_URL": self.database_url,
            "HOTLINE_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
            "HOTLINE_DATA_DIR": str(self.data),
            "HOTLINE_NOTIFY_SENDERS": "database",
            "HOTLINE_LOG_FORMAT": "json",
        }
        log = (self.data / f"worker-{self.figures.worker_restarts}.log").open("wb")
        self.worker = subprocess.Popen(
            [binary("hotline"), "worker"], env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        self.figures.worker_restarts += 1

    def kill_worker(self, *, counted: bool = True) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait()
            self.figures.worker_kills += counted

    async def supervise_worker(self) -> None:
        """Restart a worker that is gone, as systemd or Kubernetes would."""
        while self.keep_worker:
            gone = self.worker is None or self.worker.poll() is not None
            if gone and time.monotonic() >= self.worker_down_until:
                self.start_worker()
            await asyncio.sleep(0.5)  # a process manager's watch period; it runs till stopped

    # -- the storm ------------------------------------------------------------------

    async def storm(
        self, rounds: int, http: httpx.AsyncClient, agent: dict[str, str], probe_ticket: str
    ) -> None:
        # The storm's sleeps are its script: how long the system runs between failures and
        # how long an outage lasts. Nothing is waited for.
        for round_no in range(rounds):
            await asyncio.sleep(1.5)
            kind = round_no % 3
            if kind == 0:
                self.kill_worker()
            elif kind == 1:
                await self.stop_server()
                self.figures.server_restarts += 1
                # While Temporal is down, the API says so instead of failing.
                answer = await http.get(f"/v1/tickets/{probe_ticket}", headers=agent)
                assert answer.status_code == 503, answer.text
                assert answer.json()["error"]["code"] == "temporal_unavailable", answer.text
                self.figures.answered_503["temporal_unavailable (probe)"] += 1
                await asyncio.sleep(1.0)
                await self.start_server()
            elif self.proxy is not None:
                await self.proxy.pause()
                self.figures.database_outages += 1
                await asyncio.sleep(3.0)
                await self.proxy.start()

    # -- the dense burst ------------------------------------------------------------------

    async def burst(
        self,
        http: httpx.AsyncClient,
        headers: dict[str, dict[str, str]],
        numbers: list[str],
        per_ticket: int,
        crash: str,
    ) -> None:
        """``per_ticket`` concurrent progress reports on every ticket; one second in, the
        worker (or the Temporal server) is SIGKILLed and comes back six seconds later."""

        async def report(no: str, n: int) -> None:
            await self.call(
                http,
                "POST",
                f"/v1/tickets/{no}/progress",
                headers["lead"],
                {"content": f"{no} progress {crash}-{n}"},
                {"Idempotency-Key": f"{no}-{crash}-{n}"},
                expect_status="handling",
                ticket_no=no,
                settled_when_refused=False,
            )

        reports = [report(no, n) for n in range(per_ticket) for no in numbers]
        await asyncio.gather(self.crash_and_recover(crash), *reports)
        self.figures.burst_actions += len(reports)

    async def crash_and_recover(self, crash: str) -> None:
        """Scripted: one second in, the worker (or the server) is killed, six seconds down."""
        await asyncio.sleep(1.0)
        if crash == "worker":
            self.worker_down_until = time.monotonic() + 6.0
            self.kill_worker()
            await asyncio.sleep(6.0)
        else:
            await self.stop_server()
            self.figures.server_restarts += 1
            await asyncio.sleep(6.0)
            await self.start_server()

    # -- the audit ----------------------------------------------------------------------

    def temporal_client(self) -> Client:
        assert self.env is not None
        return self.env.client

    async def audit(
        self, numbers: list[str], http: httpx.AsyncClient, agent: dict[str, str]
    ) -> None:
        lost, repeated, failures = await audit_lives(self.temporal_client(), numbers, http, agent)
        self.figures.lost_actions += lost
        self.figures.repeated_actions += repeated
        self.figures.workflow_task_failures += failures

    async def compare_timelines(
        self, numbers: list[str], http: httpx.AsyncClient, agent: dict[str, str]
    ) -> list[str]:
        """Each ticket's read-model timeline against the one its history implies; returns
        the differences, one line each."""
        found = await compare_timelines(self.temporal_client(), numbers, http, agent)
        self.figures.workflow_task_failures += found.task_failures
        self.figures.workflow_task_timeouts = found.task_timeouts
        self.figures.replay_ran_earlier = found.replay_ran_earlier
        self.figures.timeline_differences = len(found.differences)
        return found.differences


def chaos_headers(secret: str) -> dict[str, dict[str, str]]:
    """The agent's and the lead department's bearer tokens."""
    lead = issue_token(secret, Role.DEPARTMENT, sub="chaos", department="urban-management")
    return {
        "agent": {"Authorization": f"Bearer {issue_token(secret, Role.AGENT, sub='chaos')}"},
        "lead": {"Authorization": f"Bearer {lead}"},
    }


async def drive(
    chaos: ChaosRun,
    http: httpx.AsyncClient,
    headers: dict[str, dict[str, str]],
    tickets: int,
    rounds: int,
    burst_tickets: int,
    per_ticket: int,
) -> None:
    """The lives through the storm, their audit, then the bursts and the comparison."""
    probe = await chaos.live(http, headers, f"probe-{uuid.uuid4()}")
    span = rounds * 2.5  # roughly how long the storm lasts
    lives = asyncio.gather(
        *(
            chaos.live(
                http,
                headers,
                f"chaos-{n}-{uuid.uuid4()}",
                start_after=span * n / (2 * tickets),
                step_gap=span / 6,
            )
            for n in range(tickets)
        )
    )
    storm = asyncio.create_task(chaos.storm(rounds, http, headers["agent"], probe))
    numbers = await lives
    await storm
    chaos.figures.tickets = len(numbers) + 1
    await chaos.audit([probe, *numbers], http, headers["agent"])
    if burst_tickets:
        signed = await chaos.signed_tickets(http, headers, burst_tickets)
        for crash in chaos.BURST_CRASHES:
            await chaos.burst(http, headers, signed, per_ticket, crash)
        chaos.figures.burst_tickets = len(signed)
        differences = await chaos.compare_timelines(
            [probe, *numbers, *signed], http, headers["agent"]
        )
        for line in differences[:20]:
            print(line)


async def run_chaos(
    tickets: int,
    rounds: int,
    database_url: str | None,
    burst_tickets: int = 0,
    per_ticket: int = 10,
) -> Figures:
    data = Path(tempfile.mkdtemp(prefix="hotline-chaos-"))
    chaos = ChaosRun(data, database_url)
    started = time.monotonic()
    if chaos.proxy is not None:
        await chaos.proxy.start()
    await prepare_database(chaos.settings, demo=True)
    await chaos.start_server()
    supervisor = asyncio.create_task(chaos.supervise_worker())
    app = create_app(chaos.settings)  # the API connects by itself, and reconnects
    headers = chaos_headers(chaos.settings.resolved_jwt_secret())
    try:
        async with asgi_client(app, timeout=30) as http:
            await drive(chaos, http, headers, tickets, rounds, burst_tickets, per_ticket)
    finally:
        chaos.keep_worker = False
        await supervisor
        chaos.kill_worker(counted=False)
        await chaos.stop_server()
        if chaos.proxy is not None:
            await chaos.proxy.pause()
    chaos.figures.seconds = round(time.monotonic() - started, 1)
    return chaos.figures


def main() -> None:
    parser = argparse.ArgumentParser(description="chaos run of the ticket system")
    parser.add_argument("--tickets", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--burst-tickets", type=int, default=40)
    parser.add_argument("--per-ticket", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1, help="2 or more: each its own process")
    parser.add_argument("--apis", type=int, default=1, help="2 or more: sharing one port")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "TEST_POSTGRES_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test"
        ),
    )
    arguments = parser.parse_args()
    sizes = (arguments.tickets, arguments.rounds)
    bursts = (arguments.burst_tickets, arguments.per_ticket)
    if arguments.workers > 1 or arguments.apis > 1:
        from tests.chaos_multi import main_multi  # it builds on this module

        main_multi(*sizes, *bursts, arguments.workers, arguments.apis)
        return
    figures = asyncio.run(run_chaos(*sizes, arguments.database_url, *bursts))
    for name, value in vars(figures).items():
        print(f"{name:>24}: {value}")


if __name__ == "__main__":
    main()
