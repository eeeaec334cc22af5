"""The top bar's search box (查找): a ticket number opens the ticket, a phone number lists
the caller's tickets (found by the number's keyed hash), other words list the tickets of
the category they name. Every role finds only what its lists show it.

The box posts its text (a phone number never goes into a URL, where browser history and
access logs would keep it). Words of the description and address are not searched yet:
the read model keeps them sealed, and full-text search over their masked text comes with
the knowledge base.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.choices import catalogue_choices
from services.errors import ServiceError
from services.tickets import TicketPage, TicketSearch, find_tickets, read_ticket
from web.base import ContextDep, UserDep, page

router = APIRouter(include_in_schema=False)
LONGEST = 100
SHOWN = 50
TICKET_NUMBER = re.compile(r"[A-Za-z]{0,10}\d{8}-\d{6}")
PHONE = re.compile(r"\+?[\d\s-]{7,20}")


@router.post("/find")
async def find(request: Request, me: UserDep, context: ContextDep) -> Response:
    typed = str((await request.form()).get("q", "")).strip()[:LONGEST]
    actor = me.account.actor
    choices = await catalogue_choices(context)
    shown: dict[str, Any] = {
        "typed": typed,
        "choices": choices,
        "tz": ZoneInfo(context.policy.timezone),
    }
    if not typed:
        return page(request, "find.html", me, 422, found=None, kind="empty", **shown)
    if TICKET_NUMBER.fullmatch(typed):
        number = typed.upper()
        try:  # another department's ticket reads as not found: its number says nothing
            await read_ticket(context, actor, number)
        except ServiceError:
            return page(request, "find.html", me, 404, found=None, kind="number", **shown)
        return RedirectResponse(f"/tickets/{number}", status_code=303)
    search = TicketSearch(page_size=SHOWN)
    found: TicketPage | None
    if PHONE.fullmatch(typed) and sum(ch.isdigit() for ch in typed) >= 7:
        found = await find_tickets(context, actor, search, phone=typed)
        return page(request, "find.html", me, found=found, kind="phone", **shown)
    matches = choices.tree.search(typed, limit=1, english=choices.english)
    if not matches:
        return page(request, "find.html", me, found=None, kind="words", **shown)
    category = matches[0]
    found = await find_tickets(
        context, actor, search.model_copy(update={"category": category.code})
    )
    return page(request, "find.html", me, found=found, kind="category", category=category, **shown)
