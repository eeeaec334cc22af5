"""The agent's desk (话务员工作台) and the department's inbox (承办单位工作台): work queues that
refresh by themselves, and the agent's intake form with its routing preview, likely
duplicates (one click merges the new call into one) and the caller's earlier tickets."""

from __future__ import annotations

import re
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from schema.ticket import Role, TicketCreate
from services import categories
from services.callers import EarlierTicket, earlier_tickets
from services.choices import catalogue_choices
from services.context import AppContext
from services.errors import REFUSALS
from services.intake_preview import intake_preview
from services.tickets import register_ticket
from services.web_sessions import SignedIn
from web.base import ContextDep, UserDep, page, refused, require_role
from web.forms import form_fields
from web.i18n import N_
from web.queues import work_queues
from web.ticket_page import act_on

router = APIRouter(include_in_schema=False)

# A mainland number: a mobile (1[3-9] and 9 digits) or a landline with its area code,
# with or without +86. The API takes any number (callers from abroad come in through
# integrations); the desk holds its agents to the mainland's.
MAINLAND_PHONE = r"(\+?86(-| )?)?(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})"
_MAINLAND_PHONE = re.compile(rf"^{MAINLAND_PHONE}$")


def _agents_only(me: SignedIn) -> None:
    require_role(me, (Role.AGENT,), N_("话务员工作台只供话务员使用"))


async def _desk(
    request: Request,
    me: SignedIn,
    context: AppContext,
    status: int = 200,
    typed: dict[str, str] | None = None,
    **extra: object,
) -> Response:
    """The desk; after a refusal, with what the agent typed (``typed``) kept in the form."""
    choices = await catalogue_choices(context)
    return page(
        request,
        "desk.html",
        me,
        status,
        queues=await work_queues(context, me.account.actor),
        intake=form_fields(TicketCreate),
        choices=choices,
        phone_pattern=MAINLAND_PHONE,
        typed=typed or {},
        # A double click registers one ticket, not two; a refused form keeps its key.
        form_key=(typed or {}).get("form_key") or uuid.uuid4().hex,
        **extra,
    )


@router.get("/desk")
async def desk(request: Request, me: UserDep, context: ContextDep) -> Response:
    _agents_only(me)
    return await _desk(request, me, context)


@router.get("/inbox")
async def inbox(request: Request, me: UserDep, context: ContextDep) -> Response:
    require_role(me, (Role.DEPARTMENT,), N_("承办单位工作台只供承办单位使用"))
    return page(
        request,
        "inbox.html",
        me,
        queues=await work_queues(context, me.account.actor),
        choices=await catalogue_choices(context),
    )


@router.get("/queues")
async def queues_fragment(request: Request, me: UserDep, context: ContextDep) -> Response:
    """The queues alone, for htmx to refresh every 15 seconds."""
    return page(
        request,
        "queues.html",
        me,
        queues=await work_queues(context, me.account.actor),
        choices=await catalogue_choices(context),
    )


@router.get("/desk/categories")
async def category_options(
    request: Request, me: UserDep, context: ContextDep, category_query: str = ""
) -> Response:
    """Categories for what the agent types (name, synonym, pinyin), best first: an htmx
    fragment of the intake form's picker."""
    _agents_only(me)
    typed = category_query.strip()[:50]
    matches, leads = await categories.suggestions(
        context, typed, english=me.account.language == "en"
    )
    return page(request, "category_options.html", me, matches=matches, leads=leads, typed=typed)


@router.post("/desk/preview")
async def preview(request: Request, me: UserDep, context: ContextDep) -> Response:
    """Before the call is registered: who the catalogue would make lead, and the open
    tickets it reads like (an htmx fragment of the intake form)."""
    _agents_only(me)
    form = await request.form()
    category = str(form.get("category", "")).strip()[:100]
    district = str(form.get("district", "")).strip()[:100]
    description = str(form.get("description", ""))[:4000]
    found = await intake_preview(context, category, district, description)
    return page(
        request,
        "intake_preview.html",
        me,
        asked=bool(category and district),
        route=found.route,
        duplicates=found.duplicates[:5],
        choices=found.choices,
    )


@router.post("/desk/tickets")
async def take_call(request: Request, me: UserDep, context: ContextDep) -> Response:
    _agents_only(me)
    form = {k: str(v) for k, v in (await request.form()).items()}
    phone = form.get("citizen_phone", "").strip()
    if not _MAINLAND_PHONE.match(phone):
        return await _desk(
            request, me, context, 422, form, error=N_("联系电话不是有效的大陆手机或固话号码")
        )
    category = (await categories.tree(context)).resolve(
        form.get("category") or form.get("category_query", "")
    )
    if category is None:
        return await _desk(
            request,
            me,
            context,
            422,
            form,
            error=N_("请从列表中选择诉求分类（可输入名称、俗称或拼音首字母）"),
        )
    form["category"] = category
    key = form.get("form_key", "")[:100] or None
    try:
        body = TicketCreate.model_validate(
            {
                **{k: v for k, v in form.items() if v and k in TicketCreate.model_fields},
                "enterprise": form.get("enterprise") == "on",
                "citizen": {"name": form.get("citizen_name", ""), "phone": phone},
            }
        )
        ticket = (await register_ticket(context, body, me.account.actor, key)).ticket
    except REFUSALS as problem:
        refusal = refused(problem)
        if refusal.status == 202:
            return await _desk(request, me, context, 202, notice=refusal.message)
        return await _desk(request, me, context, refusal.status, form, error=refusal.message)
    into = form.get("merge_into", "").strip()
    if into:  # the one-click merge offered by the preview
        merge = {"into": into, "form_key": f"{key}-merge" if key else ""}
        return await act_on(request, me, context, ticket.ticket_no, "merge", merge)
    return RedirectResponse(f"/tickets/{ticket.ticket_no}", status_code=303)


@router.post("/desk/caller")
async def earlier_calls(request: Request, me: UserDep, context: ContextDep) -> Response:
    """The caller's earlier tickets, found by the keyed hash of the phone number (never by
    the number itself), as the agent types it in: an htmx fragment."""
    _agents_only(me)
    phone = str((await request.form()).get("citizen_phone", ""))
    earlier: list[EarlierTicket] = []
    if _MAINLAND_PHONE.match(phone.strip()):
        earlier = await earlier_tickets(context, phone)
    choices = await catalogue_choices(context)
    return page(request, "earlier_calls.html", me, earlier=earlier, choices=choices)
