"""The escalation history (督办与问责记录) for supervisors and the discipline commission:
the filters of ``GET /v1/escalations``, paging, CSV export, each record linked to its
ticket and, for supervisors and admins, to its workflows in Temporal UI."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from schema.ticket import Role
from services.choices import catalogue_choices
from services.context import AppContext
from services.errors import ServiceError
from services.escalations import EscalationSearch, escalations_to_export, find_escalations
from services.web_sessions import SignedIn
from web.base import ContextDep, UserDep, WebError, page, paging, refused, require_role
from web.downloads import csv_download
from web.escalation_export import escalation_rows
from web.i18n import N_, gettext_for
from web.search import day_bounds

router = APIRouter(include_in_schema=False)
READERS = (Role.SUPERVISOR, Role.DISCIPLINE, Role.ADMIN)  # as the API's
OPERATORS = (Role.SUPERVISOR, Role.ADMIN)  # who may follow a record into Temporal UI


def _readers_only(me: SignedIn) -> None:
    require_role(me, READERS, N_("督办与问责记录只供督办人员、纪委监委和管理员查阅"))


def _filters(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if v.strip()}


def _search(query: dict[str, str], context: AppContext) -> EscalationSearch:
    timezone = ZoneInfo(context.policy.timezone)
    return EscalationSearch.model_validate(day_bounds(query, timezone, "from", "to"))


def temporal_ui(context: AppContext, workflow_id: str) -> str:
    """Where ops see a workflow: in the Temporal UI the settings name."""
    settings = context.settings
    base = settings.temporal_ui_address()
    namespace = quote(settings.temporal_namespace, safe="")
    return f"{base}/namespaces/{namespace}/workflows/{quote(workflow_id, safe='')}"


@router.get("/escalations")
async def escalation_history(request: Request, me: UserDep, context: ContextDep) -> Response:
    _readers_only(me)
    choices = await catalogue_choices(context)
    shown: dict[str, Any] = {
        "choices": choices,
        "tz": ZoneInfo(context.policy.timezone),
        "temporal_ui": (lambda wid: temporal_ui(context, wid))
        if me.account.role in OPERATORS
        else None,
    }
    query = _filters(request)
    try:  # the filters as the API reads them, refused in place when they do not parse
        search = _search(query, context)
    except ValidationError as problem:
        return page(
            request,
            "escalations.html",
            me,
            422,
            error=refused(problem).message,
            found=None,
            query=query,
            **shown,
        )
    try:
        found = await find_escalations(context, me.account.actor, search)
    except ServiceError as problem:
        return page(
            request,
            "escalations.html",
            me,
            problem.status,
            error=problem.message,
            found=None,
            query=query,
            **shown,
        )
    pages = paging("/escalations", query, found.total, found.page_size)
    export = "/escalations.csv?" + urlencode({k: v for k, v in query.items() if k != "page"})
    return page(
        request,
        "escalations.html",
        me,
        found=found,
        query=query,
        export=export,
        **pages,
        **shown,
    )


@router.get("/escalations.csv")
async def escalation_export(request: Request, me: UserDep, context: ContextDep) -> Response:
    """Every record the filters match, for a person: in words, by name, in city time."""
    _readers_only(me)
    try:
        search = _search(_filters(request), context)
        records = await escalations_to_export(context, me.account.actor, search)
        language = me.account.language or "zh"
        choices = (await catalogue_choices(context)).speaking(language)
        timezone = ZoneInfo(context.policy.timezone)
        return csv_download(escalation_rows(records, choices, timezone, gettext_for(language)))
    except ValidationError as problem:
        raise WebError(422, "invalid_input", refused(problem).message) from problem
    except ServiceError as problem:
        raise WebError.of(problem) from problem
