"""Bulk sign and bulk dispatch from a queue's full list in a real browser: the rows ticked,
one button, and each ticket's own answer listed row by row: the ticket a colleague signed
meanwhile is refused in Chinese while the others are signed."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.async_api import APIRequestContext, expect

from schema.ticket import Role
from tests.support.browser import Workbench, bearer, shoot

# 物业纠纷: routed to the housing bureau; 其他社会事务: routed to no one (待派单).
ROUTED, UNROUTED = "020302", "020399"


async def _ticket(
    request: APIRequestContext, base: str, agent: dict[str, str], category: str
) -> str:
    body = {
        "channel": "phone",
        "type": "complaint",
        "category": category,
        "district": "dinghai",
        "description": f"物业不作为，楼道堆物 {uuid.uuid4().hex[:6]}",
        "citizen": {"name": "周九", "phone": "13611113333"},
    }
    created = await request.post(f"{base}/v1/tickets", data=body, headers=agent)
    assert created.status == 201, await created.text()
    return str((await created.json())["ticket_no"])


async def _status(request: APIRequestContext, base: str, headers: dict[str, str], no: str) -> Any:
    answer = await request.get(f"{base}/v1/tickets/{no}", headers=headers)
    return (await answer.json())["status"]


async def test_bulk_sign_answers_each_ticket_and_names_the_refused_one(
    workbench: Workbench,
) -> None:
    base = workbench.url
    clerk_name = await workbench.account(Role.DEPARTMENT, "housing")
    clerk = await workbench.signed_in(clerk_name)
    request = clerk.request
    agent = await bearer(request, base, await workbench.account(Role.AGENT))
    api = await bearer(request, base, clerk_name)
    tickets = [await _ticket(request, base, agent, ROUTED) for _ in range(3)]

    await clerk.goto(f"{base}/inbox")
    await expect(clerk.locator(".queue[data-queue=sign] .bulk-link")).to_have_text("批量签收 →")
    await clerk.goto(f"{base}/tickets?queue=sign&page_size=200")
    for no in tickets:
        await clerk.locator(f"tr[data-ticket='{no}'] input[name=ticket_no]").check()
    # A colleague signs the second one before the button is pressed.
    signed = await request.post(f"{base}/v1/tickets/{tickets[1]}/sign", data={}, headers=api)
    assert signed.status == 200, await signed.text()
    await clerk.fill("form#bulk input[name=note]", "已阅，安排专人办理")
    await clerk.locator("form#bulk button[type=submit]").click()

    results = clerk.locator("table.bulk-results")
    await expect(clerk.locator("h1")).to_contain_text("批量办理结果")
    for no in (tickets[0], tickets[2]):
        row = results.locator(f"tr[data-ticket='{no}']")
        await expect(row).to_have_attribute("data-result", "done")
        await expect(row).to_contain_text("签收成功")
    refused = results.locator(f"tr[data-ticket='{tickets[1]}']")
    await expect(refused).to_have_attribute("data-result", "refused")
    await expect(refused).to_contain_text("此操作现在不能办理（工单当前状态：办理中）")
    await expect(clerk.locator(".summary")).to_have_text("共 3 件：成功 2 件，未成功 1 件")
    await shoot(clerk, "bulk-sign-results")
    for no in tickets:
        assert await _status(request, base, api, no) == "handling"


async def test_bulk_dispatch_sends_each_ticket_to_the_lead_chosen(workbench: Workbench) -> None:
    base = workbench.url
    agent_name = await workbench.account(Role.AGENT)
    agent = await workbench.signed_in(agent_name)
    request = agent.request
    api = await bearer(request, base, agent_name)
    tickets = [await _ticket(request, base, api, UNROUTED) for _ in range(2)]

    await agent.goto(f"{base}/tickets?queue=dispatch&page_size=200")
    for no in tickets:
        await agent.locator(f"tr[data-ticket='{no}'] input[name=ticket_no]").check()
    await agent.select_option("form#bulk select[name=lead]", "housing")
    await agent.fill("form#bulk input[name=note]", "职责明确，由住建局办理")
    await agent.locator("form#bulk button[type=submit]").click()
    for no in tickets:
        row = agent.locator(f"table.bulk-results tr[data-ticket='{no}']")
        await expect(row).to_contain_text("派单成功")
        assert await _status(request, base, api, no) == "dispatched"
    ticket = await (await request.get(f"{base}/v1/tickets/{tickets[0]}", headers=api)).json()
    assert ticket["lead_department"] == "housing"
