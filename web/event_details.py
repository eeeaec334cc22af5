"""An event of the timeline as a person reads it: who acted (by name, never the
``role:unit:account`` the history keeps), and its detail — units, categories and places by
their names, instants in the city's time, the system's own notes in words."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from services.choices import Choices
from web.i18n import N_
from web.labels import DEADLINE, FIELD, OPTION, ROLE, TIER

# Bookkeeping in an event's detail that a person reading the timeline does not need.
_UNSHOWN_DETAIL = {
    "hop",
    "rule_id",
    "policy",
    "fallback",
    "escalation",
    "sign_rule",  # shown beside the deadline it set instead
    "reply_rule",
}
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

# Detail that names units, by its key.
_UNIT_KEYS = {
    "lead",
    "assisting",
    "department",
    "departments",
    "unit",
    "units",
    "to",
    "previous_lead",
}

# What the workflow writes in its own words (kept in histories as written).
SYSTEM_NOTE = {
    "routed by the dispatch catalogue": N_("按派单目录派单"),
    "the dispatch catalogue has no rule for this category": N_("派单目录中没有该类别，需人工派单"),
    "no rating by the callback deadline": N_("回访期限内未评价"),
    "the longest suspension ran out": N_("挂起期限届满，恢复办理"),
    "the lead replied to the citizen": N_("主办单位已答复市民"),
}
_REOPENS = re.compile(r"^reopens (\S+): to the lead that closed it$")
_CHILD = re.compile(r"/(joint-meeting|discipline-referral)-(\d+)$")
_CHILD_NAME = {
    "joint-meeting": N_("第 %(n)s 次联席会议"),
    "discipline-referral": N_("第 %(n)s 次移送"),
}


def actor_said(described: str, choices: Choices, _: Callable[[str], str]) -> str:
    """Who acted, as a person reads it: 话务员 王芳, 城市管理局 李明, 系统 — never the
    ``role:unit:account`` form the history keeps."""
    if described == "system":
        return _("系统")
    role, _sep, rest = described.partition(":")
    unit, _sep, account = rest.rpartition(":")
    who = choices.person(account) if account else ""
    if unit:
        return f"{choices.name_of(unit)} {who}".strip()
    return f"{_(ROLE.get(role, role))} {who}".strip()


def _said(key: str, value: str, choices: Choices, _: Callable[[str], str]) -> str:
    if key in _UNIT_KEYS:
        return choices.name_of(value)
    if key == "category":
        return choices.category_name(value)
    if key == "district":
        return choices.place_name(value)
    if key == "tier" and value in TIER:
        return _(TIER[value])
    if key == "step" and value in DEADLINE:
        return _(DEADLINE[value])
    if value in SYSTEM_NOTE:
        return _(SYSTEM_NOTE[value])
    reopens = _REOPENS.match(value)
    if reopens:
        return _("重新受理 %(ticket)s：派给原主办单位") % {"ticket": reopens.group(1)}
    child = _CHILD.search(value)
    if child:
        return _(_CHILD_NAME[child.group(1)]) % {"n": child.group(2)}
    return _(OPTION[value]) if value in OPTION else value


def detail_items(
    detail: dict[str, Any], timezone: tzinfo, choices: Choices, _: Callable[[str], str]
) -> list[tuple[str, str]]:
    """An event's detail as a person reads it: named fields, instants in the city's time,
    yes/no, and nothing empty."""
    shown = []
    for key, value in detail.items():
        if key in _UNSHOWN_DETAIL or value in (None, "", [], {}):
            continue
        if isinstance(value, bool):
            text = _("是") if value else _("否")
        elif isinstance(value, str) and _INSTANT.match(value):
            text = datetime.fromisoformat(value).astimezone(timezone).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, list):
            text = "、".join(_said(key, str(item), choices, _) for item in value)
        elif isinstance(value, str):
            text = _said(key, value, choices, _)
        else:
            text = str(value)
        shown.append((_(FIELD.get(key, key)), text))
    return shown
