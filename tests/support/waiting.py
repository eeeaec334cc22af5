"""Waiting for what happens a moment later: the suite's one way to poll.

A signal reaches a ticket, a read model is written, Temporal's visibility catches up, a
process comes up: each a moment after the call that caused it returns. A test polls the
condition through :func:`eventually` (or :func:`eventually_blocking` in a test that runs
outside the event loop), never a fixed sleep nor a loop of its own, so that it waits as
long as needed and no longer, and says what it waited for when it gives up.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")

Message = str | Callable[[], str] | None


@overload
async def eventually(
    check: Callable[[], Awaitable[T | None]],
    *,
    within: float = ...,
    every: float = ...,
    message: Message = ...,
) -> T: ...


@overload
async def eventually(
    check: Callable[[], T | None],
    *,
    within: float = ...,
    every: float = ...,
    message: Message = ...,
) -> T: ...


async def eventually(
    check: Callable[[], Any],
    *,
    within: float = 15,
    every: float = 0.05,
    message: Message = None,
) -> Any:
    """Call ``check`` (a function or a coroutine function) every ``every`` seconds until it
    returns something truthy, and return that. After ``within`` seconds, fail with
    ``message`` (or the check's name) and the last value it returned. An exception from
    ``check`` ends the wait at once: a check asserts what must hold while it waits."""
    deadline = time.monotonic() + within
    while True:
        found = check()
        if inspect.isawaitable(found):
            found = await found
        if found:
            return found
        if time.monotonic() > deadline:
            raise _gave_up(check, within, message, found)
        await asyncio.sleep(every)  # the polling interval, the only sleep of a wait


def eventually_blocking(
    check: Callable[[], T | None],
    *,
    within: float = 15,
    every: float = 0.05,
    message: Message = None,
) -> T:
    """:func:`eventually` for a synchronous test (a subprocess it started, a server it
    calls with a blocking client): the same contract, blocking the thread meanwhile."""
    deadline = time.monotonic() + within
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise _gave_up(check, within, message, found)
        time.sleep(every)  # the polling interval, the only sleep of a wait


def _gave_up(
    check: Callable[[], Any], within: float, message: Message, last: Any
) -> AssertionError:
    said = message() if callable(message) else message
    what = said or f"{getattr(check, '__qualname__', check)!s} never held"
    return AssertionError(f"{what} (waited {within:g} s; last {last!r})")
