"""The ticket page's 短信记录: loaded into the page by htmx, for the centre's staff only."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.citizen_message_log import MESSAGE_LOG_READERS, message_log
from web.base import ContextDep, UserDep, page

router = APIRouter(include_in_schema=False)


@router.get("/tickets/{no}/messages")
async def citizen_messages(no: str, request: Request, me: UserDep, context: ContextDep) -> Response:
    if me.account.role not in MESSAGE_LOG_READERS:  # not for this reader: nothing shown
        return Response(status_code=204)
    log = await message_log(context, me.account.actor, no)
    if not log.sent and not log.replies:
        return Response(status_code=204)  # no gateway, or nothing told yet: no empty card
    return page(request, "citizen_messages.html", me, log=log, tz=ZoneInfo(context.policy.timezone))
