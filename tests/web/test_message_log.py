"""The ticket page's 短信记录: what the citizen was sent, its state and the reply, in
Chinese and city time, without the number; not shown to a department."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from playwright.async_api import expect

from hotline.sealing import sealer
from schema.message_tables import StoredCitizenMessage, StoredInboundSms
from schema.ticket import Role
from tests.support.browser import Workbench, bearer, shoot
from tests.support.chinese_only import english_words


async def test_the_ticket_page_shows_the_citizens_messages_to_the_centre_only(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent_name = await workbench.account(Role.AGENT)
    agent = await workbench.signed_in(agent_name)
    body = {
        "channel": "phone",
        "type": "complaint",
        "category": "020302",
        "district": "dinghai",
        "description": f"物业长期不修电梯 {uuid.uuid4().hex[:6]}",
        "citizen": {"name": "吴十", "phone": "13611115555"},
    }
    headers = await bearer(agent.request, base, agent_name)
    created = await agent.request.post(f"{base}/v1/tickets", data=body, headers=headers)
    assert created.status == 201, await created.text()
    no = (await created.json())["ticket_no"]
    # As the gateway would have left them (a stack with no gateway sends nothing itself).
    sent = datetime(2026, 12, 4, 1, 30, tzinfo=UTC)  # 09:30 in the city
    lookup = sealer().phone_lookup("13611115555")
    async with workbench.read_model.sessions.begin() as session:
        for kind, seq, state, reason in (
            ("receipt", 1, "delivered", None),
            ("callback_invite", 5, "deferred", "quiet_hours"),
        ):
            session.add(
                StoredCitizenMessage(
                    id=f"{no}:{kind}:{seq}",
                    ticket_no=no,
                    kind=kind,
                    seq=seq,
                    phone_lookup=lookup,
                    state=state,
                    reason=reason,
                    text=None,
                    gateway="kannel",
                    attempts=1,
                    created_at=sent,
                    not_before=None,
                    sent_at=sent if state == "delivered" else None,
                    reported_at=None,
                )
            )
        session.add(
            StoredInboundSms(phone_lookup=lookup, text="1", at=sent, ticket_no=no, outcome="rated")
        )

    await agent.goto(f"{base}/tickets/{no}")
    card = agent.locator("#citizen-messages")
    await expect(card.locator("h2")).to_contain_text("短信记录")
    rows = card.locator("tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text("受理回执")
    await expect(rows.nth(0)).to_contain_text("已送达")
    await expect(rows.nth(0)).to_contain_text("2026-12-04 09:30")
    await expect(rows.nth(1)).to_contain_text("延后发送（免打扰时段）")
    await expect(card.locator(".replies")).to_contain_text("已记为回访评价")
    text = await card.inner_text()
    assert "13611115555" not in text and "1111" not in text
    assert await english_words(agent, no) == []
    await card.scroll_into_view_if_needed()
    await shoot(agent, "ticket-message-log")

    clerk_name = await workbench.account(Role.DEPARTMENT, "housing")
    clerk = await workbench.signed_in(clerk_name)
    answer = await clerk.request.get(f"{base}/tickets/{no}/messages")
    assert answer.status == 204  # a department is not shown the citizen's messages
