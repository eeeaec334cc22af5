"""The codec server: lets authorised staff read encrypted payloads in Temporal UI and CLI.

Temporal UI and ``temporal … --codec-endpoint URL`` POST payloads to ``URL/decode`` (or
``/encode``), in protobuf JSON, with the namespace in ``X-Namespace``. The caller needs
a staff token (agent, supervisor or admin) as ``Authorization: Bearer …`` (CLI:
``--codec-auth``).

A browser UI that cannot send a header gets a *codec token* inside the URL
(``/codec/t/<token>``): ``hotline up`` configures the dev UI that way when
``HOTLINE_UI_CODEC`` is on. Anyone who can reach that UI can read its settings, so that
token opens the codec server and nothing else (the API refuses it), lasts the token TTL,
is admitted only with the UI's ``Origin``, and is revocable: it is good only while its
id is the one in the data folder's ``codec-token-id``, which every ``hotline up``
replaces. CORS admits only the UI's origins.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payloads

from api.errors import install_error_handlers
from hotline.payload_codec import EncryptionCodec
from hotline.settings import Settings
from hotline.tokens import InvalidToken, verify_codec_token, verify_token
from schema.ticket import Role
from services.errors import ServiceError, forbidden

CODEC_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})
Operation = Literal["encode", "decode"]


def codec_app(settings: Settings) -> FastAPI:
    codec = EncryptionCodec(settings.resolved_encryption_keys())
    secret = settings.resolved_jwt_secret()
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    install_error_handlers(app)
    allowed_origins = settings.origins()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=allowed_origins,
        allow_methods=["POST"],
        allow_headers=["authorization", "content-type", "x-namespace"],
        allow_credentials=True,
    )

    def authorise(token: str | None) -> None:
        if not token:
            raise ServiceError(401, "unauthenticated", "the codec server needs a staff token")
        try:
            actor = verify_token(secret, token)
        except InvalidToken as problem:
            raise ServiceError(401, "unauthenticated", str(problem)) from problem
        if actor.role not in CODEC_ROLES:
            raise forbidden(f"role '{actor.role}' may not read encrypted payloads")

    def authorise_codec_token(token: str) -> None:
        try:
            token_id = verify_codec_token(secret, token)
        except InvalidToken as problem:
            raise ServiceError(401, "unauthenticated", str(problem)) from problem
        if token_id != current_codec_token_id(settings.data_dir):
            raise ServiceError(401, "unauthenticated", "this codec token has been revoked")

    async def convert(
        request: Request, operation: Operation, token: str | None, *, in_path: bool = False
    ) -> Response:
        if in_path and token:
            authorise_codec_token(token)
            # The token in a URL is the Temporal UI's: it comes from the UI's page only.
            if request.headers.get("origin") not in allowed_origins:
                raise forbidden("a codec token in the URL is admitted only from the Temporal UI")
        else:
            authorise(token)
        try:
            payloads = json_format.Parse(await request.body(), Payloads())
        except (json_format.ParseError, DecodeError, UnicodeDecodeError) as problem:
            raise ServiceError(
                422, "invalid_input", f"expected Payloads JSON: {problem}"
            ) from problem
        try:
            if operation == "encode":
                converted = await codec.encode(payloads.payloads)
            else:
                converted = await codec.decode(payloads.payloads)
        except ValueError as problem:
            raise ServiceError(422, "undecryptable", str(problem)) from problem
        body = json_format.MessageToJson(Payloads(payloads=converted))
        return Response(body, media_type="application/json")

    def bearer(request: Request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return token if scheme.lower() == "bearer" else None

    @app.post("/{operation}")
    async def with_header(request: Request, operation: Operation) -> Response:
        return await convert(request, operation, bearer(request))

    @app.post("/{namespace}/{operation}")
    async def per_namespace(request: Request, namespace: str, operation: Operation) -> Response:
        return await convert(request, operation, bearer(request))

    @app.post("/t/{token}/{operation}")
    async def with_token_in_path(request: Request, token: str, operation: Operation) -> Response:
        return await convert(request, operation, token, in_path=True)

    return app


CODEC_TOKEN_ID_FILE = "codec-token-id"


def current_codec_token_id(data_dir: Path) -> str | None:
    try:
        return (data_dir / CODEC_TOKEN_ID_FILE).read_text().strip() or None
    except OSError:
        return None


def new_codec_token_id(data_dir: Path) -> str:
    """Replace the current codec token id: every earlier codec token stops working."""
    token_id = secrets.token_urlsafe(16)
    path = data_dir / CODEC_TOKEN_ID_FILE
    path.touch(mode=0o600)
    path.write_text(token_id)
    return token_id
