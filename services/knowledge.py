"""Knowledge entries (知识条目) for the API and the pages: writing one, taking a step of its
life (each a Temporal update of the entry's workflow, idempotent by the caller's key),
and reading an entry with its revision and its history from the read model.

Who may do what is the workflow's to check (``workflows.knowledge_entry``); here only
who may write an entry at all, and for which owning unit.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import select
from temporalio.client import (
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.service import RPCError, RPCStatusCode

from hotline.database import insert_for
from schema.knowledge import (
    CorrectionAnswer,
    CorrectionBody,
    EntryContent,
    EntryStart,
    EntryState,
    EntryView,
    NoteBody,
    ReasonBody,
    RevisionBody,
)
from schema.knowledge_tables import KnowledgeEntryRow, KnowledgeRevision, KnowledgeStep
from schema.tables import ActionKey, TicketCounter
from schema.ticket import Actor, Role
from services import catalogue_reads
from services.context import AppContext
from services.errors import ServiceError, forbidden
from services.idempotency import bind_action_key, fingerprint, key_reused, scoped_key
from services.ticket_gateway import refusal
from workflows.ids import knowledge_entry_workflow_id
from workflows.knowledge_entry import KnowledgeEntryWorkflow
from workflows.knowledge_rules import CENTRE

WRITERS = CENTRE | {Role.DEPARTMENT}
READERS = frozenset({Role.AGENT, Role.DEPARTMENT, Role.SUPERVISOR, Role.ADMIN})
_COUNTER = "KB"  # the entries' numbers share the ticket counters' table, under this key
_CREATE = "knowledge-create"  # what an Idempotency-Key of a new entry is bound to

# The steps of an entry's life by the name the API gives them, and their bodies.
STEPS: dict[str, type[BaseModel]] = {
    "revise": RevisionBody,
    "submit": NoteBody,
    "approve": NoteBody,
    "send-back": ReasonBody,
    "publish": NoteBody,
    "review": NoteBody,
    "retire": ReasonBody,
    "correct": CorrectionBody,
}
_UPDATES: dict[str, Any] = {
    "revise": KnowledgeEntryWorkflow.revise,
    "submit": KnowledgeEntryWorkflow.submit,
    "approve": KnowledgeEntryWorkflow.approve,
    "send-back": KnowledgeEntryWorkflow.send_back,
    "publish": KnowledgeEntryWorkflow.publish,
    "review": KnowledgeEntryWorkflow.confirm_review,
    "retire": KnowledgeEntryWorkflow.retire,
    "correct": KnowledgeEntryWorkflow.correct,
}


class StepTaken(BaseModel):
    seq: int
    step: str
    at: datetime
    actor: str
    note: str
    version: int


class EntryPage(BaseModel):
    """An entry as its readers see it: its life, the revision asked for (by default the
    one that answers, else the latest) and its history."""

    entry: EntryView
    title: str
    shown_version: int
    content: EntryContent
    history: list[StepTaken]


def expiry_instant(valid_to: date | None, timezone: str) -> datetime | None:
    """The end of ``valid_to`` in city time: the entry holds through that whole day."""
    if valid_to is None:
        return None
    return datetime.combine(valid_to + timedelta(days=1), time(), ZoneInfo(timezone))


def unknown_entry(entry_id: str) -> ServiceError:
    return ServiceError(
        404, "unknown_entry", f"no knowledge entry {entry_id}", "unknown_entry", {"id": entry_id}
    )


async def _next_id(context: AppContext) -> str:
    async with context.sessions.begin() as session:
        bump = insert_for(session, TicketCounter).values(day=_COUNTER, last_value=1)
        bump = bump.on_conflict_do_update(
            index_elements=[TicketCounter.day], set_={"last_value": TicketCounter.last_value + 1}
        ).returning(TicketCounter.last_value)
        number = (await session.execute(bump)).scalar_one()
    return f"{context.settings.ticket_prefix}KB{number:06d}"


async def _owner_checked(context: AppContext, actor: Actor, owner: str | None) -> str:
    if actor.role not in WRITERS:
        raise forbidden(f"role '{actor.role}' does not write knowledge entries", "role_may_not")
    if actor.role is Role.DEPARTMENT:
        if not actor.department:
            raise forbidden("this unit's token names no unit", "not_the_owner")
        if owner not in (None, actor.department):
            raise forbidden("a unit writes entries of its own only", "not_the_owner")
        return actor.department or ""
    if not owner:
        raise ServiceError(422, "invalid_input", "'owner': the owning unit's code is required")
    if owner not in await catalogue_reads.department_names(context):
        raise ServiceError(422, "invalid_input", f"'owner': no unit {owner}")
    return owner


def _checked_dates(content: EntryContent, timezone: str) -> None:
    today = datetime.now(ZoneInfo(timezone)).date()
    if content.valid_to is not None and content.valid_to < today:
        raise ServiceError(
            422, "invalid_input", f"'valid_to': {content.valid_to} has passed (today is {today})"
        )


async def _call(entry_id: str, call: Any) -> EntryView:
    timeout = 30.0
    try:
        view: EntryView = await asyncio.wait_for(call(), timeout)
    except WorkflowUpdateFailedError as failure:
        raise refusal(failure.cause) from failure
    except RPCError as failure:
        if failure.status is RPCStatusCode.NOT_FOUND:
            raise unknown_entry(entry_id) from failure
        raise ServiceError(503, "temporal_unavailable", failure.message) from failure
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as failure:
        raise ServiceError(
            503,
            "entry_not_answering",
            f"entry {entry_id} did not answer in time (is a worker running?); retry with "
            "the same Idempotency-Key",
        ) from failure
    return view


class _NewEntry(BaseModel):
    owner: str
    content: EntryContent


async def _entry_id_for(context: AppContext, actor: Actor, key: str | None, new: _NewEntry) -> str:
    """A new entry's id; with a key, the id the key's first request was given (a retry
    joins that entry), and 422 for the key reused with another body."""
    if key is None:
        return await _next_id(context)
    async with context.sessions() as session:
        stored = await session.get(ActionKey, scoped_key(actor, key))
    if stored is None:
        entry_id = await _next_id(context)
        try:
            await bind_action_key(
                context.sessions, actor=actor, key=key, ticket_no=entry_id, action=_CREATE, body=new
            )
            return entry_id
        except ServiceError:  # a concurrent retry bound the key first: its entry is ours
            async with context.sessions() as session:
                stored = await session.get(ActionKey, scoped_key(actor, key))
    if stored is None or stored.action != _CREATE or stored.fingerprint != fingerprint(new):
        raise key_reused("another request")
    return stored.ticket_no


async def create_entry(
    context: AppContext,
    actor: Actor,
    owner: str | None,
    content: EntryContent,
    key: str | None = None,
) -> EntryView:
    """A new entry in draft, owned by ``owner`` (a unit writes its own); a retry with the
    same ``key`` answers with the entry the first made."""
    owner = await _owner_checked(context, actor, owner)
    _checked_dates(content, context.policy.timezone)
    entry_id = await _entry_id_for(context, actor, key, _NewEntry(owner=owner, content=content))
    start = EntryStart(
        entry_id=entry_id,
        owner=owner,
        author=actor,
        content=content,
        expires_at=expiry_instant(content.valid_to, context.policy.timezone),
        rules=context.policy.knowledge,
    )
    client = await context.tickets.client()
    operation = WithStartWorkflowOperation(
        KnowledgeEntryWorkflow.run,
        start,
        id=knowledge_entry_workflow_id(entry_id),
        task_queue=context.settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        static_summary=f"知识条目 {entry_id}",
    )
    return await _call(
        entry_id,
        lambda: client.execute_update_with_start_workflow(
            KnowledgeEntryWorkflow.created, start_workflow_operation=operation
        ),
    )


async def take_step(
    context: AppContext,
    actor: Actor,
    entry_id: str,
    step: str,
    body: BaseModel,
    key: str | None,
) -> EntryView:
    """One step of the entry's life; a retry with the same ``key`` is applied once."""
    await _visible(context, actor, entry_id)
    if step == "revise" and isinstance(body, RevisionBody):
        _checked_dates(body.content, context.policy.timezone)
        expires = expiry_instant(body.content.valid_to, context.policy.timezone)
        body = body.model_copy(update={"expires_at": expires})
    handle = (await context.tickets.client()).get_workflow_handle(
        knowledge_entry_workflow_id(entry_id)
    )
    update_id = f"{step}:{actor.describe()}:{key or uuid.uuid4().hex}"
    return await _call(
        entry_id,
        lambda: handle.execute_update(_UPDATES[step], args=[actor, body], id=update_id),
    )


async def answer_correction(
    context: AppContext,
    actor: Actor,
    entry_id: str,
    number: int,
    body: CorrectionAnswer,
    key: str | None,
) -> EntryView:
    handle = (await context.tickets.client()).get_workflow_handle(
        knowledge_entry_workflow_id(entry_id)
    )
    await _visible(context, actor, entry_id)
    update_id = f"answer-correction:{number}:{actor.describe()}:{key or uuid.uuid4().hex}"
    return await _call(
        entry_id,
        lambda: handle.execute_update(
            KnowledgeEntryWorkflow.answer_correction, args=[actor, number, body], id=update_id
        ),
    )


async def _visible(context: AppContext, actor: Actor, entry_id: str) -> None:
    """404 for an entry the caller may not know of (a draft of another unit's); 409 for
    one whose life has ended (retired or expired: its workflow is closed)."""
    readable(actor)
    async with context.sessions() as session:
        row = await session.get(KnowledgeEntryRow, entry_id)
    if row is None:
        raise unknown_entry(entry_id)
    if row.published_version is None and not _may_see_drafts(actor, row.owner):
        raise unknown_entry(entry_id)
    if row.state == EntryState.RETIRED.value:
        raise ServiceError(
            409,
            "invalid_state",
            f"entry {entry_id} is retired: its life has ended",
            "entry_state",
            {"state": row.state},
        )


def readable(actor: Actor) -> None:
    if actor.role not in READERS:
        raise forbidden(f"role '{actor.role}' does not read the knowledge base", "role_may_not")


def _may_see_drafts(actor: Actor, owner: str) -> bool:
    return actor.role in CENTRE or (actor.role is Role.DEPARTMENT and actor.department == owner)


async def entry_page(
    context: AppContext, actor: Actor, entry_id: str, version: int | None = None
) -> EntryPage:
    """The entry for a reader: agents see only what answers (a published revision);
    its owner and the centre see every revision and the whole history."""
    readable(actor)
    async with context.sessions() as session:
        row = await session.get(KnowledgeEntryRow, entry_id)
        if row is None:
            raise unknown_entry(entry_id)
        entry = EntryView.model_validate(row.view)
        everything = _may_see_drafts(actor, entry.owner)
        if not everything and entry.published_version is None:
            raise unknown_entry(entry_id)  # a draft is nobody's business but its writers'
        shown = version or entry.published_version or entry.version
        if not everything and shown != entry.published_version:
            raise forbidden("only the owning unit and the centre read unpublished revisions")
        content = await session.scalar(
            select(KnowledgeRevision.content).where(
                KnowledgeRevision.entry_id == entry_id, KnowledgeRevision.version == shown
            )
        )
        if content is None:
            raise ServiceError(404, "unknown_revision", f"entry {entry_id} has no revision {shown}")
        steps = await session.scalars(
            select(KnowledgeStep)
            .where(KnowledgeStep.entry_id == entry_id)
            .order_by(KnowledgeStep.seq)
        )
        history = [
            StepTaken(
                seq=s.seq, step=s.step, at=s.at, actor=s.actor, note=s.note, version=s.version
            )
            for s in steps
            if everything or s.step in _PUBLIC_STEPS
        ]
    revision = EntryContent.model_validate(content)
    return EntryPage(
        entry=entry, title=revision.title, shown_version=shown, content=revision, history=history
    )


# What a reader other than the owner and the centre sees of the history: that the
# entry was published, reviewed, corrected — not the drafts' back and forth.
_PUBLIC_STEPS = frozenset({"published", "reviewed", "correction_raised", "correction_answered"})
