"""A real ClamAV daemon for a test, on a socket in the test's folder, with one signature
of our own instead of the virus database (which needs the internet to download): the
EICAR test string anywhere in a file, as a virus scanner's own tests use it."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.support.waiting import eventually_blocking

CLAMD = "/usr/sbin/clamd"
# The antivirus industry's harmless test file (eicar.org): every scanner reports it.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Hotline.Test.Eicar"


def _answers_ping(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(5)
            connection.connect(str(path))
            connection.sendall(b"zPING\0")
            return connection.recv(16) == b"PONG\0"
    except OSError:
        return False


@contextmanager
def running_clamd(folder: Path) -> Iterator[str]:
    """clamd on a unix socket in ``folder``; its address as the settings take it."""
    database = folder / "signatures"
    database.mkdir(parents=True)
    (database / "hotline-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    listening = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        f"LocalSocket {listening}\nDatabaseDirectory {database}\nForeground yes\n"
        f"LogFile {folder / 'clamd.log'}\nTemporaryDirectory {folder}\n"
    )
    process = subprocess.Popen(
        [CLAMD, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        eventually_blocking(
            lambda: process.poll() is not None or _answers_ping(listening),
            within=60,
            message="clamd never answered PING",
        )
        assert process.poll() is None, (folder / "clamd.log").read_text()
        yield f"unix:{listening}"
    finally:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(10)
        if process.poll() is None:
            process.kill()
