"""The ticket page: the ticket as this user may see it, and the actions the API's rules let
them take now, each a form of its API body; a refusal is shown in place, nothing changed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, cast
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from schema.action_bodies import ReopenBody
from schema.escalation import Escalation
from schema.ticket import Actor, Role, TicketStatus, TicketView
from services.actions import TICKET_ACTIONS, run_action
from services.attachment_refs import too_large, upload
from services.attachments import ShownAttachment, attachments_of_events
from services.child_actions import CHILD_ACTIONS, ChildAction, run_child_action
from services.context import AppContext
from services.errors import REFUSALS, ServiceError, forbidden
from services.reopening import reopen
from services.ticket_file import ticket_file
from services.tickets import check_department_sees, current_ticket, readable_by, shown_to
from services.web_sessions import SignedIn
from web.base import ContextDep, UserDep, WebError, page, refused
from web.confirmations import CONFIRM
from web.forms import form_fields, read_form
from workflows.ticket.readiness import applies

router = APIRouter(include_in_schema=False)
ACTIONS = {action.name: action for action in TICKET_ACTIONS}
UPLOADS = "files"  # the forms' file input (``attachments`` holds the ids uploaded)


async def render(
    request: Request, me: SignedIn, context: AppContext, no: str, status: int = 200, **extra: Any
) -> Response:
    actor = me.account.actor
    found = await ticket_file(context, actor, no)
    ticket, events, rungs, units_below = found.ticket, found.events, found.rungs, found.units_below
    duplicates = [e.detail.get("duplicate") for e in events if e.action == "duplicate_merged"]
    actions = [
        (name, form_fields(route.body))
        for name, route in ACTIONS.items()
        if applies(name, actor, ticket)  # the workflow's own check, minus the body's
        and (name != "part" or _owes_a_part(actor, ticket))
        and (name != "delegate" or bool(units_below))  # none under it: nothing to pass down
    ] + [
        (name, form_fields(child.body))
        for name, child in CHILD_ACTIONS.items()
        if _child_offered(child, actor, rungs)
    ]
    if actor.role is Role.AGENT and ticket.status is TicketStatus.CLOSED and not ticket.merged_into:
        actions.append(("reopen", form_fields(ReopenBody)))  # 市民再次来电
    return page(
        request,
        "ticket.html",
        me,
        status,
        tz=ZoneInfo(context.policy.timezone),
        ticket=shown_to(actor, ticket),
        events=readable_by(actor, events),
        files=_files_by_step(await attachments_of_events(context, actor, no, events)),
        rungs=readable_by(actor, rungs),
        duplicates=duplicates,
        actions=actions,
        choices=found.choices,
        units_below=units_below,
        confirm=CONFIRM,  # what asks before it is sent (web/static/forms.js)
        suspension_reasons=context.policy.suspension.reasons,
        status_code=status,
        # Each form's own key: a double click sends the same action once.
        form_key=uuid.uuid4().hex,
        **extra,
    )


def _files_by_step(files: list[ShownAttachment]) -> dict[int, list[ShownAttachment]]:
    """Each trace's files, by its seq: the timeline shows them under the step."""
    by_step: dict[int, list[ShownAttachment]] = {}
    for file in files:
        by_step.setdefault(file.seq, []).append(file)
    return by_step


def _owes_a_part(actor: Actor, ticket: TicketView) -> bool:
    """协办意见 is offered only to an assisting department whose part is still owed."""
    return any(p.department == actor.department and p.owed for p in ticket.parts)


def _child_offered(action: ChildAction, actor: Actor, rungs: list[Escalation]) -> bool:
    """The role the action is for, and a child of its kind open on this ticket (for a
    report-in, a meeting that summoned this department)."""
    if actor.role not in action.roles:
        return False
    return any(
        rung.is_open
        and rung.kind is action.kind
        and (
            action.name != "joint-meeting-report"
            or actor.department in rung.detail.get("departments", [])
        )
        for rung in rungs
    )


@router.get("/tickets/{no}")
async def ticket_page(no: str, request: Request, me: UserDep, context: ContextDep) -> Response:
    try:
        done = request.query_params.get("done", "")
        known = done in ACTIONS or done in CHILD_ACTIONS  # only a name this page offers
        return await render(request, me, context, no, done=done if known else None)
    except ServiceError as problem:  # unknown, or another department's: the API's answer
        raise WebError.of(problem) from problem


async def act_on(
    request: Request,
    me: SignedIn,
    context: AppContext,
    no: str,
    action: str,
    form: dict[str, str],
    files: Sequence[UploadFile] = (),
) -> Response:
    """Run one action as the API would; the ticket page again, with the outcome. The
    form's files are uploaded first, and named in the body by their ids."""
    route, child = ACTIONS.get(action), CHILD_ACTIONS.get(action)
    if route is None and child is None and action != "reopen":
        raise WebError(404, "unknown_action", f"no action '{action}'")
    actor = me.account.actor
    try:  # the ticket must be one this user may see at all, before anything is tried
        await check_department_sees(context, actor, await current_ticket(context, no))
    except ServiceError as problem:
        raise WebError.of(problem) from problem
    key = form.get("form_key", "")[:100] or None
    try:
        form = await _with_uploads(context, actor, form, files)
        if action == "reopen":  # a new ticket: its page next
            return RedirectResponse(
                f"/tickets/{await _reopened(context, no, actor, form, key)}", 303
            )
        if route is not None:
            await run_action(context, route, no, actor, read_form(route.body, form), key)
        elif child is not None:
            await run_child_action(context, child, no, actor, read_form(child.body, form), key)
    except REFUSALS as problem:
        refusal = refused(problem)
        if refusal.status == 202:
            return await render(request, me, context, no, 202, notice=refusal.message)
        # The form again, open, with what was typed and the refusal beside its fields.
        return await render(
            request,
            me,
            context,
            no,
            refusal.status,
            refusal=refusal,
            failed=action,
            typed_form=form,
        )
    # The page again, saying what was done (the action's name, shown in words).
    return RedirectResponse(f"/tickets/{no}?done={action}", status_code=303)


async def _reopened(
    context: AppContext, no: str, actor: Actor, form: dict[str, str], key: str | None
) -> str:
    """市民再次来电: the number of the new ticket that reopens this one."""
    if actor.role is not Role.AGENT:  # the API's route asks the same of its caller
        raise forbidden("only an agent takes the citizen's new call")
    body = cast(ReopenBody, read_form(ReopenBody, form))
    return (await reopen(context, no, body, actor, key)).ticket.ticket_no


@router.post("/tickets/{no}/act/{action}")
async def act(no: str, action: str, request: Request, me: UserDep, context: ContextDep) -> Response:
    sent = await request.form()
    files = [v for v in sent.getlist(UPLOADS) if isinstance(v, UploadFile) and v.filename]
    # A list (assisting departments) comes as one value per chosen option; the files
    # chosen are apart, and ids of files uploaded with a refused try come as text.
    form = {
        name: ",".join(str(v) for v in sent.getlist(name) if isinstance(v, str)) for name in sent
    }
    return await act_on(request, me, context, no, action, form, files)


async def _with_uploads(
    context: AppContext, actor: Actor, form: dict[str, str], files: Sequence[UploadFile]
) -> dict[str, str]:
    """The form with its new files uploaded and named beside those kept from before."""
    if not files:
        return form
    limit = context.settings.attachment_max_bytes
    ids = [i for i in form.get("attachments", "").split(",") if i]
    for file in files:
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise too_large(limit)
        ids.append((await upload(context, actor, file.filename, data)).ref.id)
    return {**form, "attachments": ",".join(ids)}
