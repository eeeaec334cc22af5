"""The supervision board and the escalation history in a real browser: figures that open
the lists behind them, charts drawn from the same figures as their tables, CSV export,
Temporal UI links for supervisors, and the roles that are refused."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

from playwright.async_api import expect
from sqlalchemy import select

from activities.read_model import department_rows, ticket_row
from hotline.database import upsert
from schema.activity_io import TicketRecord
from schema.tables import Ticket, TicketDepartment
from schema.ticket import Role, TicketStatus
from tests.support.browser import Workbench, act, shoot, take_call


async def _an_overdue_ticket_led_by(workbench: Workbench, model_no: str, lead: str) -> str:
    """A ticket in hand and overdue, written straight into the read model (waiting out a
    real deadline is the workflow tests' business, not the board's)."""
    sessions = workbench.read_model.sessions
    async with sessions() as session:
        document = await session.scalar(select(Ticket.document).where(Ticket.ticket_no == model_no))
    number = f"B-{uuid.uuid4().hex[:8]}"
    record = TicketRecord.model_validate(document).model_copy(
        update={
            "ticket_no": number,
            "status": TicketStatus.HANDLING,
            "lead_department": lead,
            "assisting_departments": [],
            "overdue": True,
        }
    )
    async with sessions.begin() as session:
        await upsert(session, Ticket, [ticket_row(record) | {"fence": 0}])
        await upsert(session, TicketDepartment, department_rows(record))
    return number


async def test_the_board_shows_what_is_stuck_and_opens_the_lists_behind(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"管道漏水 {uuid.uuid4().hex[:6]}")
    overdue = await _an_overdue_ticket_led_by(workbench, number, "water-supply")
    await act(agent, "joint-meeting", departments=["transport"], agenda="谁来修？")

    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    await expect(supervisor).to_have_url(re.compile(r"/board$"))
    board = supervisor.locator("#board")
    await expect(board).to_have_attribute("data-drawn", "2")  # both charts drawn
    await shoot(supervisor, "supervision-board")

    # The chart draws the table's figures, and leads where the table does.
    charts = await (await supervisor.request.get(f"{base}/board/charts.json")).json()
    bars = charts["overdue_by_lead"]
    at = bars["labels"].index("自来水公司")
    row = supervisor.locator("[data-table=overdue_by_lead] tr", has_text="自来水公司")
    await expect(row.locator("a")).to_have_text(str(bars["values"][at]))
    assert await row.locator("a").get_attribute("href") == bars["links"][at]
    await row.locator("a").click()
    await expect(supervisor.locator("table.tickets")).to_contain_text(overdue)
    assert "lead=water-supply" in supervisor.url and "overdue=true" in supervisor.url

    # The open meeting, with who has not reported in; its rung opens the history.
    await supervisor.goto(f"{base}/board")
    meeting = supervisor.locator("[data-table=meetings] tr", has_text=number)
    await expect(meeting.locator(".missing")).to_contain_text("交通运输局")
    await supervisor.locator("[data-table=rungs] tr", has_text="联席会议").locator("a").click()
    await expect(supervisor).to_have_url(re.compile(r"/escalations\?kind=joint_meeting"))
    await expect(supervisor.locator("table.escalations")).to_contain_text(number)

    for role in (Role.AGENT, Role.DISCIPLINE):
        refused = await workbench.signed_in(await workbench.account(role))
        answer = await refused.goto(f"{base}/board")
        assert answer is not None and answer.status == 403
        data = await refused.request.get(f"{base}/board/charts.json")
        assert data.status == 403


async def test_the_escalation_history_filters_exports_and_links_to_temporal(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"公交站牌损坏 {uuid.uuid4().hex[:6]}")
    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    await supervisor.goto(f"{base}/tickets/{number}")
    await act(supervisor, "supervise", note="三日内办结")

    await supervisor.goto(f"{base}/escalations")
    await supervisor.fill("input[name=ticket_no]", number)
    await supervisor.select_option("select[name=kind]", "supervision_order")
    await supervisor.click("form.filters button[type=submit]")
    table = supervisor.locator("table.escalations")
    await expect(table).to_contain_text("督办件")
    await expect(table).to_contain_text("三日内办结")
    ui = table.locator("a[href*='/workflows/ticket-" + number + "']")
    await expect(ui).to_have_attribute("href", re.compile(r"^http://[^/]+/namespaces/"))
    await shoot(supervisor, "escalation-history")
    async with supervisor.expect_download() as started:
        await supervisor.click("a[download]")
    saved = Path(await (await started.value).path())
    exported = await asyncio.to_thread(saved.read_text, encoding="utf-8")
    # A person's file: Chinese headers, the kind in words, the unit and people by name.
    header, row = [line for line in exported.lstrip("\ufeff").splitlines() if line][:2]
    assert header.startswith("工单编号,序号,类型")
    assert number in row and "督办件" in row and "城市管理局" in row
    assert "supervision_order" not in exported and "urban-management" not in exported

    commission = await workbench.signed_in(await workbench.account(Role.DISCIPLINE))
    await expect(commission).to_have_url(re.compile(r"/discipline$"))
    await commission.goto(f"{base}/escalations?ticket_no={number}")
    await expect(commission.locator("table.escalations")).to_contain_text(number)
    await expect(commission.locator("a[href*='/workflows/']")).to_have_count(0)
    admin = await workbench.signed_in(await workbench.account(Role.ADMIN))
    await admin.goto(f"{base}/escalations?ticket_no={number}")
    await expect(  # admins follow a record into Temporal UI, as supervisors do
        admin.locator(f"table.escalations a[href*='/workflows/ticket-{number}']")
    ).not_to_have_count(0)
    refused = await agent.goto(f"{base}/escalations")
    assert refused is not None and refused.status == 403
    bad = await commission.goto(f"{base}/escalations?min_level=9")
    assert bad is not None and bad.status == 422
