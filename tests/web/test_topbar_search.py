"""The top bar's search box in a real browser: a ticket by its number, a caller's
tickets by the phone number (never put in the URL), a category's tickets by its name or
pinyin — each role finding only what its lists show it."""

from __future__ import annotations

import uuid

from playwright.async_api import Page, expect

from schema.ticket import Role
from tests.support.browser import Workbench, shoot, take_call


async def _find(page: Page, typed: str) -> None:
    box = page.locator("header form.find input[name=q]")
    await box.fill(typed)
    await box.press("Enter")
    await page.wait_for_load_state()


async def test_the_top_bar_finds_by_number_phone_and_category_within_scope(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    phone = f"137{uuid.uuid4().int % 10**8:08d}"
    number = await take_call(agent, base, f"夜市摊位占道 {uuid.uuid4().hex[:6]}", phone=phone)

    await _find(agent, phone)
    results = agent.locator(".find-results")
    await expect(results).to_contain_text("该来电号码的工单")
    await expect(results.locator(f"a[href='/tickets/{number}']")).to_be_visible()
    assert phone not in agent.url  # posted, not left in the address bar or a log
    await shoot(agent, "topbar-search-phone")
    await _find(agent, number.lower())
    await expect(agent.locator("h1")).to_contain_text(number)
    await _find(agent, "zdjy")  # pinyin initials of 占道经营
    await expect(results).to_contain_text("城市管理 › 市容环境 › 占道经营")
    await expect(results.locator(f"a[href='/tickets/{number}']")).to_be_visible()

    # The lead unit finds its ticket; another department finds nothing, not even that the
    # number exists.
    lead = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await _find(lead, phone)
    await expect(lead.locator(f".find-results a[href='/tickets/{number}']")).to_be_visible()
    other = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "housing"))
    await _find(other, phone)
    await expect(other.locator(".find-results")).to_contain_text("共 0 件")
    await expect(other.locator(".find-results a")).to_have_count(0)
    await _find(other, number)
    await expect(other.locator(".find-results")).to_contain_text(
        f"没有找到您可以查看的工单 {number}"
    )
    await _find(other, "完全不相干的话")
    await expect(other.locator(".find-results")).to_contain_text(
        "没有与“完全不相干的话”对应的诉求类别"
    )
