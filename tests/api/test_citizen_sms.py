"""The citizen's SMS through a real Kannel (bearerbox, smsbox, fakesmsc as the network), on
SQLite and on PostgreSQL: the receipt with the ticket number, the delivery report, the
callback invitation and a reply of "1" that rates the ticket, a reply that is no rating
left as a note, and 退订."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from sqlalchemy import select, update
from temporalio.testing import WorkflowEnvironment

from hotline.sealing import sealer
from hotline.settings import Settings
from hotline.tokens import issue_token
from schema.citizen_messages import SmsPolicy
from schema.message_tables import SmsOptOut, StoredCitizenMessage, StoredInboundSms
from schema.tables import InternalNote
from schema.ticket import Role
from startup.asgi import create_app
from tests.support.data import intake_json
from tests.support.kannel import Kannel, SmsOnTheNetwork, running_kannel
from tests.support.read_model import ReadModel
from tests.support.stack import free_port, served
from tests.support.waiting import eventually
from worker import build_worker

DEFAULT_REPLY_WINDOW_HOURS = SmsPolicy().reply_window_hours

TOKEN = "kannel-callback-secret"
# Quiet hours off (from = until): the suite runs at every hour of the day.
POLICY = """
[sms]
quiet_from = "00:00:00"
quiet_until = "00:00:00"
"""


@dataclass
class SmsStack:
    http: httpx.AsyncClient
    kannel: Kannel
    read_model: ReadModel
    settings: Settings

    def headers(self, role: Role, department: str | None = None) -> dict[str, str]:
        secret = self.settings.resolved_jwt_secret()
        token = issue_token(secret, role, sub=f"sms-test-{role.value}", department=department)
        return {"Authorization": f"Bearer {token}"}

    async def create(self, phone: str) -> str:
        answer = await self.http.post(
            "/v1/tickets",
            json=intake_json(citizen={"name": "李四", "phone": phone}),
            headers=self.headers(Role.AGENT),
        )
        assert answer.status_code == 201, answer.text
        ticket_no: str = answer.json()["ticket_no"]
        return ticket_no

    async def act(self, ticket_no: str, action: str, role: Role, body: dict[str, Any]) -> Any:
        department = None
        if role is Role.DEPARTMENT:
            ticket = await self.http.get(
                f"/v1/tickets/{ticket_no}", headers=self.headers(Role.AGENT)
            )
            department = ticket.json()["lead_department"]
        answer = await self.http.post(
            f"/v1/tickets/{ticket_no}/{action}", json=body, headers=self.headers(role, department)
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def messages(self, ticket_no: str) -> list[StoredCitizenMessage]:
        async with self.read_model.sessions() as session:
            rows = await session.scalars(
                select(StoredCitizenMessage)
                .where(StoredCitizenMessage.ticket_no == ticket_no)
                .order_by(StoredCitizenMessage.seq)
            )
            return list(rows)

    async def message_to(self, ticket_no: str) -> list[SmsOnTheNetwork]:
        return [sms for sms in self.kannel.received() if ticket_no in sms.text]


@pytest_asyncio.fixture(scope="module")
async def sms(
    dev_server: WorkflowEnvironment,
    read_model: ReadModel,
    base_settings: Settings,
    tmp_path_factory: Any,
) -> AsyncIterator[SmsStack]:
    folder: Path = tmp_path_factory.mktemp("kannel")
    policy = folder / "policy.toml"
    policy.write_text(POLICY)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_kannel(folder, base, TOKEN) as kannel:
        settings = base_settings.model_copy(
            update={
                "task_queue": f"sms-{uuid.uuid4().hex[:8]}",
                "database_url": read_model.url,
                # Both backends share one dev server: their ticket numbers must not collide.
                "ticket_prefix": "MP" if read_model.url.startswith("postgresql") else "MS",
                "policy": policy,
                "sms_gateway": "kannel",
                "kannel_sendsms_url": kannel.sendsms_url,
                "kannel_username": kannel.username,
                "kannel_password": kannel.password,
                "kannel_smsc": "mt",
                "sms_callback_base": base,
                "sms_callback_token": TOKEN,
            }
        )
        app = create_app(settings, client=dev_server.client)
        async with (
            served(app, port),
            build_worker(dev_server.client, settings, read_model.sessions),
            httpx.AsyncClient(base_url=base, timeout=30) as http,
        ):
            yield SmsStack(http, kannel, read_model, settings)


async def _answered(sms: SmsStack, phone: str) -> str:
    """A ticket dispatched by the catalogue, signed and replied: it waits for the rating."""
    ticket_no = await sms.create(phone)
    await sms.act(ticket_no, "sign", Role.DEPARTMENT, {})
    reply = {"outcome": "resolved", "content": "摊位已清理。"}
    assert (await sms.act(ticket_no, "reply", Role.DEPARTMENT, reply))["status"] == "callback"
    return ticket_no


async def test_the_receipt_leaves_once_with_the_ticket_number_and_is_reported(
    sms: SmsStack,
) -> None:
    ticket_no = await sms.create("13900001111")
    on_the_network = await eventually(lambda: sms.message_to(ticket_no), within=30)
    receipt = on_the_network[0]
    assert receipt.receiver == "13900001111" and receipt.sender == "12345"
    assert receipt.text.startswith("【12345】您反映的诉求已受理") and ticket_no in receipt.text

    async def delivered() -> StoredCitizenMessage | None:
        rows = [m for m in await sms.messages(ticket_no) if m.kind == "receipt"]
        return rows[0] if rows and rows[0].state == "delivered" else None

    row = await eventually(delivered, within=30, message="no delivery report recorded")
    assert row.attempts == 1 and row.reported_at is not None and row.text == receipt.text
    assert len(await sms.message_to(ticket_no)) == 1  # once, and nothing else yet


async def test_a_reply_of_1_rates_the_ticket_and_the_closure_is_told(sms: SmsStack) -> None:
    phone = "13900002222"
    ticket_no = await _answered(sms, phone)

    async def invited() -> bool:
        return any("请回复评价" in m.text for m in await sms.message_to(ticket_no))

    await eventually(invited, within=30, message="no callback invitation on the network")
    await eventually(
        lambda: _sent(sms, ticket_no, "callback_invite"), within=30, message="invite unsent"
    )
    await asyncio.to_thread(sms.kannel.citizen_sends, phone, "1")

    async def closed() -> dict[str, Any] | None:
        ticket = (
            await sms.http.get(f"/v1/tickets/{ticket_no}", headers=sms.headers(Role.AGENT))
        ).json()
        return ticket if ticket["status"] == "closed" else None

    ticket = await eventually(closed, within=30, message="the SMS reply never rated it")
    assert ticket["rating"]["satisfaction"] == "satisfied"

    async def told() -> bool:
        return any("已办结" in m.text for m in await sms.message_to(ticket_no))

    await eventually(told, within=30, message="no 办结通知")
    async with sms.read_model.sessions() as session:
        outcome = await session.scalar(
            select(StoredInboundSms.outcome).where(StoredInboundSms.ticket_no == ticket_no)
        )
    assert outcome == "rated"


async def test_a_reply_that_is_no_rating_is_a_note_and_td_opts_out(sms: SmsStack) -> None:
    phone = "13900003333"
    ticket_no = await _answered(sms, phone)
    await eventually(
        lambda: _sent(sms, ticket_no, "callback_invite"), within=30, message="invite unsent"
    )
    await asyncio.to_thread(sms.kannel.citizen_sends, phone, "still waiting")

    async def noted() -> str | None:
        async with sms.read_model.sessions() as session:
            return await session.scalar(
                select(InternalNote.text).where(InternalNote.ticket_no == ticket_no)
            )

    note = await eventually(noted, within=30, message="the reply left no note")
    assert "still waiting" in note
    ticket = (
        await sms.http.get(f"/v1/tickets/{ticket_no}", headers=sms.headers(Role.AGENT))
    ).json()
    assert ticket["status"] == "callback"  # not rated

    await asyncio.to_thread(sms.kannel.citizen_sends, phone, "TD")

    async def opted_out() -> int:
        async with sms.read_model.sessions() as session:
            return len(list(await session.scalars(select(SmsOptOut))))

    await eventually(opted_out, within=30, message="TD did not opt the number out")
    later = await sms.create(phone)  # the receipt of a later ticket is not sent

    async def skipped() -> str | None:
        rows = await sms.messages(later)
        return rows[0].reason if rows and rows[0].state == "skipped" else None

    assert await eventually(skipped, within=30) == "opted_out"
    assert await sms.message_to(later) == []


async def test_a_reply_after_the_invitations_window_rates_nothing(sms: SmsStack) -> None:
    """The invitation holds for the policy's reply window from when it left: a "1" that
    comes later is kept, matched to no ticket, and the agents still call back."""
    phone = "13900004444"
    ticket_no = await _answered(sms, phone)
    await eventually(
        lambda: _sent(sms, ticket_no, "callback_invite"), within=30, message="invite unsent"
    )
    window = timedelta(hours=DEFAULT_REPLY_WINDOW_HOURS)
    async with sms.read_model.sessions.begin() as session:  # as if it left that long ago
        await session.execute(
            update(StoredCitizenMessage)
            .where(StoredCitizenMessage.ticket_no == ticket_no)
            .values(sent_at=datetime.now(UTC) - window - timedelta(minutes=1))
        )
    await asyncio.to_thread(sms.kannel.citizen_sends, phone, "1")

    async def kept() -> str | None:
        async with sms.read_model.sessions() as session:
            return await session.scalar(
                select(StoredInboundSms.outcome).where(
                    StoredInboundSms.phone_lookup == sealer().phone_lookup(phone)
                )
            )

    assert await eventually(kept, within=30, message="the late reply was not kept") == "unmatched"
    ticket = (
        await sms.http.get(f"/v1/tickets/{ticket_no}", headers=sms.headers(Role.AGENT))
    ).json()
    assert ticket["status"] == "callback" and ticket.get("rating") is None


async def test_the_gateways_callbacks_need_its_token(sms: SmsStack) -> None:
    forged = await sms.http.get(
        "/v1/sms/kannel/inbound", params={"from": "13900002222", "text": "1", "token": "guess"}
    )
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "forbidden"
    report = await sms.http.get(
        "/v1/sms/kannel/report", params={"id": "nosuch:receipt:1", "type": 1, "token": TOKEN}
    )
    assert report.status_code == 404


async def _sent(sms: SmsStack, ticket_no: str, kind: str) -> bool:
    return any(
        m.kind == kind and m.state in ("sent", "accepted", "delivered")
        for m in await sms.messages(ticket_no)
    )


async def test_alibaba_clouds_pushes_record_reports_and_replies(sms: SmsStack) -> None:
    """The same callbacks for Alibaba Cloud's SmsReport and SmsUp pushes (JSON lists)."""
    ticket_no = await sms.create("13900004444")
    await eventually(lambda: _sent(sms, ticket_no, "receipt"), within=30, message="unsent")
    message_id = f"{ticket_no}:closed:99"  # a message as the cloud gateway would have sent
    async with sms.read_model.sessions.begin() as session:
        [receipt] = [m for m in await sms.messages(ticket_no) if m.kind == "receipt"]
        session.add(
            StoredCitizenMessage(
                id=message_id,
                ticket_no=ticket_no,
                kind="closed",
                seq=99,
                phone_lookup=receipt.phone_lookup,
                state="sent",
                attempts=1,
                created_at=receipt.created_at,
            )
        )
    token = {"token": TOKEN}
    pushed = [{"out_id": message_id, "success": True, "err_code": "DELIVERED"}, {"success": False}]
    answer = await sms.http.post("/v1/sms/aliyun/report", params=token, json=pushed)
    assert answer.status_code == 200 and answer.json() == {"code": 0, "msg": "成功"}
    [closed] = [m for m in await sms.messages(ticket_no) if m.id == message_id]
    assert closed.state == "delivered"

    reply = [{"phone_number": "13900004444", "content": "退订"}]
    answer = await sms.http.post("/v1/sms/aliyun/inbound", params=token, json=reply)
    assert answer.status_code == 200
    forged = await sms.http.post("/v1/sms/aliyun/inbound", params={"token": "x"}, json=reply)
    assert forged.status_code == 403
    async with sms.read_model.sessions() as session:
        assert await session.get(SmsOptOut, receipt.phone_lookup) is not None
