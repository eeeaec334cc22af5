"""Where a ticket stands, in one Chinese line for the Temporal UI's current details
(``workflow.set_current_details``: kept by the worker, never in history): what it waits
for, by when in city time, and how far up the ladder it is — no personal data."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from schema.escalation import SupervisionTier
from schema.ticket import TicketStatus
from workflows.ticket.state import TicketState
from workflows.ticket.state.clocks import Step, supervision_tier

WAITING_FOR = {
    TicketStatus.RECEIVED: "待派单",
    TicketStatus.DISPATCHED: "待签收",
    TicketStatus.HANDLING: "办理中",
    TicketStatus.RETURNED: "已退单待改派",
    TicketStatus.SUSPENDED: "已挂起",
    TicketStatus.AWAITING_110: "待110受理",
    TicketStatus.CALLBACK: "待回访",
    TicketStatus.CLOSED: "已办结",
}

# The clock whose deadline the line names, by status.
_CLOCK_OF = {
    TicketStatus.RECEIVED: Step.DISPATCH,
    TicketStatus.DISPATCHED: Step.SIGN,
    TicketStatus.HANDLING: Step.REPLY,
    TicketStatus.SUSPENDED: Step.SUSPENDED,
    TicketStatus.AWAITING_110: Step.POLICE,
    TicketStatus.CALLBACK: Step.CALLBACK,
}

_TIER = {SupervisionTier.BLUE: "蓝色", SupervisionTier.ORANGE: "橙色", SupervisionTier.RED: "红色"}
_LEVEL = "一二三四五六七八九"


def current_details(s: TicketState) -> str:
    """``待签收 · 截止 12-02 14:00 · 已超期 · 督办二级 · 红色督办``."""
    parts = [WAITING_FOR[s.status]]
    step = _CLOCK_OF.get(s.status)
    clock = s.clocks.get(step) if step is not None else None
    if clock is not None and s.policy is not None:
        local = clock.due_at.astimezone(ZoneInfo(s.policy.timezone))
        parts.append(f"截止 {local:%m-%d %H:%M}")
    if s.overdue and s.status is not TicketStatus.CLOSED:
        parts.append("已超期")
    level = s.escalation_level
    if level > 0:
        parts.append(f"督办{_LEVEL[level - 1]}级" if level <= len(_LEVEL) else f"督办{level}级")
    tier = supervision_tier(s)
    if tier is not None:
        parts.append(f"{_TIER[tier]}督办")
    return " · ".join(parts)
