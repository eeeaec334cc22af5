"""The ticket page's panel offers what the workflow would take now, and says what was
done: no review without its request, no progress before the signature."""

from __future__ import annotations

import uuid

from playwright.async_api import Dialog, expect

from schema.ticket import Role
from tests.support.browser import Workbench, act, choose_category, shoot, status_of, take_call
from tests.support.waiting import eventually


async def test_the_panel_offers_what_applies_and_says_what_was_done(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    await choose_category(agent, "摊贩")
    await agent.select_option("select[name=district]", "dinghai")
    number = await take_call(agent, base, f"占道经营 {uuid.uuid4().hex[:6]}")
    assert await status_of(agent) == "dispatched"

    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await clerk.goto(f"{base}/tickets/{number}")
    offered = clerk.locator("form.action")
    await expect(offered.and_(clerk.locator("[data-action=sign]"))).to_have_count(1)
    await expect(clerk.locator("form[data-action=progress]")).to_have_count(0)  # sign first
    await act(clerk, "sign")
    assert await status_of(clerk) == "handling"
    await expect(clerk.locator("p.notice.done")).to_have_text("已办理：签收")
    await expect(clerk.locator("form[data-action=sign]")).to_have_count(0)
    await expect(clerk.locator("form[data-action=progress]")).to_have_count(1)

    # Without an extension asked, the agent has none to review.
    await agent.goto(f"{base}/tickets/{number}")
    await expect(agent.locator("form[data-action='extension-review']")).to_have_count(0)
    await act(clerk, "extension", working_days="2", reason="等待联合执法")
    await expect(clerk.locator("p.notice.done")).to_have_text("已办理：申请延期")
    await shoot(clerk, "ticket-page-action-done")
    await expect(clerk.locator("form[data-action=extension]")).to_have_count(0)  # one at a time
    await agent.reload()
    review = agent.locator("form[data-action='extension-review']")
    await expect(review).to_have_count(1)

    # Approve or refuse is a choice the agent makes: nothing is sent without it.
    await agent.locator("details:has(form[data-action='extension-review']) summary").click()
    await review.locator("button[type=submit]").click()
    await expect(review.locator("input[name=approve]:invalid").first).to_be_attached()
    await expect(agent.locator("p.notice.done")).to_have_count(0)
    # Refusing cannot be undone: the page asks; cancelled, nothing is sent.
    asked: list[str] = []

    async def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.message)
        await dialog.dismiss()

    agent.once("dialog", dismiss)
    await review.locator("input[name=approve][value=no]").check()
    await review.locator("button[type=submit]").click()
    assert await eventually(lambda: asked) == ["不同意延期后不能撤回。确定不同意？"]
    await expect(agent.locator("p.notice.done")).to_have_count(0)
    await expect(agent.locator(".timeline")).not_to_contain_text("不同意延期")
    # Accepted (``act`` says yes to the question), it is sent.
    await act(agent, "extension-review", approve=False, note="时限内可办结")
    await expect(agent.locator("p.notice.done")).to_have_text("已办理：审核延期")
    await expect(agent.locator("form[data-action='extension-review']")).to_have_count(0)
