"""Hot spots in a real browser: each cell counts what the ticket list behind it holds,
with the repeat requests merged into earlier tickets; other roles are refused."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import expect

from schema.ticket import Role
from tests.support.browser import Workbench, shoot, take_call


async def test_a_cell_counts_its_tickets_and_repeat_requests(workbench: Workbench) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    text = f"广场舞音响扰民 {uuid.uuid4().hex[:6]}"
    first = await take_call(agent, base, text, category="030803", district="putuo")
    repeat = await take_call(
        agent,
        base,
        text + "，晚上十点后",
        category="030803",
        district="putuo",
        merge_into=first,
    )

    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    await supervisor.goto(f"{base}/hotspots?period=today")
    cell = supervisor.locator("tr[data-category='030803'] td[data-district=putuo]")
    await expect(cell.locator(".repeats")).to_be_visible()
    await shoot(supervisor, "hotspots")
    shown = int(await cell.locator("a").inner_text())
    await cell.locator("a").click()
    await expect(supervisor).to_have_url(re.compile(r"category=030803.*district=putuo"))
    listed = supervisor.locator("table.tickets")
    await expect(listed).to_contain_text(first)
    await expect(listed).to_contain_text(repeat)
    await expect(supervisor.locator(".summary")).to_contain_text(f"共 {shown} 件")

    refused = await agent.goto(f"{base}/hotspots")
    assert refused is not None and refused.status == 403
    bad = await supervisor.goto(f"{base}/hotspots?period=fortnight")
    assert bad is not None and bad.status == 422
