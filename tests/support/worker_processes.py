"""``hotline worker`` as a separate process, as production runs it: started, waited on until
it polls, and killed with SIGKILL."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from tests.support.stack import binary
from tests.support.waiting import eventually


class WorkerProcesses:
    """Starts ``hotline worker`` as a separate process, as production runs it, and kills it."""

    def __init__(self, client: Client, environment: dict[str, str], log_dir: Path) -> None:
        self._client = client
        self._environment = environment
        self._log_dir = log_dir
        self.running: subprocess.Popen[bytes] | None = None
        self.started = 0
        self.killed = 0

    async def start(self) -> None:
        self.running = self._spawn()
        await self._until_polling(self.running.pid)

    def _spawn(self) -> subprocess.Popen[bytes]:
        self.started += 1
        log = (self._log_dir / f"worker-{self.started}.log").open("wb")
        return subprocess.Popen(
            [binary("hotline"), "worker"],
            env=self._environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        assert self.running is not None
        self.running.send_signal(signal.SIGKILL)
        self.running.wait()
        self.running = None
        self.killed += 1

    async def _until_polling(self, pid: int) -> None:
        request = DescribeTaskQueueRequest(
            namespace=self._client.namespace,
            task_queue=TaskQueue(name=self._environment["HOTLINE_TASK_QUEUE"]),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )

        async def polling() -> bool:
            described = await self._client.workflow_service.describe_task_queue(request)
            return any(p.identity.startswith(f"{pid}@") for p in described.pollers)

        await eventually(
            polling, within=40, every=0.1, message=f"worker {pid} never polled; see {self._log_dir}"
        )
