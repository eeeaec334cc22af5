"""随手拍, at ``/report``: the public form a citizen reports from on a phone (what, where,
photos, the position if they allow it, their phone), then the SMS code that confirms the
phone; the ticket is then taken in on channel ``web`` and the citizen sees its page.

Throttled per address like the citizen's page, per phone by the codes.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from services import web_reports
from services.attachment_refs import too_large
from services.choices import catalogue_choices
from services.context import AppContext
from services.errors import REFUSALS
from web import citizen_words
from web.base import ContextDep, page, refused
from web.citizen_page import PHONE, guarded

router = APIRouter(include_in_schema=False)
KINDS = ("complaint", "help", "enquiry", "suggestion", "report", "praise")


async def _form_page(
    request: Request, context: AppContext, status: int = 200, **extra: object
) -> Response:
    choices = await catalogue_choices(context)
    shown = {"choices": choices, "kinds": KINDS, "words": citizen_words, **extra}
    return page(request, "citizen_report.html", None, status, **shown)


def _number(value: object) -> float | None:
    try:
        return float(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _read(form: FormData) -> web_reports.ReportForm:
    def text(name: str, most: int) -> str:
        return str(form.get(name, "")).strip()[:most]

    return web_reports.ReportForm(
        type=text("type", 20),
        category=text("category", 100),
        district=text("district", 100),
        description=text("description", 4000),
        address=text("address", 400) or None,
        lat=_number(form.get("lat")),
        long=_number(form.get("long")),
        phone=text("phone", 24),
        name=text("name", 100) or None,
    )


@router.get("/report")
async def report_form(request: Request, context: ContextDep) -> Response:
    if (refusal := guarded(request)) is not None:
        return refusal
    return await _form_page(request, context)


@router.post("/report")
async def report(request: Request, context: ContextDep) -> Response:
    if (refusal := guarded(request)) is not None:
        return refusal
    sent = await request.form()
    form = _read(sent)
    typed = {k: str(v) for k, v in sent.items() if isinstance(v, str)}
    if not PHONE.match(form.phone) or not form.description:
        return await _form_page(request, context, 422, typed=typed, incomplete=True)
    limit = context.settings.attachment_max_bytes
    photos: list[tuple[str | None, bytes]] = []
    try:
        for file in sent.getlist("photos"):
            if isinstance(file, UploadFile) and file.filename:
                data = await file.read(limit + 1)
                if len(data) > limit:
                    raise too_large(limit)
                photos.append((file.filename, data))
        asked = await web_reports.report(context, form, photos)
    except REFUSALS as problem:
        return await _form_page(request, context, 422, typed=typed, refusal=refused(problem))
    shown: dict[str, object] = {"request_id": asked.request_id, "alike": asked.alike_open}
    return page(request, "citizen_report_code.html", None, 200, words=citizen_words, **shown)


@router.post("/report/confirm")
async def confirm(request: Request, context: ContextDep) -> Response:
    if (refusal := guarded(request)) is not None:
        return refusal
    form = await request.form()
    request_id = str(form.get("request_id", ""))[:120]
    try:
        token = await web_reports.confirm(context, request_id, str(form.get("code", ""))[:12])
    except REFUSALS as problem:
        shown = {"request_id": request_id, "refusal": refused(problem)}
        return page(request, "citizen_report_code.html", None, 503, words=citizen_words, **shown)
    if token is None:
        shown = {"request_id": request_id, "wrong_code": True}
        return page(request, "citizen_report_code.html", None, 422, words=citizen_words, **shown)
    return RedirectResponse(f"/c/{token}?done=received", status_code=303)
