"""The bell in the top bar and the notices page: the count (an htmx fragment every page
polls), this user's notices newest first, and marking them read (for this user only)."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from services.bell import COUNT_CAP, inboxes_of, mark_all_read, mark_read, notices, unread_count
from services.choices import catalogue_choices
from web.base import ContextDep, UserDep, page
from web.i18n import N_

router = APIRouter(include_in_schema=False)
# A notice of a kind the timeline does not name (none today): said generically.
OTHER_NOTICE = N_("通知")


@router.get("/bell")
async def bell(request: Request, me: UserDep, context: ContextDep) -> Response:
    inboxes = inboxes_of(me.account.actor)
    count = await unread_count(context.sessions, me.account.username, inboxes)
    return page(request, "bell.html", me, count=count, cap=COUNT_CAP)


@router.get("/notifications")
async def notifications(
    request: Request,
    me: UserDep,
    context: ContextDep,
    page_no: Annotated[int, Query(alias="page")] = 1,
) -> Response:
    inboxes = inboxes_of(me.account.actor)
    shown, more = await notices(context.sessions, me.account.username, inboxes, page=page_no)
    return page(
        request,
        "notifications.html",
        me,
        found=shown,
        page_no=max(page_no, 1),
        more=more,
        other_notice=OTHER_NOTICE,
        choices=await catalogue_choices(context),
        tz=ZoneInfo(context.policy.timezone),
    )


@router.post("/notifications/read")
async def read_one(request: Request, me: UserDep, context: ContextDep) -> Response:
    """Open a notice: marked read, then its ticket (back to the list if it is not theirs)."""
    notification_id = str((await request.form()).get("id", ""))
    inboxes = inboxes_of(me.account.actor)
    ticket_no = await mark_read(context.sessions, me.account.username, inboxes, notification_id)
    return RedirectResponse(
        f"/tickets/{ticket_no}" if ticket_no else "/notifications", status_code=303
    )


@router.post("/notifications/read-all")
async def read_all(me: UserDep, context: ContextDep) -> Response:
    await mark_all_read(context.sessions, me.account.username, inboxes_of(me.account.actor))
    return RedirectResponse("/notifications", status_code=303)
