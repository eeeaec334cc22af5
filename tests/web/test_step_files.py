"""Files on the ticket page: a department attaches site photos to its progress report
from the form, the timeline shows them under the step as thumbnails that open the photo,
and a reply the policy wants with a photo is refused in Chinese until it has one."""

from __future__ import annotations

import uuid

from playwright.async_api import FilePayload, expect

from schema.ticket import Role
from tests.support.browser import Workbench, act, bearer, shoot
from tests.support.chinese_only import english_words
from tests.support.files import camera_photo, pdf


async def test_a_department_attaches_site_photos_and_everyone_on_the_ticket_sees_them(
    workbench: Workbench, tmp_path: object
) -> None:
    base = workbench.url
    agent_name = await workbench.account(Role.AGENT)
    agent = await workbench.signed_in(agent_name)
    body = {
        "channel": "phone",
        "type": "complaint",
        "category": "010101",
        "district": "dinghai",
        "description": f"夜市摊贩占道经营 {uuid.uuid4().hex[:6]}",
        "citizen": {"name": "赵六", "phone": "13611116666"},
    }
    headers = await bearer(agent.request, base, agent_name)
    created = await agent.request.post(f"{base}/v1/tickets", data=body, headers=headers)
    assert created.status == 201, await created.text()
    no = (await created.json())["ticket_no"]

    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await clerk.goto(f"{base}/tickets/{no}")
    await act(clerk, "sign")
    details = clerk.locator("details:has(form[data-action='progress'])")
    await details.locator("summary").click()
    form = clerk.locator("form[data-action='progress']")
    await form.locator("textarea[name=content]").fill("已到现场，摊位已清理")
    await form.locator("input[type=file]").set_input_files(
        [
            FilePayload(name="现场1.jpg", mimeType="image/jpeg", buffer=camera_photo()),
            FilePayload(name="现场2.jpg", mimeType="image/jpeg", buffer=camera_photo(900, 1200)),
            FilePayload(name="执法记录.pdf", mimeType="application/pdf", buffer=pdf()),
        ]
    )
    await shoot(clerk, "ticket-attach-form")
    await form.locator("button[type=submit]").click()
    await expect(clerk.locator("p.notice.done")).to_contain_text("阶段性答复")

    step = clerk.locator("li[data-event='progress'] .step-files")
    photos = step.locator("li[data-kind='photo'] img")
    await expect(photos).to_have_count(2)
    await expect(step.locator("li[data-kind='document'] a")).to_have_text("执法记录")
    for i in range(2):  # each thumbnail really loads, through its short-lived link
        loaded = await photos.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
        assert loaded
    original = await clerk.request.get(
        base + (await step.locator("li[data-kind='photo'] a").first.get_attribute("href") or "")
    )
    assert original.status == 200 and original.headers["content-type"] == "image/jpeg"
    assert await english_words(clerk, no) == []
    await step.scroll_into_view_if_needed()
    await shoot(clerk, "ticket-step-files")

    # The centre sees the same files on its page.
    await agent.goto(f"{base}/tickets/{no}")
    await expect(agent.locator("li[data-event='progress'] .step-files img")).to_have_count(2)


async def test_a_refused_file_is_said_in_chinese_and_nothing_is_done(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent_name = await workbench.account(Role.AGENT)
    agent = await workbench.signed_in(agent_name)
    body = {
        "channel": "phone",
        "type": "complaint",
        "category": "010101",
        "district": "dinghai",
        "description": f"占道堆放杂物 {uuid.uuid4().hex[:6]}",
        "citizen": {"name": "钱七", "phone": "13611117777"},
    }
    headers = await bearer(agent.request, base, agent_name)
    no = (
        await (await agent.request.post(f"{base}/v1/tickets", data=body, headers=headers)).json()
    )["ticket_no"]
    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await clerk.goto(f"{base}/tickets/{no}")
    await act(clerk, "sign")
    details = clerk.locator("details:has(form[data-action='progress'])")
    await details.locator("summary").click()
    form = clerk.locator("form[data-action='progress']")
    await form.locator("textarea[name=content]").fill("见附件")
    await form.locator("input[type=file]").set_input_files(
        [FilePayload(name="说明.jpg", mimeType="image/jpeg", buffer=b"not a photo at all")]
    )
    await form.locator("button[type=submit]").click()
    await expect(clerk.locator("p.error").first).to_contain_text("不能上传这类文件")
    assert await clerk.locator("li[data-event='progress']").count() == 0
    assert await english_words(clerk, no) == []
