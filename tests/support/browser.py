"""The workbench in a real Chromium (Debian's, never a downloaded one), and what a person
does on it, as steps the browser tests share."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import APIRequestContext, Browser, Locator, Page, expect

from schema.ticket import Role
from services.accounts import add_user
from tests.support.read_model import ReadModel

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
PASSWORD = "a password for the browser tests"


@dataclass
class Workbench:
    url: str
    browser: Browser
    read_model: ReadModel

    async def account(self, role: Role, department: str | None = None) -> str:
        username = f"{role.value}-{uuid.uuid4().hex[:6]}"
        await add_user(
            self.read_model.sessions,
            username=username,
            display_name={Role.AGENT: "王话务", Role.DEPARTMENT: "李承办"}.get(role, username),
            role=role,
            password=PASSWORD,
            department=department,
        )
        return username

    async def signed_in(self, username: str, password: str = PASSWORD) -> Page:
        """A fresh browser (its own cookies) that has signed in, or tried to."""
        page = await (
            await self.browser.new_context(
                locale="zh-CN",
                viewport={"width": 1366, "height": 768},  # a clerk's screen
            )
        ).new_page()
        await page.goto(f"{self.url}/sign-in")
        await page.fill("input[name=username]", username)
        await page.fill("input[name=password]", password)
        await page.click("button[type=submit]")
        await page.wait_for_load_state()
        return page


async def bearer(request: APIRequestContext, base: str, username: str) -> dict[str, str]:
    """The API's headers for this test account (its token, asked with its password)."""
    answer = await request.post(
        f"{base}/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {(await answer.json())['access_token']}"}


async def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# What a person does on the workbench.


async def take_call(
    agent: Page,
    base: str,
    description: str,
    *,
    phone: str = "13812341234",
    category: str = "占道经营",
    district: str = "dinghai",
    merge_into: str | None = None,
) -> str:
    """Fill the desk's intake form and register the call; the new ticket's number.
    ``category`` is typed into the picker and its first suggestion chosen."""
    await agent.goto(f"{base}/desk")
    await agent.select_option("select[name=channel]", "phone")
    await agent.select_option("select[name=type]", "complaint")
    await choose_category(agent, category)
    await agent.select_option("select[name=district]", district)
    await agent.fill("textarea[name=description]", description)
    await agent.fill("input[name=citizen_name]", "张三")
    await agent.fill("input[name=citizen_phone]", phone)
    if merge_into is None:
        await agent.click("form.intake > button[type=submit]")
    else:  # the preview offers it once the description reads like it
        await agent.locator("textarea[name=description]").dispatch_event("keyup")
        agent.once("dialog", lambda dialog: dialog.accept())  # merge-and-close asks first
        await agent.locator(f"#intake-preview button[value='{merge_into}']").click()
    await expect(agent.locator("h1 .status")).to_be_visible()
    return (await agent.locator("h1").inner_text()).split()[1]


async def choose_category(agent: Page, typed: str) -> str:
    """Type into the desk's category picker and take its first suggestion; its path."""
    await agent.fill("#intake-category-query", typed)
    first = agent.locator("#category-options [data-code]").first
    await expect(first).to_be_visible()
    await first.dispatch_event("mousedown")
    await expect(agent.locator("#intake-category")).not_to_have_value("")
    return await agent.input_value("#intake-category-query")


async def act(page: Page, action: str, **fields: str | bool | list[str]) -> None:
    """Open an action of the ticket page, fill its fields, submit it."""
    details = page.locator(f"details:has(form[data-action='{action}'])")
    if await details.get_attribute("open") is None:  # a refused form stays open
        await details.locator("summary").click()
    form = page.locator(f"form[data-action='{action}']")
    for name, value in fields.items():
        if isinstance(value, bool):  # a decision: one of its two answers, said out loud
            answer = "yes" if value else "no"
            await form.locator(f"input[name='{name}'][value='{answer}']").check()
            continue
        field = form.locator(f"[name='{name}']")
        if await field.first.get_attribute("type") == "checkbox":  # chosen by name, each
            for chosen in [value] if isinstance(value, str) else value:
                await form.locator(f"input[name='{name}'][value='{chosen}']").check()
            continue
        tag = await field.evaluate("element => element.tagName")
        if tag == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(str(value))
    if await _asks_first(form, fields):  # web/static/forms.js asks; the test says yes
        page.once("dialog", lambda dialog: dialog.accept())
    await form.locator("button[type=submit]").click()
    await page.wait_for_load_state()


async def _asks_first(form: Locator, fields: dict[str, str | bool | list[str]]) -> bool:
    """Whether the form confirms before sending, with these answers (data-confirm-if)."""
    if await form.get_attribute("data-confirm") is None:
        return False
    when = await form.get_attribute("data-confirm-if")
    if not when:
        return True
    name, value = when.split(":")
    given = fields.get(name)
    return isinstance(given, bool) and ("yes" if given else "no") == value


async def status_of(page: Page) -> str:
    return str(await page.locator("h1 .status").get_attribute("data-status"))


async def expect_in_queue(page: Page, base: str, queue: str, number: str) -> None:
    """The ticket is in this user's queue: its full list (the desk shows the oldest 20,
    and a whole test run shares one read model)."""
    await page.goto(f"{base}/tickets?queue={queue}&page_size=200")
    await expect(page.locator("table.tickets")).to_contain_text(number)
