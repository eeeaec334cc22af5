"""Generated requests from the API's own OpenAPI document: whatever they hold, no 5xx.

The API and a worker run as real processes (`hotline api`, `hotline worker`) against the
shared dev server, so the generated calls go all the way to ticket workflows. Bounded:
a few examples per operation.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from hotline.tokens import issue_token
from schema.ticket import Role
from tests.support.stack import binary, free_port
from tests.support.waiting import eventually_blocking


@pytest.fixture(scope="module")
def running_api(
    dev_server: WorkflowEnvironment,
    base_settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    port = free_port()
    logs = tmp_path_factory.mktemp("schemathesis")
    environment = {
        **os.environ,
        "HOTLINE_TEMPORAL_ADDRESS": dev_server.client.service_client.config.target_host,
        "HOTLINE_TASK_QUEUE": f"fuzz-{uuid.uuid4().hex[:6]}",
        # Its own read model: only tickets its own worker serves.
        "DATABASE_URL": f"sqlite+aiosqlite:///{logs / 'fuzz.db'}",
        "HOTLINE_POLICY": str(base_settings.policy),
        "HOTLINE_DATA_DIR": str(base_settings.data_dir),
        "HOTLINE_JWT_SECRET": base_settings.resolved_jwt_secret(),
        "HOTLINE_ENCRYPTION_KEYS": base_settings.encryption_keys or "",
        "HOTLINE_API_PORT": str(port),
        "HOTLINE_TICKET_PREFIX": "F",
        "HOTLINE_ANSWER_TIMEOUT_SECONDS": "20",
        "HOTLINE_LOG_LEVEL": "warning",
    }
    subprocess.run(
        [binary("hotline"), "seed-demo"],
        env=environment,
        check=True,
        capture_output=True,
        timeout=120,
    )
    processes = [
        subprocess.Popen(
            [binary("hotline"), name],
            env=environment,
            stdout=(logs / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for name in ("worker", "api")
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, logs)
        yield base
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_healthy(base: str, logs: Path) -> None:
    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/healthz").status_code == 200
        except httpx.TransportError:
            return False

    eventually_blocking(healthy, within=30, every=0.1, message=f"the API did not start; see {logs}")


def test_no_generated_request_causes_a_server_error(
    running_api: str, base_settings: Settings, tmp_path: Path
) -> None:
    token = issue_token(base_settings.resolved_jwt_secret(), Role.AGENT, sub="fuzz")
    report = subprocess.run(
        [
            binary("schemathesis"),
            "run",
            f"{running_api}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "6",
            "--header",
            f"Authorization: Bearer {token}",
            "--request-timeout",
            "60",
            "--generation-deterministic",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        check=False,
    )
    summary = report.stdout[-3000:]
    assert report.returncode == 0, summary
    counted = re.search(r"(\d+) generated, (\d+) passed", summary)
    assert counted and counted.group(1) == counted.group(2), summary
    assert int(counted.group(1)) >= 200, summary  # every operation was really exercised
    tested = re.search(r"Selected: (\d+)/\d+\s+Tested: (\d+)", summary)
    assert tested and tested.group(1) == tested.group(2), summary  # no operation left out
