"""Uploading a file, and naming files in an action or an intake.

A file is uploaded first (``upload``) and belongs to its uploader until an action names
it; the action's body carries its id, and ``resolved`` fills in the reference from the
store (hash, type, size) and binds the file to the ticket, before the workflow is asked.
So history holds only references, and a file can never be borrowed from another ticket
or another caller.
"""

from __future__ import annotations

import asyncio
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import structlog
from pydantic import BaseModel
from sqlalchemy import or_, select, update

from hotline import virus_scan
from schema.attachment_tables import StoredAttachment
from schema.attachments import AttachmentKind, AttachmentRef
from schema.ticket import Actor
from services.attachment_files import keep
from services.context import AppContext
from services.errors import ServiceError

B = TypeVar("B", bound=BaseModel)
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Uploaded:
    ref: AttachmentRef
    name: str | None
    has_thumbnail: bool


def too_large(limit: int) -> ServiceError:
    return ServiceError(
        413,
        "file_too_large",
        f"a file may be at most {limit} bytes ({limit // (1024 * 1024)} MB)",
        "file_too_large",
        {"limit_mb": limit // (1024 * 1024)},
    )


def _clean_name(name: str | None) -> str | None:
    """The device's file name as a label: no path, no control characters, bounded."""
    if not name:
        return None
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:200] or None


async def upload(context: AppContext, actor: Actor, name: str | None, data: bytes) -> Uploaded:
    """Keeps one file (413 too large, 415 not a type we take, 422 corrupt) and answers its
    reference; nothing is stored when it is refused."""
    limit = context.settings.attachment_max_bytes
    if len(data) > limit:
        raise too_large(limit)
    if not data:
        raise ServiceError(422, "empty_file", "the file is empty", "empty_file")
    # Off the event loop: decoding and encoding a photo takes tens of milliseconds, which
    # every other request of this process would wait (Pillow lets go of the GIL meanwhile).
    kept = await asyncio.to_thread(keep, data)
    if context.settings.attachment_clamd:
        await _scanned(context.settings.attachment_clamd, data)
    digest = await context.files.put(kept.data)
    thumbnail = await context.files.put(kept.thumbnail) if kept.thumbnail else None
    ref = AttachmentRef(
        id=f"att_{secrets.token_urlsafe(18)}",
        sha256=digest,
        media_type=kept.media_type,
        kind=kept.kind,
        size=len(kept.data),
    )
    label = _clean_name(name)
    async with context.sessions.begin() as session:
        session.add(
            StoredAttachment(
                id=ref.id,
                sha256=digest,
                thumbnail_sha256=thumbnail,
                media_type=kept.media_type,
                kind=kept.kind.value,
                size=len(kept.data),
                name=label,
                uploaded_by=actor.describe(),
                ticket_no=None,
                created_at=datetime.now(UTC),
            )
        )
    return Uploaded(ref, label, thumbnail is not None)


async def _scanned(address: str, data: bytes) -> None:
    """422 for a file clamd finds malware in; 503 when clamd cannot say (a file nobody
    looked at is not kept when the centre asked for a scan)."""
    try:
        verdict = await virus_scan.scan(address, data)
    except virus_scan.ScannerUnavailable as problem:
        log.warning("virus_scan_unavailable", problem=str(problem))
        raise ServiceError(
            503,
            "scan_unavailable",
            "the virus scan cannot be reached just now: send the file again in a moment",
            "scan_unavailable",
        ) from None
    if not verdict.clean:
        log.warning("attachment_infected", signature=verdict.signature)
        raise ServiceError(
            422,
            "infected_file",
            f"the virus scan found {verdict.signature} in this file: it was not kept",
            "infected_file",
            {"signature": verdict.signature or ""},
        )


def _unusable(ids: list[str]) -> ServiceError:
    return ServiceError(
        422,
        "unknown_attachment",
        f"no file {', '.join(ids)} of yours to attach here: upload it first "
        "(POST /v1/attachments), with the same token, for this ticket only",
        "unknown_attachment",
        {"ids": ", ".join(ids)},
    )


async def resolved(context: AppContext, ticket_no: str, actor: Actor, body: B) -> B:
    """The body with its files' references as the store holds them, each file bound to
    the ticket. 422 for a file that is not the caller's, is another ticket's, or is not
    there; or for more files than one step may carry."""
    refs: list[AttachmentRef] = list(getattr(body, "attachments", None) or [])
    if not refs:
        return body
    ids = list(dict.fromkeys(ref.id for ref in refs))
    most = context.settings.attachment_max_count
    if len(ids) > most:
        raise ServiceError(
            422,
            "too_many_attachments",
            f"one step carries at most {most} files",
            "too_many_attachments",
            {"most": most},
        )
    async with context.sessions.begin() as session:
        rows = {
            row.id: row
            for row in await session.scalars(
                select(StoredAttachment).where(
                    StoredAttachment.id.in_(ids),
                    StoredAttachment.uploaded_by == actor.describe(),
                    or_(
                        StoredAttachment.ticket_no.is_(None),
                        StoredAttachment.ticket_no == ticket_no,
                    ),
                )
            )
        }
        missing = [i for i in ids if i not in rows]
        if missing:
            raise _unusable(missing)
        await session.execute(
            update(StoredAttachment)
            .where(StoredAttachment.id.in_(ids), StoredAttachment.ticket_no.is_(None))
            .values(ticket_no=ticket_no)
        )
    full = [
        AttachmentRef(
            id=row.id,
            sha256=row.sha256,
            media_type=row.media_type,
            kind=AttachmentKind(row.kind),
            size=row.size,
        )
        for row in (rows[i] for i in ids)
    ]
    return body.model_copy(update={"attachments": full})
