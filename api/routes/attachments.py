"""Attachments over HTTP: upload a file, list a ticket's files, open a file by its link.

``POST /v1/attachments`` takes one file (multipart, field ``file``) and answers its
reference; an action or an intake then names it by id in its ``attachments``. The files
are served only through the short-lived links the list gives, never cached publicly.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response, UploadFile

from api.deps import ContextDep, StaffDep
from api.routes.tickets import TicketNo
from schema.attachments import ATTACHMENT_ID_PATTERN, AttachmentKind, AttachmentRef
from services import attachment_refs, attachments

router = APIRouter(prefix="/v1", tags=["attachments"])
tickets_router = APIRouter(prefix="/v1/tickets", tags=["attachments"])


class UploadedAttachment(AttachmentRef):
    name: str | None = None
    thumbnail: bool = False


@router.post("/attachments", status_code=201, response_model=UploadedAttachment)
async def upload_attachment(
    file: UploadFile, actor: StaffDep, context: ContextDep
) -> UploadedAttachment:
    """Upload one file: a photo (re-encoded, EXIF stripped, a thumbnail made), a PDF,
    Word or Excel document, or a recording. 413 too large, 415 not a type taken (by
    content, not by name), 422 corrupt or with macros or scripts."""
    limit = context.settings.attachment_max_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise attachment_refs.too_large(limit)
    uploaded = await attachment_refs.upload(context, actor, file.filename, data)
    return UploadedAttachment(
        **uploaded.ref.model_dump(), name=uploaded.name, thumbnail=uploaded.has_thumbnail
    )


@tickets_router.get("/{ticket_no}/attachments", response_model=list[attachments.ShownAttachment])
async def list_ticket_attachments(
    ticket_no: TicketNo, actor: StaffDep, context: ContextDep
) -> list[attachments.ShownAttachment]:
    """The ticket's files, step by step. Links (``url``, ``thumbnail_url``) are given to
    the roles that read personal data, and expire after ``HOTLINE_ATTACHMENT_LINK_SECONDS``."""
    return await attachments.ticket_attachments(context, actor, ticket_no)


FILE_ANSWER: dict[int | str, dict[str, Any]] = {200: {"content": {"application/octet-stream": {}}}}


@router.get("/files/{attachment_id}", responses=FILE_ANSWER)
async def open_file(
    attachment_id: Annotated[str, Path(pattern=ATTACHMENT_ID_PATTERN)],
    context: ContextDep,
    variant: Annotated[str, Query(max_length=20)] = attachments.ORIGINAL,
    until: Annotated[int, Query(ge=0, le=2**40)] = 0,
    sig: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """A file, by a link from the list (no token: the link is the permission). 403 for a
    forged, altered or expired link."""
    opened = await attachments.open_link(context, attachment_id, variant, until, sig)
    inline = opened.kind in (AttachmentKind.PHOTO, AttachmentKind.AUDIO)
    disposition = "inline" if inline else "attachment"
    return Response(
        opened.data,
        media_type=opened.media_type,
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(opened.name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
