"""Periodic reports for supervisors: JSON, or Markdown ready to print or forward; and one
compiled now, as its schedule would."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response

from api.deps import ContextDep, require_roles
from schema.body import Body
from schema.reports import ReportKind
from schema.ticket import Actor, Role
from services import reports as service
from services.errors import ServiceError
from services.idempotency import bind_action_key
from services.reports import ReportListed, ReportRead

router = APIRouter(prefix="/v1/reports", tags=["reports"])

ReaderDep = Annotated[Actor, Depends(require_roles([Role.SUPERVISOR, Role.ADMIN]))]
# Compiling the dispatch meeting puts tickets under leaders: a supervisor's decision.
CompilerDep = Annotated[Actor, Depends(require_roles([Role.SUPERVISOR]))]
IdempotencyKey = Annotated[str | None, Header(max_length=200, pattern=r"^[\x21-\x7e]+$")]


@router.get("", response_model=list[ReportListed])
async def list_reports(
    _: ReaderDep,
    context: ContextDep,
    kind: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ReportListed]:
    """Newest first."""
    return await service.list_reports(context, kind=kind, limit=limit)


class CompileRequest(Body):
    kind: ReportKind


@router.post("", response_model=ReportListed, status_code=201)
async def compile_report(
    body: CompileRequest,
    actor: CompilerDep,
    context: ContextDep,
    idempotency_key: IdempotencyKey = None,
) -> ReportListed:
    """Compile one report now, as its schedule would (a dispatch meeting compiled now puts
    its hard tickets under leaders too). A retry with the same ``Idempotency-Key`` and kind
    joins the first run; the same key with another kind is refused (422), as for ticket
    actions."""
    if idempotency_key is not None:
        await bind_action_key(
            context.sessions,
            actor=actor,
            key=idempotency_key,
            ticket_no="",
            action="compile-report",
            body=body,
        )
    return await service.compile_and_list(context, actor, body.kind, idempotency_key)


@router.get(
    "/{report_id}",
    response_model=ReportRead,
    responses={
        200: {
            "content": {
                "text/markdown": {
                    "schema": {"type": "string", "description": "with format=markdown"}
                }
            }
        }
    },
)
async def get_report(
    report_id: str,
    _: ReaderDep,
    context: ContextDep,
    format: Literal["json", "markdown"] = "json",
) -> Any:
    found = await service.stored_report(context, report_id)
    if found is None:
        raise ServiceError(404, "unknown_report", f"no report {report_id}")
    if format == "markdown":
        return Response(found.markdown, media_type="text/markdown; charset=utf-8")
    return ReportRead.model_validate(found.model_dump())
