"""The processes of a multi-process chaos run, as a process manager would keep them: the
Temporal dev server, workers and API processes sharing one port, each its own process
killed with SIGKILL (or stopped with SIGSTOP) and started again."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from schema.search_attributes import ALL_KEYS
from tests.support.keys import TEST_CONVERTER
from tests.support.stack import binary
from tests.support.waiting import eventually


class Fleet:
    """``count`` processes of one command; a slot whose process is gone is started again
    by ``supervise`` once its down time is over. Each start logs to a file of its own."""

    def __init__(
        self, name: str, command: list[str], environment: dict[str, str], logs: Path, count: int
    ) -> None:
        self.name = name
        self._command = command
        self._environment = environment
        self._logs = logs
        self.processes: list[subprocess.Popen[bytes] | None] = [None] * count
        self.log_files: list[Path] = [logs / f"{name}-{slot}-0.log" for slot in range(count)]
        self._down_until = [0.0] * count
        self.starts = 0
        self.kills = 0
        self.stalls = 0

    def start(self, slot: int) -> None:
        self.starts += 1
        self.log_files[slot] = self._logs / f"{self.name}-{slot}-{self.starts}.log"
        with self.log_files[slot].open("wb") as log:
            self.processes[slot] = subprocess.Popen(
                self._command, env=self._environment, stdout=log, stderr=subprocess.STDOUT
            )

    def start_all(self) -> None:
        for slot in range(len(self.processes)):
            self.start(slot)

    def kill(self, slot: int, *, down_for: float = 0.0, counted: bool = True) -> None:
        process = self.processes[slot]
        if process is not None and process.poll() is None:
            self._down_until[slot] = time.monotonic() + down_for
            process.send_signal(signal.SIGKILL)
            process.wait()
            self.kills += counted

    def stall(self, slot: int) -> None:
        """Frozen, not dead: what it holds (workflow tasks, local activities, database
        connections) waits until ``resume``, as a process paused by the machine would."""
        process = self.processes[slot]
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGSTOP)
            self.stalls += 1

    def resume(self, slot: int) -> None:
        process = self.processes[slot]
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGCONT)

    def pid(self, slot: int) -> int | None:
        process = self.processes[slot]
        return process.pid if process is not None else None

    def gone(self, slot: int) -> bool:
        process = self.processes[slot]
        return process is None or process.poll() is not None

    async def supervise(self, keep_going: Callable[[], bool]) -> None:
        """Restart a process that is gone, as systemd or Kubernetes would."""
        while keep_going():
            for slot in range(len(self.processes)):
                if self.gone(slot) and time.monotonic() >= self._down_until[slot]:
                    self.start(slot)
            await asyncio.sleep(0.5)  # a process manager's watch period; it runs till stopped

    def stop_all(self) -> None:
        for slot in range(len(self.processes)):
            self.resume(slot)
            self.kill(slot, counted=False)


async def until_polling(client: Client, task_queue: str, pids: list[int]) -> None:
    """Until every one of these worker processes polls the task queue for workflow tasks."""
    request = DescribeTaskQueueRequest(
        namespace=client.namespace,
        task_queue=TaskQueue(name=task_queue),
        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    )

    async def polling() -> bool:
        described = await client.workflow_service.describe_task_queue(request)
        identities = {poller.identity for poller in described.pollers}
        return all(any(i.startswith(f"{pid}@") for i in identities) for pid in pids)

    await eventually(polling, within=60, every=0.2, message=f"workers {pids} never polled")


class DevServer:
    """``temporal server start-dev`` on a file, as its own process, so that it can be
    SIGKILLed (the SDK's test environment only stops it politely)."""

    def __init__(self, port: int, data: Path) -> None:
        self.port = port
        self._data = data
        self._process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.client: Client | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _spawn(self) -> None:
        attributes = [
            argument
            for key in ALL_KEYS
            for argument in ("--search-attribute", f"{key.name}={key._metadata_type}")
        ]
        command = [binary("temporal"), "server", "start-dev", "--headless", "--ip", "127.0.0.1"]
        command += ["--port", str(self.port), "--db-filename", str(self._data / "temporal.db")]
        self.starts += 1
        with (self._data / f"temporal-{self.starts}.log").open("wb") as log:
            self._process = subprocess.Popen(
                [*command, "--log-level", "error", *attributes],
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def start(self) -> None:
        self._spawn()
        self.client = await eventually(self._connect, within=60, every=0.2)

    async def _connect(self) -> Client | None:
        try:  # connecting asks the server for its system info: it answers once it is up
            return await Client.connect(self.address, data_converter=TEST_CONVERTER)
        except RuntimeError:
            return None

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait()
        self._process = None


class ApiProcesses(Fleet):
    """``hotline api`` processes sharing one port (HOTLINE_API_REUSE_PORT): which one
    served a request is read from their request logs, by its X-Request-ID."""

    def served_by(self, request_id: str) -> int | None:
        for slot, path in enumerate(self.log_files):
            if path.exists() and request_id in path.read_text(errors="replace"):
                return slot
        return None

    async def wait_served(self, request_id: str) -> int:
        def served() -> tuple[int] | None:  # boxed: slot 0 is an answer too
            slot = self.served_by(request_id)
            return (slot,) if slot is not None else None

        (found,) = await eventually(served, within=30, every=0.05, message=request_id)
        return found

    async def pinned(self, base_url: str, slot: int) -> httpx.AsyncClient:
        """A client whose one kept-alive connection the kernel gave to process ``slot``:
        fresh connections are opened until one lands there (once it listens)."""

        async def landed() -> httpx.AsyncClient | None:
            client = httpx.AsyncClient(
                base_url=base_url, timeout=30, limits=httpx.Limits(max_connections=1)
            )
            request_id = f"pin-{uuid.uuid4().hex}"
            try:
                answer = await client.get("/healthz", headers={"X-Request-ID": request_id})
                if answer.status_code == 200 and await self.wait_served(request_id) == slot:
                    return client
            except httpx.TransportError:
                pass  # no API process listens yet
            await client.aclose()
            return None

        found: httpx.AsyncClient = await eventually(
            landed, within=90, every=0.1, message=f"no connection reached API process {slot}"
        )
        return found
