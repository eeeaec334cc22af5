"""Colours from the escalation ladder in a real browser: a countdown turns amber at the
policy's warning instant (80 % of its span), not under four hours from the start; red once
past due, which never reads "0 分"; supervision tiers in their colour and by name; a badge
with nothing behind it grey; and the board's overdue panel counting the centre's own
dispatch deadline of an undispatched emergency."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.async_api import expect
from sqlalchemy import select

from activities.read_model import department_rows, ticket_row
from hotline.database import upsert
from schema.activity_io import TicketRecord
from schema.escalation import SupervisionTier
from schema.tables import Ticket, TicketDepartment, TicketEvent
from schema.ticket import Role, TicketStatus, TimelineAction, Urgency
from tests.support.browser import Workbench, shoot, take_call

GREY = "rgb(227, 231, 236)"  # .badge.zero
RED = "rgb(179, 38, 30)"  # --accent


async def _copy_of(workbench: Workbench, model_no: str, **changes: Any) -> str:
    """A ticket written straight into the read model, like ``model_no`` but for
    ``changes`` (waiting out real deadlines is the workflow tests' business)."""
    sessions = workbench.read_model.sessions
    async with sessions() as session:
        document = await session.scalar(select(Ticket.document).where(Ticket.ticket_no == model_no))
    number = f"C-{uuid.uuid4().hex[:8]}"
    record = TicketRecord.model_validate(document).model_copy(
        update={"ticket_no": number, "assisting_departments": [], **changes}
    )
    async with sessions.begin() as session:
        await upsert(session, Ticket, [ticket_row(record) | {"fence": 0}])
        await upsert(session, TicketDepartment, department_rows(record))
    return number


async def test_countdowns_turn_amber_at_the_policys_warning_and_red_when_overdue(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"占道经营 {uuid.uuid4().hex[:6]}")
    # Signed within 2 hours: at the start that is far from the warning at 80 %.
    sign = agent.locator(".deadlines li", has_text="签收时限").locator(".due")
    await expect(sign).to_have_class("due running")
    await expect(sign).to_contain_text("还剩")

    now = datetime.now(UTC)
    lead = "civil-affairs"
    waiting_since = datetime(2020, 1, 1, tzinfo=UTC)  # first in the queue's waiting order
    common = {"status": TicketStatus.DISPATCHED, "lead_department": lead, "overdue": False}
    rows = {
        "amber": await _copy_of(
            workbench,
            number,
            **common,
            created_at=waiting_since,
            deadlines={"sign": now + timedelta(hours=1)},
            deadline_warnings={"sign": now - timedelta(minutes=5)},
        ),
        "calm": await _copy_of(
            workbench,
            number,
            **common,
            created_at=waiting_since + timedelta(seconds=1),
            deadlines={"sign": now + timedelta(hours=1)},
            deadline_warnings={"sign": now + timedelta(minutes=30)},
        ),
        "late": await _copy_of(
            workbench,
            number,
            **{**common, "overdue": True},
            created_at=waiting_since + timedelta(seconds=2),
            deadlines={"sign": now - timedelta(seconds=5)},
            deadline_warnings={"sign": now - timedelta(minutes=20)},
            supervision_tier=SupervisionTier.ORANGE,
        ),
    }
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, lead))
    await clerk.goto(f"{base}/inbox")
    queue = clerk.locator("section.queue[data-queue=sign]")

    def row(key: str) -> Any:
        return queue.locator("li", has_text=rows[key])

    await expect(row("amber").locator(".due")).to_have_class("due warning")
    await expect(row("calm").locator(".due")).to_have_class("due running")
    late = row("late").locator(".due")
    await expect(late).to_have_class("due overdue")
    await expect(late).to_have_text("已超时 不足 1 分钟")
    await expect(queue).not_to_contain_text("0 分")
    tier = row("late").locator(".tier")
    await expect(tier).to_have_text("橙色督办")
    await expect(tier).to_have_class("tier orange")

    # A badge with nothing behind it is grey, one with work red.
    for badge in await clerk.locator(".queue .badge").all():
        colour = await badge.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour == (GREY if (await badge.inner_text()) == "0" else RED)
    await expect(clerk.locator(".queue .badge.zero").first).to_be_visible()
    await shoot(clerk, "inbox-deadline-colours")

    # The timeline names an order's tier in Chinese and in its colour (督办件 蓝色).
    async with workbench.read_model.sessions.begin() as session:
        event = {
            "ticket_no": number,
            "seq": 900,
            "at": now,
            "actor": "督办人员",
            "action": TimelineAction.SUPERVISION_ORDER.value,
            "detail": {"tier": "blue", "reason": "签收超时"},
        }
        await upsert(session, TicketEvent, [event])
    await agent.goto(f"{base}/tickets/{number}")
    order = agent.locator(".timeline li[data-event=supervision_order]")
    await expect(order.locator(".tier.blue")).to_have_text("蓝色")
    await expect(order).not_to_contain_text("tier")
    await expect(order).not_to_contain_text("blue")


async def test_the_board_counts_an_undispatched_emergency_past_its_dispatch_limit(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    model = await take_call(agent, base, f"燃气泄漏 {uuid.uuid4().hex[:6]}")
    now = datetime.now(UTC)
    stuck = await _copy_of(
        workbench,
        model,
        status=TicketStatus.RECEIVED,
        urgency=Urgency.EMERGENCY,
        lead_department=None,
        overdue=True,
        deadlines={"dispatch": now - timedelta(minutes=3)},
        deadline_warnings={"dispatch": now - timedelta(minutes=4)},
    )
    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    await supervisor.goto(f"{base}/board")
    centre = supervisor.locator("[data-table=overdue_by_lead] tr", has_text="12345 中心（待派单）")
    await expect(centre).to_be_visible()
    charts = await (await supervisor.request.get(f"{base}/board/charts.json")).json()
    bars = charts["overdue_by_lead"]
    at = bars["labels"].index("12345 中心（待派单）")
    await expect(centre.locator("a")).to_have_text(str(bars["values"][at]))
    assert await centre.locator("a").get_attribute("href") == bars["links"][at]
    # A badge over an empty list is grey.
    for badge in await supervisor.locator("#board .badge").all():
        colour = await badge.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour == (GREY if (await badge.inner_text()) == "0" else RED)
    await centre.locator("a").click()
    await expect(supervisor.locator("table.tickets")).to_contain_text(stuck)
