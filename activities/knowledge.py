"""The knowledge entry's steps into the read model: its row, the step in its history, the
revision it made, and — when the revision that answers changes — its search terms. One
transaction per step; a retried step writes nothing twice (the step's number and the
revision's are keys)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select
from temporalio import activity

from hotline.database import WriteTransactions, insert_missing, upsert_rows
from hotline.knowledge_index import index_rows
from schema.activity_io import ActivityName
from schema.knowledge import EntryContent, EntryRecord, EntryState, EntryStep
from schema.knowledge_tables import (
    KnowledgeEntryRow,
    KnowledgeRevision,
    KnowledgeStep,
    KnowledgeTerm,
)

# The steps after which another revision answers, or none does.
_ANSWER_CHANGES = frozenset({EntryStep.PUBLISHED, EntryStep.RETIRED, EntryStep.EXPIRED})


def _title(connection: Connection, entry_id: str, version: int) -> str:
    content = connection.scalar(
        select(KnowledgeRevision.content).where(
            KnowledgeRevision.entry_id == entry_id, KnowledgeRevision.version == version
        )
    )
    return EntryContent.model_validate(content).title if content else ""


def write_step(connection: Connection, record: EntryRecord, now: datetime) -> None:
    view = record.view
    if record.content is not None:
        insert_missing(
            connection,
            KnowledgeRevision,
            [
                {
                    "entry_id": view.entry_id,
                    "version": view.version,
                    "content": record.content.model_dump(mode="json"),
                    "by": record.actor,
                    "why": record.note,
                    "at": record.at,
                }
            ],
        )
    insert_missing(
        connection,
        KnowledgeStep,
        [
            {
                "entry_id": view.entry_id,
                "seq": view.steps,
                "step": record.step.value,
                "at": record.at,
                "actor": record.actor,
                "note": record.note,
                "version": view.version,
            }
        ],
    )
    open_corrections = [c for c in view.corrections if c.open]
    row = {
        "id": view.entry_id,
        "owner": view.owner,
        "state": view.state.value,
        "version": view.version,
        "published_version": view.published_version,
        "title": record.content.title
        if record.content
        else _title(connection, view.entry_id, view.version),
        "freshness": view.freshness.value,
        "review_overdue": view.review_overdue,
        "open_corrections": len(open_corrections),
        "overdue_corrections": sum(1 for c in open_corrections if c.overdue),
        "steps": view.steps,
        "view": view.model_dump(mode="json"),
        "created_at": record.at,
        "updated_at": now,
    }
    existing = connection.execute(
        select(KnowledgeEntryRow.created_at, KnowledgeEntryRow.steps).where(
            KnowledgeEntryRow.id == view.entry_id
        )
    ).first()
    if existing is not None:
        if existing.steps > view.steps:
            return  # a late retry of an older step: the row and the index are newer
        row["created_at"] = existing.created_at
    upsert_rows(connection, KnowledgeEntryRow, [row], newer_by="steps")
    if record.step in _ANSWER_CHANGES:
        _reindex(connection, view.entry_id, view.published_version, view.state)


def _reindex(connection: Connection, entry_id: str, version: int | None, state: EntryState) -> None:
    connection.execute(delete(KnowledgeTerm).where(KnowledgeTerm.entry_id == entry_id))
    if version is None or state is EntryState.RETIRED:
        return
    content = connection.scalar(
        select(KnowledgeRevision.content).where(
            KnowledgeRevision.entry_id == entry_id, KnowledgeRevision.version == version
        )
    )
    rows = index_rows(entry_id, EntryContent.model_validate(content))
    if rows:
        connection.execute(insert(KnowledgeTerm), rows)


class KnowledgeActivities:
    def __init__(self, transactions: WriteTransactions) -> None:
        self._transactions = transactions

    @activity.defn(name=ActivityName.RECORD_KNOWLEDGE_ENTRY)
    async def record_knowledge_entry(self, record: EntryRecord) -> None:
        await self._transactions.run(write_step, record, datetime.now(UTC))
