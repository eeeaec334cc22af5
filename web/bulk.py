"""Bulk sign (批量签收) and bulk dispatch (批量派单) from a work queue's full list: the
tickets ticked, one button. Each ticket is still its own action, run as the ticket page
runs it (services/actions.py ``run_action``) with its own answer: the page lists them row
by row, done or refused and why, so one refusal never hides the others' outcome."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from schema.ticket import TicketStatus
from services.actions import TICKET_ACTIONS, run_action
from services.choices import catalogue_choices
from services.context import AppContext
from services.errors import REFUSALS
from services.tickets import check_department_sees, current_ticket
from services.web_sessions import SignedIn
from web import labels
from web.base import ContextDep, UserDep, WebError, page, refused, templates
from web.forms import read_form
from web.i18n import N_
from web.queues import BY_KEY

router = APIRouter(include_in_schema=False)
ACTIONS = {action.name: action for action in TICKET_ACTIONS}
MAX_TICKETS = 50  # one page of the queue's list

# The queues whose rows can be acted on together, and the action it is.
BULK = {"sign": "sign", "dispatch": "dispatch", "handed-back": "dispatch"}
DONE = {"sign": N_("签收成功"), "dispatch": N_("派单成功")}
PENDING = N_("已提交，正在办理，稍后刷新可见结果")
NOT_DONE = N_("未能办理")
# The desk's and the inbox's queues link to the full list where their rows are ticked.
templates.env.globals.update(bulk_queues=BULK)


@dataclass(frozen=True)
class RowOutcome:
    ticket_no: str
    done: bool
    said: str  # N_-marked: what happened
    status: TicketStatus | None = None  # the ticket's state when refused, if known


def bulk_key() -> str:
    """The bulk form's key: a double click sends each ticket's action once."""
    return uuid.uuid4().hex


async def _one(
    context: AppContext, me: SignedIn, action: str, no: str, form: dict[str, str], key: str
) -> RowOutcome:
    """One ticket's action and its own answer."""
    actor = me.account.actor
    route = ACTIONS[action]
    status = None
    try:
        ticket = await current_ticket(context, no)
        await check_department_sees(context, actor, ticket)
        status = ticket.status  # told only to whoever may read the ticket
        await run_action(context, route, no, actor, read_form(route.body, form), f"{key}-{no}")
    except REFUSALS as problem:
        refusal = refused(problem)
        if refusal.status == 202:
            return RowOutcome(no, False, PENDING)
        return RowOutcome(no, False, labels.REFUSAL.get(refusal.status, NOT_DONE), status)
    return RowOutcome(no, True, DONE[action])


@router.post("/tickets/bulk/{queue}")
async def bulk(queue: str, request: Request, me: UserDep, context: ContextDep) -> Response:
    rule = BY_KEY.get(queue)
    if rule is None or queue not in BULK or rule.role is not me.account.role:
        raise WebError(404, "unknown_queue", N_("没有这个工作队列"))
    sent = await request.form()
    tickets = list(dict.fromkeys(str(no) for no in sent.getlist("ticket_no") if str(no)))
    if not tickets:
        raise WebError(422, "invalid_input", N_("请先勾选要办理的工单"))
    if len(tickets) > MAX_TICKETS:
        raise WebError(422, "invalid_input", N_("一次最多办理 50 件工单"))
    # A list (assisting departments) comes as one value per chosen option.
    form = {name: ",".join(str(v) for v in sent.getlist(name)) for name in sent}
    key = form.get("form_key", "")[:60] or bulk_key()
    action = BULK[queue]
    outcomes = [await _one(context, me, action, no, form, key) for no in tickets]
    return page(
        request,
        "bulk_results.html",
        me,
        queue=rule,
        action=action,
        outcomes=outcomes,
        done=sum(1 for o in outcomes if o.done),
        choices=await catalogue_choices(context),
    )
