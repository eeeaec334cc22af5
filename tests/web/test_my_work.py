"""我的工作 in a real browser: a department reads its own month as the statistics API
computes it (三率, overdue, rank); an agent their own day, counted from their traces."""

from __future__ import annotations

import uuid

from playwright.async_api import Page, expect

from schema.ticket import Role
from tests.support.browser import Workbench, bearer, shoot
from tests.support.waiting import eventually


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


async def _shown(page: Page, metric: str) -> str:
    return (await page.locator(f".own-figures > dl [data-metric={metric}]").inner_text()).strip()


async def test_a_department_reads_its_own_figures_as_the_statistics_rank_them(
    workbench: Workbench,
) -> None:
    base = workbench.url
    clerk_name = await workbench.account(Role.DEPARTMENT, "housing")
    clerk = await workbench.signed_in(clerk_name)
    request = clerk.request
    agent = await bearer(request, base, await workbench.account(Role.AGENT))
    api = await bearer(request, base, clerk_name)
    supervisor = await bearer(request, base, await workbench.account(Role.SUPERVISOR))
    body = {
        "channel": "phone",
        "type": "complaint",
        "category": "020302",
        "district": "dinghai",
        "description": f"物业费收取不透明 {uuid.uuid4().hex[:6]}",
        "citizen": {"name": "郑一", "phone": "13611115555"},
    }
    created = await request.post(f"{base}/v1/tickets", data=body, headers=agent)
    no = (await created.json())["ticket_no"]
    steps = [
        ("sign", api, {}),
        ("reply", api, {"outcome": "resolved", "content": "已公示收费明细"}),
        ("rating", agent, {"satisfaction": "satisfied", "solved": True}),
    ]
    for action, headers, data in steps:
        answer = await request.post(f"{base}/v1/tickets/{no}/{action}", data=data, headers=headers)
        assert answer.status == 200, await answer.text()

    await clerk.goto(f"{base}/inbox")
    await clerk.locator("nav a", has_text="我的工作").click()
    await expect(clerk.locator("h1")).to_have_text("我的工作")
    # The top bar names the clerk's unit, never its code.
    await expect(clerk.locator("header")).to_contain_text("住房和城乡建设局")
    await expect(clerk.locator("header")).not_to_contain_text("housing")

    async def same_as_the_api() -> bool:
        """The page and GET /v1/stats (this month, default weights) read alike; both are
        read again while the read model catches up with the rating."""
        await clerk.reload()
        stats = await (await request.get(f"{base}/v1/stats", headers=supervisor)).json()
        mine = next(d for d in stats["departments"] if d["department"] == "housing")
        ranked = sum(1 for d in stats["departments"] if d["rank"] is not None)
        expected = {
            "response_rate": _percent(mine["response_rate"]),
            "on_time_closure_rate": _percent(mine["on_time_closure_rate"]),
            "satisfaction_rate": _percent(mine["satisfaction_rate"]),
            "overdue_now": f"{mine['overdue_now']} 件",
            "tickets": str(mine["tickets"]),
            "rank": f"第 {mine['rank']} 名 / 共 {ranked} 个单位"
            if mine["rank"]
            else "暂无排名（三率尚不齐全）",
        }
        return all([await _shown(clerk, key) == text for key, text in expected.items()])

    await eventually(same_as_the_api, message="我的工作 never read as GET /v1/stats")
    assert await _shown(clerk, "satisfaction_rate") != "—"  # the rating is counted
    await shoot(clerk, "my-work-department")


async def test_an_agent_counts_the_calls_of_the_day(workbench: Workbench) -> None:
    base = workbench.url
    agent_name = await workbench.account(Role.AGENT)
    agent = await workbench.signed_in(agent_name)
    request = agent.request
    api = await bearer(request, base, agent_name)
    await agent.goto(f"{base}/my-work")
    for key in ("taken", "dispatched", "answered"):
        await expect(agent.locator(f"[data-count={key}]")).to_have_text("0 件")

    def call(category: str) -> dict[str, object]:
        return {
            "channel": "phone",
            "type": "help",
            "category": category,
            "district": "dinghai",
            "description": f"咨询 {uuid.uuid4().hex[:6]}",
            "citizen": {"name": "王二", "phone": "13611116666"},
        }

    routed = await request.post(f"{base}/v1/tickets", data=call("020302"), headers=api)
    unrouted = await request.post(f"{base}/v1/tickets", data=call("020399"), headers=api)
    to_answer = await request.post(f"{base}/v1/tickets", data=call("020399"), headers=api)
    dispatched = await request.post(
        f"{base}/v1/tickets/{(await unrouted.json())['ticket_no']}/dispatch",
        data={"lead": "housing"},
        headers=api,
    )
    answered = await request.post(
        f"{base}/v1/tickets/{(await to_answer.json())['ticket_no']}/answer",
        data={"content": "已当场解答政策"},
        headers=api,
    )
    for answer in (routed, dispatched, answered):
        assert answer.status in (200, 201), await answer.text()

    async def counted() -> bool:
        await agent.reload()
        shown = [
            await agent.locator(f"[data-count={k}]").inner_text()
            for k in ("taken", "dispatched", "answered")
        ]
        return shown == ["3 件", "1 件", "1 件"]

    await eventually(counted, message="the agent's day never counted the three calls")
    await shoot(agent, "my-work-agent")
