"""A whole ticket life in the browser, every page's visible text read: on a zh-CN
workbench no Latin word shows (codes, slugs, English messages), beyond the short list in
tests/support/chinese_only.py. The life runs in a unit and a category of its own, so the
pages show its data, not what other tests typed."""

from __future__ import annotations

import uuid

from playwright.async_api import Page, expect

from schema.ticket import Role
from tests.support.browser import Workbench, act, status_of, take_call
from tests.support.catalogue import unit_of_its_own
from tests.support.chinese_only import english_words


async def test_no_english_on_any_page_of_a_ticket_life(workbench: Workbench) -> None:
    base = workbench.url
    found: dict[str, list[str]] = {}

    async def read(page: Page, name: str, *numbers: str, leaving_out: str = "") -> None:
        await page.wait_for_load_state()
        words = await english_words(page, *numbers, leaving_out=leaving_out)
        if words:
            found[name] = words

    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    unit, category, name = await unit_of_its_own(workbench, agent)
    await agent.goto(f"{base}/desk")
    await read(agent, "desk", leaving_out="#queues")  # every agent's queues: all tickets
    number = await take_call(agent, base, f"夜间施工噪音扰民 {uuid.uuid4().hex[:6]}", category=name)
    await read(agent, "ticket after intake", number)
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, unit))
    await read(clerk, "inbox")
    await clerk.goto(f"{base}/tickets/{number}")
    await act(clerk, "sign")
    await read(clerk, "signed", number)
    await act(clerk, "extension", working_days="0", reason="需协调施工单位")  # refused
    await read(clerk, "refused extension", number)
    await act(clerk, "reply", outcome="resolved", content="已责令停工整改")
    await read(clerk, "replied", number)
    for path in ("/my-work", "/notifications", f"/tickets/{number}/print", "/tickets", "/nope"):
        await clerk.goto(f"{base}{path}")
        await read(clerk, path, number)
    await agent.goto(f"{base}/tickets/{number}")
    await act(agent, "rating", satisfaction="satisfied", solved=True)
    assert await status_of(agent) == "closed"
    await read(agent, "closed", number)
    for path in ("/my-work", f"/tickets?category={category}", "/tickets/NOPE-1"):
        await agent.goto(f"{base}{path}")
        await read(agent, path, number)
    # The supervisors' pages list every ticket of the city: their frames and headings are
    # read here, their rows (other tests' typed data) by their own tests.
    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    for path in ("/board", "/stats", "/escalations", "/reports"):  # hot spots: its own test
        await supervisor.goto(f"{base}{path}")
        await expect(supervisor.locator("h1")).to_be_visible()
        await read(supervisor, path, number, leaving_out="td, li, .text")
    assert found == {}, found


async def test_a_page_that_does_not_exist_is_said_in_chinese(workbench: Workbench) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    missing = await agent.goto(f"{base}/no-such-page")
    assert missing is not None and missing.status == 404
    await expect(agent.locator(".error")).to_have_text("没有这个页面，或它已不存在。")
    await expect(agent.locator("main a[href='/']")).to_have_text("返回工作台")  # a way back
    assert await english_words(agent) == []
    wrong_method = await agent.goto(f"{base}/find")  # the search box posts
    assert wrong_method is not None and wrong_method.status == 405
    await expect(agent.locator(".error")).to_contain_text("不能这样打开")
    # An integrator asking the API keeps its JSON answer.
    answer = await agent.request.get(f"{base}/v1/no-such-thing")
    assert answer.status == 404
    assert (await answer.json())["error"]["code"] == "http_404"
