"""The citizen's SMS: queued when a transition is published, sent by a retried activity.

A published transition whose events tell the citizen something (schema.citizen_messages)
gets one row in the message log per message and one delivery workflow, both under the
message's id (ticket, kind, timeline event), which the ticket's history fixes. Starting
the workflow again for the same id (a publication retried, a workflow task replayed) finds
it started and does nothing, so a message is queued once. The delivery workflow waits out
quiet hours, then runs ``send_citizen_message`` with retries: that activity alone speaks to
the gateway, and it never sends a message the gateway already has.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Connection, func, select, update
from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from activities.message_texts import HIDDEN_CODE, LINKED, message_text, with_link
from activities.sms_gateway import GatewayRefused, OutgoingSms, SmsGateway
from hotline.citizen_links import citizen_token
from hotline.database import WriteTransactions, insert_missing
from hotline.sealing import sealer
from hotline.settings import Settings
from schema.activity_io import ActivityName, Transition
from schema.citizen_messages import (
    GATEWAY_HAS_IT,
    CitizenMessage,
    DeliveryState,
    MessageKind,
    SmsPolicy,
    kind_for,
    message_id,
    wait_for_quiet_hours,
)
from schema.message_tables import CitizenCode, SmsOptOut, StoredCitizenMessage
from schema.tables import Ticket, TicketEvent
from workflows.ids import CITIZEN_MESSAGE_WORKFLOW, citizen_message_workflow_id

log = structlog.get_logger(__name__)


def messages_of(transition: Transition, policy: SmsPolicy, timezone: str) -> list[CitizenMessage]:
    """The messages a transition sends the ticket's citizen, as the policy allows."""
    ticket = transition.ticket
    found = []
    for event in transition.events:
        kind = kind_for(event.action, ticket.status, event.detail)
        if kind is None or kind not in policy.events:
            continue
        found.append(
            CitizenMessage(
                id=message_id(ticket.ticket_no, kind, event.seq),
                ticket_no=ticket.ticket_no,
                kind=kind,
                seq=event.seq,
                at=event.at,
                timezone=timezone,
                quiet_from=policy.quiet_from,
                quiet_until=policy.quiet_until,
            )
        )
    return found


class CitizenMessageQueue:
    """Called by the publishing activity once its transition is written."""

    def __init__(
        self,
        transactions: WriteTransactions,
        client: Client,
        task_queue: str,
        policy: SmsPolicy,
        timezone: str,
    ) -> None:
        self._transactions = transactions
        self._client = client
        self._task_queue = task_queue
        self._policy = policy
        self._timezone = timezone

    async def queue(self, transition: Transition) -> None:
        messages = messages_of(transition, self._policy, self._timezone)
        if not messages:
            return
        phone = sealer().phone_lookup(transition.ticket.citizen.phone)
        now = datetime.now(UTC)
        rows = [_queued_row(message, phone, now) for message in messages]
        await self._transactions.run(insert_missing, StoredCitizenMessage, rows)
        for message in messages:
            # Started by an earlier attempt already (and perhaps sent): nothing to do.
            with contextlib.suppress(WorkflowAlreadyStartedError):
                await self._client.start_workflow(
                    CITIZEN_MESSAGE_WORKFLOW,
                    message,
                    id=citizen_message_workflow_id(message.id),
                    task_queue=self._task_queue,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                    id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                )


def _queued_row(message: CitizenMessage, phone: str, now: datetime) -> dict[str, Any]:
    wait = wait_for_quiet_hours(message, now)
    return {
        "id": message.id,
        "ticket_no": message.ticket_no,
        "kind": message.kind.value,
        "seq": message.seq,
        "phone_lookup": phone,
        "state": (DeliveryState.DEFERRED if wait else DeliveryState.QUEUED).value,
        "reason": "quiet_hours" if wait else None,
        "text": None,
        "gateway": None,
        "attempts": 0,
        "created_at": now,
        "not_before": now + wait if wait else None,
        "sent_at": None,
        "reported_at": None,
    }


class _Decision:
    """What one send attempt found in the read model, under the row's lock."""

    def __init__(
        self, skip: str | None = None, phone: str | None = None, code: str | None = None
    ) -> None:
        self.skip = skip  # a reason not to send at all, or None
        self.phone = phone
        self.code = code  # a code message's code


class CitizenMessageActivities:
    def __init__(
        self,
        transactions: WriteTransactions,
        gateway: SmsGateway | None,
        settings: Settings,
        policy: SmsPolicy,
    ) -> None:
        self._transactions = transactions
        self._gateway = gateway
        self._settings = settings
        self._policy = policy

    @activity.defn(name=ActivityName.SEND_CITIZEN_MESSAGE)
    async def send_citizen_message(self, message: CitizenMessage) -> str:
        """Send it once; the state it ends in. A retry after a crash between the gateway's
        answer and the row's update finds the delivery report that came in meanwhile (the
        activity's timeout is far longer than a report takes) and sends nothing; only a
        gateway that never reports leaves that window open."""
        if self._gateway is None:
            return await self._finish(message, DeliveryState.SKIPPED, "no_gateway")
        now = datetime.now(UTC)
        check = _before_sending_code if message.kind is MessageKind.CODE else _before_sending
        decision = await self._transactions.run(
            check, message, self._policy.per_number_per_hour, self._gateway.name, now
        )
        if decision.skip == "already_sent":
            return DeliveryState.SENT.value
        if decision.skip == "rate_limited":
            raise ApplicationError(
                "the number's hourly limit is reached", next_retry_delay=timedelta(minutes=10)
            )
        if decision.skip is not None or decision.phone is None:
            return await self._finish(message, DeliveryState.SKIPPED, decision.skip)
        code = decision.code
        signature = self._settings.sms_signature
        text = message_text(message.kind, message.ticket_no, signature, code or "")
        text = self._linked(message, text, decision.phone, now)
        try:
            sms = OutgoingSms(
                message.id, decision.phone, text, message.kind, message.ticket_no, code
            )
            await self._gateway.send(sms)
        except GatewayRefused as refused:
            await self._finish(message, DeliveryState.FAILED, "refused")
            raise ApplicationError(str(refused), non_retryable=True) from refused
        kept = text.replace(code, HIDDEN_CODE) if code else text
        await self._transactions.run(_sent, message.id, kept, datetime.now(UTC))
        log.info("citizen message sent", message_id=message.id, kind=message.kind.value)
        return DeliveryState.SENT.value

    def _linked(self, message: CitizenMessage, text: str, phone: str, now: datetime) -> str:
        """The text with the citizen's signed link to their page, when there is a page."""
        base = self._settings.citizen_page_base
        if not base or message.kind not in LINKED:
            return text
        until = int((now + timedelta(days=self._settings.citizen_link_days)).timestamp())
        secret = self._settings.resolved_jwt_secret(create=False)
        token = citizen_token(secret, message.ticket_no, sealer().phone_lookup(phone), until)
        return with_link(message.kind, text, base, token)

    @activity.defn(name=ActivityName.GIVE_UP_CITIZEN_MESSAGE)
    async def give_up_citizen_message(self, message: CitizenMessage) -> str:
        """The gateway stayed down past the delivery's limit: marked failed, for the log."""
        await self._transactions.run(_gave_up, message.id)
        return DeliveryState.FAILED.value

    async def _finish(
        self, message: CitizenMessage, state: DeliveryState, reason: str | None
    ) -> str:
        await self._transactions.run(_set_state, message.id, state, reason)
        return state.value


def _before_sending(
    connection: Connection, message: CitizenMessage, per_hour: int, gateway: str, now: datetime
) -> _Decision:
    row = connection.execute(
        select(StoredCitizenMessage.state, StoredCitizenMessage.phone_lookup).where(
            StoredCitizenMessage.id == message.id
        )
    ).first()
    if row is not None and DeliveryState(row.state) in GATEWAY_HAS_IT:
        return _Decision("already_sent")
    # The event must still be the ticket's: an attempt the history did not keep may have
    # published it before the one that counts overwrote it.
    event = connection.scalar(
        select(TicketEvent.action).where(
            TicketEvent.ticket_no == message.ticket_no, TicketEvent.seq == message.seq
        )
    )
    document = connection.scalar(
        select(Ticket.document).where(Ticket.ticket_no == message.ticket_no)
    )
    if event is None or document is None:
        return _Decision("event_gone")
    phone_lookup = row.phone_lookup if row is not None else None
    if phone_lookup and connection.scalar(
        select(SmsOptOut.phone_lookup).where(SmsOptOut.phone_lookup == phone_lookup)
    ):
        return _Decision("opted_out")
    if phone_lookup and _over_hourly_limit(connection, message.id, phone_lookup, per_hour, now):
        return _Decision("rate_limited")
    _mark_sending(connection, message.id, gateway)
    return _Decision(phone=str(document["citizen"]["phone"]))


def _before_sending_code(
    connection: Connection, message: CitizenMessage, per_hour: int, gateway: str, now: datetime
) -> _Decision:
    """A code message: to the phone its code was asked for, while the code is good (a late
    code is never sent); the number's hourly limit holds, an opt-out does not (the citizen
    asked for this one)."""
    state = connection.scalar(
        select(StoredCitizenMessage.state).where(StoredCitizenMessage.id == message.id)
    )
    if state is not None and DeliveryState(state) in GATEWAY_HAS_IT:
        return _Decision("already_sent")
    row = connection.execute(
        select(CitizenCode.phone, CitizenCode.phone_lookup, CitizenCode.code).where(
            CitizenCode.id == message.id,
            CitizenCode.used_at.is_(None),
            CitizenCode.expires_at > now,
        )
    ).first()
    if row is None or row.code is None:
        return _Decision("code_expired")
    if _over_hourly_limit(connection, message.id, row.phone_lookup, per_hour, now):
        return _Decision("rate_limited")
    _mark_sending(connection, message.id, gateway)
    return _Decision(phone=str(row.phone), code=str(row.code))


def _over_hourly_limit(
    connection: Connection, message_id: str, phone_lookup: str, per_hour: int, now: datetime
) -> bool:
    """Whether the number had its hour's messages; the message is then marked deferred."""
    sent_lately = connection.scalar(
        select(func.count()).where(
            StoredCitizenMessage.phone_lookup == phone_lookup,
            StoredCitizenMessage.sent_at > now - timedelta(hours=1),
        )
    )
    if int(sent_lately or 0) < per_hour:
        return False
    connection.execute(
        update(StoredCitizenMessage)
        .where(StoredCitizenMessage.id == message_id)
        .values(state=DeliveryState.DEFERRED.value, reason="rate_limited")
    )
    return True


def _mark_sending(connection: Connection, message_id: str, gateway: str) -> None:
    connection.execute(
        update(StoredCitizenMessage)
        .where(StoredCitizenMessage.id == message_id)
        .values(
            state=DeliveryState.SENDING.value,
            reason=None,
            gateway=gateway,
            attempts=StoredCitizenMessage.attempts + 1,
        )
    )


def _sent(connection: Connection, message_id: str, text: str, at: datetime) -> None:
    # A code is kept no longer than it takes to send it: only its hash checks it.
    connection.execute(update(CitizenCode).where(CitizenCode.id == message_id).values(code=None))
    connection.execute(
        update(StoredCitizenMessage)
        .where(
            StoredCitizenMessage.id == message_id,
            # A delivery report can beat the gateway's answer here: it is not overwritten.
            StoredCitizenMessage.state == DeliveryState.SENDING.value,
        )
        .values(state=DeliveryState.SENT.value, text=text, sent_at=at)
    )
    connection.execute(
        update(StoredCitizenMessage)
        .where(StoredCitizenMessage.id == message_id, StoredCitizenMessage.sent_at.is_(None))
        .values(text=text, sent_at=at)
    )


_SETTLED = [state.value for state in (*GATEWAY_HAS_IT, DeliveryState.FAILED)]


def _gave_up(connection: Connection, message_id: str) -> None:
    connection.execute(
        update(StoredCitizenMessage)
        .where(
            StoredCitizenMessage.id == message_id,
            StoredCitizenMessage.state.not_in(
                [s.value for s in (*GATEWAY_HAS_IT, DeliveryState.FAILED)]
            ),
        )
        .values(state=DeliveryState.FAILED.value, reason="gateway_down")
    )


def _set_state(
    connection: Connection, message_id: str, state: DeliveryState, reason: str | None
) -> None:
    connection.execute(
        update(StoredCitizenMessage)
        .where(StoredCitizenMessage.id == message_id)
        .values(state=state.value, reason=reason)
    )
