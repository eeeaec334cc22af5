"""An event of the timeline as a person reads it: who acted (by name, never the
``role:unit:account`` the history keeps), and its detail — units, categories and places by
their names, instants in the city's time, the system's own notes in words."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from services.choices import Choices
from web.countdowns import due_said, minute
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
    "tier",  # shown as the order's coloured tier instead
    "attachments",  # shown as thumbnails and files under the step
}
CITIZEN_ACCOUNTS = {"citizen-page": N_("市民（手机页面）"), "sms-reply": N_("市民（短信回复）")}
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
    "a joint meeting": N_("联席会议"),
}
# The workflow's sentences with parameters, and how the page says them.
_WORKFLOW_WORDS = [
    (re.compile(r"^the (?P<step>\w+) deadline is near$"), N_("%(deadline)s临近")),
    (re.compile(r"^the (?P<step>\w+) deadline passed$"), N_("%(deadline)s已过")),
    (re.compile(r"^(?P<step>\w+) still not done$"), N_("%(deadline)s仍未完成")),
    (re.compile(r"^did not report in to (?P<meeting>.+)$"), N_("未按时报到：%(meeting)s")),
    (
        re.compile(
            r"^(?P<unit>\S+) missed the (?P<step>\w+) deadline \((?P<at>[^)]+)\) set by "
            r"(?P<meeting>.+)$"
        ),
        N_("%(unit)s未在%(meeting)s确定的%(deadline)s（%(at)s）前办结"),
    ),
    (
        re.compile(r"^reopens (?P<id>\S+): to the lead that closed it$"),
        N_("重新受理 %(id)s：派给原主办单位"),
    ),
    (
        re.compile(r"^hard ticket at the dispatch meeting \(调度会\) (?P<id>\S+)$"),
        N_("调度会难点件（%(id)s）"),
    ),
    (re.compile(r"^\S*/joint-meeting-(?P<n>\d+)$"), N_("第 %(n)s 次联席会议")),
    (re.compile(r"^\S*/discipline-referral-(?P<n>\d+)$"), N_("第 %(n)s 次移送")),
]


def actor_said(described: str, choices: Choices, _: Callable[[str], str]) -> str:
    """Who acted, as a person reads it: 话务员 王芳, 城市管理局 李明, 系统 — never the
    ``role:unit:account`` form the history keeps."""
    if described == "system":
        return _("系统")
    if described.startswith("timer:"):  # a deadline's own timer raised it
        step = described.removeprefix("timer:")
        return _("计时：%(deadline)s") % {"deadline": _(DEADLINE.get(step, step))}
    role, _sep, rest = described.partition(":")
    unit, _sep, account = rest.rpartition(":")
    if account in CITIZEN_ACCOUNTS:  # the citizen, through their page or an SMS reply
        return _(CITIZEN_ACCOUNTS[account])
    who = choices.person(account) if account else ""
    if unit:
        return f"{choices.name_of(unit)} {who}".strip()
    return f"{_(ROLE.get(role, role))} {who}".strip()


def said(
    text: str,
    _: Callable[[str], str],
    choices: Choices | None = None,
    timezone: tzinfo | None = None,
) -> str:
    """A note or reason the workflow wrote in English (kept so in histories), in the page's
    words; text it did not write is shown as written."""
    if text in SYSTEM_NOTE:
        return _(SYSTEM_NOTE[text])

    def deadline(step: str) -> str:
        return _(DEADLINE[step]) if step in DEADLINE else step

    def unit(code: str) -> str:
        return choices.name_of(code) if choices else code

    def instant(value: str) -> str:
        at = datetime.fromisoformat(value)
        return (at.astimezone(timezone) if timezone else at).strftime("%Y-%m-%d %H:%M")

    for pattern, words in _WORKFLOW_WORDS:
        found = pattern.match(text)
        if found is None:
            continue
        parts = found.groupdict()
        values = {
            "deadline": deadline(parts.get("step") or ""),
            "unit": unit(parts.get("unit") or ""),
            "at": instant(parts["at"]) if parts.get("at") else "",
            "meeting": said(parts.get("meeting") or "", _, choices, timezone),
            "n": parts.get("n") or "",
            "id": parts.get("id") or "",
        }
        return _(words) % values
    return text


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
    if value in OPTION:
        return _(OPTION[value])
    return said(value, _, choices)


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
            at = datetime.fromisoformat(value)
            deadline = key.endswith(("due", "_by"))
            text = due_said(at, timezone, "%Y-%m-%d") if deadline else minute(at, timezone)
        elif isinstance(value, list):
            text = "、".join(_said(key, str(item), choices, _) for item in value)
        elif isinstance(value, str):
            text = _said(key, value, choices, _)
        else:
            text = str(value)
        shown.append((_(FIELD.get(key, key)), text))
    return shown
