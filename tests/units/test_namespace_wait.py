"""A worker started beside a server that is still registering its namespace waits for it;
any other failure, or a namespace that never comes, still fails the start."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.service import RPCError, RPCStatusCode

from hotline import temporal


class _Service:
    def __init__(self, answers: list[RPCStatusCode | None]) -> None:
        self.answers = answers
        self.asked = 0

    async def describe_namespace(self, _: Any) -> None:
        self.asked += 1
        status = self.answers.pop(0) if self.answers else None
        if status is not None:
            raise RPCError("namespace default is not found", status, b"")


class _Client:
    def __init__(self, service: _Service) -> None:
        self.workflow_service = service


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr(temporal.asyncio, "sleep", pause)
    return pauses


async def test_waits_while_the_namespace_is_not_found(no_pauses: list[float]) -> None:
    service = _Service([RPCStatusCode.NOT_FOUND, RPCStatusCode.NOT_FOUND, None])
    await temporal.wait_for_namespace(_Client(service), "default")  # type: ignore[arg-type]
    assert service.asked == 3
    assert no_pauses == [0.2, 0.4]


async def test_another_failure_is_not_waited_out() -> None:
    service = _Service([RPCStatusCode.PERMISSION_DENIED])
    with pytest.raises(RPCError):
        await temporal.wait_for_namespace(_Client(service), "default")  # type: ignore[arg-type]
    assert service.asked == 1


async def test_a_namespace_that_never_comes_fails_the_start() -> None:
    service = _Service([RPCStatusCode.NOT_FOUND] * 3)
    with pytest.raises(RPCError):
        await temporal.wait_for_namespace(
            _Client(service),  # type: ignore[arg-type]
            "default",
            within_seconds=0,
        )
