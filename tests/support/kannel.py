"""A real Kannel for the tests: bearerbox, smsbox and two fakesmsc "networks" on free ports.

Messages the hotline sends go out through the smsc ``mt`` to a long-running fakesmsc,
which prints each one it receives; a citizen's reply comes in through the smsc ``mo``,
where a short-lived fakesmsc sends one message. Kannel's delivery reports and the
replies reach the hotline's API at ``callback_base`` with ``token``.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

import pytest

from tests.support.stack import free_port, port_open
from tests.support.waiting import eventually_blocking

BEARERBOX = Path("/usr/sbin/bearerbox")
SMSBOX = Path("/usr/sbin/smsbox")
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")

# "sender receiver ucs-2 data", or one part of a long one: "sender receiver udh UDH data DATA".
_RECEIVED = re.compile(r"Got message \d+: <(\S+) (\S+) (\S+) (?:(\S+) data )?(.*)>")


@dataclass
class SmsOnTheNetwork:
    sender: str
    receiver: str
    text: str


def kannel_installed() -> bool:
    return all(path.exists() for path in (BEARERBOX, SMSBOX, FAKESMSC))


def require_kannel() -> None:
    if kannel_installed():
        return
    if os.environ.get("CI"):  # .ci/run installs it: there the tests must run
        pytest.fail("no Kannel in CI (apt-get install kannel kannel-extras)")
    pytest.skip("no Kannel (apt-get install kannel kannel-extras)")


def _bytes(data: str) -> bytes:
    return unquote_to_bytes(data.replace("+", "%20"))  # fakesmsc writes a 0x20 byte as +


def _fakesmsc(port: int) -> list[str]:
    return [str(FAKESMSC), "-H", "127.0.0.1", "-r", str(port)]


class Kannel:
    def __init__(self, folder: Path, callback_base: str, token: str) -> None:
        self.folder = folder
        self.callback_base = callback_base.rstrip("/")
        self.token = token
        self.sendsms_port = free_port()
        self.username, self.password = "hotline", "kannel-test-password"
        self._ports = {name: free_port() for name in ("admin", "smsbox", "mt", "mo")}
        self._processes: list[subprocess.Popen[bytes]] = []
        self._network_log = folder / "network.log"

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"

    def _config(self) -> str:
        p = self._ports
        query = f"token={quote(self.token)}&from=%p&text=%a"
        inbound = f"{self.callback_base}/v1/sms/kannel/inbound?{query}"
        return f"""
group = core
admin-port = {p["admin"]}
admin-password = kannel-admin
smsbox-port = {p["smsbox"]}
log-level = 1
log-file = "{self.folder / "bearerbox.log"}"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = mt
port = {p["mt"]}
connect-allow-ip = 127.0.0.1

group = smsc
smsc = fake
smsc-id = mo
port = {p["mo"]}
connect-allow-ip = 127.0.0.1
allowed-smsc-id = mo

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = {self.sendsms_port}
log-file = "{self.folder / "smsbox.log"}"
log-level = 1

group = sendsms-user
username = {self.username}
password = {self.password}
max-messages = 3
concatenation = true

group = sms-service
keyword = default
catch-all = yes
max-messages = 0
get-url = "{inbound}"
"""

    def start(self) -> None:
        config = self.folder / "kannel.conf"
        config.write_text(self._config())
        self._spawn([str(BEARERBOX), str(config)], "bearerbox.out")
        eventually_blocking(lambda: port_open(self._ports["mt"]), message="bearerbox")
        network = self._network_log.open("wb")
        self._processes.append(
            subprocess.Popen(
                [*_fakesmsc(self._ports["mt"]), "-m", "0", "0 0 text unused"],
                stdout=network,
                stderr=subprocess.STDOUT,
            )
        )
        self.start_smsbox()

    def start_smsbox(self) -> None:
        """The gateway's HTTP side up again (after ``stop_smsbox``)."""
        config = self.folder / "kannel.conf"
        self._smsbox = self._spawn([str(SMSBOX), str(config)], "smsbox.out")
        eventually_blocking(lambda: port_open(self.sendsms_port), message="smsbox")

    def stop_smsbox(self) -> None:
        """The gateway down: its sendsms port refuses connections until started again."""
        self._smsbox.kill()
        self._smsbox.wait(timeout=10)
        self._processes.remove(self._smsbox)

    def _spawn(self, command: list[str], log: str) -> subprocess.Popen[bytes]:
        with (self.folder / log).open("ab") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        self._processes.append(process)
        return process

    def received(self) -> list[SmsOnTheNetwork]:
        """Every message the network (fakesmsc) got from the hotline, in order, the parts
        of a long one joined (the hotline sends UCS-2 only)."""
        found: list[SmsOnTheNetwork] = []
        parts: dict[tuple[str, int], dict[int, bytes]] = {}
        for m in _RECEIVED.finditer(self._network_log.read_text(errors="replace")):
            sender, receiver, kind, udh, data = m.groups()
            if kind != "udh":
                found.append(SmsOnTheNetwork(sender, receiver, _bytes(data).decode("utf-16-be")))
                continue
            header = _bytes(udh)  # 05 00 03 ref total index: one part of a long message
            ref, total, index = header[3], header[4], header[5]
            pieces = parts.setdefault((receiver, ref), {})
            pieces[index] = _bytes(data)
            if len(pieces) == total:
                whole = b"".join(pieces[i] for i in sorted(pieces))
                found.append(SmsOnTheNetwork(sender, receiver, whole.decode("utf-16-be")))
                del parts[(receiver, ref)]
        return found

    def citizen_sends(self, phone: str, text: str) -> None:
        """One message from a citizen's phone to the hotline's number, through Kannel."""
        log = self.folder / f"mo-{len(list(self.folder.glob('mo-*')))}.log"
        with log.open("wb") as out:
            sender = subprocess.Popen(
                [
                    *_fakesmsc(self._ports["mo"]),
                    "-i",
                    "0.1",
                    "-m",
                    "1",
                    f"{phone} 12345 text {text}",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:  # fakesmsc stays connected after its last message: stopped once it is out
            eventually_blocking(
                lambda: "sent message 1" in log.read_text(errors="replace"),
                message="fakesmsc never sent the citizen's message",
            )
        finally:
            sender.terminate()
            sender.wait(timeout=10)

    def stop(self) -> None:
        for process in reversed(self._processes):
            process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def running_kannel(folder: Path, callback_base: str, token: str) -> Iterator[Kannel]:
    require_kannel()
    folder.mkdir(parents=True, exist_ok=True)
    kannel = Kannel(folder, callback_base, token)
    kannel.start()
    try:
        yield kannel
    finally:
        kannel.stop()
