"""Open311's ``media_url``, both ways.

In: a request may carry its photo as a file (``media``, multipart, as most GeoReport
clients send it) or as ``media_url``, a link we fetch — only from the hosts the centre
names in ``HOTLINE_OPEN311_MEDIA_HOSTS``, since fetching whatever a caller names would
let it make the server reach any address of the intranet. Either way the file goes
through the attachments' checks (type by content, size, EXIF stripped).

Out: a request's ``media_url`` is a short-lived link to the first photo that came in
with it through Open311 — what the reporting app sent, re-encoded. Photos that staff or
units attached later are never served on this unauthenticated interface.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from schema.attachment_tables import StoredAttachment
from schema.attachments import AttachmentKind
from schema.ticket import Actor
from services import attachments
from services.attachment_refs import too_large, upload
from services.context import AppContext
from services.errors import ServiceError

FETCH_SECONDS = 10.0
# Who uploads the files of a request posted through the facade (``Actor.describe``).
UPLOADER_PREFIX = "integrator:open311:"


def _refused(message: str) -> ServiceError:
    return ServiceError(400, "media_url_refused", message, "media_url_refused")


def allowed_hosts(context: AppContext) -> set[str]:
    hosts = context.settings.open311_media_hosts.split(",")
    return {host.strip().lower() for host in hosts if host.strip()}


def check_media_url(context: AppContext, url: str) -> None:
    """400 unless ``url`` is http(s) on a host (or host:port) the centre allows."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused("media_url must be an http or https URL")
    hosts = allowed_hosts(context)
    if not hosts:
        raise _refused("this server fetches no media_url: send the photo as the file 'media'")
    if parts.netloc.lower() not in hosts and parts.hostname.lower() not in hosts:
        raise _refused(
            f"media_url may only name these hosts: {', '.join(sorted(hosts))}; "
            "or send the photo as the file 'media'"
        )


async def fetched(context: AppContext, url: str) -> bytes:
    """The file ``url`` names, read up to the attachments' size limit (413 beyond), not
    following redirects (they could lead off the allowed hosts)."""
    check_media_url(context, url)
    limit = context.settings.attachment_max_bytes
    try:
        async with (
            httpx.AsyncClient(timeout=FETCH_SECONDS, follow_redirects=False) as client,
            client.stream("GET", url) as answer,
        ):
            if answer.status_code != 200:
                raise _refused(f"media_url answered HTTP {answer.status_code}, not a file")
            data = bytearray()
            async for chunk in answer.aiter_bytes():
                data += chunk
                if len(data) > limit:
                    raise too_large(limit)
    except httpx.HTTPError as problem:
        raise _refused(f"media_url could not be read: {type(problem).__name__}") from None
    return bytes(data)


async def upload_media(
    context: AppContext, actor: Actor, file: tuple[str | None, bytes] | None, url: str | None
) -> list[str]:
    """The ids of the request's files, uploaded as ``actor``: the ``media`` file and the
    file ``media_url`` names (either or both)."""
    ids = []
    if file is not None:
        ids.append((await upload(context, actor, file[0], file[1])).ref.id)
    if url:
        data = await fetched(context, url)
        name = urlsplit(url).path.rsplit("/", 1)[-1] or None
        ids.append((await upload(context, actor, name, data)).ref.id)
    return ids


async def public_media(context: AppContext, base_url: str, ticket_nos: list[str]) -> dict[str, str]:
    """Per ticket, a link to the first photo that came in with it through Open311."""
    if not ticket_nos:
        return {}
    async with context.sessions() as session:
        rows = await session.scalars(
            select(StoredAttachment)
            .where(
                StoredAttachment.ticket_no.in_(ticket_nos),
                StoredAttachment.kind == AttachmentKind.PHOTO.value,
                StoredAttachment.uploaded_by.startswith(UPLOADER_PREFIX),
            )
            .order_by(StoredAttachment.created_at, StoredAttachment.id)
        )
        first: dict[str, StoredAttachment] = {}
        for row in rows:
            first.setdefault(row.ticket_no or "", row)
    return {
        ticket_no: base_url + attachments.original_link(context, row)
        for ticket_no, row in first.items()
    }
