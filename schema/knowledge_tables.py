"""The knowledge base's tables: each entry's row (its life as its workflow keeps it, and
the filter columns the lists and figures read), every revision's content, every step of
its history, and the search terms of the revision that answers citizens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from schema.table_base import Base


class KnowledgeEntryRow(Base):
    __tablename__ = "knowledge_entries"
    __table_args__ = (Index("ix_knowledge_entries_owner_state", "owner", "state"),)

    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # KB and a number
    owner: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    published_version: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))  # of the latest revision
    freshness: Mapped[str] = mapped_column(String(20))
    review_overdue: Mapped[bool] = mapped_column(Boolean)
    open_corrections: Mapped[int] = mapped_column(Integer)
    overdue_corrections: Mapped[int] = mapped_column(Integer)
    steps: Mapped[int] = mapped_column(Integer)  # the history's length: a newer row wins
    view: Mapped[dict[str, Any]]  # schema.knowledge.EntryView
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class KnowledgeRevision(Base):
    """One revision's content, as its author wrote it (schema.knowledge.EntryContent)."""

    __tablename__ = "knowledge_revisions"

    entry_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[dict[str, Any]]
    by: Mapped[str] = mapped_column(String(300))
    why: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class KnowledgeStep(Base):
    """One step of an entry's history: who changed what and why (版本记录)."""

    __tablename__ = "knowledge_steps"

    entry_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    step: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)


class KnowledgeTerm(Base):
    """The search index: each term of the answering revision (``hotline.chinese_terms``),
    in which field, how often. A search looks its terms up by the (term, entry) index."""

    __tablename__ = "knowledge_terms"
    __table_args__ = (Index("ix_knowledge_terms_term", "term", "entry_id"),)

    entry_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    field: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # search.FIELDS
    term: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
