"""The admin console's 运行诊断 in a real browser: a ticket whose read-model row fell
behind its workflow is listed with its Temporal UI link and what to do; other roles are
refused the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.async_api import expect
from sqlalchemy import update

from schema.tables import Ticket
from schema.ticket import Role
from tests.support.browser import Workbench, shoot, take_call


async def test_the_admin_sees_a_lagging_row_with_its_link_and_what_to_do(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, "路口摊贩占道，晚上尤其严重")
    # What a lost write leaves: the row an hour behind, as it was before dispatch.
    async with workbench.read_model.sessions.begin() as session:
        await session.execute(
            update(Ticket)
            .where(Ticket.ticket_no == number)
            .values(
                status="received",
                lead_department=None,
                updated_at=datetime.now(UTC) - timedelta(hours=1),
            )
        )

    admin = await workbench.signed_in(await workbench.account(Role.ADMIN))
    await admin.goto(f"{base}/admin/doctor")
    await expect(admin.locator("h1")).to_have_text("运行诊断")
    lagging = admin.locator("section[data-trouble=read_model]")
    row = lagging.locator(f"tr[data-subject='ticket-{number}']")
    await expect(row).to_contain_text("读模型中的状态：已受理")
    await expect(row).to_contain_text("工作流中的状态：已派单")
    await expect(row).to_contain_text("工单")
    await expect(row).not_to_contain_text("dispatched")
    link = row.locator("a", has_text="在 Temporal UI 中查看")
    await expect(link).to_have_attribute(
        "href",
        re.compile(rf"^http://[^/]+/namespaces/default/workflows/ticket-{number}/[0-9a-f-]+$"),
    )
    await expect(lagging.locator(".advice")).to_contain_text("publish_transition")
    for trouble in ("workflow_task", "activity", "schedule"):
        await expect(admin.locator(f"section[data-trouble={trouble}] h2")).to_be_visible()
    await expect(admin.locator("nav.tabs a[aria-current=page]")).to_have_text("运行诊断")
    await shoot(admin, "admin-doctor")

    other = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    answer = await other.goto(f"{base}/admin/doctor")
    assert answer is not None and answer.status == 403
