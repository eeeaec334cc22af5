"""The search page (the API's filters, paging, the list behind each queue) and the
workbench in English, by a user's own choice that outlives the session."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import expect

from schema.ticket import Role
from tests.support.browser import PASSWORD, Workbench, shoot, take_call


async def test_search_filters_pages_and_opens_a_queues_list(workbench: Workbench) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    tag = uuid.uuid4().hex[:6]
    first = await take_call(agent, base, f"路灯不亮 {tag}", district="putuo")
    second = await take_call(agent, base, f"人行道破损 {tag}", district="putuo")

    await agent.goto(f"{base}/tickets")
    await agent.select_option("select[name=district]", "putuo")
    await agent.select_option("select[name=status]", "dispatched")
    await agent.click("form.filters button[type=submit]")
    await expect(agent).to_have_url(re.compile(r"district=putuo"))
    table = agent.locator("table.tickets")
    await expect(table).to_contain_text(first)
    await expect(table).to_contain_text(second)
    await expect(table).not_to_contain_text("dinghai")
    await shoot(agent, "ticket-search")

    # A whole group of the tree finds the tickets of the categories below it.
    await agent.select_option("select[name=category]", label="整类：城市管理 › 市容环境")
    await agent.click("form.filters button[type=submit]")
    await expect(agent).to_have_url(re.compile(r"category=0101(&|$)"))
    await expect(table).to_contain_text(first)
    await agent.select_option("select[name=category]", label="整类：公共服务 › 供水")
    await agent.click("form.filters button[type=submit]")
    await expect(table).not_to_contain_text(first)

    # A page at a time, newest first, the filters kept from page to page.
    await agent.goto(f"{base}/tickets?district=putuo&status=dispatched&page_size=1")
    await expect(table).to_contain_text(second)
    await agent.click("a[rel=next]")
    await expect(agent).to_have_url(re.compile(r"page=2"))
    await expect(agent).to_have_url(re.compile(r"district=putuo"))
    await expect(table).to_contain_text(first)
    await expect(table).not_to_contain_text(second)

    # A bad filter is said in place; an unknown queue is refused.
    refused = await agent.goto(f"{base}/tickets?min_escalation_level=9")
    assert refused is not None and refused.status == 422
    await expect(agent.locator(".error")).to_contain_text("min_escalation_level")
    unknown = await agent.goto(f"{base}/tickets?queue=sign")  # a department's queue
    assert unknown is not None and unknown.status == 404

    # The department's "to sign" queue opens the full list behind it, its own tickets only.
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await clerk.click(".queue[data-queue=sign] h2 a")
    await expect(clerk).to_have_url(re.compile(r"queue=sign"))
    await expect(clerk.locator("h1")).to_contain_text("待签收")
    await clerk.goto(f"{base}/tickets?queue=sign&district=putuo&page_size=200")
    await expect(clerk.locator("table.tickets")).to_contain_text(second)
    elsewhere = await clerk.goto(f"{base}/tickets?department=housing")
    assert elsewhere is not None and elsewhere.status == 403


async def test_a_user_chooses_english_and_keeps_it(workbench: Workbench) -> None:
    username = await workbench.account(Role.DEPARTMENT, "urban-management")
    clerk = await workbench.signed_in(username)
    await expect(clerk.locator("h1")).to_contain_text("承办单位工作台")
    await clerk.click("form.language button")
    await expect(clerk.locator("h1")).to_contain_text("Department inbox")
    await expect(clerk.locator(".queue[data-queue=sign] h2")).to_contain_text("To sign")
    assert await clerk.locator("html").get_attribute("lang") == "en"
    await shoot(clerk, "department-inbox-english")

    # Signed out and in again, in a fresh browser: still English (the choice is the user's).
    await clerk.click("form.who button")
    again = await (await workbench.browser.new_context(locale="zh-CN")).new_page()
    await again.goto(f"{workbench.url}/sign-in")
    await expect(again.locator("h1")).to_contain_text("登录")  # before sign-in: the browser's
    await again.fill("input[name=username]", username)
    await again.fill("input[name=password]", PASSWORD)
    await again.click("button[type=submit]")
    await expect(again.locator("h1")).to_contain_text("Department inbox")
    await again.click("form.language button")
    await expect(again.locator("h1")).to_contain_text("承办单位工作台")
