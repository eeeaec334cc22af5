"""The periodic reports (定期报告) as pages: the list, newest first; each report in Chinese,
laid out to print on A4; the ten-day bulletin's ranking chart; and, for supervisors, a
button that compiles one now through the same workflow its schedule runs."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from schema.body import MAX_PAGE
from schema.reports import ReportKind
from schema.ticket import Role
from services import reports as service
from services.choices import Choices, catalogue_choices
from services.context import AppContext
from services.errors import ServiceError
from services.reports import StoredReport
from services.web_sessions import SignedIn
from web.base import ContextDep, UserDep, WebError, page, paging, require_role
from web.i18n import N_

router = APIRouter(include_in_schema=False)
READERS = (Role.SUPERVISOR, Role.ADMIN)  # as the API's
PAGE_SIZE = 50

KIND = {
    ReportKind.DAILY: N_("民情日报"),
    ReportKind.DISPATCH_MEETING: N_("调度会交办清单"),
    ReportKind.BULLETIN: N_("十天一通报"),
    ReportKind.CLEARANCE: N_("月末清零"),
    ReportKind.AUDIT: N_("月度随机抽查"),
}


REVIEW = {
    "return": N_("退单审核"),
    "extension": N_("延期审核"),
    "suspension": N_("挂起审核"),
    "handed_back": N_("110退回"),
    "rating": N_("不满意评价审核"),
}
_TIMES = re.compile(r"^(reworked|returned) (\d+)×$")
_REVIEWING = re.compile(r"^the centre \((\w+) review\)$")


def hard_reason(reason: str, _: Callable[[str], str]) -> str:
    """A dispatch-meeting reason as compiled ("overdue", "reworked 2×"), said on the page."""
    if reason == "overdue":
        return _("逾期")
    times = _TIMES.match(reason)
    if times:
        said = _("重办 %(n)s 次") if times.group(1) == "reworked" else _("退单 %(n)s 次")
        return said % {"n": times.group(2)}
    return reason


def holder(blocker: str, _: Callable[[str], str], names: Choices) -> str:
    """Who holds a clearance ticket up, as compiled ("the centre (dispatch)", a unit's code)."""
    reviewing = _REVIEWING.match(blocker)
    if reviewing:
        review = reviewing.group(1)
        return _("热线中心（%(review)s）") % {"review": _(REVIEW.get(review, review))}
    fixed = {
        "the centre (dispatch)": N_("热线中心（待派单）"),
        "the callback (citizen's rating)": N_("回访（待市民评价）"),
        "the centre": N_("热线中心"),
    }
    return _(fixed[blocker]) if blocker in fixed else names.name_of(blocker)


KINDS = {kind.value for kind in ReportKind}


def _readers_only(me: SignedIn) -> None:
    require_role(me, READERS, N_("定期报告只供督办人员和管理员查阅"))


def listed_tickets(content: object) -> set[str]:
    """Every ticket number a report's content lists (in any of its tables)."""
    if isinstance(content, dict):
        found = {str(content["ticket_no"])} if "ticket_no" in content else set()
        return found.union(*(listed_tickets(value) for value in content.values()))
    if isinstance(content, list):
        return set().union(*(listed_tickets(item) for item in content))
    return set()


async def _report(context: AppContext, report_id: str) -> StoredReport:
    found = await service.stored_report(context, report_id)
    if found is None:
        raise WebError(404, "unknown_report", N_("找不到这份报告"))
    return found


@router.get("/reports")
async def report_list(
    request: Request,
    me: UserDep,
    context: ContextDep,
    kind: str = "",
    wanted_page: Annotated[str, Query(alias="page", max_length=10)] = "1",
) -> Response:
    _readers_only(me)
    chosen = ReportKind(kind) if kind in KINDS else None
    # ASCII digits only: "²" is a digit to str.isdigit, and int() refuses it.
    given = wanted_page.isascii() and wanted_page.isdigit()
    number = int(wanted_page) if given and 0 < int(wanted_page) <= MAX_PAGE else 1
    kind_value = chosen.value if chosen else None
    total = await service.count_reports(context, kind=kind_value)
    rows = await service.list_reports(
        context,
        kind=kind_value,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
        newest="compiled",
    )
    filters = {"kind": chosen.value} if chosen else {}
    return page(
        request,
        "reports.html",
        me,
        reports=rows,
        kinds=KIND,
        chosen=chosen,
        total=total,
        page_number=number,
        may_compile=me.account.role is Role.SUPERVISOR,
        form_key=uuid.uuid4().hex,
        tz=ZoneInfo(context.policy.timezone),
        **paging("/reports", filters, total, PAGE_SIZE),
    )


@router.post("/reports")
async def compile_report(
    request: Request,
    me: UserDep,
    context: ContextDep,
    kind: Annotated[str, Form(max_length=32)] = "",
    form_key: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Compile one now and show it. The form's key makes a double click compile once."""
    require_role(me, (Role.SUPERVISOR,), N_("只有督办人员可以立即编制报告"))
    if kind not in KINDS:
        raise WebError(422, "invalid_input", N_("请选择报告种类"))
    try:
        actor, chosen = me.account.actor, ReportKind(kind)
        summary = await service.compile_now(context, actor, chosen, form_key or None)
    except ServiceError as problem:
        raise WebError.of(problem) from problem
    return RedirectResponse(f"/reports/{quote(summary.id)}", status_code=303)


@router.get("/reports/{report_id}")
async def report_page(
    report_id: str, request: Request, me: UserDep, context: ContextDep
) -> Response:
    _readers_only(me)
    report = await _report(context, report_id)
    tz = ZoneInfo(context.policy.timezone)
    choices = await catalogue_choices(context)
    summaries = await service.ticket_summaries(context, listed_tickets(report.content))
    return page(
        request,
        f"report_{report.kind}.html",
        me,
        report=report,
        content=report.content,
        kind_label=KIND[ReportKind(report.kind)],
        choices=choices,
        hard_reason=hard_reason,
        holder=holder,
        summaries=summaries,
        one_second=timedelta(seconds=1),
        tz=tz,
        local=lambda iso: datetime.fromisoformat(iso).astimezone(tz).strftime("%Y-%m-%d %H:%M"),
    )


@router.get("/reports/{report_id}/chart.json")
async def bulletin_chart(report_id: str, me: UserDep, context: ContextDep) -> Response:
    """The bulletin's ranking: each ranked department's composite score, best first."""
    _readers_only(me)
    report = await _report(context, report_id)
    if report.kind != ReportKind.BULLETIN.value:
        raise WebError(404, "unknown_report", N_("这份报告没有图表"))
    choices = await catalogue_choices(context)
    ranked = [d for d in report.content["statistics"]["departments"] if d["rank"] is not None]
    composite = {
        "labels": [choices.name_of(d["department"]) for d in ranked],
        "values": [round(100 * d["composite"], 1) for d in ranked],
    }
    return JSONResponse({"composite": composite})
