"""The suite's one polling helper: it returns what held, or fails saying what it waited for."""

from __future__ import annotations

import itertools

import pytest

from tests.support.waiting import eventually, eventually_blocking


async def test_the_first_truthy_answer_is_returned() -> None:
    answers = iter([None, [], ["found"]])

    async def check() -> list[str] | None:
        return next(answers)

    assert await eventually(check, within=5, every=0) == ["found"]


async def test_a_plain_function_is_polled_too() -> None:
    calls = itertools.count(1)
    assert await eventually(lambda: next(calls) >= 3, within=5, every=0) is True


async def test_giving_up_names_what_was_awaited_and_the_last_answer() -> None:
    async def merged() -> list[str]:
        return []

    with pytest.raises(AssertionError, match=r"never merged \(waited 0.1 s; last \[\]\)"):
        await eventually(merged, within=0.1, every=0.02, message="never merged")
    with pytest.raises(AssertionError, match="merged never held"):
        await eventually(merged, within=0, every=0)


def test_the_blocking_twin_keeps_the_same_contract() -> None:
    calls = itertools.count(1)
    assert eventually_blocking(lambda: next(calls) >= 2, within=5, every=0) is True
    with pytest.raises(AssertionError, match="the log says"):
        eventually_blocking(lambda: False, within=0.05, every=0.01, message=lambda: "the log says")
