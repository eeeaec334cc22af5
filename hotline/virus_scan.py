"""A virus scan of an uploaded file by ClamAV's daemon (clamd), over its INSTREAM command.

The protocol is a dozen lines (a command, the bytes in length-prefixed chunks, one line
back), and the Python clients on PyPI have not been kept for years; so it is spoken here.
The address is ``unix:/run/clamav/clamd.ctl`` or ``tcp:host:port``.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass

CHUNK = 64 * 1024
SCAN_SECONDS = 30.0


class ScannerUnavailable(Exception):
    """clamd could not be reached, or did not answer as clamd does."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str | None = None  # what was found, as ClamAV names it


async def _connect(address: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    kind, _, where = address.partition(":")
    if kind == "unix":
        return await asyncio.open_unix_connection(where)
    if kind == "tcp":
        host, _, port = where.rpartition(":")
        return await asyncio.open_connection(host, int(port))
    raise ScannerUnavailable(f"not a clamd address (unix:PATH or tcp:HOST:PORT): {address}")


async def _exchange(address: str, data: bytes) -> bytes:
    reader, writer = await _connect(address)
    try:
        writer.write(b"zINSTREAM\0")
        for start in range(0, len(data), CHUNK):
            chunk = data[start : start + CHUNK]
            writer.write(struct.pack("!L", len(chunk)) + chunk)
            await writer.drain()
        writer.write(struct.pack("!L", 0))
        await writer.drain()
        return await reader.readuntil(b"\0")
    finally:
        writer.close()


async def scan(address: str, data: bytes) -> Verdict:
    """Whether clamd finds anything in ``data``. ``ScannerUnavailable`` when it cannot
    say: the caller refuses the file then, rather than keep one nobody looked at."""
    try:
        answer = await asyncio.wait_for(_exchange(address, data), SCAN_SECONDS)
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as problem:
        raise ScannerUnavailable(f"clamd at {address}: {type(problem).__name__}") from None
    line = answer.rstrip(b"\0").decode(errors="replace")
    # "stream: OK", "stream: Eicar-Signature FOUND", or "INSTREAM size limit exceeded. ERROR"
    if line.endswith(" OK"):
        return Verdict(clean=True)
    if line.endswith(" FOUND"):
        return Verdict(clean=False, signature=line.split(": ", 1)[-1].removesuffix(" FOUND"))
    raise ScannerUnavailable(f"clamd at {address} answered: {line}")
