"""A supervisor's actions on the ticket page (convene a joint meeting and record its
decision, refer to the discipline commission) and the commission's desk, in a real
browser: the referral waits for acknowledgement, is acknowledged, then decided."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import expect

from schema.ticket import Role
from tests.support.browser import Workbench, act, shoot, take_call


async def test_a_meeting_decides_and_a_referral_is_acknowledged_and_decided(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"小区违建久拖不决 {uuid.uuid4().hex[:6]}")

    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    await supervisor.goto(f"{base}/tickets/{number}")
    await act(supervisor, "joint-meeting", departments=["housing", "ecology"], agenda="谁牵头？")
    await act(
        supervisor,
        "joint-meeting-decision",
        lead="housing",
        assisting=["ecology"],
        plan="住建局牵头，生态环境局配合，十日内拆除",
    )
    await expect(supervisor.locator(".timeline")).to_contain_text("住建局牵头")
    await expect(supervisor.locator("dl")).to_contain_text("住房和城乡建设局")
    await act(supervisor, "discipline-referral", reason="多次督办仍未办理")
    await expect(supervisor.locator("table.rungs")).to_contain_text("移送纪委监委")

    commission = await workbench.signed_in(await workbench.account(Role.DISCIPLINE))
    await expect(commission).to_have_url(re.compile(r"/discipline$"))
    awaiting = commission.locator("[data-list=awaiting]")
    await expect(awaiting).to_contain_text(number)
    await expect(awaiting).to_contain_text("还剩")
    await shoot(commission, "discipline-desk")
    await awaiting.locator(f"a:text('{number}')").click()
    # The commission reads citizens masked, on its desk and on the ticket.
    await expect(commission.locator("dl")).to_contain_text("138****1234")
    await act(commission, "discipline-acknowledge", note="已受理")

    await commission.goto(f"{base}/discipline")
    await expect(commission.locator("[data-list=reviewing]")).to_contain_text(number)
    await expect(awaiting).not_to_contain_text(number)
    await commission.goto(f"{base}/tickets/{number}")
    refused = commission.locator("form[data-action='discipline-outcome']")
    await act(commission, "discipline-outcome", outcome="summons")  # no officials named
    await expect(commission.locator(".error").first).to_be_visible()  # said in Chinese
    await expect(commission.locator(".error").first).not_to_contain_text("officials")
    await expect(refused).to_be_attached()
    await act(commission, "discipline-outcome", outcome="summons", officials="王某, 李某")
    await commission.goto(f"{base}/discipline")
    decided = commission.locator("[data-list=decided]")
    await expect(decided).to_contain_text(number)
    await expect(decided).to_contain_text("约谈")

    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "housing"))
    answer = await clerk.goto(f"{base}/discipline")
    assert answer is not None and answer.status == 403
