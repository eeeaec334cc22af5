"""A ticket's attachments (附件) as its readers see them: listed step by step with
short-lived links, and opened by such a link. The files are read from the ticket's
traces: each step's files are on the trace the step left (``workflows.ticket.evidence``);
uploading and naming them is ``services.attachment_refs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from hotline import file_links
from schema.attachment_tables import StoredAttachment
from schema.attachments import AttachmentKind
from schema.ticket import Actor, Role, TimelineEvent
from services.context import AppContext
from services.errors import ServiceError, forbidden
from services.tickets import stored_timeline

# Who may see the files themselves: photos show faces, plates and homes, as personal as
# a name and a phone. Other roles see that a step carries files, not the files.
FILE_READERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN, Role.DEPARTMENT})
THUMBNAIL, ORIGINAL = "thumbnail", "original"


class ShownAttachment(BaseModel):
    """A file on a ticket, as its reader sees it: the step that carried it, and links
    when the reader may open files (they expire: ask the list again for new ones)."""

    id: str
    seq: int  # the trace (timeline event) of the step
    step: str  # the trace's action: received, progress, replied, returned, …
    at: datetime
    kind: AttachmentKind
    media_type: str
    size: int
    name: str | None = None
    url: str | None = None
    thumbnail_url: str | None = None


def _link(context: AppContext, row: StoredAttachment, variant: str, now: datetime) -> str:
    until = int(now.timestamp()) + context.settings.attachment_link_seconds
    return file_links.signed_path(context.jwt_secret, row.id, variant, until)


def original_link(context: AppContext, row: StoredAttachment) -> str:
    """A short-lived link (a path) to the file as it was kept."""
    return _link(context, row, ORIGINAL, datetime.now(UTC))


def _links(context: AppContext, row: StoredAttachment, now: datetime) -> dict[str, str]:
    links = {"url": _link(context, row, ORIGINAL, now)}
    if row.thumbnail_sha256:
        links["thumbnail_url"] = _link(context, row, THUMBNAIL, now)
    return links


async def ticket_attachments(
    context: AppContext, actor: Actor, ticket_no: str
) -> list[ShownAttachment]:
    """Every file of the ticket, step by step, for a caller who may read the ticket."""
    events = await stored_timeline(context, actor, ticket_no)
    return await attachments_of_events(context, actor, ticket_no, events)


async def attachments_of_events(
    context: AppContext, actor: Actor, ticket_no: str, events: list[TimelineEvent]
) -> list[ShownAttachment]:
    """The files the ticket's traces name (read by a caller already allowed to read them)."""
    if not any(event.detail.get("attachments") for event in events):
        return []
    async with context.sessions() as session:
        rows = {
            row.id: row
            for row in await session.scalars(
                select(StoredAttachment).where(StoredAttachment.ticket_no == ticket_no)
            )
        }
    now, reads_files = datetime.now(UTC), actor.role in FILE_READERS
    shown: list[ShownAttachment] = []
    for event in events:
        for ref in event.detail.get("attachments", []):
            row = rows.get(ref.get("id"))
            if row is None:
                continue
            links: dict[str, Any] = _links(context, row, now) if reads_files else {}
            shown.append(
                ShownAttachment(
                    id=row.id,
                    seq=event.seq,
                    step=event.action,
                    at=event.at,
                    kind=AttachmentKind(row.kind),
                    media_type=row.media_type,
                    size=row.size,
                    name=row.name if reads_files else None,
                    **links,
                )
            )
    return shown


@dataclass(frozen=True)
class OpenedFile:
    data: bytes
    media_type: str
    name: str
    kind: AttachmentKind


async def open_link(
    context: AppContext, attachment_id: str, variant: str, until: int, sig: str
) -> OpenedFile:
    """The file a link names, if we signed that link and it has not expired; 403 (the
    same answer for a forged, altered or expired link: it tells nothing of the file)."""
    now = datetime.now(UTC)
    if variant not in (ORIGINAL, THUMBNAIL) or not file_links.link_holds(
        context.jwt_secret, attachment_id, variant, until, sig, now
    ):
        raise forbidden(
            "this link to a file is not valid, or has expired: open the ticket again",
            "file_link_invalid",
        )
    async with context.sessions() as session:
        row = await session.get(StoredAttachment, attachment_id)
    digest = None if row is None else row.sha256 if variant == ORIGINAL else row.thumbnail_sha256
    if row is None or digest is None:
        raise ServiceError(404, "unknown_attachment", "no such file", "unknown_attachment")
    data = await context.files.get(digest)
    if variant == THUMBNAIL:
        return OpenedFile(data, "image/jpeg", f"{row.id}-thumbnail.jpg", AttachmentKind.PHOTO)
    return OpenedFile(data, row.media_type, row.name or row.id, AttachmentKind(row.kind))
