"""The hotline's process as a table, in the order of the chart:

    受理 → 派单 → 签收 → 办理 → 答复 → 回访 → 办结

with the side paths beneath (退单, 延期, 发回重办, 并单, 撤诉, 转110) and the ladder's
hand-raised rungs. For each action: what it is called, who may take it (roles, and for a
department whether it must lead or may assist), the statuses it may be taken from, and
the statuses it leads to (none: the status stays). The workflow's validators check the
first three (``workflows.ticket_rules.check_action``); the pages offer an action from the
same row (``offered``); the API's routes are generated from it. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from schema.ticket import Role, TicketStatus

S = TicketStatus
OPEN = frozenset(s for s in TicketStatus if s is not TicketStatus.CLOSED)


class Scope(StrEnum):
    """Which departments may act, when the actor is a department."""

    ANY = "any"
    LEAD = "lead"  # 主办 only: 首接负责制
    INVOLVED = "involved"  # lead or assisting


@dataclass(frozen=True)
class ProcessStep:
    action: str
    name_zh: str
    roles: frozenset[Role]
    statuses: frozenset[TicketStatus]  # it may be taken when the ticket is in one of these
    leads_to: frozenset[TicketStatus] = frozenset()  # empty: the status stays
    scope: Scope = Scope.ANY


def step(
    action: str,
    name_zh: str,
    roles: list[Role],
    statuses: list[TicketStatus] | frozenset[TicketStatus],
    leads_to: list[TicketStatus] | None = None,
    scope: Scope = Scope.ANY,
) -> ProcessStep:
    return ProcessStep(
        action, name_zh, frozenset(roles), frozenset(statuses), frozenset(leads_to or []), scope
    )


AGENT, DEPARTMENT, SUPERVISOR = [Role.AGENT], [Role.DEPARTMENT], [Role.SUPERVISOR]

PROCESS: tuple[ProcessStep, ...] = (
    # 受理 (registration) starts the workflow; what follows is the chart, top to bottom.
    step("dispatch", "派单", AGENT, [S.RECEIVED], [S.DISPATCHED]),
    step("sign", "签收", DEPARTMENT, [S.DISPATCHED], [S.HANDLING], Scope.LEAD),
    step("progress", "阶段性答复", DEPARTMENT, [S.DISPATCHED, S.HANDLING], [], Scope.INVOLVED),
    step("reply", "答复", DEPARTMENT, [S.HANDLING], [S.CALLBACK], Scope.LEAD),
    # 回访: satisfied closes; unsatisfied waits for the centre's review (status stays).
    step("rating", "回访评价", [Role.AGENT, Role.INTEGRATOR], [S.CALLBACK], [S.CLOSED]),
    # 发回重办 when the dissatisfaction is reasonable; closed (not scored) when it is not.
    step("rating-review", "审核不满意评价", AGENT, [S.CALLBACK], [S.HANDLING, S.CLOSED]),
    # -- side paths --------------------------------------------------------------------
    step("answer", "直接办结", AGENT, [S.RECEIVED], [S.CALLBACK]),
    step("return", "退单", DEPARTMENT, [S.DISPATCHED, S.HANDLING], [S.RETURNED], Scope.LEAD),
    # Accepted: dispatched anew; rejected: back where it was.
    step("return-review", "审核退单", AGENT, [S.RETURNED], [S.DISPATCHED, S.HANDLING]),
    step("extension", "申请延期", DEPARTMENT, [S.DISPATCHED, S.HANDLING], [], Scope.LEAD),
    step("extension-review", "审核延期", AGENT, [S.DISPATCHED, S.HANDLING]),
    step("merge", "并单", AGENT, OPEN, [S.CLOSED]),
    step("withdraw", "撤诉", AGENT, OPEN, [S.CLOSED]),
    step("transfer-110", "转110", AGENT, [S.RECEIVED, S.RETURNED], [S.CLOSED]),
    step("reject", "不予受理", AGENT, [S.RECEIVED], [S.CLOSED]),
    # -- the ladder by hand (督办 → 联席会议 → 纪委监委; rungs in schema.ladder) ---------
    step("supervise", "督办", SUPERVISOR, [S.DISPATCHED, S.HANDLING]),
    # A township or street leading the ticket may blow the whistle (the API checks the kind).
    step(
        "joint-meeting",
        "召开联席会议",
        [Role.SUPERVISOR, Role.AGENT, Role.DEPARTMENT],
        [S.RECEIVED, S.DISPATCHED, S.HANDLING, S.RETURNED],
        [],
        Scope.LEAD,
    ),
    step("discipline-referral", "移送纪委监委", SUPERVISOR, OPEN),
)

BY_ACTION = {row.action: row for row in PROCESS}
