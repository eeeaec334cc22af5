"""随手拍 on a phone: a citizen reports a problem with a photo, confirms the phone with
the SMS code, and lands on the new ticket's page; the ticket is on channel web with the
photo on its intake, once however often the code is sent back."""

from __future__ import annotations

from playwright.async_api import FilePayload, expect

from schema.message_tables import CitizenCode
from schema.ticket import Role
from tests.support.browser import Workbench, bearer, shoot
from tests.support.chinese_only import english_words
from tests.support.files import camera_photo
from tests.web.test_citizen_page import on_a_phone


async def test_a_citizen_reports_with_a_photo_and_the_code(workbench: Workbench) -> None:
    base = workbench.url
    citizen = await on_a_phone(workbench.browser)
    await citizen.goto(f"{base}/report")
    assert await english_words(citizen) == []
    await citizen.select_option("select[name=type]", "complaint")
    await citizen.select_option("select[name=category]", "010101")
    await citizen.select_option("select[name=district]", "dinghai")
    await citizen.fill("input[name=address]", "环南路 12 号")
    await citizen.fill("textarea[name=description]", "人行道上摆满夜市摊位，行人只能走机动车道")
    await citizen.locator("input[name=photos]").set_input_files(
        [FilePayload(name="现场.jpg", mimeType="image/jpeg", buffer=camera_photo())]
    )
    await citizen.fill("input[name=phone]", "13611110000")
    await shoot(citizen, "citizen-report-form")
    await citizen.click("form.report button[type=submit]")
    await expect(citizen.locator(".notice")).to_contain_text("验证码已发送")
    request_id = await citizen.locator("input[name=request_id]").input_value()
    async with workbench.read_model.sessions() as session:
        row = await session.get(CitizenCode, request_id)
        assert row is not None and row.code is not None and row.draft is not None
        code = row.code
    await citizen.fill("input[name=code]", code)
    await citizen.click("button[type=submit]")
    await expect(citizen.locator(".notice")).to_contain_text("您的诉求已受理")
    no = (await citizen.locator(".number").inner_text()).split()[-1]
    await expect(citizen.locator("li[data-step='received']")).to_contain_text("附 1 个文件")
    assert await english_words(citizen, no) == []
    await shoot(citizen, "citizen-report-received")

    agent_name = await workbench.account(Role.AGENT)
    agent = await workbench.signed_in(agent_name)
    staff = await bearer(agent.request, base, agent_name)
    ticket = await (await agent.request.get(f"{base}/v1/tickets/{no}", headers=staff)).json()
    assert ticket["channel"] == "web" and ticket["citizen"]["phone"] == "13611110000"
    files = await (
        await agent.request.get(f"{base}/v1/tickets/{no}/attachments", headers=staff)
    ).json()
    assert [f["step"] for f in files] == ["received"]
