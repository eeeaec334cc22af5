"""The ticket workflow: one durable execution per 12345 ticket (工单), id ``ticket-<no>``.

An entity workflow (docs/architecture.md): its run loop sleeps until the next deadline
rung and climbs the ladder when it passes, while updates and signals move the ticket
through the process table (``process``). Every update is validated first (its row's
check), so a refused action never enters history; accepted ones run one at a time under
a lock, apply their row's effect, start or cancel the children it asks for, then publish
the new state before answering. Each row's check and effect are in its stage module (``STAGES``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from schema.action_bodies import (
    DepartmentReplySignal,
    DuplicateMergedSignal,
    MergeBody,
    RatingBody,
    ReplyBody,
)
from schema.activity_io import DuplicateClaim
from schema.escalation import DisciplineReferralStart, EscalationNews, LeaderAssignment
from schema.ticket import Actor, Role, TicketStatus, TicketView, TimelineAction
from workflows import activity_calls as calls
from workflows.refusals import RefusalType
from workflows.ticket import (
    children,
    closing,
    delegation,
    evidence,
    extension,
    handling,
    ladder,
    legacy,
    police,
    registration,
    rules,
    suspension,
)
from workflows.ticket.deadlines import due_for
from workflows.ticket.handlers import TicketUpdate, action_update
from workflows.ticket.legacy import escalation_ladder as before_tiers
from workflows.ticket.legacy import merge_claims_target as before_claims
from workflows.ticket.news import (
    ABSORB_DUPLICATE_UPDATE,
    ASSIGN_LEADER_SIGNAL,
    ESCALATION_NEWS_SIGNAL,
)
from workflows.ticket.outcome import Outcome
from workflows.ticket.process import ProcessStep
from workflows.ticket.publishing import Publisher
from workflows.ticket.state import TicketStart, TicketState
from workflows.ticket.state.clocks import due_alarms, next_alarm
from workflows.ticket.state.projections import view

__all__ = ["STAGES", "TicketUpdate", "TicketWorkflow"]

# The stage modules of the chart: importing them registers every row's check and effect
# (``process.check``, ``process.effect``), so the table is whole wherever this class is.
STAGES = (handling, extension, delegation, suspension, closing, police, ladder, children)


@workflow.defn(name="Ticket")
class TicketWorkflow:
    @workflow.init
    def __init__(self, start: TicketStart) -> None:
        self._lock = asyncio.Lock()
        self._woken = False
        self._alarm: datetime | None = None  # the instant the run loop sleeps until
        self._merging_into: str | None = None  # while a merge waits for its target's yes
        self._publisher = Publisher()
        self._carried = start.carried is not None
        self._ready = self._carried  # intake recorded: actions may be taken
        if start.carried is not None:  # continued as new: already registered
            self.ticket = start.carried
            return
        now = workflow.now()
        self.ticket = TicketState(
            ticket_no=start.ticket_no,
            intake=start.intake,
            created_by=start.created_by,
            index_search_attributes=start.index_search_attributes,
            generation=start.generation,
            reopened=start.reopened,
            created_at=now,
            updated_at=now,
        )

    @workflow.run
    async def run(self, start: TicketStart) -> TicketView:
        self._publisher.entered()
        async with self._lock:
            if self._carried:
                await registration.refresh_working_days(self.ticket)
            else:
                await registration.register(self.ticket)
                await self._publisher.publish(self.ticket)
        self._ready = True
        while self.ticket.status is not TicketStatus.CLOSED:
            if self._history_is_long():
                await self._continue_as_new(start)
            await self._sleep_until_next_rung()
            self._publisher.entered()
            async with self._lock:
                await self._climb_due_rungs()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return view(self.ticket)

    # -- queries and the intake handshake ------------------------------------

    @workflow.query
    def state(self) -> TicketView:
        return view(self.ticket)

    @workflow.update
    async def registered(self) -> TicketView:
        """Answers once intake (policy, routing, first dispatch) is recorded: used with start."""
        await self._entered()
        return view(self.ticket)

    # -- the process table's actions, one update each ---------------------------

    dispatch = action_update("dispatch")
    sign = action_update("sign")
    report_progress = action_update("progress")
    submit_part = action_update("part")
    delegate = action_update("delegate")
    sign_delegated = action_update("delegated-sign")
    return_delegated = action_update("delegated-return")
    reply_delegated = action_update("delegated-reply")
    review_delegated_reply = action_update("delegated-review")
    reply = action_update("reply")
    rate = action_update("rating")
    review_rating = action_update("rating-review")
    answer = action_update("answer")
    return_ticket = action_update("return")
    review_return = action_update("return-review")
    request_extension = action_update("extension")
    review_extension = action_update("extension-review")
    request_suspension = action_update("suspend")
    review_suspension = action_update("suspension-review")
    resume = action_update("resume")
    withdraw = action_update("withdraw")
    transfer_110 = action_update("transfer-110")
    accept_for_110 = action_update("police-accept")
    hand_back_from_110 = action_update("police-hand-back")
    reject = action_update("reject")
    supervise = action_update("supervise")
    convene_joint_meeting = action_update("joint-meeting")
    refer_to_discipline = action_update("discipline-referral")

    def check(self, row: ProcessStep, actor: Actor, body: Any) -> None:
        row.check(self.ticket, actor, body, workflow.now())
        evidence.check_evidence(row.action, self.ticket, body)

    async def take(self, row: ProcessStep, actor: Actor, body: Any) -> TicketView:
        effect = evidence.keeping_files(legacy.effect_for(self.ticket, row.action, row.effect))
        return await self._act(
            lambda: legacy.recheck(row.action, self.ticket, actor, body, workflow.now()),
            lambda: effect(self.ticket, workflow.now(), actor, body, due_for(self.ticket)),
        )

    @workflow.update
    async def merge(self, actor: Actor, body: MergeBody) -> TicketView:
        """并单: the target is asked first and the duplicate closes only on its yes."""
        if not legacy.patched(self.ticket, before_claims.PATCH):
            return await self._act(
                lambda: self.validate_merge(actor, body),
                lambda: self._merged_as_before(actor, body),
            )
        await self._entered()
        async with self._lock:
            self.validate_merge(actor, body)
            self._merging_into = body.into
        try:
            # Without the lock: the target may be asking this ticket the same meanwhile.
            notice = DuplicateMergedSignal(
                duplicate_ticket_no=self.ticket.ticket_no, actor=actor.describe()
            )
            claim_id = f"{ABSORB_DUPLICATE_UPDATE}:{self.ticket.ticket_no}:{workflow.uuid4()}"
            claim = await calls.claim_duplicate(
                DuplicateClaim(into=body.into, notice=notice, claim_id=claim_id)
            )
            if not claim.accepted:
                raise ApplicationError(
                    f"ticket {body.into} refused the merge: {claim.reason}",
                    type=RefusalType.INVALID_STATE.value,
                    non_retryable=True,
                )
            async with self._lock:
                await self._carry_out(
                    closing.close_as_merged(self.ticket, workflow.now(), actor, body)
                )
                await self._publisher.publish(self.ticket)
        finally:
            self._merging_into = None
        self._wake()
        return view(self.ticket)

    @merge.validator
    def validate_merge(self, actor: Actor, body: MergeBody) -> None:
        closing.check_merge(self.ticket, actor, body, workflow.now())
        rules.check_not_merging(self.ticket, self._merging_into)

    async def _merged_as_before(self, actor: Actor, body: MergeBody) -> Outcome:
        await before_claims.close_then_tell(self.ticket, actor, body, self._carry_out)
        return Outcome()

    @workflow.update(name=ABSORB_DUPLICATE_UPDATE)
    async def absorb_duplicate(self, notice: DuplicateMergedSignal) -> TicketView:
        """A duplicate asks to be merged into this ticket (``activities.merging``)."""
        return await self._act(
            lambda: self.validate_absorb_duplicate(notice),
            lambda: self._noted(notice),
            while_merging=True,
        )

    @absorb_duplicate.validator
    def validate_absorb_duplicate(self, notice: DuplicateMergedSignal) -> None:
        closing.check_absorb(self.ticket, notice, self._merging_into)

    async def _noted(self, notice: DuplicateMergedSignal) -> Outcome:
        closing.note_duplicate(self.ticket, workflow.now(), notice)
        return Outcome()

    # -- signals, for integrations that talk to Temporal directly -------------

    @workflow.signal
    async def department_reply(self, body: DepartmentReplySignal) -> None:
        actor = Actor(sub=body.sub, role=Role.DEPARTMENT, department=body.department)
        reply = ReplyBody(outcome=body.outcome, content=body.content)
        await self._act_on_signal(
            "department_reply",
            lambda: closing.check_reply(self.ticket, actor, reply, workflow.now()),
            lambda: closing.reply(self.ticket, workflow.now(), actor, reply, due_for(self.ticket)),
        )

    @workflow.signal
    async def citizen_rating(self, body: RatingBody) -> None:
        actor = Actor(sub="citizen_rating", role=Role.INTEGRATOR)
        await self._act_on_signal(
            "citizen_rating",
            lambda: closing.check_rating(self.ticket, actor, body, workflow.now()),
            lambda: closing.rate(self.ticket, workflow.now(), actor, body, due_for(self.ticket)),
        )

    @workflow.signal(name=before_claims.DUPLICATE_MERGED_SIGNAL)
    async def duplicate_merged(self, notice: DuplicateMergedSignal) -> None:
        """How duplicates merged before the ``merge-claims-target`` patch told their target."""
        await self._act_on_signal("duplicate_merged", lambda: None, lambda: self._noted(notice))

    @workflow.signal(name=ESCALATION_NEWS_SIGNAL)
    async def escalation_news(self, news: EscalationNews) -> None:
        """From this ticket's joint meetings and discipline referrals (``news``)."""
        await self._act_on_signal(
            ESCALATION_NEWS_SIGNAL,
            lambda: None,
            lambda: children.take_news(self.ticket, workflow.now(), news, due_for(self.ticket)),
        )

    @workflow.signal(name=ASSIGN_LEADER_SIGNAL)
    async def assign_leader(self, order: LeaderAssignment) -> None:
        """The dispatch meeting names a leader for this hard ticket (领导督办)."""
        await self._act_on_signal(
            ASSIGN_LEADER_SIGNAL,
            lambda: ladder.check_leader_assignment(self.ticket),
            lambda: ladder.assign_leader(self.ticket, workflow.now(), order, due_for(self.ticket)),
        )

    # -- how every message is handled -----------------------------------------

    async def _entered(self) -> None:
        self._publisher.entered()  # orders the publications of two attempts at one task
        await workflow.wait_condition(lambda: self._ready)

    async def _act(
        self,
        check: Callable[[], None],
        apply: Callable[[], Awaitable[Outcome]],
        *,
        while_merging: bool = False,
    ) -> TicketView:
        await self._entered()
        async with self._lock:
            check()  # again: another handler may have moved the ticket since validation
            if not while_merging:  # a merge waiting for its target's yes holds the ticket
                rules.check_not_merging(self.ticket, self._merging_into)
            await self._carry_out(await apply())
            await self._publisher.publish(self.ticket)
        self._wake()
        return view(self.ticket)

    async def _act_on_signal(
        self, name: str, check: Callable[[], None], apply: Callable[[], Awaitable[Outcome]]
    ) -> None:
        """Like ``_act``, but a refusal is recorded as an event instead of raised."""
        await self._entered()
        async with self._lock:
            try:
                check()
            except ApplicationError as refusal:
                self.ticket.log(
                    workflow.now(),
                    f"signal:{name}",
                    TimelineAction.SIGNAL_REJECTED,
                    signal=name,
                    reason=refusal.message,
                    refusal=refusal.type,
                )
            else:
                await self._carry_out(await apply())
            await self._publisher.publish(self.ticket)
        self._wake()

    async def _carry_out(self, outcome: Outcome | None) -> None:
        """Start the children an effect raised, cancel the ones it ended."""
        for child in outcome.children if outcome else []:
            referral = isinstance(child, DisciplineReferralStart)
            # Closing the ticket cancels a meeting explicitly; continue-as-new must not, and
            # a discipline referral outlives the ticket.
            await workflow.start_child_workflow(
                "DisciplineReferral" if referral else "JointMeeting",
                child,
                id=child.workflow_id,
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                static_summary=children.summary(child) if legacy.lean(self.ticket) else None,
            )
        for workflow_id in outcome.cancel if outcome else []:
            await workflow.get_external_workflow_handle(workflow_id).cancel()

    # -- bounded history ----------------------------------------------------------

    def _history_is_long(self) -> bool:
        info = workflow.info()
        limit = self.ticket.require_policy().history_event_limit
        return info.is_continue_as_new_suggested() or info.get_current_history_length() >= limit

    async def _continue_as_new(self, start: TicketStart) -> None:
        """Start a fresh history with the whole state; clocks re-arm from the carried deadlines."""
        await workflow.wait_condition(workflow.all_handlers_finished)  # no accepted action is cut
        self.ticket.runs_before += 1
        workflow.continue_as_new(start.model_copy(update={"carried": self.ticket}))

    # -- deadlines and the ladder -----------------------------------------------

    def _wake(self) -> None:
        """After an action. A lean ticket's run loop wakes only if its alarm moved, it closed
        or its history grew long: re-arming the same instant costs two timer events."""
        ticket = self.ticket
        moved = next_alarm(ticket) != self._alarm or ticket.status is TicketStatus.CLOSED
        if not legacy.lean(ticket) or moved or self._history_is_long():
            self._woken = True

    async def _sleep_until_next_rung(self) -> None:
        self._woken = False
        next_at = self._alarm = next_alarm(self.ticket)
        if next_at is None:
            await workflow.wait_condition(lambda: self._woken)
            return
        delay = next_at - workflow.now()
        if delay.total_seconds() <= 0:
            return
        if not legacy.lean(self.ticket):
            with contextlib.suppress(TimeoutError):  # the rung is due: the caller climbs it
                await workflow.wait_condition(lambda: self._woken, timeout=delay)
            return
        timer = asyncio.ensure_future(workflow.sleep(delay))
        await workflow.wait_condition(lambda: self._woken or timer.done())
        # A closed ticket's run ends with its timer pending: one event fewer than cancelling.
        if not timer.done() and self.ticket.status is not TicketStatus.CLOSED:
            timer.cancel()

    async def _climb_due_rungs(self) -> None:
        due = due_alarms(self.ticket, workflow.now())
        for clock, rung in due:
            if self.ticket.status is TicketStatus.CLOSED:
                break
            clock.fired.append(rung)
            tiered = lambda: legacy.patched(self.ticket, before_tiers.PATCH)  # noqa: E731
            await self._carry_out(
                await ladder.climb(
                    self.ticket,
                    workflow.now(),
                    clock,
                    rung,
                    due_for(self.ticket),
                    tiered,
                    lambda patch: legacy.patched(self.ticket, patch),
                )
            )
        if due:
            await self._publisher.publish(self.ticket)
