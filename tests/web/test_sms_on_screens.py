"""The citizen's SMS where the centre works: the callback queue says what became of each
row's rating SMS (delivered, not delivered, answered in words), and the statistics page
counts a period's SMS by kind with their delivery rate — in Chinese, without a number."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from playwright.async_api import expect

from hotline.sealing import sealer
from schema.message_tables import StoredCitizenMessage, StoredInboundSms
from schema.ticket import Role
from tests.support.browser import Workbench, bearer, shoot
from tests.support.chinese_only import english_words
from tests.support.messages import message_row
from tests.support.read_model import ReadModel

PHONE = "13611117777"
DISTRICT = "xincheng"
# A period no other test queues messages in: its figures are this test's alone.
LONG_AGO = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


def message(no: str, kind: str, state: str, at: datetime, n: int = 1) -> StoredCitizenMessage:
    reason = "opted_out" if state == "skipped" else None
    lookup = sealer().phone_lookup(PHONE)
    return message_row(no, kind, state, seq=n, at=at, phone_lookup=lookup, reason=reason)


async def add(read_model: ReadModel, *rows: StoredCitizenMessage | StoredInboundSms) -> None:
    async with read_model.sessions.begin() as session:
        session.add_all(rows)


async def test_the_callback_queue_knows_what_became_of_each_rating_sms(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent_name = await workbench.account(Role.AGENT)
    agent = await workbench.signed_in(agent_name)
    request = agent.request
    staff = await bearer(request, base, agent_name)
    unit = await bearer(request, base, await workbench.account(Role.DEPARTMENT, "urban-management"))
    numbers = []
    for _ in range(3):
        body = {
            "channel": "phone",
            "type": "complaint",
            "category": "010101",
            "district": DISTRICT,
            "description": f"夜间施工扰民 {uuid.uuid4().hex[:6]}",
            "citizen": {"name": "钱九", "phone": PHONE},
        }
        created = await request.post(f"{base}/v1/tickets", data=body, headers=staff)
        no = (await created.json())["ticket_no"]
        for action, data in (("sign", {}), ("reply", {"outcome": "resolved", "content": "已停工"})):
            answer = await request.post(f"{base}/v1/tickets/{no}/{action}", data=data, headers=unit)
            assert answer.status == 200, await answer.text()
        numbers.append(no)
    delivered, failed, replied = numbers
    now = datetime.now(UTC)
    await add(
        workbench.read_model,
        message(delivered, "callback_invite", "delivered", now),
        message(failed, "callback_invite", "failed", now),
        message(replied, "callback_invite", "delivered", now),
        StoredInboundSms(
            phone_lookup=sealer().phone_lookup(PHONE),
            text="还是很吵",
            at=now,
            ticket_no=replied,
            outcome="noted",
        ),
    )

    marks = (
        (delivered, "delivered", "邀评短信已送达"),
        (failed, "not_delivered", "请电话回访"),
        (replied, "replied", "市民已短信回复"),
    )
    # The whole queue, in a district no other test leaves tickets waiting for a callback.
    await agent.goto(f"{base}/tickets?queue=callback&district={DISTRICT}")
    for no, mark, words in marks:
        row = agent.locator(f"tr[data-ticket='{no}']")
        await expect(row.locator(f"[data-invitation='{mark}']")).to_contain_text(words)
    assert PHONE not in await agent.locator("table.tickets").inner_text()
    assert await english_words(agent, *numbers) == []
    await shoot(agent, "callback-queue-invitations")
    # The desk's own list of the queue, when these are among its first rows.
    await agent.goto(f"{base}/desk")
    queue = agent.locator("section[data-queue='callback']")
    for no, mark, _ in marks:
        if await queue.locator(f"a[href='/tickets/{no}']").count():
            row = queue.locator("li", has=agent.locator(f"a[href='/tickets/{no}']"))
            await expect(row.locator(f"[data-invitation='{mark}']")).to_be_visible()


async def test_the_statistics_page_counts_the_sms_of_a_period(workbench: Workbench) -> None:
    base = workbench.url
    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    no = f"S-SMS-{uuid.uuid4().hex[:6]}"
    await add(
        workbench.read_model,
        message(no, "receipt", "delivered", LONG_AGO, 1),
        message(no, "receipt", "delivered", LONG_AGO, 2),
        message(no, "receipt", "failed", LONG_AGO, 3),
        message(no, "receipt", "skipped", LONG_AGO, 4),
        message(no, "callback_invite", "sent", LONG_AGO, 5),
    )
    await supervisor.goto(f"{base}/stats?period=range&from=2025-03-01&to=2025-03-31")
    table = supervisor.locator("#sms-figures table")
    receipt = table.locator("tr[data-kind='receipt']")
    await expect(receipt).to_contain_text("受理回执")
    cells = await receipt.locator("td").all_inner_texts()
    assert cells[1:] == ["4", "2", "1", "1", "0", "0", "66.7%"]
    invitation = table.locator("tr[data-kind='callback_invite']")
    await expect(invitation.locator("td").nth(6)).to_have_text("1")  # sent, no report yet
    await expect(table.locator("tr[data-kind='closed']")).to_have_count(0)  # none queued
    assert await english_words(supervisor, "") == []
    await table.scroll_into_view_if_needed()
    await shoot(supervisor, "statistics-sms")
    # The API has the same figures.
    api = await bearer(supervisor.request, base, await workbench.account(Role.SUPERVISOR))
    stats = await (
        await supervisor.request.get(
            f"{base}/v1/stats",
            params={"from": "2025-03-01", "to": "2025-04-01"},
            headers=api,
        )
    ).json()
    [figures] = [m for m in stats["messages"] if m["kind"] == "receipt"]
    assert figures["queued"] == 4 and figures["delivery_rate"] == 0.6667
