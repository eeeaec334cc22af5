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
import contextlib
import os
import signal
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine.url import make_url
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import (
    Interceptor,
    Replayer,
    StartLocalActivityInput,
    UnsandboxedWorkflowRunner,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)

from hotline.request_context import RequestContextInterceptor
from hotline.settings import Settings
from hotline.tokens import issue_token
from schema.activity_io import ActivityName, Publication
from schema.search_attributes import ALL_KEYS
from schema.ticket import Role
from startup.asgi import create_app
from startup.devstack import prepare_database
from tests.support.data import intake_json
from tests.support.keys import TEST_CONVERTER, TEST_ENCRYPTION_KEYS
from tests.support.stack import SERVER_STARTUP, asgi_client, binary, free_port
from tests.support.waiting import eventually
from workflows.ticket.workflow import TicketWorkflow

LIFE = [
    ("sign", "lead", None),
    ("reply", "lead", {"outcome": "resolved", "content": "done"}),
    ("rating", "agent", {"satisfaction": "satisfied", "solved": True}),
]
STATUS_AFTER = {"sign": "handling", "reply": "callback", "rating": "closed"}


class PausableProxy:
    """A TCP proxy to the database that can refuse and cut every connection for a while."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self.port = free_port()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._link, "127.0.0.1", self.port)

    async def pause(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._links):
            writer.close()
        self._links.clear()

    async def _link(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._target)
        except OSError:
            client_writer.close()
            return
        self._links.update({client_writer, upstream_writer})
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer), self._pipe(upstream_reader, client_writer)
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()
        self._links.discard(writer)


@dataclass
class Figures:
    tickets: int = 0
    worker_kills: int = 0
    worker_restarts: int = 0
    server_restarts: int = 0
    database_outages: int = 0
    answered_503: Counter[str] = field(default_factory=Counter)
    answered_202: int = 0
    retries: int = 0
    lost_actions: int = 0
    repeated_actions: int = 0
    workflow_task_failures: int = 0
    burst_actions: int = 0
    burst_tickets: int = 0
    timeline_differences: int = 0
    seconds: float = 0.0


class ChaosRun:
    def __init__(self, data: Path, database_url: str | None) -> None:
        self.data = data
        self.figures = Figures()
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

    # -- the tickets ------------------------------------------------------------------

    async def live(
        self,
        http: httpx.AsyncClient,
        headers: dict[str, dict[str, str]],
        key: str,
        start_after: float = 0.0,
        step_gap: float = 0.0,
    ) -> str:
        """One ticket's life, paced so that it spans the storm."""
        await asyncio.sleep(start_after)  # pacing, so that the lives span the storm
        ticket = await self.call(
            http, "POST", "/v1/tickets", headers["agent"], intake_json(), {"Idempotency-Key": key}
        )
        no: str = ticket["ticket_no"]
        for action, who, body in LIFE:
            await asyncio.sleep(step_gap)  # pacing, as above
            await self.call(
                http,
                "POST",
                f"/v1/tickets/{no}/{action}",
                headers[who],
                body,
                {"Idempotency-Key": f"{key}-{action}"},  # a retry joins the first attempt
                expect_status=STATUS_AFTER[action],
                ticket_no=no,
            )
        return no

    async def call(
        self,
        http: httpx.AsyncClient,
        method: str,
        path: str,
        headers: dict[str, str],
        body: Any,
        extra: dict[str, str] | None = None,
        expect_status: str | None = None,
        ticket_no: str | None = None,
        settled_when_refused: bool = True,
    ) -> Any:
        """Retry until the action took effect; a 409 after a 503 means it already had
        (for the steps of a life, each allowed once; not for repeatable reports)."""

        async def attempt() -> tuple[Any] | None:  # the answer, boxed: truthy even if empty
            try:
                response = await http.request(
                    method, path, json=body, headers={**headers, **(extra or {})}
                )
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code in (200, 201):
                return (response.json(),)
            refused = response is not None and response.status_code == 409
            if refused and ticket_no and settled_when_refused:
                state = await http.get(f"/v1/tickets/{ticket_no}", headers=headers)
                if state.status_code == 200 and _reached(state.json()["status"], expect_status):
                    return (state.json(),)
            if response is not None and response.status_code == 202:  # taken, not yet done:
                self.figures.answered_202 += 1  # the retry with the same key joins it
            elif response is not None and response.status_code == 503:
                self.figures.answered_503[response.json()["error"]["code"]] += 1
            elif response is not None and response.status_code != 409:
                raise AssertionError(f"{method} {path}: {response.status_code} {response.text}")
            self.figures.retries += 1
            return None

        (answer,) = await eventually(
            attempt, within=600, every=0.5, message=f"{method} {path} never succeeded"
        )
        return answer

    # -- the dense burst ------------------------------------------------------------------

    async def signed_tickets(
        self, http: httpx.AsyncClient, headers: dict[str, dict[str, str]], count: int
    ) -> list[str]:
        async def one(n: int) -> str:
            key = f"burst-{n}-{uuid.uuid4()}"
            ticket = await self.call(
                http,
                "POST",
                "/v1/tickets",
                headers["agent"],
                intake_json(),
                {"Idempotency-Key": key},
            )
            no: str = ticket["ticket_no"]
            await self.call(
                http,
                "POST",
                f"/v1/tickets/{no}/sign",
                headers["lead"],
                None,
                {"Idempotency-Key": f"{key}-sign"},
                expect_status="handling",
                ticket_no=no,
            )
            return no

        return list(await asyncio.gather(*(one(n) for n in range(count))))

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

        async def crash_and_recover() -> None:  # scripted: one second in, six seconds down
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

        reports = [report(no, n) for n in range(per_ticket) for no in numbers]
        await asyncio.gather(crash_and_recover(), *reports)
        self.figures.burst_actions += len(reports)

    # -- the audit ----------------------------------------------------------------------

    async def audit(
        self, numbers: list[str], http: httpx.AsyncClient, agent: dict[str, str]
    ) -> None:
        assert self.env is not None
        expected_updates = ["sign", "reply", "rate"]
        for no in numbers:
            handle = self.env.client.get_workflow_handle(f"ticket-{no}")
            result = await handle.result()
            assert result["closure_reason"] == "rated", result
            history = await handle.fetch_history()
            applied = _applied_updates(history)
            self.figures.lost_actions += sum(1 for a in expected_updates if a not in applied)
            self.figures.repeated_actions += len(applied) - len(set(applied))
            self.figures.workflow_task_failures += sum(
                1 for e in history.events if e.HasField("workflow_task_failed_event_attributes")
            )
            timeline = (await http.get(f"/v1/tickets/{no}/timeline", headers=agent)).json()
            recorded = [e["action"] for e in timeline["events"]]
            assert recorded == ["received", "dispatched", "signed", "replied", "rated", "closed"], (
                no,
                recorded,
            )

    async def compare_timelines(
        self, numbers: list[str], http: httpx.AsyncClient, agent: dict[str, str]
    ) -> list[str]:
        """Each ticket's read-model timeline against the one its history implies; returns
        the differences, one line each."""
        assert self.env is not None
        differences: list[str] = []
        for no in numbers:
            history = await self.env.client.get_workflow_handle(f"ticket-{no}").fetch_history()
            self.figures.workflow_task_failures += sum(
                1 for e in history.events if e.HasField("workflow_task_failed_event_attributes")
            )
            expected = await timeline_in_history(history)
            served = (await http.get(f"/v1/tickets/{no}/timeline", headers=agent)).json()
            stored = [_comparable(event) for event in served["events"]]
            for seq in range(max(len(expected), len(stored))):
                want = expected[seq] if seq < len(expected) else None
                got = stored[seq] if seq < len(stored) else None
                if not _same_event(want, got):
                    differences.append(f"{no} event {seq + 1}: history {want}, read model {got}")
            self.figures.timeline_differences = len(differences)
        return differences


class _PublicationCapture(Interceptor):
    """Records what the ticket workflow publishes while a history replays."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        capture = self

        class Outbound(WorkflowOutboundInterceptor):
            def start_local_activity(
                self, input: StartLocalActivityInput
            ) -> workflow.ActivityHandle:
                if input.activity == ActivityName.PUBLISH_TRANSITION:
                    publication = input.args[0]
                    assert isinstance(publication, Publication)
                    capture.events.extend(
                        _comparable(e.model_dump(mode="json"))
                        for e in publication.transition.events
                    )
                return super().start_local_activity(input)

        class Inbound(WorkflowInboundInterceptor):
            def init(self, outbound: WorkflowOutboundInterceptor) -> None:
                super().init(Outbound(outbound))

        return Inbound


async def timeline_in_history(history: WorkflowHistory) -> list[dict[str, Any]]:
    """The timeline a ticket's persisted history implies, event by event."""
    capture = _PublicationCapture()
    replayer = Replayer(
        workflows=[TicketWorkflow],
        interceptors=[capture, RequestContextInterceptor()],
        data_converter=TEST_CONVERTER,
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    await replayer.replay_workflow(history)
    return capture.events


def _comparable(event: dict[str, Any]) -> dict[str, Any]:
    return {key: event[key] for key in ("seq", "at", "actor", "action", "detail")}


# An event's ``at`` is ``workflow.now()`` of the task that applied it. When a local activity
# outlives a workflow task, the SDK completes that task empty (a heartbeat) and goes on in
# the next; a replay runs both as one, at the later task's time. So the instant a replay
# implies can be later than the one the live run recorded, by less than a task's timeout
# (seen once: 41 ms, the first task of a ticket whose worker had just been killed).
_TASK_SPAN = timedelta(seconds=10)


def _same_event(want: dict[str, Any] | None, got: dict[str, Any] | None) -> bool:
    if want is None or got is None:
        return want is got
    rest = ("seq", "actor", "action", "detail")
    if any(want[key] != got[key] for key in rest):
        return False
    drift = datetime.fromisoformat(want["at"]) - datetime.fromisoformat(got["at"])
    return timedelta(0) <= drift <= _TASK_SPAN


def _applied_updates(history: WorkflowHistory) -> list[str]:
    """Names of the updates that completed successfully, i.e. took effect.

    An update accepted next to a duplicate in the same task is refused by the handler's
    re-check (ticket_rules run again under the lock): accepted, never applied.
    """
    names: dict[str, str] = {}
    applied: list[str] = []
    for event in history.events:
        if event.HasField("workflow_execution_update_accepted_event_attributes"):
            request = event.workflow_execution_update_accepted_event_attributes.accepted_request
            names[request.meta.update_id] = request.input.name
        if event.HasField("workflow_execution_update_completed_event_attributes"):
            completed = event.workflow_execution_update_completed_event_attributes
            if completed.outcome.HasField("success"):
                applied.append(names[completed.meta.update_id])
    return [name for name in applied if name != "registered"]


def _reached(status: str, expected: str | None) -> bool:
    order = ["received", "dispatched", "handling", "callback", "closed"]
    return expected is not None and order.index(status) >= order.index(expected)


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
    secret = chaos.settings.resolved_jwt_secret()
    headers = {
        "agent": {"Authorization": f"Bearer {issue_token(secret, Role.AGENT, sub='chaos')}"},
        "lead": {
            "Authorization": "Bearer "
            + issue_token(secret, Role.DEPARTMENT, sub="chaos", department="urban-management")
        },
    }
    try:
        async with asgi_client(app, timeout=30) as http:
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
                for crash in ("worker", "server"):
                    await chaos.burst(http, headers, signed, per_ticket, crash)
                chaos.figures.burst_tickets = len(signed)
                differences = await chaos.compare_timelines(
                    [probe, *numbers, *signed], http, headers["agent"]
                )
                for line in differences[:20]:
                    print(line)
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
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "TEST_POSTGRES_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test"
        ),
    )
    arguments = parser.parse_args()
    figures = asyncio.run(
        run_chaos(
            arguments.tickets,
            arguments.rounds,
            arguments.database_url,
            arguments.burst_tickets,
            arguments.per_ticket,
        )
    )
    for name, value in vars(figures).items():
        print(f"{name:>24}: {value}")


if __name__ == "__main__":
    main()
