"""The citizen's page (H5), at ``/c/<token>``: a phone's screen, no sign-in, no asset
from outside; what became of the request, the rating, the materials the unit waits for.

Throttled per address: a link is a secret, and guessing one must be slow. A refused link
is answered alike whatever was wrong with it, and names no ticket.
"""

from __future__ import annotations

import re
import time
from collections import deque
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from schema.action_bodies import RatingBody
from schema.ticket import Satisfaction
from services import citizen_codes, citizen_page
from services.attachment_refs import too_large
from services.errors import REFUSALS, ServiceError
from web import citizen_words
from web.base import ContextDep, page, refused

router = APIRouter(include_in_schema=False)

# At most this many requests per address in the window: a citizen reads and acts a few
# times; a guesser is stopped after a handful of tries.
MOST_REQUESTS, WINDOW_SECONDS = 30, 300
_seen: dict[str, deque[float]] = {}
PHONE = re.compile(r"^\+?[0-9][0-9\- ]{4,19}$")  # as an intake takes it


def _throttled(request: Request) -> bool:
    address = request.client.host if request.client else "unknown"
    now = time.monotonic()
    times = _seen.setdefault(address, deque())
    while times and now - times[0] > WINDOW_SECONDS:
        times.popleft()
    if len(_seen) > 100_000:  # never a memory leak under a spray of addresses
        _seen.clear()
    times.append(now)
    return len(times) > MOST_REQUESTS


def _refusal_page(request: Request, status: int, code: str) -> Response:
    return page(request, "citizen_refused.html", None, status, code=code, words=citizen_words)


def guarded(request: Request) -> Response | None:
    """The refusal of a request from another site's form, or of one too many."""
    if _from_elsewhere(request):
        return _refusal_page(request, 403, "forbidden")
    if _throttled(request):
        return _refusal_page(request, 429, "throttled")
    return None


def _from_elsewhere(request: Request) -> bool:
    """A form posted from another site (no sign-in here, so no CSRF token: the Origin)."""
    origin = request.headers.get("origin")
    return origin is not None and urlsplit(origin).netloc != request.url.netloc


async def _shown(
    request: Request, context: ContextDep, token: str, status: int = 200, **extra: object
) -> Response:
    try:
        view = await citizen_page.citizen_view(context, token)
    except ServiceError as problem:
        return _refusal_page(request, problem.status, problem.code)
    tz = ZoneInfo(context.policy.timezone)
    shown = {"view": view, "token": token, "words": citizen_words, "tz": tz, **extra}
    return page(request, "citizen_ticket.html", None, status, **shown)


@router.get("/c/{token}")
async def citizen_ticket(token: str, request: Request, context: ContextDep) -> Response:
    if (refusal := guarded(request)) is not None:
        return refusal
    return await _shown(request, context, token, done=request.query_params.get("done"))


@router.post("/c/{token}/rating")
async def citizen_rating(token: str, request: Request, context: ContextDep) -> Response:
    if (refusal := guarded(request)) is not None:
        return refusal
    form = await request.form()
    try:
        body = RatingBody(
            satisfaction=Satisfaction(str(form.get("satisfaction", ""))),
            solved=str(form.get("solved", "")) == "yes",
            comment=str(form.get("comment", "")).strip()[:4000] or None,
        )
    except (ValueError, ValidationError):
        return await _shown(request, context, token, 422, problem="rating_incomplete")
    try:
        await citizen_page.rate(context, token, body)
    except REFUSALS as problem:
        return await _shown(request, context, token, 409, refusal=refused(problem))
    return RedirectResponse(f"/c/{token}?done=rating", status_code=303)


@router.post("/c/{token}/materials")
async def citizen_materials(token: str, request: Request, context: ContextDep) -> Response:
    if (refusal := guarded(request)) is not None:
        return refusal
    form = await request.form()
    limit = context.settings.attachment_max_bytes
    files: list[tuple[str | None, bytes]] = []
    try:
        for sent in form.getlist("files"):
            if isinstance(sent, UploadFile) and sent.filename:
                data = await sent.read(limit + 1)
                if len(data) > limit:
                    raise too_large(limit)
                files.append((sent.filename, data))
        note = str(form.get("note", "")).strip()[:1000] or None
        await citizen_page.send_materials(context, token, files, note)
    except REFUSALS as problem:
        return await _shown(request, context, token, 422, refusal=refused(problem))
    return RedirectResponse(f"/c/{token}?done=materials", status_code=303)


@router.get("/c")
async def citizen_lookup(request: Request) -> Response:
    """查询: the ticket number and the phone, for a citizen without the SMS's link."""
    if (refusal := guarded(request)) is not None:
        return refusal
    return page(request, "citizen_lookup.html", None, words=citizen_words)


@router.post("/c/code")
async def citizen_code(request: Request, context: ContextDep) -> Response:
    if (refusal := guarded(request)) is not None:
        return refusal
    form = await request.form()
    ticket_no = str(form.get("ticket_no", "")).strip().upper()[:40]
    phone = str(form.get("phone", "")).strip()[:24]
    if not ticket_no or not PHONE.match(phone):
        return page(request, "citizen_lookup.html", None, 422, words=citizen_words, bad=True)
    try:
        request_id = await citizen_codes.ask_code(context, ticket_no, phone)
    except ServiceError as problem:
        return _refusal_page(request, problem.status, problem.code)
    return page(request, "citizen_lookup.html", None, words=citizen_words, request_id=request_id)


@router.post("/c/verify")
async def citizen_verify(request: Request, context: ContextDep) -> Response:
    if (refusal := guarded(request)) is not None:
        return refusal
    form = await request.form()
    request_id = str(form.get("request_id", ""))[:120]
    token = await citizen_codes.check_code(context, request_id, str(form.get("code", ""))[:12])
    if token is None:
        shown: dict[str, object] = {"request_id": request_id, "wrong_code": True}
        return page(request, "citizen_lookup.html", None, 422, words=citizen_words, **shown)
    return RedirectResponse(f"/c/{token}", status_code=303)
