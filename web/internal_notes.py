"""Internal notes (内部备注) on the ticket page: the list and the form, loaded into the page
by htmx (so the ticket page's own rendering is untouched), and a note left."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.choices import catalogue_choices
from services.context import AppContext
from services.errors import ServiceError
from services.internal_notes import MAX_NOTE, NOTE_READERS, add_note, notes_of
from services.web_sessions import SignedIn
from web.base import ContextDep, UserDep, WebError, page
from web.i18n import N_

router = APIRouter(include_in_schema=False)
EMPTY_NOTE = N_("请填写备注内容")
LONG_NOTE = N_("备注最多 %(n)d 字")


async def _notes(
    request: Request, me: SignedIn, context: AppContext, no: str, status: int = 200, **extra: object
) -> Response:
    if me.account.role not in NOTE_READERS:  # not for this reader: nothing on the page
        return Response(status_code=204)
    try:
        notes = await notes_of(context, me.account.actor, no)
    except ServiceError as problem:
        raise WebError.of(problem) from problem
    return page(
        request,
        "internal_notes.html",
        me,
        status,
        ticket_no=no,
        notes=notes,
        choices=await catalogue_choices(context),
        max_note=MAX_NOTE,
        tz=ZoneInfo(context.policy.timezone),
        **extra,
    )


@router.get("/tickets/{no}/notes")
async def internal_notes(no: str, request: Request, me: UserDep, context: ContextDep) -> Response:
    return await _notes(request, me, context, no)


@router.post("/tickets/{no}/notes")
async def leave_note(no: str, request: Request, me: UserDep, context: ContextDep) -> Response:
    text = str((await request.form()).get("text", "")).strip()
    if not text or len(text) > MAX_NOTE:
        said = EMPTY_NOTE if not text else LONG_NOTE
        # htmx swaps only a 2xx answer: the refusal is said in place either way.
        status = 200 if request.headers.get("hx-request") else 422
        return await _notes(request, me, context, no, status, note_error=said, draft=text)
    try:
        await add_note(context, me.account.actor, no, me.account.display_name, text)
    except ServiceError as problem:
        raise WebError.of(problem) from problem
    if request.headers.get("hx-request"):
        return await _notes(request, me, context, no)
    return RedirectResponse(f"/tickets/{no}#internal-notes", status_code=303)
