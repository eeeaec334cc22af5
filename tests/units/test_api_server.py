"""``hotline api`` on a shared port: HOTLINE_API_REUSE_PORT lets several processes bind it."""

from __future__ import annotations

import socket

import pytest

from hotline.settings import Settings
from startup.api_server import listening_socket
from tests.support.stack import free_port


def test_processes_with_reuse_port_share_one_address() -> None:
    port = free_port()
    first = listening_socket("127.0.0.1", port, reuse_port=True)
    second = listening_socket("127.0.0.1", port, reuse_port=True)
    try:
        for listener in (first, second):
            listener.listen()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # the kernel hands it to one of the two
    finally:
        first.close()
        second.close()


def test_without_reuse_port_the_address_is_one_process_own() -> None:
    port = free_port()
    first = listening_socket("127.0.0.1", port, reuse_port=False)
    try:
        first.listen()
        with pytest.raises(OSError):
            listening_socket("127.0.0.1", port, reuse_port=True).close()
    finally:
        first.close()


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().api_reuse_port is False
    monkeypatch.setenv("HOTLINE_API_REUSE_PORT", "true")
    assert Settings().api_reuse_port is True
