"""The citizen's page on a phone (360 × 640): opened from the SMS's link, it tells the
request's progress in plain Chinese without a member of staff's name; while the unit waits
for the citizen's materials, a photo sent from it resumes the ticket; once the reply is in,
the citizen rates it, and the rating closes the ticket as an agent's callback would. A
wrong or expired link opens nothing and names no ticket."""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

from playwright.async_api import Browser, FilePayload, Page, expect

from hotline.citizen_links import citizen_token
from hotline.sealing import sealer
from hotline.settings import Settings
from schema.citizen_messages import CITIZEN_SUPPLEMENT_REASON
from schema.message_tables import CitizenCode
from schema.ticket import Role
from tests.support.browser import Workbench, bearer, shoot
from tests.support.chinese_only import english_words
from tests.support.files import camera_photo

PHONE = "13611118888"


async def on_a_phone(browser: Browser) -> Page:
    context = await browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True
    )
    return await context.new_page()


def link(settings: Settings, no: str, days: float = 30) -> str:
    until = int(time.time() + days * 86400)
    lookup = sealer().phone_lookup(PHONE)
    return f"/c/{citizen_token(settings.jwt_secret or '', no, lookup, until)}"


async def test_a_citizen_follows_sends_materials_and_rates_from_the_phone(
    workbench: Workbench, base_settings: Settings
) -> None:
    base = workbench.url
    agent_name = await workbench.account(Role.AGENT)
    clerk_name = await workbench.account(Role.DEPARTMENT, "urban-management")
    agent = await workbench.signed_in(agent_name)
    api = agent.request
    staff = await bearer(api, base, agent_name)
    unit = await bearer(api, base, clerk_name)
    body = {
        "channel": "phone",
        "type": "complaint",
        "category": "010101",
        "district": "dinghai",
        "description": f"小区门口夜市占道 {uuid.uuid4().hex[:6]}",
        "citizen": {"name": "孙八", "phone": PHONE},
    }
    no = (await (await api.post(f"{base}/v1/tickets", data=body, headers=staff)).json())[
        "ticket_no"
    ]

    async def acted(action: str, headers: dict[str, str], data: dict[str, object]) -> None:
        answer = await api.post(f"{base}/v1/tickets/{no}/{action}", data=data, headers=headers)
        assert answer.status == 200, await answer.text()

    await acted("sign", unit, {})
    await acted("progress", unit, {"content": "已安排执法队员今晚到场，联系电话 13900001111"})
    resume_by = (date.today() + timedelta(days=5)).isoformat()
    suspend: dict[str, object] = {"reason": CITIZEN_SUPPLEMENT_REASON, "expected_resume": resume_by}
    await acted("suspend", unit, suspend)
    await acted("suspension-review", staff, {"approve": True})

    citizen = await on_a_phone(workbench.browser)
    await citizen.goto(base + link(base_settings, no))
    await expect(citizen.locator(".status")).to_have_text("暂停办理")
    steps = citizen.locator(".steps")
    await expect(steps).to_contain_text("承办单位已接收")
    await expect(steps).to_contain_text("城市管理局")
    text = await citizen.locator("main").inner_text()
    assert "李承办" not in text and "王话务" not in text  # no member of staff by name
    assert "13900001111" not in text  # another number in the unit's words stays masked
    assert await english_words(citizen, no) == []
    await shoot(citizen, "citizen-page-materials")

    materials = citizen.locator("#materials form")
    await materials.locator("input[type=file]").set_input_files(
        [FilePayload(name="门口.jpg", mimeType="image/jpeg", buffer=camera_photo())]
    )
    await materials.locator("textarea[name=note]").fill("摊位每晚七点后出现")
    await materials.locator("button[type=submit]").click()
    await expect(citizen.locator(".notice")).to_contain_text("材料已收到")
    await expect(citizen.locator(".status")).to_have_text("办理中")
    await expect(citizen.locator("li[data-step='resumed']")).to_contain_text("附 1 个文件")

    # The centre sees the citizen's photo on the resumption, said as the citizen's.
    await agent.goto(f"{base}/tickets/{no}")
    resumed = agent.locator("li[data-event='resumed']")
    await expect(resumed.locator(".step-files img")).to_have_count(1)
    await expect(resumed).to_contain_text("市民（手机页面）")

    await acted("reply", unit, {"outcome": "resolved", "content": "摊位已全部清理，将持续巡查"})
    await citizen.reload()
    await expect(citizen.locator(".status")).to_have_text("已答复，待您评价")
    await expect(citizen.locator("li[data-step='replied'] .words")).to_contain_text("已全部清理")
    await shoot(citizen, "citizen-page-rating")
    rating = citizen.locator("#rating form")
    await rating.locator("input[name=satisfaction][value=satisfied]").check()
    await rating.locator("input[name=solved][value=yes]").check()
    await rating.locator("button[type=submit]").click()
    await expect(citizen.locator(".notice")).to_contain_text("感谢您的评价")
    await expect(citizen.locator(".status")).to_have_text("已办结")
    await expect(citizen.locator(".rated")).to_contain_text("满意")
    assert await english_words(citizen, no) == []
    await shoot(citizen, "citizen-page-closed")
    ticket = await (await api.get(f"{base}/v1/tickets/{no}", headers=staff)).json()
    assert ticket["status"] == "closed" and ticket["rating"]["satisfaction"] == "satisfied"


async def test_a_wrong_or_expired_link_opens_nothing(
    workbench: Workbench, base_settings: Settings
) -> None:
    citizen = await on_a_phone(workbench.browser)
    no = "W20261205-999999"
    expired = link(base_settings, no, days=-1)
    forged = link(base_settings, no)[:-3] + "AAA"
    for path in (expired, forged, "/c/not-a-link", link(base_settings, no)):
        answer = await citizen.goto(workbench.url + path)
        assert answer is not None and answer.status == 403, path
        await expect(citizen.locator(".refused")).to_contain_text("链接无效或已过期")
        assert no not in await citizen.locator("body").inner_text()
    await shoot(citizen, "citizen-page-refused")


async def test_a_citizen_without_the_link_opens_the_page_by_number_phone_and_code(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent_name = await workbench.account(Role.AGENT)
    agent = await workbench.signed_in(agent_name)
    staff = await bearer(agent.request, base, agent_name)
    body = {
        "channel": "phone",
        "type": "help",
        "category": "010101",
        "district": "dinghai",
        "description": f"路灯不亮 {uuid.uuid4().hex[:6]}",
        "citizen": {"name": "周九", "phone": "13611119999"},
    }
    created = await agent.request.post(f"{base}/v1/tickets", data=body, headers=staff)
    no = (await created.json())["ticket_no"]

    citizen = await on_a_phone(workbench.browser)

    async def ask(ticket_no: str, phone: str) -> str:
        await citizen.goto(f"{base}/c")
        await citizen.fill("input[name=ticket_no]", ticket_no)
        await citizen.fill("input[name=phone]", phone)
        await citizen.click("button[type=submit]")
        await expect(citizen.locator(".notice")).to_contain_text("验证码已发送")
        return await citizen.locator("input[name=request_id]").input_value()

    # Another phone: the same answer, and no code anywhere.
    stranger = await ask(no, "13700000000")
    async with workbench.read_model.sessions() as session:
        assert await session.get(CitizenCode, stranger) is None

    request_id = await ask(no, "13611119999")
    await shoot(citizen, "citizen-lookup-code")
    async with workbench.read_model.sessions() as session:
        row = await session.get(CitizenCode, request_id)
        assert row is not None and row.code is not None  # what the phone would show
        code = row.code
    await citizen.fill("input[name=code]", "000000" if code != "000000" else "111111")
    await citizen.click("button[type=submit]")
    await expect(citizen.locator(".error")).to_contain_text("验证码不正确")
    await citizen.fill("input[name=code]", code)
    await citizen.click("button[type=submit]")
    await expect(citizen.locator(".number")).to_contain_text(no)
    await expect(citizen.locator(".steps")).to_contain_text("热线受理了您的诉求")
    assert await english_words(citizen, no) == []
    # A code opens the page once.
    await citizen.goto(f"{base}/c")
    assert await english_words(citizen) == []
