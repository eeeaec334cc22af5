"""The table of attachments: what the store holds for each file a caller uploaded, and
the ticket it went to. The bytes are in the attachment store (``hotline.blob_store``),
by hash; the file's own name, which may carry a person's, is sealed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from schema.column_types import SealedText
from schema.table_base import Base


class StoredAttachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_ticket_no", "ticket_no"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    thumbnail_sha256: Mapped[str | None] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(SealedText)  # as the uploader's device named it
    uploaded_by: Mapped[str] = mapped_column(String(300))  # the actor, as traces name it
    # The ticket it was first named by; None until an action or an intake names it.
    ticket_no: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
