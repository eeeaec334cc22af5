"""The workbench in a real browser: sign-in, the agent's desk, the department's inbox and
the ticket page, under the API's rules; refusals shown in place; CSRF, escaping, throttling."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import expect

from schema.ticket import Role
from tests.web.conftest import PASSWORD, Workbench, shoot


async def test_a_call_is_taken_signed_and_replied_in_the_browser(workbench: Workbench) -> None:
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    await expect(agent).to_have_url(re.compile(r"/desk$"))
    await expect(agent.get_by_role("heading", name="话务员工作台")).to_be_visible()
    await agent.select_option("select[name=channel]", "phone")
    await agent.select_option("select[name=type]", "complaint")
    await agent.fill("input[name=category]", "street-vendors")
    await agent.fill("input[name=district]", "dinghai")
    await agent.fill("textarea[name=description]", "夜市摊贩占道 <script>alert(1)</script>")
    await agent.fill("input[name=citizen_name]", "张三")
    await agent.fill("input[name=citizen_phone]", "13812341234")
    await shoot(agent, "agent-desk")
    await agent.click("form.intake button[type=submit]")
    await expect(agent.locator("h1")).to_contain_text("已派单")
    number = (await agent.locator("h1").inner_text()).split()[1]
    # The description is text, not markup: no script ran, the tags show as written.
    await expect(agent.locator("dd.text")).to_contain_text("<script>alert(1)</script>")
    await expect(agent.locator(".deadlines")).to_contain_text("还剩")
    await shoot(agent, "ticket-page-agent")

    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await expect(clerk).to_have_url(re.compile(r"/inbox$"))
    await expect(clerk.locator("#queues")).to_contain_text(number)
    await shoot(clerk, "department-inbox")
    await clerk.click(f"text={number}")
    await clerk.click("details:has(form[data-action=sign]) summary")
    await clerk.click("form[data-action=sign] button")
    await expect(clerk.locator("h1")).to_contain_text("办理中")
    await clerk.click("details:has(form[data-action=reply]) summary")
    await clerk.select_option("form[data-action=reply] select[name=outcome]", "resolved")
    await clerk.fill("form[data-action=reply] textarea[name=content]", "已清理，设置夜市疏导点")
    await clerk.click("form[data-action=reply] button")
    await expect(clerk.locator("h1")).to_contain_text("待回访")
    await expect(clerk.locator(".timeline")).to_contain_text("replied")
    await shoot(clerk, "ticket-page-department")

    # Signing twice is refused in place, with the workflow's own message.
    refused = await clerk.request.post(
        f"{workbench.url}/tickets/{number}/act/sign",
        form={"csrf_token": await _csrf(clerk)},
        headers={"Origin": workbench.url},
    )
    assert refused.status == 409, await refused.text()
    assert "sign" in await refused.text()

    stranger = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "housing"))
    answer = await stranger.goto(f"{workbench.url}/tickets/{number}")
    assert answer is not None and answer.status == 403
    await expect(stranger.locator(".error")).to_contain_text("housing")


async def test_forms_without_their_csrf_token_are_refused(workbench: Workbench) -> None:
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    forged = await agent.request.post(
        f"{workbench.url}/desk/tickets",
        form={"channel": "phone", "category": "x"},
        headers={"Origin": workbench.url},
    )
    assert forged.status == 403
    elsewhere = await agent.request.post(
        f"{workbench.url}/desk/tickets",
        form={"csrf_token": await _csrf(agent)},
        headers={"Origin": "http://evil.example"},
    )
    assert elsewhere.status == 403


async def test_sign_in_is_throttled_and_pages_need_it(workbench: Workbench) -> None:
    username = await workbench.account(Role.AGENT)
    page = await (await workbench.browser.new_context()).new_page()
    await page.goto(f"{workbench.url}/desk")
    await expect(page).to_have_url(re.compile(r"/sign-in$"))
    for _ in range(6):  # the fifth failure locks the account; the sixth attempt hears it
        await page.fill("input[name=username]", username)
        await page.fill("input[name=password]", "wrong password")
        await page.click("button[type=submit]")
    await expect(page.locator(".error")).to_contain_text("too many failed sign-ins")
    await shoot(page, "sign-in-throttled")
    headers = (await page.request.get(f"{workbench.url}/sign-in")).headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


async def _csrf(page: object) -> str:
    token = await page.locator("input[name=csrf_token]").first.get_attribute("value")  # type: ignore[attr-defined]
    assert token
    return str(token)


async def test_the_desk_shows_a_callers_earlier_tickets_and_a_ticket_its_ladder(
    workbench: Workbench,
) -> None:
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    phone = "1390000" + str(uuid.uuid4().int)[:4]
    await agent.fill("input[name=category]", "street-vendors")
    await agent.fill("input[name=district]", "dinghai")
    await agent.select_option("select[name=urgency]", "general")
    await agent.fill("textarea[name=description]", "噪音扰民")
    await agent.fill("input[name=citizen_name]", "赵六")
    await agent.fill("input[name=citizen_phone]", phone)
    await agent.click("form.intake button[type=submit]")
    await expect(agent.locator("h1")).to_contain_text("已派单")
    number = (await agent.locator("h1").inner_text()).split()[1]

    await agent.goto(f"{workbench.url}/desk")
    await agent.fill("input[name=citizen_phone]", phone)
    await agent.locator("input[name=citizen_phone]").dispatch_event("change")
    await expect(agent.locator("#earlier-calls")).to_contain_text(number)
    assert phone not in agent.url  # looked up by a keyed hash, in a POST body
    await shoot(agent, "agent-desk-earlier-calls")

    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    await supervisor.goto(f"{workbench.url}/tickets/{number}")
    await supervisor.click("details:has(form[data-action=supervise]) summary")
    await supervisor.fill("form[data-action=supervise] textarea[name=note]", "请尽快签收")
    await supervisor.click("form[data-action=supervise] button")
    await expect(supervisor.locator("table.rungs")).to_contain_text("supervision_order")
    await expect(supervisor.locator("table.rungs")).to_contain_text("请尽快签收")
    await shoot(supervisor, "ticket-page-supervised")


async def test_a_summoned_department_sees_the_meeting_until_it_reports_in(
    workbench: Workbench,
) -> None:
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    await agent.fill("input[name=category]", "street-vendors")
    await agent.fill("input[name=district]", "dinghai")
    await agent.fill("textarea[name=description]", "占道经营，多部门管辖")
    await agent.fill("input[name=citizen_name]", "钱七")
    await agent.fill("input[name=citizen_phone]", "13700001111")
    await agent.click("form.intake button[type=submit]")
    await expect(agent.locator("h1")).to_contain_text("已派单")
    number = (await agent.locator("h1").inner_text()).split()[1]
    await agent.click("details:has(form[data-action=joint-meeting]) summary")
    await agent.fill("form[data-action=joint-meeting] input[name=departments]", "housing")
    await agent.fill("form[data-action=joint-meeting] textarea[name=agenda]", "谁来牵头？")
    await agent.click("form[data-action=joint-meeting] button")
    await expect(agent.locator("table.rungs")).to_contain_text("joint_meeting")

    clerk = await workbench.account(Role.DEPARTMENT, "housing")
    housing = await workbench.signed_in(clerk)
    waiting = housing.locator(".queue:has(h2:has-text('联席会议待报到'))")
    await expect(waiting).to_contain_text(number)
    await shoot(housing, "department-inbox-meeting")
    signed = await housing.request.post(
        f"{workbench.url}/v1/auth/token", data={"username": clerk, "password": PASSWORD}
    )
    token = (await signed.json())["access_token"]
    reported = await housing.request.post(  # as the clerk's own integration would
        f"{workbench.url}/v1/tickets/{number}/joint-meeting/report",
        headers={"Authorization": f"Bearer {token}"},
        data={},
    )
    assert reported.status == 200, await reported.text()
    await housing.reload()
    await expect(waiting).not_to_contain_text(number)
