"""The hotline's process as a table, in the order of the chart:

    受理 → 派单 → 签收 → 办理 → 答复 → 回访 → 办结

with the side paths beneath (退单, 延期, 发回重办, 并单, 撤诉, 转110) and the ladder's
hand-raised rungs. For each action: what it is called, who may take it (roles, and for a
department whether it must lead or may assist), the statuses it may be taken from, and
the statuses it leads to (none: the status stays), the workflow update that takes it and
its body. The workflow's validators check the first three
(``workflows.ticket.rules.check_action``) and its update handlers are made from the rows
(``workflows.ticket.handlers``); the pages offer an action from the same row
(``offered``); the API's routes are generated from it.

Each row's check (what else refuses it) and effect (what it does) sit side by side in
the module of its stage of the chart (``handling``, ``extension``, ``delegation``,
``suspension``, ``closing``, ``police``, ``ladder``, ``children``), registered there with
``@process.check("<action>")`` and ``@process.effect("<action>")``; the row reads them
(``ProcessStep.check``, ``ProcessStep.effect``). Pure: this module imports no stage
module (they import it), so the API and the pages read the table without them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from schema.action_bodies import (
    AnswerBody,
    AssistingPartBody,
    DelegateBody,
    DelegatedReplyBody,
    DelegatedReturnBody,
    DelegatedReviewBody,
    DispatchBody,
    ExtensionBody,
    ExtensionReviewBody,
    MergeBody,
    PoliceAcceptBody,
    PoliceHandBackBody,
    ProgressBody,
    RatingBody,
    RatingReviewBody,
    RejectBody,
    ReplyBody,
    ResumeBody,
    ReturnBody,
    ReturnReviewBody,
    SignBody,
    SuspensionBody,
    SuspensionReviewBody,
    Transfer110Body,
    WithdrawBody,
)
from schema.escalation import DisciplineReferralBody, JointMeetingBody, SuperviseBody
from schema.ticket import Role, TicketStatus

if TYPE_CHECKING:
    from workflows.ticket.outcome import Check, Effect

S = TicketStatus
OPEN = frozenset(s for s in TicketStatus if s is not TicketStatus.CLOSED)


class Scope(StrEnum):
    """Which departments may act, when the actor is a department."""

    ANY = "any"
    LEAD = "lead"  # 主办 only: 首接负责制
    INVOLVED = "involved"  # lead or assisting
    ASSISTING = "assisting"  # 协办 only
    # 二级派单 (schema.delegation_chain): the unit that holds the ticket (the lead, or the
    # lowest unit it was passed down to, once signed); the unit below that owes a
    # signature or a reply up; the unit above that owes the review of that reply.
    HOLDER = "holder"
    BELOW = "below"
    ABOVE = "above"


@dataclass(frozen=True)
class ProcessStep:
    action: str  # the API's path segment: POST /v1/tickets/{no}/{action}
    name_zh: str
    roles: frozenset[Role]
    statuses: frozenset[TicketStatus]  # it may be taken when the ticket is in one of these
    leads_to: frozenset[TicketStatus]  # empty: the status stays
    scope: Scope
    update: str  # the workflow's update (its name is in every history: never rename it)
    body: type[BaseModel]
    summary: str  # what the API's reference says of it

    @property
    def check(self) -> Check:
        """What refuses this action besides its row (``rules.check_action`` first, as a
        rule): (state, actor, body, now), raising the refusal."""
        return _registered(CHECKS, "check", self.action)

    @property
    def effect(self) -> Effect:
        """What the action does: (state, now, actor, body, due) → the ``Outcome``."""
        return _registered(EFFECTS, "effect", self.action)


def step(
    action: str,
    name_zh: str,
    roles: list[Role],
    statuses: list[TicketStatus] | frozenset[TicketStatus],
    leads_to: list[TicketStatus],
    scope: Scope,
    update: str,
    body: type[BaseModel],
    summary: str,
) -> ProcessStep:
    return ProcessStep(
        action,
        name_zh,
        frozenset(roles),
        frozenset(statuses),
        frozenset(leads_to),
        scope,
        update,
        body,
        summary,
    )


AGENT, DEPARTMENT, SUPERVISOR = [Role.AGENT], [Role.DEPARTMENT], [Role.SUPERVISOR]
ANY, LEAD, INVOLVED, ASSISTING = Scope.ANY, Scope.LEAD, Scope.INVOLVED, Scope.ASSISTING
HOLDER, BELOW, ABOVE = Scope.HOLDER, Scope.BELOW, Scope.ABOVE
STAYS: list[TicketStatus] = []

# fmt: off
PROCESS: tuple[ProcessStep, ...] = (
    # 受理 (registration) starts the workflow; what follows is the chart, top to bottom.
    #    action      name       roles       from                 to              scope
    #    update              body            summary
    step("dispatch", "派单", AGENT, [S.RECEIVED], [S.DISPATCHED], ANY,
         "dispatch", DispatchBody, "Dispatch to a lead and assisting departments (派单)"),
    step("sign", "签收", DEPARTMENT, [S.DISPATCHED], [S.HANDLING], LEAD,
         "sign", SignBody, "The lead department signs for it (签收)"),
    step("progress", "阶段性答复", DEPARTMENT, [S.DISPATCHED, S.HANDLING], STAYS, INVOLVED,
         "report_progress", ProgressBody, "Interim progress report (阶段性答复)"),
    step("reply", "答复", DEPARTMENT, [S.HANDLING], [S.CALLBACK], LEAD,
         "reply", ReplyBody, "The lead department replies (答复)"),
    # 回访: satisfied closes; unsatisfied waits for the centre's review (status stays).
    step("rating", "回访评价", [Role.AGENT, Role.INTEGRATOR], [S.CALLBACK], [S.CLOSED], ANY,
         "rate", RatingBody, "The citizen's callback rating (回访)"),
    # 发回重办 when the dissatisfaction is reasonable; closed (not scored) when it is not.
    step("rating-review", "审核不满意评价", AGENT, [S.CALLBACK], [S.HANDLING, S.CLOSED], ANY,
         "review_rating", RatingReviewBody,
         "Review an unsatisfied rating: rework (发回重办) or close, excluded"),
    # -- side paths --------------------------------------------------------------------
    # 协办意见: each assisting department owes the lead its part before the reply.
    step("part", "协办意见", DEPARTMENT, [S.DISPATCHED, S.HANDLING], STAYS, ASSISTING,
         "submit_part", AssistingPartBody,
         "An assisting department gives the lead its part (协办意见), owed by the policy's "
         "assist_part from dispatch"),
    # 二级派单: down the hierarchy and back up; the lead stays responsible (首接负责制).
    step("delegate", "下派", DEPARTMENT, [S.HANDLING], STAYS, HOLDER,
         "delegate", DelegateBody,
         "Pass the ticket down to a unit below in the hierarchy (二级派单), to reply up by a "
         "day inside the holder's own deadline"),
    step("delegated-sign", "下级签收", DEPARTMENT, [S.HANDLING], STAYS, BELOW,
         "sign_delegated", SignBody, "The unit below signs for the ticket passed down to it"),
    step("delegated-return", "退回上级", DEPARTMENT, [S.HANDLING], STAYS, BELOW,
         "return_delegated", DelegatedReturnBody,
         "The unit below hands the ticket back up, with the reason"),
    step("delegated-reply", "下级答复", DEPARTMENT, [S.HANDLING], STAYS, BELOW,
         "reply_delegated", DelegatedReplyBody,
         "The unit below reports its result up, for the unit above to review"),
    step("delegated-review", "审核下级答复", DEPARTMENT, [S.HANDLING], [S.CALLBACK], ABOVE,
         "review_delegated_reply", DelegatedReviewBody,
         "Accept the reply from below (the lead's acceptance is the ticket's reply) or send "
         "it back down"),
    step("answer", "直接办结", AGENT, [S.RECEIVED], [S.CALLBACK], ANY,
         "answer", AnswerBody, "Answered on the spot (直接办结)"),
    step("return", "退单", DEPARTMENT, [S.DISPATCHED, S.HANDLING], [S.RETURNED], LEAD,
         "return_ticket", ReturnBody,
         "Return it with reason and legal basis, within the return window (退单)"),
    # Accepted: dispatched anew; rejected: back where it was.
    step("return-review", "审核退单", AGENT, [S.RETURNED], [S.DISPATCHED, S.HANDLING], ANY,
         "review_return", ReturnReviewBody,
         "Accept a return (new lead, fresh clocks) or reject it"),
    step("extension", "申请延期", DEPARTMENT, [S.DISPATCHED, S.HANDLING], STAYS, LEAD,
         "request_extension", ExtensionBody,
         "Ask for more working days before the reply deadline (延期)"),
    step("extension-review", "审核延期", AGENT, [S.DISPATCHED, S.HANDLING], STAYS, ANY,
         "review_extension", ExtensionReviewBody, "Approve or refuse an extension"),
    # 挂起: the clocks stand still while the ticket waits on something outside the lead.
    step("suspend", "申请挂起", DEPARTMENT, [S.HANDLING], STAYS, LEAD,
         "request_suspension", SuspensionBody,
         "Ask to suspend the clocks (挂起): a reason from the policy's list and the expected "
         "resume date"),
    step("suspension-review", "审核挂起", AGENT, [S.HANDLING], [S.SUSPENDED], ANY,
         "review_suspension", SuspensionReviewBody,
         "Approve a suspension (the clocks stand still) or refuse it"),
    step("resume", "恢复办理", [Role.DEPARTMENT, Role.AGENT], [S.SUSPENDED], [S.HANDLING], LEAD,
         "resume", ResumeBody,
         "Resume a suspended ticket: its clocks run on with the time they had left"),
    step("merge", "并单", AGENT, OPEN, [S.CLOSED], ANY,
         "merge", MergeBody, "Merge this duplicate into an earlier ticket (并单)"),
    step("withdraw", "撤诉", AGENT, OPEN, [S.CLOSED], ANY,
         "withdraw", WithdrawBody, "The citizen withdraws the request (撤诉)"),
    step("transfer-110", "转110", AGENT, [S.RECEIVED, S.RETURNED], [S.AWAITING_110], ANY,
         "transfer_110", Transfer110Body,
         "Hand over to the 110 police line; it waits for 110 to accept or hand it back"),
    # 110's answer, from its integration or recorded by an agent who took 110's call.
    step("police-accept", "110受理", [Role.AGENT, Role.INTEGRATOR], [S.AWAITING_110],
         [S.CLOSED], ANY, "accept_for_110", PoliceAcceptBody,
         "110 accepts the transferred ticket (警情编号); closed as transferred_110"),
    step("police-hand-back", "110退回", [Role.AGENT, Role.INTEGRATOR], [S.AWAITING_110],
         [S.RECEIVED, S.RETURNED], ANY, "hand_back_from_110", PoliceHandBackBody,
         "110 hands it back as not a police matter: to the centre's queue, with the reason"),
    step("reject", "不予受理", AGENT, [S.RECEIVED], [S.CLOSED], ANY,
         "reject", RejectBody, "Out of scope (不予受理); closed as rejected"),
    # -- the ladder by hand (督办 → 联席会议 → 纪委监委; rungs in schema.ladder) ---------
    step("supervise", "督办", SUPERVISOR, [S.DISPATCHED, S.HANDLING], STAYS, ANY,
         "supervise", SuperviseBody,
         "Raise the ladder one rung by hand (督办): a blue order, then orange, red, then a "
         "named leader"),
    # A township or street leading the ticket may blow the whistle (the API checks the kind).
    step("joint-meeting", "召开联席会议", [Role.SUPERVISOR, Role.AGENT, Role.DEPARTMENT],
         [S.RECEIVED, S.DISPATCHED, S.HANDLING, S.RETURNED], STAYS, LEAD,
         "convene_joint_meeting", JointMeetingBody,
         "Summon departments to a joint meeting (联席会议 / 吹哨报到), a child workflow"),
    step("discipline-referral", "移送纪委监委", SUPERVISOR, OPEN, STAYS, ANY,
         "refer_to_discipline", DisciplineReferralBody,
         "Refer the lead (or a named) department to the discipline commission (纪委监委)"),
)
# fmt: on

BY_ACTION = {row.action: row for row in PROCESS}

# -- each row's check and effect, registered by its stage module ----------------------

CHECKS: dict[str, Check] = {}
EFFECTS: dict[str, Effect] = {}  # 并单 (merge) has none: the workflow asks the target first

_C = TypeVar("_C", bound="Check")
_E = TypeVar("_E", bound="Effect")


def check(action: str) -> Callable[[_C], _C]:
    """Register the decorated function as the check of the row ``action``."""

    def register(function: _C) -> _C:
        _not_yet(CHECKS, "check", action)
        CHECKS[action] = function
        return function

    return register


def effect(action: str) -> Callable[[_E], _E]:
    """Register the decorated coroutine function as the effect of the row ``action``."""

    def register(function: _E) -> _E:
        _not_yet(EFFECTS, "effect", action)
        EFFECTS[action] = function
        return function

    return register


def _not_yet(registry: Mapping[str, object], what: str, action: str) -> None:
    if action not in BY_ACTION:
        raise LookupError(f"no row '{action}' in the process table for this {what}")
    # A second registration means a stage module was imported twice (e.g. afresh inside a
    # workflow sandbox, where it must be passed through like this module): refuse it.
    if action in registry:
        raise RuntimeError(f"the {what} of '{action}' is registered twice")


_F = TypeVar("_F")


def _registered(registry: Mapping[str, _F], what: str, action: str) -> _F:
    try:
        return registry[action]
    except KeyError:
        raise LookupError(
            f"'{action}' has no {what} registered: its stage module is not imported"
        ) from None
