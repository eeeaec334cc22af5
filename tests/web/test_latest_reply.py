"""The agent calling the citizen back reads the department's latest reply beside the
rating form (回访): its words, its outcome and who gave it."""

from __future__ import annotations

import uuid

from playwright.async_api import expect

from schema.ticket import Role
from tests.support.browser import Workbench, act, bearer, shoot, status_of


async def test_the_rating_form_shows_the_latest_reply(workbench: Workbench) -> None:
    base = workbench.url
    agent_name = await workbench.account(Role.AGENT)
    agent = await workbench.signed_in(agent_name)
    request = agent.request
    headers = {}
    for name in (agent_name, await workbench.account(Role.DEPARTMENT, "housing")):
        headers[name] = await bearer(request, base, name)
    api, clerk = headers.values()
    body = {
        "channel": "phone",
        "type": "complaint",
        "category": "020302",
        "district": "dinghai",
        "description": f"物业长期不修电梯 {uuid.uuid4().hex[:6]}",
        "citizen": {"name": "吴十", "phone": "13611114444"},
    }
    created = await request.post(f"{base}/v1/tickets", data=body, headers=api)
    assert created.status == 201, await created.text()
    no = (await created.json())["ticket_no"]
    for action, data in (
        ("sign", {}),
        ("reply", {"outcome": "explained", "content": "已联系物业，电梯下周检修"}),
    ):
        answer = await request.post(f"{base}/v1/tickets/{no}/{action}", data=data, headers=clerk)
        assert answer.status == 200, await answer.text()

    await agent.goto(f"{base}/tickets/{no}")
    rating = agent.locator("details:has(form[data-action='rating'])")
    await rating.locator("summary").click()
    reply = rating.locator(".latest-reply")
    await expect(reply).to_be_visible()
    await expect(reply.locator("h3")).to_have_text("最近一次答复")
    await expect(reply.locator(".text")).to_have_text("已联系物业，电梯下周检修")
    await expect(reply.locator(".meta")).to_contain_text("已解释说明")
    await expect(reply.locator(".meta")).to_contain_text("住房和城乡建设局")
    await shoot(agent, "ticket-rating-with-reply")
    await act(agent, "rating", satisfaction="satisfied", solved=True, comment="电梯已修好")
    assert await status_of(agent) == "closed"
