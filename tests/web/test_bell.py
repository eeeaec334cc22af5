"""The bell in the top bar: a department's count rises when a ticket is dispatched to it
and not another's, the list says it in Chinese, and reading brings the count down."""

from __future__ import annotations

import uuid

from playwright.async_api import Page, expect

from schema.ticket import Role
from tests.support.browser import Workbench, shoot, take_call
from tests.support.waiting import eventually


async def _all_read(page: Page, base: str) -> None:
    """Start from nothing unread: other tests' tickets share this read model."""
    await page.goto(f"{base}/notifications")
    await page.click("form.read-all button")
    await expect(page.locator("header .bell .bell-count")).to_have_attribute("data-count", "0")


async def _bell_reads(page: Page, count: str) -> bool | None:
    """The bell after a reload (its htmx fragment asks again on load)."""
    await page.reload()
    badge = page.locator("header .bell .bell-count")
    await expect(badge).to_be_visible()
    return await badge.get_attribute("data-count") == count or None


async def test_the_bell_rings_for_the_department_it_was_sent_to(workbench: Workbench) -> None:
    base = workbench.url
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    other = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "gas-supply"))
    await _all_read(clerk, base)
    await _all_read(other, base)
    await expect(clerk.locator("header .bell .bell-count.zero")).to_have_text("0")

    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    no = await take_call(agent, base, f"人行道被占用摆摊 {uuid.uuid4().hex[:6]}")

    await eventually(lambda: _bell_reads(clerk, "1"), within=30, message="the bell never rang")
    await expect(clerk.locator("header .bell .bell-count.unread")).to_have_text("1")
    await _bell_reads(other, "0")
    await expect(other.locator("header .bell .bell-count")).to_have_attribute("data-count", "0")

    await clerk.click("header .bell")
    row = clerk.locator(f".notices li[data-ticket='{no}']")
    await expect(row).to_have_class("unread")
    await expect(row.locator(".kind")).to_have_text("派单")
    await expect(row.locator(".unit")).to_contain_text("城市管理局")
    await expect(row.locator(".category")).not_to_be_empty()
    await shoot(clerk, "notifications-department")

    await row.locator("button").click()  # read: opens the ticket
    await expect(clerk.locator("h1")).to_contain_text(no)
    await expect(clerk.locator("header .bell .bell-count")).to_have_attribute("data-count", "0")
    await clerk.goto(f"{base}/notifications")
    await expect(clerk.locator(f".notices li[data-ticket='{no}']")).to_have_class("read")
