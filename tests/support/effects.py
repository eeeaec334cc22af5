"""Ticket state for the effect tests, run without any server: a recorded working-day
sheet, instants in Shanghai, a registered or dispatched ticket, an effect run to its end."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from activities.working_calendar import WorkingCalendar
from schema.action_bodies import DispatchBody
from schema.policy import Policy
from schema.working_days import DueItem, due_instants
from tests.support.actors import AGENT, department
from tests.support.data import intake
from workflows.ticket import handling
from workflows.ticket.state import TicketState

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHEET = WorkingCalendar().sheet(date(2026, 1, 1), date(2026, 12, 31))
LEAD = department("urban-management")
T = TypeVar("T")


async def due(items: list[DueItem]) -> dict[str, datetime]:
    return due_instants(items, "Asia/Shanghai", SHEET)


def run(effect: Awaitable[T]) -> T:
    async def main() -> T:
        return await effect

    return asyncio.run(main())


def local(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


def registered(at: datetime) -> TicketState:
    return TicketState(
        ticket_no="T1",
        intake=intake(),
        created_by="agent-1",
        created_at=at,
        updated_at=at,
        policy=Policy(),
        working_days=SHEET,
    )


def dispatched(at: datetime) -> TicketState:
    s = registered(at)
    run(handling.dispatch(s, at, AGENT, DispatchBody(lead=LEAD.department or ""), due))
    return s
