"""Waiting for something with a deadline, the way every escalation child waits."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime

from temporalio import workflow


async def wait_until(deadline: datetime, condition: Callable[[], bool]) -> bool:
    """True once ``condition`` holds; False if ``deadline`` passes first."""
    if condition():
        return True
    delay = (deadline - workflow.now()).total_seconds()
    if delay <= 0:
        return False
    with contextlib.suppress(TimeoutError):
        await workflow.wait_condition(condition, timeout=delay)
    return condition()
