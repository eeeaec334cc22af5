"""The workbench in a real browser, by the people who use it: an agent, department clerks
and a supervisor, each signed in; refusals shown in place; CSRF, escaping, throttling."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import Dialog, Page, expect

from schema.policy import Policy
from schema.ticket import Role
from tests.support.browser import (
    PASSWORD,
    Workbench,
    act,
    choose_category,
    expect_in_queue,
    shoot,
    status_of,
    take_call,
)
from tests.support.chinese_only import english_words
from tests.support.waiting import eventually
from web.sessions import COOKIE

CITY = ZoneInfo(Policy().timezone)


async def test_a_ticket_lives_from_call_to_closure_in_the_browser(workbench: Workbench) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    await expect(agent).to_have_url(re.compile(r"/desk$"))
    await expect(agent.get_by_role("heading", name="话务员工作台")).to_be_visible()

    # Before registering: the routing preview names the lead.
    await choose_category(agent, "摊贩")
    await agent.select_option("select[name=district]", "dinghai")
    await expect(agent.locator("#intake-preview")).to_contain_text("城市管理局")
    text = f"夜市摊贩占道经营，油烟扰民 {uuid.uuid4().hex[:6]} <script>alert(1)</script>"
    number = await take_call(agent, base, text)
    assert await status_of(agent) == "dispatched"
    # The description is text, not markup: no script ran, the tags show as written.
    await expect(agent.locator("dd.text")).to_contain_text("<script>alert(1)</script>")
    await expect(agent.locator(".deadlines")).to_contain_text("还剩")

    # A second, near-identical call: the desk offers the first ticket; one click merges.
    await agent.goto(f"{base}/desk")
    await choose_category(agent, "zdjy")
    await agent.select_option("select[name=district]", "dinghai")
    await agent.fill("textarea[name=description]", text.replace("油烟扰民", "油烟很大"))
    await agent.locator("textarea[name=description]").dispatch_event("keyup")
    hint = agent.locator("#intake-preview .duplicates")
    await expect(hint).to_contain_text(number)
    await shoot(agent, "agent-desk")
    # Merging closes the call: the desk asks first, and a "no" sends nothing.
    await agent.fill("input[name=citizen_name]", "张三")
    await agent.fill("input[name=citizen_phone]", "13912345678")
    asked: list[str] = []

    async def say_no(dialog: Dialog) -> None:
        asked.append(dialog.message)
        await dialog.dismiss()

    agent.once("dialog", say_no)
    await hint.locator(f"button[value='{number}']").click()
    # The dialog's handler runs as its own task: waited for, not assumed done by now.
    await eventually(lambda: asked, within=10, message="the desk never asked before merging")
    await expect(agent).to_have_url(re.compile(r"/desk$"))
    assert "不能撤销" in asked[0], asked
    duplicate = await take_call(
        agent, base, text.replace("油烟扰民", "油烟很大"), phone="13912345678", merge_into=number
    )
    assert await status_of(agent) == "closed"
    await expect(agent.locator("dd a[href='/tickets/" + number + "']")).to_be_visible()

    # The department signs and asks for more time.
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await expect(clerk).to_have_url(re.compile(r"/inbox$"))
    await expect(clerk.locator(".queue[data-queue=sign] .badge")).not_to_have_text("0")
    await shoot(clerk, "department-inbox")
    await expect_in_queue(clerk, base, "sign", number)
    await clerk.goto(f"{base}/tickets/{number}")
    await expect(clerk.locator("text=并入本工单的重复诉求")).to_be_visible()
    await expect(clerk.locator(f"a[href='/tickets/{duplicate}']")).to_be_visible()
    await act(clerk, "sign")
    assert await status_of(clerk) == "handling"
    await act(clerk, "extension", working_days="3", reason="需协调多个摊点，等待联合执法")

    # The agent finds it among the extensions to review and approves.
    await expect_in_queue(agent, base, "extension", number)
    await agent.click(f"table.tickets a:text('{number}')")
    await act(agent, "extension-review", approve=True, note="同意延期")
    await expect(agent.locator(".timeline")).to_contain_text("同意延期")

    # The department replies; the agent records the callback; the ticket closes.
    await clerk.reload()
    await act(clerk, "reply", outcome="resolved", content="已清理，设置夜市疏导点")
    assert await status_of(clerk) == "callback"
    await shoot(clerk, "ticket-page-department")
    await expect_in_queue(agent, base, "callback", number)
    await agent.goto(f"{base}/tickets/{number}")
    await act(agent, "rating", satisfaction="satisfied", solved=True, comment="处理及时")
    assert await status_of(agent) == "closed"
    timeline = agent.locator(".timeline")
    for step in ("来电受理", "派单", "签收", "申请延期", "同意延期", "答复", "回访评价", "办结"):
        await expect(timeline).to_contain_text(step)
    await expect(timeline.locator("li[data-event=duplicate_merged]")).to_have_count(1)
    await shoot(agent, "ticket-page-closed")

    # Another department opening the ticket gets the API's refusal.
    stranger = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "housing"))
    answer = await stranger.goto(f"{base}/tickets/{number}")
    assert answer is not None and answer.status == 403
    await expect(stranger.locator(".error")).to_contain_text("您无权查看或办理此项")
    await expect(stranger.locator("main a[href='/']")).to_contain_text("返回工作台")
    assert await english_words(stranger, number) == []


async def test_a_ticket_sent_back_for_rework_shows_its_priority_supervision(
    workbench: Workbench,
) -> None:
    """发回重办: a reasonable unsatisfied rating sends the ticket back under priority
    supervision, which the ticket says beside its level and its reply deadline."""
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"路灯不亮 {uuid.uuid4().hex[:6]}")
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await clerk.goto(f"{base}/tickets/{number}")
    await act(clerk, "sign")
    await act(clerk, "reply", outcome="resolved", content="已更换灯泡")
    await agent.goto(f"{base}/tickets/{number}")
    await act(agent, "rating", satisfaction="unsatisfied", solved=False, comment="仍不亮")
    await act(agent, "rating-review", reasonable=True, note="属实，发回重办")
    assert await status_of(agent) == "handling"
    await expect(agent.locator(".priority-supervision")).to_contain_text("重点督办")
    await expect(agent.locator("ul.deadlines")).to_contain_text("发回重办")
    await shoot(agent, "ticket-page-rework")


async def test_a_return_is_reviewed_and_the_ticket_dispatched_again(workbench: Workbench) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"违章搭建 {uuid.uuid4().hex[:6]}")
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await clerk.goto(f"{base}/tickets/{number}")
    await expect(clerk.locator(".deadlines")).to_contain_text("退单截止")
    await act(clerk, "return", reason="属住建部门职责", legal_basis="《城乡规划法》第六十四条")
    assert await status_of(clerk) == "returned"

    await expect_in_queue(agent, base, "returned", number)
    await agent.click(f"table.tickets a:text('{number}')")
    await expect(agent.locator(".timeline")).to_contain_text("属住建部门职责")
    await act(agent, "return-review", accept=True, lead="housing", note="改派住建局")
    assert await status_of(agent) == "dispatched"
    await expect(agent.locator("dl")).to_contain_text("住房和城乡建设局")

    housing = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "housing"))
    await expect_in_queue(housing, base, "sign", number)
    # The first department no longer holds it.
    answer = await clerk.goto(f"{base}/tickets/{number}")
    assert answer is not None and answer.status == 403


async def test_a_refused_action_is_shown_in_place_and_changes_nothing(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"井盖缺失 {uuid.uuid4().hex[:6]}")
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await clerk.goto(f"{base}/tickets/{number}")
    stale = await clerk.context.new_page()  # the same ticket open in a second tab
    await stale.goto(f"{base}/tickets/{number}")
    await act(clerk, "sign")
    await act(stale, "sign", note="第二次签收")
    await expect(stale.locator(".error").first).to_contain_text("此操作现在不能办理")
    await expect(stale.locator(".error").first).to_contain_text("“签收”只能在以下状态办理：已派单")
    await shoot(stale, "ticket-page-refused")
    assert await status_of(stale) == "handling"
    await expect(stale.locator(".timeline li[data-event=signed]")).to_have_count(1)
    await expect(stale.locator(".timeline")).not_to_contain_text("第二次签收")


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
    htmx_without_header = await agent.request.post(
        f"{workbench.url}/desk/preview", form={"category": "x"}, headers={"HX-Request": "true"}
    )
    assert htmx_without_header.status == 403


async def test_sign_in_is_throttled_and_pages_need_it(workbench: Workbench) -> None:
    username = await workbench.account(Role.AGENT)
    page = await (await workbench.browser.new_context(locale="zh-CN")).new_page()
    await page.goto(f"{workbench.url}/desk")
    await expect(page).to_have_url(re.compile(r"/sign-in(\?|$)"))
    for _ in range(6):  # the fifth failure locks the account; the sixth attempt hears it
        await page.fill("input[name=username]", username)
        await page.fill("input[name=password]", "wrong password")
        await page.click("button[type=submit]")
    await expect(page.locator(".error")).to_contain_text("登录失败次数过多")
    await shoot(page, "sign-in-throttled")
    headers = (await page.request.get(f"{workbench.url}/sign-in")).headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


async def _csrf(page: Page) -> str:
    token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token
    return str(token)


async def test_the_desk_shows_a_callers_earlier_tickets_and_a_ticket_its_ladder(
    workbench: Workbench,
) -> None:
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    phone = "1390000" + str(uuid.uuid4().int)[:4]
    number = await take_call(agent, workbench.url, "噪音扰民", phone=phone)

    await agent.goto(f"{workbench.url}/desk")
    await agent.fill("input[name=citizen_phone]", phone)
    await agent.locator("input[name=citizen_phone]").dispatch_event("change")
    await expect(agent.locator("#earlier-calls")).to_contain_text(number)
    assert phone not in agent.url  # looked up by a keyed hash, in a POST body
    await shoot(agent, "agent-desk-earlier-calls")

    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    await supervisor.goto(f"{workbench.url}/tickets/{number}")
    await act(supervisor, "supervise", note="请尽快签收")
    await expect(supervisor.locator("table.rungs")).to_contain_text("督办件")
    await expect(supervisor.locator("table.rungs")).to_contain_text("请尽快签收")
    await shoot(supervisor, "ticket-page-supervised")


async def test_a_summoned_department_sees_the_meeting_until_it_reports_in(
    workbench: Workbench,
) -> None:
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, workbench.url, "占道经营，多部门管辖", phone="13700001111")
    # A department no other test summons: its queue holds this meeting alone.
    await act(agent, "joint-meeting", departments=["education"], agenda="谁来牵头？")
    await expect(agent.locator("table.rungs")).to_contain_text("联席会议")

    clerk = await workbench.account(Role.DEPARTMENT, "education")
    summoned = await workbench.signed_in(clerk)
    waiting = summoned.locator(".queue[data-queue=meeting]")
    await expect(waiting).to_contain_text(number)
    await shoot(summoned, "department-inbox-meeting")
    signed = await summoned.request.post(
        f"{workbench.url}/v1/auth/token", data={"username": clerk, "password": PASSWORD}
    )
    token = (await signed.json())["access_token"]
    reported = await summoned.request.post(  # as the clerk's own integration would
        f"{workbench.url}/v1/tickets/{number}/joint-meeting/report",
        headers={"Authorization": f"Bearer {token}"},
        data={},
    )
    assert reported.status == 200, await reported.text()
    # The ticket hears of it from the meeting a moment later; the inbox refreshes by
    # itself (every 15 s) and the meeting leaves it.
    await expect(waiting).not_to_contain_text(number, timeout=25_000)


async def test_a_suspension_is_asked_approved_and_resumed(workbench: Workbench) -> None:
    """挂起 on the workbench: the lead asks with a reason from the policy's list, the
    agent approves it from the queue of suspensions to review, the ticket waits in the
    department's suspended queue with its clocks standing still, and the lead resumes."""
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"装修噪音 {uuid.uuid4().hex[:6]}")
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await clerk.goto(f"{base}/tickets/{number}")
    await act(clerk, "sign")
    await act(
        clerk,
        "suspend",
        reason="等待市民补充材料",
        expected_resume="2099-01-01",
        note="请市民补充现场照片",
    )
    await expect(clerk.locator(".timeline")).to_contain_text("申请挂起")

    await expect_in_queue(agent, base, "suspension", number)
    await agent.click(f"table.tickets a:text('{number}')")
    # A decision is two answers, neither chosen: nobody approves by forgetting a tick.
    await agent.locator("details:has(form[data-action='suspension-review']) summary").click()
    review = agent.locator("form[data-action='suspension-review']")
    await expect(review.locator("fieldset.choice input:checked")).to_have_count(0)
    await expect(review.locator("fieldset.choice")).to_contain_text("不同意")
    await shoot(agent, "ticket-page-decision")
    await act(agent, "suspension-review", approve=True, note="同意挂起")
    assert await status_of(agent) == "suspended"
    await expect(agent.locator(".deadlines")).to_contain_text("挂起最迟至")
    await expect(agent.locator("dd.suspension")).to_contain_text("挂起于")
    await shoot(agent, "ticket-page-suspended")

    await expect_in_queue(clerk, base, "suspended", number)
    await clerk.goto(f"{base}/tickets/{number}")
    await act(clerk, "resume", note="材料已补齐")
    assert await status_of(clerk) == "handling"
    await expect(clerk.locator("dd.suspension")).to_contain_text("共 1 次")
    timeline = clerk.locator(".timeline")
    for step in ("申请挂起", "同意挂起", "恢复办理"):
        await expect(timeline).to_contain_text(step)


async def test_110_hands_a_transfer_back_to_the_centre(workbench: Workbench) -> None:
    """转110 on the workbench: the agent transfers a call with no rule in the catalogue,
    finds it among the tickets waiting for 110, records 110's hand-back from its call,
    and finds it again among the tickets 110 handed back, ready to dispatch."""
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(
        agent, base, f"邻里纠纷 {uuid.uuid4().hex[:6]}", category="其他社会事务"
    )
    await act(agent, "transfer-110", reason="双方在楼道推搡")
    assert await status_of(agent) == "awaiting_110"
    await expect(agent.locator(".deadlines")).to_contain_text("110受理时限")
    await expect_in_queue(agent, base, "with-110", number)
    await agent.click(f"table.tickets a:text('{number}')")
    await act(agent, "police-hand-back", reason="民间纠纷，非警务事项")
    assert await status_of(agent) == "received"
    await expect(agent.locator(".timeline")).to_contain_text("110退回")
    await shoot(agent, "ticket-page-handed-back-by-110")
    await expect_in_queue(agent, base, "handed-back", number)


async def test_a_citizen_calling_again_reopens_the_ticket_in_the_browser(
    workbench: Workbench,
) -> None:
    """重新受理: on a closed ticket the agent records the citizen's new call; the new ticket
    opens, linked to the closed one and sent to its lead, whose timeline shows the link."""
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"夜市噪音 {uuid.uuid4().hex[:6]}")
    await act(agent, "withdraw", reason="市民表示已解决")
    assert await status_of(agent) == "closed"
    await act(agent, "reopen", description="市民再次来电：噪音又出现了")
    assert await status_of(agent) == "dispatched"
    link = agent.locator(f"dd a[href='/tickets/{number}']")
    await expect(link).to_be_visible()
    await shoot(agent, "ticket-page-reopened")
    await link.click()
    await expect(agent.locator(".timeline")).to_contain_text("已重新受理为新工单")


async def test_an_assisting_department_gives_its_part(workbench: Workbench) -> None:
    """协办意见: the assisting department sees what it owes and by when, gives its part,
    and the ticket shows it given."""
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"夜间施工 {uuid.uuid4().hex[:6]}", category="010501")
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await expect_in_queue(clerk, base, "parts", number)
    await clerk.click(f"table.tickets a:text('{number}')")
    await expect(clerk.locator("dd.parts")).to_contain_text("待提交")
    await act(clerk, "part", content="已核查施工许可，夜间施工未获批准")
    await expect(clerk.locator("dd.parts")).to_contain_text("已提交")
    await expect(clerk.locator("form[data-action='part']")).to_have_count(0)  # given once
    await expect(clerk.locator(".timeline")).to_contain_text("协办意见")
    await shoot(clerk, "ticket-page-assisting-part")
    # The lead replies drawing on it: the part shows as used, the reply's trace names it.
    lead = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "ecology"))
    await lead.goto(f"{base}/tickets/{number}")
    await act(lead, "sign")
    await act(
        lead,
        "reply",
        outcome="resolved",
        content="已责令停止夜间施工",
        parts_used="urban-management",
    )
    assert await status_of(lead) == "callback"
    await expect(lead.locator("dd.parts")).to_contain_text("答复已采纳")
    await expect(lead.locator(".timeline")).to_contain_text("采纳的协办意见")


async def test_a_ticket_passed_down_to_a_branch_and_reviewed_up(workbench: Workbench) -> None:
    """二级派单 on the workbench: the bureau signs and passes the ticket down to its district
    branch with a day to reply by; the branch finds it in its queue, signs and replies up;
    the bureau sends the reply back once, then accepts it as the ticket's reply."""
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"占道经营 {uuid.uuid4().hex[:6]}")
    bureau = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    branch = await workbench.signed_in(
        await workbench.account(Role.DEPARTMENT, "urban-management-dinghai")
    )
    await bureau.goto(f"{base}/tickets/{number}")
    await act(bureau, "sign")
    in_two_days = (datetime.now(CITY) + timedelta(days=2)).date().isoformat()
    units = bureau.locator("form[data-action='delegate'] select[name=unit] option")
    await expect(units).to_have_count(2)  # the blank, and the one branch under the bureau
    await act(
        bureau, "delegate", unit="urban-management-dinghai", reply_by=in_two_days, note="请分局核实"
    )
    await expect(bureau.locator("dd.delegations")).to_contain_text("待下级签收")
    await expect(bureau.locator(".deadlines")).to_contain_text("下级答复时限")

    await expect_in_queue(branch, base, "delegated-sign", number)
    await branch.click(f"table.tickets a:text('{number}')")
    await act(branch, "delegated-sign")
    await act(branch, "delegated-reply", outcome="explained", content="已劝离，明日复查")
    await expect(branch.locator("dd.delegations")).to_contain_text("待审核")

    await expect_in_queue(bureau, base, "delegated-review", number)
    await bureau.click(f"table.tickets a:text('{number}')")
    await act(bureau, "delegated-review", accept=False, note="请复查后再报")
    await expect(bureau.locator("dd.delegations")).to_contain_text("发回 1 次")
    await expect_in_queue(branch, base, "delegated-reply", number)
    await branch.click(f"table.tickets a:text('{number}')")
    await act(branch, "delegated-reply", outcome="resolved", content="复查：已无占道")
    await bureau.goto(f"{base}/tickets/{number}")
    await shoot(bureau, "ticket-page-passed-down")
    await act(bureau, "delegated-review", accept=True, note="属实")
    assert await status_of(bureau) == "callback"
    chain = bureau.locator("dd.delegations li.finished")  # the chain stays on the ticket
    await expect(chain).to_contain_text("已结束：上级采纳答复")
    await expect(chain).to_contain_text("复查：已无占道")
    timeline = bureau.locator(".timeline")
    for step in ("下派（二级派单）", "下级签收", "下级答复发回重办", "采纳下级答复", "答复"):
        await expect(timeline).to_contain_text(step)


async def test_a_refusal_is_said_in_chinese_beside_its_field_with_the_typed_text_kept(
    workbench: Workbench,
) -> None:
    """The workflow's refusal (over the extension cap) and the body's (under its minimum)
    read in Chinese beside 工作日数, and the reason typed is still in the form."""
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"噪音扰民 {uuid.uuid4().hex[:6]}")
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await clerk.goto(f"{base}/tickets/{number}")
    await act(clerk, "sign")
    typed = "需要协调三个部门联合执法，时间较长"
    await act(clerk, "extension", working_days="20", reason=typed)
    form = clerk.locator("form[data-action='extension']")
    beside = form.locator("label:has([name='working_days']) .field-error")
    await expect(beside).to_contain_text(
        "每次派单最多延期 10 个工作日，还可延期 10 个，本次申请 20 个"
    )
    await expect(form.locator("[name='reason']")).to_have_value(typed)
    await expect(form.locator("[name='working_days']")).to_have_value("20")
    await form.locator("[name='reason']").fill(typed + "！")
    await expect(form.locator(".counter[data-limit='4000']")).to_have_text(
        f"已输入 {len(typed) + 1} / 4000 字"
    )
    await form.locator("[name='reason']").fill(typed)
    assert await form.locator("[name='reason']").get_attribute("maxlength") == "4000"
    await act(clerk, "extension", working_days="0")
    await expect(beside).to_contain_text("不能小于 1")
    await expect(form.locator("[name='reason']")).to_have_value(typed)
    await shoot(clerk, "ticket-page-refused-field")
    assert await english_words(clerk, number) == []


async def test_an_expired_session_signs_in_again_back_on_the_same_page(
    workbench: Workbench,
) -> None:
    """The session ends while a ticket is open: the next click says so on the sign-in
    page, in Chinese, and signing in goes back to that ticket (same-site only)."""
    base = workbench.url
    username = await workbench.account(Role.AGENT)
    agent = await workbench.signed_in(username)
    number = await take_call(agent, base, f"下水道堵塞 {uuid.uuid4().hex[:6]}")
    cookie = next(c for c in await agent.context.cookies() if c["name"] == COOKIE)
    await agent.context.add_cookies([{**cookie, "value": "ended"}])  # the session is gone
    await agent.goto(f"{base}/tickets/{number}")
    await expect(agent).to_have_url(re.compile(r"/sign-in\?next="))
    await expect(agent.locator(".sign-in .error")).to_contain_text("登录已过期")
    assert await english_words(agent) == []
    await agent.fill("input[name=username]", username)
    await agent.fill("input[name=password]", PASSWORD)
    await agent.click("button[type=submit]")
    await expect(agent).to_have_url(re.compile(f"/tickets/{number}$"))
    away = await agent.request.post(
        f"{base}/sign-in",
        form={"username": username, "password": PASSWORD, "next": "//evil.example/x"},
        headers={"Origin": base},
        max_redirects=0,
    )
    assert away.headers["location"] == "/"


async def test_a_reply_typed_as_the_session_ends_comes_back_after_sign_in(
    workbench: Workbench,
) -> None:
    """The clerk writes a long reply; the session has ended when 答复 is pressed. Signing
    in again returns to the ticket with the reply as typed; once sent, it is gone."""
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"路灯不亮 {uuid.uuid4().hex[:6]}")
    username = await workbench.account(Role.DEPARTMENT, "urban-management")
    clerk = await workbench.signed_in(username)
    await clerk.goto(f"{base}/tickets/{number}")
    await act(clerk, "sign")
    typed = "经现场核查，路灯线路老化，已安排更换，预计三日内修复。" * 3
    reply = clerk.locator("form[data-action=reply]")
    await clerk.locator("details:has(form[data-action=reply]) summary").click()
    await reply.locator("select[name=outcome]").select_option("resolved")
    await reply.locator("textarea[name=content]").fill(typed)
    cookie = next(c for c in await clerk.context.cookies() if c["name"] == COOKIE)
    await clerk.context.add_cookies([{**cookie, "value": "ended"}])  # the session is gone
    await reply.locator("button[type=submit]").click()
    await expect(clerk.locator(".sign-in .error")).to_contain_text("登录已过期")
    await clerk.fill("input[name=username]", username)
    await clerk.fill("input[name=password]", PASSWORD)
    await clerk.click("button[type=submit]")
    await expect(clerk).to_have_url(re.compile(f"/tickets/{number}$"))
    await expect(reply.locator(".draft-restored")).to_have_text("已恢复您上次未提交的内容")
    await expect(reply.locator("textarea[name=content]")).to_have_value(typed)
    await expect(reply.locator("select[name=outcome]")).to_have_value("resolved")
    await shoot(clerk, "ticket-page-draft-restored")
    await reply.locator("button[type=submit]").click()
    await expect(clerk.locator("p.notice.done")).to_be_visible()
    assert await status_of(clerk) == "callback"
    await clerk.reload()
    await expect(clerk.locator(".draft-restored")).to_have_count(0)
