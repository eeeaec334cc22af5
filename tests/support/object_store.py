"""An S3-compatible object store for the tests: moto's server, on a free port, with one
bucket, spoken to over HTTP exactly as MinIO or a cloud's S3 would be."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.stack import binary, free_port, port_open
from tests.support.waiting import eventually_blocking


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str
    access_key_id: str = "test-key"
    secret_access_key: str = "test-secret"


@contextmanager
def s3_server(log_dir: Path, bucket: str = "hotline-attachments") -> Iterator[S3Server]:
    port = free_port()
    with (log_dir / "moto.log").open("w") as log:
        process = subprocess.Popen(
            [binary("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        eventually_blocking(
            lambda: port_open(port), within=30, every=0.1, message="moto never listened"
        )
        endpoint = f"http://127.0.0.1:{port}"
        httpx.put(f"{endpoint}/{bucket}").raise_for_status()  # create the bucket
        yield S3Server(endpoint, bucket)
    finally:
        process.terminate()
        process.wait(timeout=10)
