"""Attachments (附件): the photos, documents and recordings a step of a ticket carries.

The file itself never enters a workflow's history: an action's body names its files by
``AttachmentRef`` (id, content hash, type, size), and the bytes live, encrypted, in the
attachment store (``hotline.blob_store``). Pure: workflows import it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

ATTACHMENT_ID_PATTERN = r"^att_[A-Za-z0-9_-]{16,40}$"
# The most files one step may name, whatever the settings allow (they may allow fewer).
MOST_ATTACHMENTS = 20


class AttachmentKind(StrEnum):
    PHOTO = "photo"  # re-encoded, EXIF stripped, with a thumbnail
    DOCUMENT = "document"  # PDF, Word, Excel, as uploaded
    AUDIO = "audio"  # a recording: MP3, AMR, M4A, WAV


class AttachmentRef(BaseModel):
    """A file as an action names it. A caller may send the id alone (or ``{"id": …}``):
    the service fills in the rest from the store before the workflow is asked, so the
    hash, type and size in history are the ones the store holds, not the caller's."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ATTACHMENT_ID_PATTERN)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    media_type: str | None = Field(default=None, max_length=100)
    kind: AttachmentKind | None = None
    size: int | None = Field(default=None, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _from_id(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value


def attachments_field() -> Any:
    """The optional ``attachments`` of a body. Left out of the body's dump when empty, so
    that a body without files is the same payload (and fingerprint) as before files were."""
    return Field(
        default_factory=list,
        max_length=MOST_ATTACHMENTS,
        exclude_if=lambda refs: not refs,
        description="files uploaded by POST /v1/attachments, by id",
    )


class EvidencePolicy(BaseModel):
    """What a step must carry: the categories (by code, a parent covering its children)
    whose replies need at least one photo (现场照片), as Beijing and Hangzhou ask."""

    model_config = ConfigDict(extra="forbid")

    reply_photos_for: list[str] = Field(default_factory=list)

    def reply_needs_photo(self, category_chain: list[str]) -> bool:
        return any(code in self.reply_photos_for for code in category_chain)
