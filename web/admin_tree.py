"""The admin console's category tree (诉求分类) and places (区域与街道): browsed as a tree,
a node added under its parent, renamed, described, given synonyms, retired and brought
back, each change with its reason and in the catalogue's history. Changes go through
services/categories.py and services/places.py, as ``/v1/categories`` and ``/v1/places``."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from schema.catalogue import (
    CatalogueChangeRead,
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    PlaceCreate,
    PlaceRead,
    PlaceUpdate,
)
from services import catalogue_reads as reads
from services import categories as category_service
from services import places as place_service
from services.choices import catalogue_choices
from services.context import AppContext
from services.errors import ServiceError
from services.web_sessions import SignedIn
from web.admin_catalogue import _admins_only, _reason
from web.base import ContextDep, UserDep, page, refused
from web.i18n import N_, gettext_for

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=1000)]
Code = Annotated[str, Form(max_length=100)]
Reason = Annotated[str, Form(max_length=2000)]
HISTORY_ROWS = 100
LEVELS = (N_("一级"), N_("二级"), N_("三级"))
SYNONYM_SPLIT = re.compile(r"[,，、;；\s]+")

# Each page: the entity its history shows and where a change returns to.
PAGES = {
    "admin_categories.html": ("category", "/admin/categories"),
    "admin_places.html": ("place", "/admin/places"),
}

# What the services' refusals say on these pages.
REFUSALS = {
    "category": {
        "exists": N_("已存在同一代码的分类"),
        "unknown_category": N_("上级分类不存在或已停用"),
        "invalid_input": N_("分类代码须为上级分类的代码加两位数字，且分类至多三级"),
        "in_use": N_("派单目录中仍有规则指向该分类，或其下仍有启用的下级分类，请先处理"),
    },
    "place": {
        "exists": N_("已存在同一代码的区域或街道"),
        "unknown_district": N_("所选区县不存在，街道只能设在区县之下"),
        "unknown_place": N_("该区域或街道不存在"),
    },
}


# A change's fields as the history names them; the path is derived, never changed itself.
FIELD_NAMES = {
    "code": N_("代码"),
    "parent": N_("上级"),
    "name_zh": N_("中文名称"),
    "name": N_("英文名称"),
    "description": N_("说明"),
    "synonyms": N_("同义词"),
    "active": N_("状态"),
}
STATE = {True: N_("启用"), False: N_("已停用")}


def changed_fields(
    before: dict[str, Any] | None, after: dict[str, Any] | None, say: Callable[[str], str]
) -> list[str]:
    """One line per field a change touched, in the page's words: ``中文名称：a → b``."""
    before, after = before or {}, after or {}
    lines = []
    for field, label in FIELD_NAMES.items():
        old, new = before.get(field), after.get(field)
        if old != new and (old is not None or new not in (None, [])):
            lines.append(f"{say(label)}：{_shown(old, say)} → {_shown(new, say)}")
    return lines


def _shown(value: Any, say: Callable[[str], str]) -> str:
    if isinstance(value, bool):
        return say(STATE[value])
    if isinstance(value, list):
        return "、".join(map(str, value)) or "–"
    return "–" if value is None else str(value)


def synonyms_of(text: str) -> list[str]:
    """The words citizens use, as typed: separated by commas, 、 or spaces."""
    return [word for word in SYNONYM_SPLIT.split(text) if word]


def next_code(nodes: list[CategoryRead], parent: str | None) -> str:
    """The next free code under a parent: its code and the next two digits (GB/T 39666's
    shape), ``01`` … at the top. A parent with a letter code gets a number after it too."""
    above = parent or ""
    taken = [
        int(n.code[len(above) :])
        for n in nodes
        if n.parent == parent
        and n.code.startswith(above)
        and n.code[len(above) :].isdigit()
        and len(n.code) == len(above) + 2
    ]
    return f"{above}{max(taken, default=0) + 1:02d}"


def _history_names(
    nodes: dict[str, str],
) -> Callable[[CatalogueChangeRead], str]:
    """What a change touched, by its Chinese name and its code: ``占道经营 (010101)``."""

    def changed_what(change: CatalogueChangeRead) -> str:
        record = change.after or change.before or {}
        name = nodes.get(change.key) or record.get("name_zh") or ""
        return f"{name} ({change.key})" if name else change.key

    return changed_what


async def _page(
    request: Request, me: SignedIn, context: AppContext, name: str, status: int, **extra: Any
) -> Response:
    entity, _ = PAGES[name]
    history = await reads.catalogue_changes(context, entity=entity, limit=HISTORY_ROWS)
    choices = await catalogue_choices(context)
    say = gettext_for(me.account.language)
    shown: dict[str, Any] = {}
    if entity == "category":
        nodes = await category_service.categories(context)
        opened = request.query_params.get("shown", "")
        tree = await category_service.tree(context)
        shown = {
            "nodes": nodes,
            "children": _children(nodes),
            "opened": set(tree.chain(opened)),
            "levels": LEVELS,
            "parents": [n for n in nodes if n.active and len(tree.chain(n.code)) < len(LEVELS)],
            "next_code": lambda parent: next_code(nodes, parent),
            "names": {n.code: n.name_zh for n in nodes},
        }
    else:
        found = await place_service.places(context)
        shown = {
            "places": found,
            "districts": [p for p in found if p.parent is None],
            "streets": _streets(found),
            "names": {p.code: p.name_zh for p in found},
        }
    return page(
        request,
        name,
        me,
        status,
        history=history,
        choices=choices,
        changed_fields=lambda before, after: changed_fields(before, after, say),
        changed_what=_history_names(shown["names"]),
        tz=ZoneInfo(context.policy.timezone),
        **shown,
        **extra,
    )


def _children(nodes: list[CategoryRead]) -> dict[str | None, list[CategoryRead]]:
    found: dict[str | None, list[CategoryRead]] = {}
    for node in nodes:  # in code order: a parent's children in theirs
        found.setdefault(node.parent, []).append(node)
    return found


def _streets(places: list[PlaceRead]) -> dict[str, list[PlaceRead]]:
    found: dict[str, list[PlaceRead]] = {}
    for place in places:
        if place.parent is not None:
            found.setdefault(place.parent, []).append(place)
    return found


async def _change(
    request: Request,
    me: SignedIn,
    context: AppContext,
    name: str,
    note: str,
    change: Callable[[str], Awaitable[str]],
) -> Response:
    """Run one change with its reason; back to the tree opened at the node changed, or the
    page again with the refusal in Chinese."""
    _admins_only(me)
    reason = _reason(note)
    entity, back = PAGES[name]
    try:
        code = await change(reason)
    except ValidationError as problem:
        return await _page(
            request,
            me,
            context,
            name,
            422,
            error=N_("填写有误：%(problem)s"),
            error_values={"problem": refused(problem).message},
        )
    except ServiceError as problem:
        refusal = REFUSALS[entity].get(problem.code, problem.message)
        return await _page(request, me, context, name, problem.status, error=refusal)
    return RedirectResponse(f"{back}?shown={quote(code)}#node-{quote(code)}", status_code=303)


# -- the category tree ------------------------------------------------------------------


@router.get("/admin/categories")
async def categories(request: Request, me: UserDep, context: ContextDep) -> Response:
    _admins_only(me)
    return await _page(request, me, context, "admin_categories.html", 200)


@router.post("/admin/categories")
async def create_category(
    request: Request,
    me: UserDep,
    context: ContextDep,
    parent: Code = "",
    code: Code = "",
    name_zh: Text = "",
    name: Text = "",
    description: Text = "",
    synonyms: Text = "",
    note: Reason = "",
) -> Response:
    """A node under ``parent`` (none: a 一级 node); without a code, the next free one."""

    async def create(reason: str) -> str:
        above = parent.strip() or None
        if not code.strip():
            nodes = await category_service.categories(context)
            chosen = next_code(nodes, above)
        else:
            chosen = code.strip()
        body = CategoryCreate.model_validate(
            {
                "code": chosen,
                "parent": above,
                "name_zh": name_zh.strip(),
                "name": name.strip() or None,
                "description": description.strip() or None,
                "synonyms": synonyms_of(synonyms),
                "note": reason,
            }
        )
        made = await category_service.create_category(context, body=body, actor=me.account.actor)
        return made.code

    return await _change(request, me, context, "admin_categories.html", note, create)


@router.post("/admin/categories/{code}")
async def update_category(
    code: str,
    request: Request,
    me: UserDep,
    context: ContextDep,
    fields: Annotated[str, Form(max_length=40)] = "",
    name_zh: Text = "",
    name: Text = "",
    description: Text = "",
    synonyms: Text = "",
    active: Annotated[str, Form(max_length=5)] = "",
    note: Reason = "",
) -> Response:
    """One form's change: ``fields`` says which (``names``, ``description``, or the
    ``active`` flag), so a field left empty on purpose (a description removed) counts."""
    changes: dict[str, Any] = {}
    if fields == "names":
        changes = {"name_zh": name_zh.strip(), "name": name.strip() or None}
    elif fields == "description":
        changes = {"description": description.strip() or None, "synonyms": synonyms_of(synonyms)}
    elif active in ("true", "false"):
        changes = {"active": active == "true"}

    async def update(reason: str) -> str:
        body = CategoryUpdate.model_validate({**changes, "note": reason})
        await category_service.update_category(
            context, code=code, body=body, actor=me.account.actor
        )
        return code

    return await _change(request, me, context, "admin_categories.html", note, update)


# -- districts and streets --------------------------------------------------------------


@router.get("/admin/places")
async def places(request: Request, me: UserDep, context: ContextDep) -> Response:
    _admins_only(me)
    return await _page(request, me, context, "admin_places.html", 200)


@router.post("/admin/places")
async def create_place(
    request: Request,
    me: UserDep,
    context: ContextDep,
    parent: Code = "",
    code: Code = "",
    name_zh: Text = "",
    name: Text = "",
    note: Reason = "",
) -> Response:
    """A district (no parent) or a street under one."""

    async def create(reason: str) -> str:
        body = PlaceCreate.model_validate(
            {
                "code": code.strip(),
                "parent": parent.strip() or None,
                "name_zh": name_zh.strip(),
                "name": name.strip() or None,
                "note": reason,
            }
        )
        return (await place_service.create_place(context, body=body, actor=me.account.actor)).code

    return await _change(request, me, context, "admin_places.html", note, create)


@router.post("/admin/places/{code}")
async def update_place(
    code: str,
    request: Request,
    me: UserDep,
    context: ContextDep,
    name_zh: Text = "",
    name: Text = "",
    note: Reason = "",
) -> Response:
    """A district or street renamed (the code, which tickets and units name, stays)."""

    async def rename(reason: str) -> str:
        body = PlaceUpdate.model_validate(
            {"name_zh": name_zh.strip(), "name": name.strip() or None, "note": reason}
        )
        await place_service.update_place(context, code=code, body=body, actor=me.account.actor)
        return code

    return await _change(request, me, context, "admin_places.html", note, rename)
