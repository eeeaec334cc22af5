"""The bare engine: a minimal workflow taking the same four updates as a ticket's life
(create with start, sign, reply, rating) and no activities, on the same dev server; its
worker also runs the bare storm's workflow (bench/bare_storm.py).

``python bench/bare_engine.py worker --address HOST:PORT --task-queue Q`` runs its worker
as a process of its own, so that its CPU is measured like ``hotline worker``'s.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.worker import Worker

from bench.bare_deadline import BareDeadline, bare_rung
from bench.bare_workflow import STEPS, BareTicket

ROOT = Path(__file__).resolve().parents[1]


async def one_bare_life(client: Client, task_queue: str) -> None:
    ticket_no = uuid.uuid4().hex
    start = WithStartWorkflowOperation(
        BareTicket.run,
        ticket_no,
        id=f"bare-{ticket_no}",
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
    )
    await client.execute_update_with_start_workflow(
        BareTicket.act, STEPS[0], start_workflow_operation=start
    )
    handle = client.get_workflow_handle(f"bare-{ticket_no}")
    for step in STEPS[1:]:
        await handle.execute_update(BareTicket.act, step)


def start_worker_process(address: str, task_queue: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "bench.bare_engine", "worker"]
    return subprocess.Popen([*command, "--address", address, "--task-queue", task_queue], cwd=ROOT)


async def serve(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[BareTicket, BareDeadline],
        activities=[bare_rung],
    ):
        await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["worker"])
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    arguments = parser.parse_args()
    asyncio.run(serve(arguments.address, arguments.task_queue))
