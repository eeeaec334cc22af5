"""The codec server: lets authorised staff read encrypted payloads in Temporal UI and CLI.

Temporal UI and ``temporal … --codec-endpoint URL`` POST payloads to ``URL/decode`` (or
``/encode``), in protobuf JSON, with the namespace in ``X-Namespace``. The caller needs
a staff token (agent, supervisor or admin): as ``Authorization: Bearer …`` (CLI:
``--codec-auth``), or inside the URL (``/codec/t/<token>``) for a browser UI that
cannot send one — ``hotline up`` configures the dev UI that way. CORS admits only the
configured UI origins.
"""

from __future__ import annotations

from typing import Literal

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payloads

from api.errors import ApiError, forbidden, install_error_handlers
from hotline.payload_codec import EncryptionCodec
from hotline.settings import Settings
from hotline.tokens import InvalidToken, verify_token
from schema.ticket import Role

CODEC_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})
Operation = Literal["encode", "decode"]


def codec_app(settings: Settings) -> FastAPI:
    codec = EncryptionCodec(settings.resolved_encryption_keys())
    secret = settings.resolved_jwt_secret()
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    install_error_handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.origins(),
        allow_methods=["POST"],
        allow_headers=["authorization", "content-type", "x-namespace"],
        allow_credentials=True,
    )

    def authorise(token: str | None) -> None:
        if not token:
            raise ApiError(401, "unauthenticated", "the codec server needs a staff token")
        try:
            actor = verify_token(secret, token)
        except InvalidToken as problem:
            raise ApiError(401, "unauthenticated", str(problem)) from problem
        if actor.role not in CODEC_ROLES:
            raise forbidden(f"role '{actor.role}' may not read encrypted payloads")

    async def convert(request: Request, operation: Operation, token: str | None) -> Response:
        authorise(token)
        try:
            payloads = json_format.Parse(await request.body(), Payloads())
        except (json_format.ParseError, DecodeError, UnicodeDecodeError) as problem:
            raise ApiError(422, "invalid_input", f"expected Payloads JSON: {problem}") from problem
        try:
            if operation == "encode":
                converted = await codec.encode(payloads.payloads)
            else:
                converted = await codec.decode(payloads.payloads)
        except ValueError as problem:
            raise ApiError(422, "undecryptable", str(problem)) from problem
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
        return await convert(request, operation, token)

    return app
