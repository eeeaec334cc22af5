"""Ticket search (工单查询): the filters of ``GET /v1/tickets``, paging, and the full list
behind each work queue, scoped as the API scopes it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from schema.body import out_of_day_range
from services.choices import catalogue_choices
from services.errors import ServiceError
from services.queues import queue_page
from services.tickets import TicketSearch, find_tickets
from web.base import ContextDep, UserDep, WebError, page, paging, refused
from web.bulk import BULK, bulk_key
from web.i18n import N_
from web.queues import BY_KEY, callback_invitations, invitation_shown

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def day_bounds(
    query: dict[str, str], timezone: ZoneInfo, first: str = "created_from", last: str = "created_to"
) -> dict[str, Any]:
    """A page's date fields as the API's instants: from the first moment of the first day
    to the first moment after the last, in the city's time zone."""
    found: dict[str, Any] = dict(query)
    for name, days in ((first, 0), (last, 1)):
        if name in query:
            try:
                day = date.fromisoformat(query[name])
            except ValueError:
                continue  # left as written: the model refuses it with its own message
            if out_of_day_range(day) is None:  # beyond, the model refuses it
                day += timedelta(days=days)  # (and the day after may not exist)
            found[name] = datetime.combine(day, time(), timezone)
    return found


@router.get("/tickets")
async def search(request: Request, me: UserDep, context: ContextDep) -> Response:
    query = {k: v for k, v in request.query_params.items() if v.strip()}
    queue_key = query.pop("queue", None)
    choices = await catalogue_choices(context)
    timezone = ZoneInfo(context.policy.timezone)
    shown: dict[str, Any] = {"choices": choices, "query": query, "queue": None, "tz": timezone}
    rule = None
    if queue_key is not None:
        rule = BY_KEY.get(queue_key)
        if rule is None or rule.role is not me.account.role:
            raise WebError(404, "unknown_queue", N_("没有这个工作队列"))
        shown["queue"] = rule
        # 批量签收 / 批量派单: ticked rows, each its own action (web/bulk.py).
        shown["bulk"] = BULK.get(rule.key)
        shown["bulk_key"] = bulk_key()
    try:  # the filters as the API reads them, refused in place when they do not parse
        search = TicketSearch.model_validate(
            {"page_size": PAGE_SIZE, **day_bounds(query, timezone)}
        )
    except ValidationError as problem:
        return page(
            request, "search.html", me, 422, error=refused(problem).message, found=None, **shown
        )
    try:
        if rule is not None:
            found = await queue_page(context, me.account.actor, rule.key, search)
        else:
            found = await find_tickets(context, me.account.actor, search)
    except ServiceError as problem:
        return page(
            request, "search.html", me, problem.status, error=problem.message, found=None, **shown
        )
    if rule is not None and rule.key == "callback":
        marks = await callback_invitations(context, found.items)
        shown["invitations"] = {no: invitation_shown(mark) for no, mark in marks.items()}
    kept = {**query, **({"queue": queue_key} if queue_key else {})}
    pages = paging("/tickets", kept, found.total, found.page_size)
    return page(request, "search.html", me, found=found, **pages, **shown)
