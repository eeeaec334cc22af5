"""The agent's intake form as a call goes: the phone first and focused, the category
found by what the caller says (Chinese, a common word, pinyin initials), the routing and
the caller's earlier tickets beside the form in view at 1366×768, all by keyboard."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import Page, expect

from schema.ticket import Role
from tests.support.browser import Workbench, choose_category, shoot, status_of, take_call


async def first_suggestion(agent: Page, typed: str, expected: str) -> None:
    """Type, and wait for the list the server ranks for it (not the one before)."""
    await agent.fill("#intake-category-query", typed)
    first = agent.locator("#category-options li").first
    await expect(first).to_contain_text(expected)


async def test_the_category_is_found_by_name_synonym_and_pinyin(workbench: Workbench) -> None:
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    await first_suggestion(agent, "占道", "占道经营")
    await first_suggestion(agent, "摊贩", "俗称：摊贩")
    await expect(agent.locator("#category-options li b").first).to_have_text("占道经营")
    await expect(agent.locator("#category-options li").first).to_contain_text("城市管理局")
    await first_suggestion(agent, "zdjy", "占道经营")
    await first_suggestion(agent, "没水", "停水")
    await shoot(agent, "agent-desk-category-search")
    await agent.fill("#intake-category-query", "完全不相干的话")
    await expect(agent.locator("#category-options .empty")).to_contain_text("没有找到")


async def test_a_call_taken_by_keyboard_alone_with_the_preview_in_view(
    workbench: Workbench,
) -> None:
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    await expect(agent.locator("#intake-phone")).to_be_focused()  # the call starts here
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    await agent.keyboard.type(phone)
    await agent.keyboard.press("Tab")
    await expect(agent.locator("input[name=citizen_name]")).to_be_focused()
    await agent.keyboard.type("赵六")
    await agent.keyboard.press("Tab")
    await expect(agent.locator("#intake-description")).to_be_focused()
    await agent.keyboard.type(f"小区门口有人摆摊卖菜，堵住通道 {uuid.uuid4().hex[:6]}")
    await agent.keyboard.press("Tab")
    await expect(agent.locator("#intake-category-query")).to_be_focused()
    await agent.keyboard.type("摆摊")
    await expect(agent.locator("#category-options [data-code]").first).to_be_visible()
    await agent.keyboard.press("Enter")  # the first suggestion
    await expect(agent.locator("#intake-category")).to_have_value("010101")
    await expect(agent.locator("#intake-category-query")).to_have_value(
        "城市管理 › 市容环境 › 占道经营"
    )
    await agent.keyboard.press("Tab")
    await expect(agent.locator("#intake-district")).to_be_focused()
    await agent.keyboard.press("ArrowDown")  # the first district, a named one
    await agent.keyboard.press("Tab")
    preview = agent.locator("#intake-preview .routing")
    await expect(preview).to_contain_text("城市管理局")
    # At a clerk's 1366×768 the routing, the button and the form's top are all in view.
    for element in (preview, agent.locator("form.intake > button[type=submit]")):
        box = await element.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 768, box
    await shoot(agent, "agent-desk")
    await agent.keyboard.press("Control+Enter")
    await expect(agent.locator("h1 .status")).to_be_visible()
    assert await status_of(agent) == "dispatched"
    await expect(agent.locator("dl")).to_contain_text("城市管理 › 市容环境 › 占道经营")
    await expect(agent.locator("dl")).to_contain_text("定海区")

    # The same caller again: the earlier ticket appears beside the form as the number is typed.
    await agent.goto(f"{workbench.url}/desk")
    await agent.keyboard.type(phone)
    earlier = agent.locator("#earlier-calls")
    await expect(earlier).to_contain_text("占道经营")
    await expect(earlier).to_contain_text("定海区")
    box = await earlier.bounding_box()
    assert box is not None and box["y"] < 768


async def test_a_category_typed_but_not_chosen_is_refused_with_the_call_kept(
    workbench: Workbench,
) -> None:
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    await agent.fill("input[name=citizen_phone]", "13812341234")
    await agent.fill("input[name=citizen_name]", "钱七")
    await agent.fill("textarea[name=description]", "说不清是什么问题")
    await agent.fill("#intake-category-query", "某种新问题")
    await agent.select_option("select[name=district]", "putuo")
    await agent.click("form.intake > button[type=submit]")
    await expect(agent.locator(".error")).to_contain_text("请从列表中选择诉求分类")
    await expect(agent.locator("textarea[name=description]")).to_have_value("说不清是什么问题")
    await expect(agent.locator("input[name=citizen_name]")).to_have_value("钱七")
    await expect(agent.locator("#intake-category-query")).to_have_value("某种新问题")
    await expect(agent.locator("select[name=district]")).to_have_value("putuo")
    # A name that says exactly one leaf is taken as it (a browser without scripts).
    await agent.fill("#intake-category-query", "停水")
    await agent.click("form.intake > button[type=submit]")
    await expect(agent).to_have_url(re.compile(r"/tickets/"))
    await expect(agent.locator("dl")).to_contain_text("公共服务 › 供水 › 停水")


async def test_names_not_codes_on_the_inbox_and_the_timeline(workbench: Workbench) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"路面坑洼 {uuid.uuid4().hex[:6]}", category="道路破损")
    await expect(agent.locator(".timeline")).to_contain_text("按派单目录派单")
    await expect(agent.locator(".timeline")).to_contain_text("交通运输局")
    await expect(agent.locator(".timeline")).to_contain_text("王话务")  # the agent, by name
    timeline = await agent.locator(".timeline").inner_text()
    assert "agent:" not in timeline and "transport" not in timeline
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "transport"))
    row = clerk.locator(f".queue[data-queue=sign] li:has(a[href='/tickets/{number}'])")
    await expect(row).to_contain_text("道路破损 · 定海区")
    await choose_category_not_offered_to(clerk, base)


async def choose_category_not_offered_to(clerk: Page, base: str) -> None:
    """The desk's picker is the agents' only."""
    answer = await clerk.request.get(f"{base}/desk/categories?category_query=zdjy")
    assert answer.status == 403


async def test_the_picker_keeps_a_typed_category_from_an_earlier_choice(
    workbench: Workbench,
) -> None:
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    await choose_category(agent, "停电")
    await agent.fill("#intake-category-query", "停")  # typing again: not a choice yet
    await expect(agent.locator("#intake-category")).to_have_value("")
