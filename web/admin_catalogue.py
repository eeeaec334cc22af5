"""The admin console's catalogue: departments (单位管理: create, rename, retire) and the
dispatch catalogue (派单目录: add, change, delete a rule), each change with its reason,
and the history of both. Changes go through the API's catalogue service, so the page and
``/v1/departments``/``/v1/routing-rules`` keep one rule book and one change history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from schema.catalogue import (
    CatalogueChangeRead,
    DepartmentCreate,
    DepartmentUpdate,
    RoutingRuleCreate,
    RoutingRuleUpdate,
)
from schema.ticket import Role
from services import catalogue as service
from services import catalogue_reads as reads
from services.choices import catalogue_choices
from services.context import AppContext
from services.errors import ServiceError
from services.web_sessions import SignedIn
from web.base import ContextDep, UserDep, WebError, page, refused, require_role
from web.i18n import N_

router = APIRouter(include_in_schema=False)
Name = Annotated[str, Form(max_length=200)]
Reason = Annotated[str, Form(max_length=2000)]
HISTORY_ROWS = 100
# Each page: the entity its change history shows, and where a change returns to.
PAGES = {
    "admin_departments.html": ("department", "/admin/departments"),
    "admin_routing.html": ("routing_rule", "/admin/routing"),
}

# What the catalogue service's refusals say on the page.
REFUSALS = {
    "exists": N_("已存在：同一代码的单位，或同一类别、同一区域的派单规则"),
    "unknown_department": N_("所选单位不存在或已撤销"),
    "unknown_rule": N_("这条派单规则已不存在"),
    "in_use": N_("派单目录中仍有规则指向该单位，请先修改这些规则"),
    "unknown_category": N_("所选诉求分类不存在或已停用"),
    "unknown_district": N_("所选区域不存在"),
    "invalid_input": N_("牵头单位不能同时是协办单位"),
}


def _admins_only(me: SignedIn) -> None:
    require_role(me, (Role.ADMIN,), N_("单位与派单目录只供管理员维护"))


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """One line per field a change touched: ``lead: a → b``."""
    before, after = before or {}, after or {}
    lines = []
    for field in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(field), after.get(field)
        if old != new and field not in ("id", "note"):  # the note is the change's reason
            lines.append(f"{field}: {_shown(old)} → {_shown(new)}")
    return lines


def changed_what(change: CatalogueChangeRead) -> str:
    """The unit's code, or the rule's number with its category and district."""
    if change.entity != "routing_rule":
        return change.key
    rule = change.after or change.before or {}
    return f"#{change.key} {rule.get('category', '')} {rule.get('district') or ''}".strip()


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, list):
        return "、".join(map(str, value)) or "–"
    return str(value)


async def _catalogue_page(
    request: Request, me: SignedIn, context: AppContext, name: str, status: int, **extra: Any
) -> Response:
    entity, _ = PAGES[name]
    departments = await reads.departments(context)
    rules = await reads.routing_rules(context, by_district=True) if entity == "routing_rule" else []
    history = await reads.catalogue_changes(context, entity=entity, limit=HISTORY_ROWS)
    districts = await reads.districts(context)
    choices = await catalogue_choices(context)
    return page(
        request,
        name,
        me,
        status,
        departments=departments,
        active={d.code: d.name_zh for d in departments if d.active},
        names={d.code: d.name_zh for d in departments},
        rules=rules,
        history=history,
        districts=districts,
        choices=choices,
        changed_fields=changed_fields,
        changed_what=changed_what,
        tz=ZoneInfo(context.policy.timezone),
        **extra,
    )


async def _change(
    request: Request,
    me: SignedIn,
    context: AppContext,
    name: str,
    note: str,
    change: Callable[[str], Awaitable[object]],
) -> Response:
    """Run one change, with its reason (the service makes it one transaction); back to the
    list, or the list with the refusal."""
    _admins_only(me)
    reason = _reason(note)
    _, back = PAGES[name]
    try:
        await change(reason)
    except ValidationError as problem:
        message = refused(problem).message
        return await _catalogue_page(
            request,
            me,
            context,
            name,
            422,
            error=N_("填写有误：%(problem)s"),
            error_values={"problem": message},
        )
    except ServiceError as problem:
        refusal = REFUSALS.get(problem.code, problem.message)
        return await _catalogue_page(request, me, context, name, problem.status, error=refusal)
    return RedirectResponse(back, status_code=303)


def _reason(text: str) -> str:
    """Every catalogue change says why (a joint consultation, a reorganisation …)."""
    if not text.strip():
        raise WebError(422, "invalid_input", N_("请写明变更理由"))
    return text.strip()


# -- departments ----------------------------------------------------------------------

TOP = "-"  # the form's "no unit above"


@router.get("/admin/departments")
async def departments(request: Request, me: UserDep, context: ContextDep) -> Response:
    _admins_only(me)
    return await _catalogue_page(request, me, context, "admin_departments.html", 200)


@router.post("/admin/departments")
async def create_department(
    request: Request,
    me: UserDep,
    context: ContextDep,
    code: Annotated[str, Form(max_length=64)] = "",
    name_zh: Name = "",
    name: Name = "",
    kind: Annotated[str, Form(max_length=32)] = "department",
    district: Annotated[str, Form(max_length=100)] = "",
    parent: Annotated[str, Form(max_length=64)] = "",
    note: Reason = "",
) -> Response:

    async def create(reason: str) -> object:
        body = DepartmentCreate.model_validate(
            {
                "code": code.strip(),
                "name_zh": name_zh.strip(),
                "name": name.strip() or name_zh.strip(),
                "kind": kind,
                "district": district.strip() or None,
                "parent": parent.strip() or None,
                "note": reason,
            }
        )
        return await service.create_department(context, body=body, actor=me.account.actor)

    return await _change(request, me, context, "admin_departments.html", note, create)


@router.post("/admin/departments/{code}")
async def update_department(
    code: str,
    request: Request,
    me: UserDep,
    context: ContextDep,
    name_zh: Name = "",
    name: Name = "",
    active: Annotated[str, Form(max_length=5)] = "",
    parent: Annotated[str, Form(max_length=64)] = "",
    note: Reason = "",
) -> Response:
    """Rename (the names given), retire (``active=false``) or bring back (``active=true``),
    or move under another unit (``parent``; ``-``: to the top)."""
    changes: dict[str, Any] = {}
    if parent.strip():
        changes["parent"] = None if parent.strip() == TOP else parent.strip()
    if name_zh.strip():
        changes["name_zh"] = name_zh.strip()
    if name.strip():
        changes["name"] = name.strip()
    if active in ("true", "false"):
        changes["active"] = active == "true"

    async def update(reason: str) -> object:
        body = DepartmentUpdate.model_validate({**changes, "note": reason})
        return await service.update_department(
            context, code=code, body=body, actor=me.account.actor
        )

    return await _change(request, me, context, "admin_departments.html", note, update)


# -- the dispatch catalogue -----------------------------------------------------------


@router.get("/admin/routing")
async def routing(request: Request, me: UserDep, context: ContextDep) -> Response:
    _admins_only(me)
    return await _catalogue_page(request, me, context, "admin_routing.html", 200)


@router.post("/admin/routing")
async def create_rule(
    request: Request,
    me: UserDep,
    context: ContextDep,
    category: Annotated[str, Form(max_length=100)] = "",
    district: Annotated[str, Form(max_length=100)] = "",
    lead: Annotated[str, Form(max_length=64)] = "",
    assisting: Annotated[list[str] | None, Form(max_length=20)] = None,
    note: Reason = "",
) -> Response:

    async def create(reason: str) -> object:
        body = RoutingRuleCreate.model_validate(
            {
                "category": category.strip(),
                "district": district.strip() or None,
                "lead": lead,
                "assisting": [code for code in assisting or [] if code],
                "note": reason,
            }
        )
        return await service.create_rule(context, body=body, actor=me.account.actor)

    return await _change(request, me, context, "admin_routing.html", note, create)


@router.post("/admin/routing/{rule_id}")
async def update_rule(
    rule_id: int,
    request: Request,
    me: UserDep,
    context: ContextDep,
    lead: Annotated[str, Form(max_length=64)] = "",
    assisting: Annotated[list[str] | None, Form(max_length=20)] = None,
    note: Reason = "",
) -> Response:

    async def update(reason: str) -> object:
        body = RoutingRuleUpdate.model_validate(
            {
                "lead": lead,
                "assisting": [code for code in assisting or [] if code],
                "note": reason,
            }
        )
        return await service.update_rule(
            context, rule_id=rule_id, body=body, actor=me.account.actor
        )

    return await _change(request, me, context, "admin_routing.html", note, update)


@router.post("/admin/routing/{rule_id}/delete")
async def delete_rule(
    rule_id: int, request: Request, me: UserDep, context: ContextDep, note: Reason = ""
) -> Response:

    async def delete(reason: str) -> object:
        await service.delete_rule(context, rule_id=rule_id, actor=me.account.actor, note=reason)
        return None

    return await _change(request, me, context, "admin_routing.html", note, delete)
