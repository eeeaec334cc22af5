"""Refuse requests over the size limits before the application reads them: bodies (413)
and headers (431; a 20 MB ``Authorization`` header is no token)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """Pure ASGI middleware. Bodies here are small, so it reads one whole (up to the
    limit) before the app runs: streamed bodies without Content-Length are caught too.
    A form with files (``multipart/form-data``: attachments) may be as large as
    ``max_upload_bytes``; each file's own limit is the attachments' service's to say."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        max_header_bytes: int = 16384,
        max_upload_bytes: int | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_header_bytes = max_header_bytes
        self.max_upload_bytes = max(max_upload_bytes or max_bytes, max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header_bytes = sum(len(name) + len(value) for name, value in scope["headers"])
        if header_bytes > self.max_header_bytes:
            await refuse(
                send,
                431,
                "headers_too_large",
                f"request headers are limited to {self.max_header_bytes} bytes in all",
            )
            return
        headers = dict(scope["headers"])
        limit = self.max_bytes
        if headers.get(b"content-type", b"").startswith(b"multipart/form-data"):
            limit = self.max_upload_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await self._refuse(send, limit)
                return
            if not message.get("more_body", False):
                break
        buffered: Message | None = {
            "type": "http.request",
            "body": b"".join(chunks),
            "more_body": False,
        }

        async def replay() -> Message:
            nonlocal buffered
            if buffered is not None:
                message, buffered = buffered, None
                return message
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, limit: int) -> None:
        await refuse(send, 413, "too_large", f"request bodies are limited to {limit} bytes")


async def refuse(send: Send, status: int, code: str, message: str, **extra: str) -> None:
    """Answer in the error shape of docs/api.md from ASGI middleware."""
    body = json.dumps({"error": {"code": code, "message": message, **extra}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
