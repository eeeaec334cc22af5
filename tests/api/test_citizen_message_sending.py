"""The send activity's own checks, against the read model: a number past its hourly limit
waits (retried later, never dropped), a message the gateway already has is not sent
again, an opted-out number and an event the history did not keep are skipped."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.citizen_messages import CitizenMessageActivities
from activities.sms_gateway import OutgoingSms
from hotline.database import WriteTransactions, upsert
from hotline.sealing import sealer
from hotline.settings import Settings
from schema.citizen_messages import CitizenMessage, MessageKind, SmsPolicy
from schema.message_tables import CitizenCode, SmsOptOut, StoredCitizenMessage
from schema.tables import Ticket, TicketEvent
from tests.support.read_model import ReadModel, open_read_model
from tests.support.rows import ticket_row


@pytest_asyncio.fixture
async def own_read_model(tmp_path: Path) -> AsyncIterator[ReadModel]:
    """A read model of its own: its bare tickets must not reach the suite's shared lists."""
    model = await open_read_model(f"sqlite+aiosqlite:///{tmp_path / 'sending.db'}")
    yield model
    await model.engine.dispose()


class CountingGateway:
    name = "counting"

    def __init__(self) -> None:
        self.sent: list[OutgoingSms] = []

    async def send(self, sms: OutgoingSms) -> None:
        self.sent.append(sms)


async def _ticket_with_receipt(read_model: ReadModel, phone: str) -> CitizenMessage:
    no = f"R{uuid.uuid4().hex[:10]}"
    now = datetime.now(UTC)
    document: dict[str, object] = {"citizen": {"name": "赵六", "phone": phone}}
    message = CitizenMessage(
        id=f"{no}:receipt:1", ticket_no=no, kind=MessageKind.RECEIPT, seq=1, at=now
    )
    async with read_model.sessions.begin() as session:
        await upsert(session, Ticket, [ticket_row(no, "received", ",", document)])
        session.add(
            TicketEvent(ticket_no=no, seq=1, at=now, actor="agent:a", action="received", detail={})
        )
        session.add(_row(message.id, no, sealer().phone_lookup(phone), "queued", None))
    return message


def _row(
    id: str, no: str, lookup: str, state: str, sent_at: datetime | None
) -> StoredCitizenMessage:
    return StoredCitizenMessage(
        id=id,
        ticket_no=no,
        kind="receipt",
        seq=1,
        phone_lookup=lookup,
        state=state,
        attempts=0,
        created_at=datetime.now(UTC),
        sent_at=sent_at,
    )


def _sender(
    read_model: ReadModel, gateway: CountingGateway, per_hour: int = 5
) -> CitizenMessageActivities:
    transactions = WriteTransactions(read_model.engine)
    return CitizenMessageActivities(
        transactions, gateway, Settings(), SmsPolicy(per_number_per_hour=per_hour)
    )


async def _state(read_model: ReadModel, id: str) -> tuple[str, str | None]:
    async with read_model.sessions() as session:
        row = await session.get(StoredCitizenMessage, id)
        assert row is not None
        return row.state, row.reason


async def test_sent_once_and_not_again(own_read_model: ReadModel) -> None:
    gateway = CountingGateway()
    message = await _ticket_with_receipt(own_read_model, "13500000001")
    send = _sender(own_read_model, gateway).send_citizen_message
    assert await ActivityEnvironment().run(send, message) == "sent"
    assert await ActivityEnvironment().run(send, message) == "sent"  # a retry, after it went
    assert [sms.phone for sms in gateway.sent] == ["13500000001"]
    assert (
        gateway.sent[0].text.startswith("【12345】") and message.ticket_no in gateway.sent[0].text
    )


async def test_a_number_past_its_hourly_limit_waits(own_read_model: ReadModel) -> None:
    gateway = CountingGateway()
    message = await _ticket_with_receipt(own_read_model, "13500000002")
    lookup = sealer().phone_lookup("13500000002")
    recently = datetime.now(UTC) - timedelta(minutes=10)
    async with own_read_model.sessions.begin() as session:
        for n in range(2):
            session.add(
                _row(f"{message.ticket_no}-old-{n}", "other", lookup, "delivered", recently)
            )
    send = _sender(own_read_model, gateway, per_hour=2).send_citizen_message
    with pytest.raises(ApplicationError) as waited:
        await ActivityEnvironment().run(send, message)
    assert waited.value.next_retry_delay == timedelta(minutes=10) and not waited.value.non_retryable
    assert gateway.sent == []
    assert await _state(own_read_model, message.id) == ("deferred", "rate_limited")


async def test_opted_out_and_vanished_events_are_skipped(own_read_model: ReadModel) -> None:
    gateway = CountingGateway()
    opted = await _ticket_with_receipt(own_read_model, "13500000003")
    async with own_read_model.sessions.begin() as session:
        session.add(
            SmsOptOut(phone_lookup=sealer().phone_lookup("13500000003"), at=datetime.now(UTC))
        )
    send = _sender(own_read_model, gateway).send_citizen_message
    assert await ActivityEnvironment().run(send, opted) == "skipped"
    assert await _state(own_read_model, opted.id) == ("skipped", "opted_out")

    gone = await _ticket_with_receipt(own_read_model, "13500000004")
    vanished = gone.model_copy(update={"seq": 7, "id": f"{gone.ticket_no}:receipt:7"})
    async with own_read_model.sessions.begin() as session:
        session.add(_row(vanished.id, gone.ticket_no, "x", "queued", None))
    assert await ActivityEnvironment().run(send, vanished) == "skipped"
    assert await _state(own_read_model, vanished.id) == ("skipped", "event_gone")
    assert gateway.sent == []


async def test_a_code_goes_out_once_while_good_and_the_log_keeps_it_hidden(
    own_read_model: ReadModel,
) -> None:
    gateway = CountingGateway()
    receipt = await _ticket_with_receipt(own_read_model, "13500000005")
    no, now = receipt.ticket_no, datetime.now(UTC)
    lookup = sealer().phone_lookup("13500000005")

    async def code_message(code: str, expires_at: datetime) -> CitizenMessage:
        message = CitizenMessage(
            id=f"{no}:code:{uuid.uuid4().hex[:8]}",
            ticket_no=no,
            kind=MessageKind.CODE,
            seq=1,
            at=now,
        )
        async with own_read_model.sessions.begin() as session:
            session.add(_row(message.id, no, lookup, "queued", None))
            session.add(
                CitizenCode(
                    id=message.id,
                    ticket_no=no,
                    phone_lookup=lookup,
                    phone="13500000005",
                    code=code,
                    digest="-",
                    attempts=0,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
        return message

    send = _sender(own_read_model, gateway).send_citizen_message
    good = await code_message("482913", now + timedelta(minutes=10))
    assert await ActivityEnvironment().run(send, good) == "sent"
    assert await ActivityEnvironment().run(send, good) == "sent"  # a retry sends nothing
    (sms,) = gateway.sent
    assert "482913" in sms.text and sms.code == "482913"
    async with own_read_model.sessions() as session:
        kept = await session.get(StoredCitizenMessage, good.id)
        stored = await session.get(CitizenCode, good.id)
    assert kept is not None and kept.text is not None and "482913" not in kept.text
    assert stored is not None and stored.code is None  # kept no longer than it took to send

    late = await code_message("111111", now - timedelta(seconds=1))
    assert await ActivityEnvironment().run(send, late) == "skipped"
    assert await _state(own_read_model, late.id) == ("skipped", "code_expired")
    assert len(gateway.sent) == 1
