"""The ticket workflow: one durable execution per 12345 ticket (工单), id ``ticket-<no>``.

Shape (docs/design.md): an entity workflow whose main loop sleeps until the next
deadline rung and climbs the ladder when it passes, while updates and signals move
the ticket through domain.md §2. Every handler validates first (``ticket_rules``),
so a refused action never enters history; accepted ones run one at a time under a
lock, then publish the new state to the read model before answering.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate
from temporalio.exceptions import ApplicationError

from hotline.request_context import REQUEST_ID
from schema.activity_io import (
    DueItem,
    DueQuery,
    DuplicateClaim,
    Publication,
    RouteQuery,
    Transition,
)
from schema.escalation import (
    DisciplineReferralBody,
    EscalationKind,
    EscalationNews,
    EscalationOutcome,
    JointMeetingBody,
    LeaderAssignment,
    SuperviseBody,
)
from schema.ticket import (
    Actor,
    AnswerBody,
    ClosureReason,
    DepartmentReplySignal,
    DispatchBody,
    DuplicateMergedSignal,
    ExtensionBody,
    ExtensionReviewBody,
    MergeBody,
    PendingReview,
    ProgressBody,
    Rating,
    RatingBody,
    RatingReviewBody,
    RejectBody,
    ReplyBody,
    ReturnBody,
    ReturnReviewBody,
    Role,
    SignBody,
    TicketStatus,
    TicketView,
    TimelineAction,
    TimelineEvent,
    Transfer110Body,
    WithdrawBody,
)
from workflows import activity_calls as calls
from workflows import search_attributes as attrs
from workflows import ticket_rules as rules
from workflows.escalation_ladder import EscalationLadder
from workflows.ids import ticket_workflow_id
from workflows.ticket_news import (
    ABSORB_DUPLICATE_UPDATE,
    ASSIGN_LEADER_SIGNAL,
    CENTRE,
    ESCALATION_NEWS_SIGNAL,
    SUPERVISORS,
)
from workflows.ticket_state import (
    RUNG_LEVEL,
    PendingExtension,
    Rung,
    Step,
    StepClock,
    TicketStart,
    TicketState,
)

SYSTEM = "system"
CITIZEN = "citizen"  # the ticket's citizen, reached by whichever sender carries SMS

# Patches (docs/architecture.md, "Changing workflow code while tickets are open"):
PUBLISH_IN_ONE_LOCAL_ACTIVITY = "publish-in-one-local-activity"
# Supervision orders get their own deadline and harden blue → orange → red → leader.
ESCALATION_LADDER = "escalation-ladder"
# A merge asks its target first (an update) and closes only on a yes, instead of closing
# and then signalling: two tickets merged into each other no longer both close.
MERGE_CLAIMS_TARGET = "merge-claims-target"

# A publication's fence grows with every workflow task, attempts included, and across
# continue-as-new (activities.read_model): runs count above any one history's length.
FENCE_PER_RUN = 10_000_000

# The rungs a step's completion (or a re-dispatch) ends.
STEP_RUNGS = (EscalationKind.WARNING, EscalationKind.REMINDER)
ORDER_RUNGS = (
    EscalationKind.WARNING,
    EscalationKind.REMINDER,
    EscalationKind.SUPERVISION_ORDER,
    EscalationKind.LEADER_SUPERVISION,
)

Apply = Callable[[datetime], Awaitable[object]]  # what a transition returns is not used
TicketUpdate = workflow.UpdateMethodMultiParam[..., TicketView]
"""Any action update of the ticket workflow (actor and body in, the ticket out)."""


@workflow.defn(name="Ticket")
class TicketWorkflow(EscalationLadder):
    @workflow.init
    def __init__(self, start: TicketStart) -> None:
        self._lock = asyncio.Lock()
        self._woken = False
        self._merging_into: str | None = None  # while a merge waits for its target's yes
        self._indexed: dict[str, Any] = {}
        if start.carried is not None:  # continued as new: already registered
            self.ticket = start.carried
            self._ready = True
            return
        self._ready = False
        now = workflow.now()
        self.ticket = TicketState(
            ticket_no=start.ticket_no,
            intake=start.intake,
            created_by=start.created_by,
            index_search_attributes=start.index_search_attributes,
            created_at=now,
            updated_at=now,
        )

    @workflow.run
    async def run(self, start: TicketStart) -> TicketView:
        if not self._ready:
            async with self._lock:
                await self._register()
            self._ready = True
        while self.ticket.status is not TicketStatus.CLOSED:
            if self._history_is_long():
                await self._continue_as_new(start)
            await self._sleep_until_next_rung()
            async with self._lock:
                await self._climb_due_rungs()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.ticket.view()

    # -- queries and the intake handshake ------------------------------------

    @workflow.query
    def state(self) -> TicketView:
        return self.ticket.view()

    @workflow.update
    async def registered(self) -> TicketView:
        """Answers once intake (policy, routing, first dispatch) is recorded: used with start."""
        await workflow.wait_condition(lambda: self._ready)
        return self.ticket.view()

    # -- updates: one per action of docs/api.md ------------------------------

    @workflow.update
    async def answer(self, actor: Actor, body: AnswerBody) -> TicketView:
        return await self._act(
            lambda: self.validate_answer(actor, body), lambda now: self._answer(now, actor, body)
        )

    @answer.validator
    def validate_answer(self, actor: Actor, body: AnswerBody) -> None:
        rules.check_action("answer", self.ticket, actor)

    @workflow.update
    async def transfer_110(self, actor: Actor, body: Transfer110Body) -> TicketView:
        return await self._act(
            lambda: self.validate_transfer_110(actor, body),
            lambda now: self._close(
                now, actor.describe(), ClosureReason.TRANSFERRED_110, reason=body.reason
            ),
        )

    @transfer_110.validator
    def validate_transfer_110(self, actor: Actor, body: Transfer110Body) -> None:
        rules.check_action("transfer-110", self.ticket, actor)

    @workflow.update
    async def reject(self, actor: Actor, body: RejectBody) -> TicketView:
        return await self._act(
            lambda: self.validate_reject(actor, body),
            lambda now: self._close(
                now, actor.describe(), ClosureReason.REJECTED, reason=body.reason
            ),
        )

    @reject.validator
    def validate_reject(self, actor: Actor, body: RejectBody) -> None:
        rules.check_action("reject", self.ticket, actor)

    @workflow.update
    async def dispatch(self, actor: Actor, body: DispatchBody) -> TicketView:
        return await self._act(
            lambda: self.validate_dispatch(actor, body),
            lambda now: self._dispatch(
                now, actor.describe(), body.lead, body.assisting, note=body.note
            ),
        )

    @dispatch.validator
    def validate_dispatch(self, actor: Actor, body: DispatchBody) -> None:
        rules.check_dispatch(self.ticket, actor, body)

    @workflow.update
    async def sign(self, actor: Actor, body: SignBody) -> TicketView:
        return await self._act(
            lambda: self.validate_sign(actor, body), lambda now: self._sign(now, actor, body)
        )

    @sign.validator
    def validate_sign(self, actor: Actor, body: SignBody) -> None:
        rules.check_action("sign", self.ticket, actor)

    @workflow.update
    async def return_ticket(self, actor: Actor, body: ReturnBody) -> TicketView:
        return await self._act(
            lambda: self.validate_return_ticket(actor, body),
            lambda now: self._return(now, actor, body),
        )

    @return_ticket.validator
    def validate_return_ticket(self, actor: Actor, body: ReturnBody) -> None:
        rules.check_return(self.ticket, actor, workflow.now())

    @workflow.update
    async def review_return(self, actor: Actor, body: ReturnReviewBody) -> TicketView:
        return await self._act(
            lambda: self.validate_review_return(actor, body),
            lambda now: self._review_return(now, actor, body),
        )

    @review_return.validator
    def validate_review_return(self, actor: Actor, body: ReturnReviewBody) -> None:
        rules.check_return_review(self.ticket, actor, body)

    @workflow.update
    async def report_progress(self, actor: Actor, body: ProgressBody) -> TicketView:
        return await self._act(
            lambda: self.validate_report_progress(actor, body),
            lambda now: self._progress(now, actor, body),
        )

    @report_progress.validator
    def validate_report_progress(self, actor: Actor, body: ProgressBody) -> None:
        rules.check_action("progress", self.ticket, actor)

    @workflow.update
    async def request_extension(self, actor: Actor, body: ExtensionBody) -> TicketView:
        return await self._act(
            lambda: self.validate_request_extension(actor, body),
            lambda now: self._request_extension(now, actor, body),
        )

    @request_extension.validator
    def validate_request_extension(self, actor: Actor, body: ExtensionBody) -> None:
        rules.check_extension(self.ticket, actor, body, workflow.now())

    @workflow.update
    async def review_extension(self, actor: Actor, body: ExtensionReviewBody) -> TicketView:
        return await self._act(
            lambda: self.validate_review_extension(actor, body),
            lambda now: self._review_extension(now, actor, body),
        )

    @review_extension.validator
    def validate_review_extension(self, actor: Actor, body: ExtensionReviewBody) -> None:
        rules.check_extension_review(self.ticket, actor)

    @workflow.update
    async def reply(self, actor: Actor, body: ReplyBody) -> TicketView:
        return await self._act(
            lambda: self.validate_reply(actor, body), lambda now: self._reply(now, actor, body)
        )

    @reply.validator
    def validate_reply(self, actor: Actor, body: ReplyBody) -> None:
        rules.check_reply(self.ticket, actor)

    @workflow.update
    async def rate(self, actor: Actor, body: RatingBody) -> TicketView:
        return await self._act(
            lambda: self.validate_rate(actor, body), lambda now: self._rate(now, actor, body)
        )

    @rate.validator
    def validate_rate(self, actor: Actor, body: RatingBody) -> None:
        rules.check_rating(self.ticket, actor)

    @workflow.update
    async def review_rating(self, actor: Actor, body: RatingReviewBody) -> TicketView:
        return await self._act(
            lambda: self.validate_review_rating(actor, body),
            lambda now: self._review_rating(now, actor, body),
        )

    @review_rating.validator
    def validate_review_rating(self, actor: Actor, body: RatingReviewBody) -> None:
        rules.check_rating_review(self.ticket, actor)

    @workflow.update
    async def merge(self, actor: Actor, body: MergeBody) -> TicketView:
        if not workflow.patched(MERGE_CLAIMS_TARGET):
            return await self._act(
                lambda: self.validate_merge(actor, body),
                lambda now: self._merge_then_tell(now, actor, body),
            )
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            self.validate_merge(actor, body)
            self._merging_into = body.into
        try:
            # Without the lock: the target may be asking this ticket the same meanwhile.
            claim = await calls.claim_duplicate(
                DuplicateClaim(
                    into=body.into,
                    notice=DuplicateMergedSignal(
                        duplicate_ticket_no=self.ticket.ticket_no, actor=actor.describe()
                    ),
                    claim_id=f"{ABSORB_DUPLICATE_UPDATE}:{self.ticket.ticket_no}:{workflow.uuid4()}",
                )
            )
            if not claim.accepted:
                raise ApplicationError(
                    f"ticket {body.into} refused the merge: {claim.reason}",
                    type=rules.RefusalType.INVALID_STATE.value,
                    non_retryable=True,
                )
            async with self._lock:
                await self._close_as_merged(workflow.now(), actor, body)
                await self._publish()
        finally:
            self._merging_into = None
        self._woken = True
        return self.ticket.view()

    @merge.validator
    def validate_merge(self, actor: Actor, body: MergeBody) -> None:
        rules.check_merge(self.ticket, actor, body)
        rules.check_not_merging(self.ticket, self._merging_into)

    @workflow.update(name=ABSORB_DUPLICATE_UPDATE)
    async def absorb_duplicate(self, notice: DuplicateMergedSignal) -> TicketView:
        """A duplicate asks to be merged into this ticket (``activities.merging``)."""
        return await self._act(
            lambda: self.validate_absorb_duplicate(notice),
            lambda now: self._note_duplicate(now, notice),
            while_merging=True,
        )

    @absorb_duplicate.validator
    def validate_absorb_duplicate(self, notice: DuplicateMergedSignal) -> None:
        rules.check_absorb(self.ticket, notice, self._merging_into)

    @workflow.update
    async def withdraw(self, actor: Actor, body: WithdrawBody) -> TicketView:
        return await self._act(
            lambda: self.validate_withdraw(actor, body),
            lambda now: self._close(
                now, actor.describe(), ClosureReason.WITHDRAWN, reason=body.reason
            ),
        )

    @withdraw.validator
    def validate_withdraw(self, actor: Actor, body: WithdrawBody) -> None:
        rules.check_action("withdraw", self.ticket, actor)

    # -- the escalation ladder, by hand (督办, 联席会议, 纪委监委) ---------------------

    @workflow.update
    async def supervise(self, actor: Actor, body: SuperviseBody) -> TicketView:
        return await self._act(
            lambda: self.validate_supervise(actor, body),
            lambda now: self._raise_order(
                now, actor.describe(), body.note, due=body.due, leader=body.leader
            ),
        )

    @supervise.validator
    def validate_supervise(self, actor: Actor, body: SuperviseBody) -> None:
        rules.check_supervise(self.ticket, actor, body, workflow.now())

    @workflow.update
    async def convene_joint_meeting(self, actor: Actor, body: JointMeetingBody) -> TicketView:
        return await self._act(
            lambda: self.validate_convene_joint_meeting(actor, body),
            lambda now: self._convene_meeting(now, actor.describe(), body.departments, body.agenda),
        )

    @convene_joint_meeting.validator
    def validate_convene_joint_meeting(self, actor: Actor, body: JointMeetingBody) -> None:
        rules.check_joint_meeting(self.ticket, actor)

    @workflow.update
    async def refer_to_discipline(self, actor: Actor, body: DisciplineReferralBody) -> TicketView:
        return await self._act(
            lambda: self.validate_refer_to_discipline(actor, body),
            lambda now: self._refer(
                now,
                actor.describe(),
                body.department or self.ticket.lead_department or "",
                body.reason,
            ),
        )

    @refer_to_discipline.validator
    def validate_refer_to_discipline(self, actor: Actor, body: DisciplineReferralBody) -> None:
        rules.check_discipline_referral(self.ticket, actor, body)

    # -- signals, for integrations that talk to Temporal directly -------------

    @workflow.signal
    async def department_reply(self, body: DepartmentReplySignal) -> None:
        actor = Actor(sub=body.sub, role=Role.DEPARTMENT, department=body.department)
        reply = ReplyBody(outcome=body.outcome, content=body.content)
        await self._act_on_signal(
            "department_reply",
            lambda: rules.check_reply(self.ticket, actor),
            lambda now: self._reply(now, actor, reply),
        )

    @workflow.signal
    async def citizen_rating(self, body: RatingBody) -> None:
        actor = Actor(sub="citizen_rating", role=Role.INTEGRATOR)
        await self._act_on_signal(
            "citizen_rating",
            lambda: rules.check_rating(self.ticket, actor),
            lambda now: self._rate(now, actor, body),
        )

    @workflow.signal
    async def duplicate_merged(self, notice: DuplicateMergedSignal) -> None:
        """How duplicates merged before the ``merge-claims-target`` patch told their target."""
        await self._act_on_signal(
            "duplicate_merged", lambda: None, lambda now: self._note_duplicate(now, notice)
        )

    async def _note_duplicate(self, now: datetime, notice: DuplicateMergedSignal) -> None:
        event = self.ticket.log(
            now, notice.actor, TimelineAction.DUPLICATE_MERGED, duplicate=notice.duplicate_ticket_no
        )
        self.ticket.notify(
            event,
            CITIZEN,
            f"A request like yours ({notice.duplicate_ticket_no}) was joined to "
            f"your ticket {self.ticket.ticket_no}.",
        )

    @workflow.signal(name=ESCALATION_NEWS_SIGNAL)
    async def escalation_news(self, news: EscalationNews) -> None:
        """From this ticket's joint meetings and discipline referrals (``ticket_news``)."""
        await self._act_on_signal(
            ESCALATION_NEWS_SIGNAL, lambda: None, lambda now: self._take_news(now, news)
        )

    @workflow.signal(name=ASSIGN_LEADER_SIGNAL)
    async def assign_leader(self, order: LeaderAssignment) -> None:
        """The dispatch meeting names a leader for this hard ticket (领导督办)."""
        await self._act_on_signal(
            ASSIGN_LEADER_SIGNAL,
            lambda: rules.check_leader_assignment(self.ticket),
            lambda now: self._raise_leader_supervision(
                now, order.actor, order.reason, due=None, leader=order.leader
            ),
        )

    # -- how every message is handled -----------------------------------------

    async def _act(
        self, check: Callable[[], None], apply: Apply, *, while_merging: bool = False
    ) -> TicketView:
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            check()  # again: another handler may have moved the ticket since validation
            if not while_merging:  # a merge waiting for its target's yes holds the ticket
                rules.check_not_merging(self.ticket, self._merging_into)
            await apply(workflow.now())
            await self._publish()
        self._woken = True
        return self.ticket.view()

    async def _act_on_signal(self, name: str, check: Callable[[], None], apply: Apply) -> None:
        """Like ``_act``, but a refusal is recorded as an event instead of raised."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            now = workflow.now()
            try:
                check()
            except ApplicationError as refusal:
                self.ticket.log(
                    now,
                    f"signal:{name}",
                    TimelineAction.SIGNAL_REJECTED,
                    signal=name,
                    reason=refusal.message,
                    refusal=refusal.type,
                )
            else:
                await apply(now)
            await self._publish()
        self._woken = True

    # -- transitions -----------------------------------------------------------

    async def _register(self) -> None:
        s = self.ticket
        s.policy = await calls.load_policy()
        intake = s.intake
        s.log(
            s.created_at,
            s.created_by,
            TimelineAction.RECEIVED,
            channel=intake.channel,
            type=intake.type,
            category=intake.category,
            urgency=intake.urgency,
            district=intake.district,
            enterprise=intake.enterprise,
            policy=s.policy.name,
        )
        route = await calls.route_request(
            RouteQuery(category=intake.category, district=intake.district)
        )
        now = workflow.now()
        if route is not None:
            await self._dispatch(
                now,
                SYSTEM,
                route.lead,
                route.assisting,
                note="routed by the dispatch catalogue",
                rule_id=route.rule_id,
                fallback=route.fallback,
            )
        else:
            span = s.require_policy().dispatch.for_urgency(intake.urgency)
            due = await self._due_instants([DueItem(key="dispatch", span=span, start=s.created_at)])
            s.clocks[Step.DISPATCH] = StepClock(
                step=Step.DISPATCH, started_at=s.created_at, due_at=due["dispatch"]
            )
            event = s.log(
                now,
                SYSTEM,
                TimelineAction.AWAITING_DISPATCH,
                reason="the dispatch catalogue has no rule for this category",
                due=due["dispatch"].isoformat(),
            )
            s.notify(
                event,
                CENTRE,
                f"Ticket {s.ticket_no} ({intake.category}, "
                f"{intake.district}) needs manual dispatch",
            )
        await self._publish()

    async def _dispatch(
        self,
        now: datetime,
        actor: str,
        lead: str,
        assisting: list[str],
        note: str | None,
        **detail: Any,
    ) -> None:
        """派单: to a lead (and assisting) departments, with fresh sign and reply clocks."""
        s = self.ticket
        # The dispatch the centre owed is done; rungs against the previous lead are moot.
        s.end_open_escalations(now, EscalationOutcome.DONE, actor, STEP_RUNGS, Step.DISPATCH)
        s.end_open_escalations(now, EscalationOutcome.SUPERSEDED, actor, ORDER_RUNGS)
        policy = s.require_policy()
        urgency = s.intake.urgency
        due = await self._due_instants(
            [
                DueItem(key="sign", span=policy.sign.for_urgency(urgency), start=now),
                DueItem(key="reply", span=policy.reply.for_urgency(urgency), start=now),
                DueItem(key="return_until", span=policy.return_window, start=now),
                DueItem(key="sign_supervision", span=policy.supervision_grace, after="sign"),
                DueItem(key="reply_supervision", span=policy.supervision_grace, after="reply"),
            ]
        )
        s.clocks = {
            Step.SIGN: StepClock(
                step=Step.SIGN,
                started_at=now,
                due_at=due["sign"],
                supervise_at=due["sign_supervision"],
            ),
            Step.REPLY: StepClock(
                step=Step.REPLY,
                started_at=now,
                due_at=due["reply"],
                supervise_at=due["reply_supervision"],
            ),
        }
        s.other_deadlines = {"return_until": due["return_until"]}
        s.status = TicketStatus.DISPATCHED
        s.lead_department = lead
        s.assisting_departments = list(assisting)
        s.hop += 1
        s.extension_days_granted = 0
        s.signed_at = None
        s.dispatched_at = s.dispatched_at or now
        event = s.log(
            now,
            actor,
            TimelineAction.DISPATCHED,
            lead=lead,
            assisting=list(assisting),
            hop=s.hop,
            note=note,
            sign_due=due["sign"].isoformat(),
            reply_due=due["reply"].isoformat(),
            **detail,
        )
        subject = f"ticket {s.ticket_no} ({s.intake.category}, {s.intake.district})"
        s.notify(
            event,
            lead,
            f"New {subject}: you lead; sign by {due['sign'].isoformat()}, "
            f"reply by {due['reply'].isoformat()}",
        )
        for code in assisting:
            s.notify(event, code, f"New {subject}: you assist {lead}")

    async def _answer(self, now: datetime, actor: Actor, body: AnswerBody) -> None:
        self.ticket.clocks.pop(Step.DISPATCH, None)
        self.ticket.log(now, actor.describe(), TimelineAction.ANSWERED, content=body.content)
        self.ticket.replied_at = now
        await self._start_callback(now)

    async def _sign(self, now: datetime, actor: Actor, body: SignBody) -> None:
        s = self.ticket
        s.status = TicketStatus.HANDLING
        s.signed_at = now
        s.clocks.pop(Step.SIGN, None)
        s.end_open_escalations(now, EscalationOutcome.DONE, actor.describe(), STEP_RUNGS, Step.SIGN)
        s.log(now, actor.describe(), TimelineAction.SIGNED, note=body.note)

    async def _return(self, now: datetime, actor: Actor, body: ReturnBody) -> None:
        s = self.ticket
        s.status_before_return = s.status
        s.status = TicketStatus.RETURNED
        s.pending_review = PendingReview.RETURN
        s.return_count += 1
        event = s.log(
            now,
            actor.describe(),
            TimelineAction.RETURNED,
            reason=body.reason,
            legal_basis=body.legal_basis,
        )
        s.notify(
            event, CENTRE, f"Ticket {s.ticket_no} returned by {s.lead_department}: {body.reason}"
        )

    async def _review_return(self, now: datetime, actor: Actor, body: ReturnReviewBody) -> None:
        s = self.ticket
        s.pending_review = None
        previous_lead = s.lead_department
        if body.accept and body.lead is not None:
            s.log(
                now,
                actor.describe(),
                TimelineAction.RETURN_ACCEPTED,
                previous_lead=previous_lead,
                note=body.note,
            )
            await self._dispatch(now, actor.describe(), body.lead, body.assisting, note=body.note)
            return
        s.status = s.status_before_return or TicketStatus.DISPATCHED
        event = s.log(now, actor.describe(), TimelineAction.RETURN_REJECTED, note=body.note)
        if previous_lead:
            s.notify(
                event,
                previous_lead,
                f"Your return of ticket {s.ticket_no} was rejected; the deadlines run on",
            )

    async def _progress(self, now: datetime, actor: Actor, body: ProgressBody) -> None:
        self.ticket.log(now, actor.describe(), TimelineAction.PROGRESS, content=body.content)

    async def _request_extension(self, now: datetime, actor: Actor, body: ExtensionBody) -> None:
        s = self.ticket
        s.pending_extension = PendingExtension(
            working_days=body.working_days,
            reason=body.reason,
            requested_by=actor.describe(),
            requested_at=now,
        )
        s.pending_review = PendingReview.EXTENSION
        event = s.log(
            now,
            actor.describe(),
            TimelineAction.EXTENSION_REQUESTED,
            working_days=body.working_days,
            reason=body.reason,
        )
        s.notify(
            event,
            CENTRE,
            f"Ticket {s.ticket_no}: {s.lead_department} asks {body.working_days} more working days",
        )

    async def _review_extension(
        self, now: datetime, actor: Actor, body: ExtensionReviewBody
    ) -> None:
        s = self.ticket
        request = s.pending_extension
        s.pending_extension = None
        s.pending_review = None
        clock = s.clocks.get(Step.REPLY)
        if not body.approve or request is None or clock is None:
            event = s.log(now, actor.describe(), TimelineAction.EXTENSION_REFUSED, note=body.note)
            message = f"Ticket {s.ticket_no}: extension refused; the reply deadline stands"
        else:
            grace = s.require_policy().supervision_grace
            due = await self._due_instants(
                [
                    DueItem(key="reply", span=f"{request.working_days}wd", start=clock.due_at),
                    DueItem(key="reply_supervision", span=grace, after="reply"),
                ]
            )
            s.clocks[Step.REPLY] = StepClock(
                step=Step.REPLY,
                started_at=clock.started_at,
                due_at=due["reply"],
                supervise_at=due["reply_supervision"],
            )
            s.extension_days_granted += request.working_days
            s.other_deadlines.pop("supervision", None)
            event = s.log(
                now,
                actor.describe(),
                TimelineAction.EXTENSION_APPROVED,
                working_days=request.working_days,
                note=body.note,
                reply_due=due["reply"].isoformat(),
            )
            message = (
                f"Ticket {s.ticket_no}: extension approved; reply by {due['reply'].isoformat()}"
            )
        if s.lead_department:
            s.notify(event, s.lead_department, message)

    async def _reply(self, now: datetime, actor: Actor, body: ReplyBody) -> None:
        s = self.ticket
        s.replied_at = now
        s.reply_outcome = body.outcome
        s.log(
            now,
            actor.describe(),
            TimelineAction.REPLIED,
            outcome=body.outcome,
            content=body.content,
        )
        await self._start_callback(now)

    async def _start_callback(self, now: datetime) -> None:
        """回访: the citizen is called back; no rating by the deadline closes as no_rating."""
        s = self.ticket
        s.end_open_escalations(now, EscalationOutcome.DONE, SYSTEM, ORDER_RUNGS)
        due = await self._due_instants(
            [DueItem(key="callback", span=s.require_policy().callback, start=now)]
        )
        s.clocks = {
            Step.CALLBACK: StepClock(step=Step.CALLBACK, started_at=now, due_at=due["callback"])
        }
        s.other_deadlines = {}
        s.status = TicketStatus.CALLBACK
        s.rating = None

    async def _rate(self, now: datetime, actor: Actor, body: RatingBody) -> None:
        s = self.ticket
        s.rating = Rating(
            satisfaction=body.satisfaction,
            solved=body.solved,
            comment=body.comment,
            rated_at=now,
            rated_by=actor.describe(),
        )
        s.clocks.pop(Step.CALLBACK, None)
        event = s.log(
            now,
            actor.describe(),
            TimelineAction.RATED,
            satisfaction=body.satisfaction,
            solved=body.solved,
            comment=body.comment,
        )
        if rules.needs_rating_review(body.satisfaction):
            s.pending_review = PendingReview.RATING
            s.notify(event, CENTRE, f"Ticket {s.ticket_no}: the citizen is unsatisfied; review")
        else:
            await self._close(now, SYSTEM, ClosureReason.RATED)

    async def _review_rating(self, now: datetime, actor: Actor, body: RatingReviewBody) -> None:
        """Reasonable dissatisfaction: 发回重办 with a new deadline; otherwise close, excluded."""
        s = self.ticket
        s.pending_review = None
        if not body.reasonable:
            s.excluded_from_score = True
            s.log(now, actor.describe(), TimelineAction.RATING_EXCLUDED, note=body.note)
            await self._close(now, SYSTEM, ClosureReason.RATED)
            return
        policy = s.require_policy()
        due = await self._due_instants(
            [
                DueItem(key="reply", span=policy.rework, start=now),
                DueItem(key="reply_supervision", span=policy.supervision_grace, after="reply"),
            ]
        )
        s.rework_count += 1
        s.status = TicketStatus.HANDLING
        s.clocks = {
            Step.REPLY: StepClock(
                step=Step.REPLY,
                started_at=now,
                due_at=due["reply"],
                supervise_at=due["reply_supervision"],
            )
        }
        event = s.log(
            now,
            actor.describe(),
            TimelineAction.SENT_BACK_FOR_REWORK,
            note=body.note,
            rework_count=s.rework_count,
            reply_due=due["reply"].isoformat(),
        )
        if s.lead_department:
            s.notify(
                event,
                s.lead_department,
                f"Ticket {s.ticket_no} is sent back for re-handling; reply by "
                f"{due['reply'].isoformat()}",
            )

    async def _close_as_merged(self, now: datetime, actor: Actor, body: MergeBody) -> None:
        self.ticket.merged_into = body.into
        closed = await self._close(now, actor.describe(), ClosureReason.MERGED, into=body.into)
        self.ticket.notify(
            closed,
            CITIZEN,
            f"Your request {self.ticket.ticket_no} is the same "
            f"as {body.into}, which is being handled; you will "
            "hear of its outcome.",
        )

    async def _merge_then_tell(self, now: datetime, actor: Actor, body: MergeBody) -> None:
        """Before the ``merge-claims-target`` patch: close, then signal the target."""
        await self._close_as_merged(now, actor, body)
        target = workflow.get_external_workflow_handle(ticket_workflow_id(body.into))
        try:
            await target.signal(
                TicketWorkflow.duplicate_merged,
                DuplicateMergedSignal(
                    duplicate_ticket_no=self.ticket.ticket_no, actor=actor.describe()
                ),
            )
        except Exception as failure:  # the target closed meanwhile: the merge still stands
            self.ticket.log(
                workflow.now(),
                SYSTEM,
                TimelineAction.MERGE_NOTICE_FAILED,
                into=body.into,
                error=str(failure),
            )

    async def _close(
        self, now: datetime, actor: str, closure: ClosureReason, **detail: Any
    ) -> TimelineEvent:
        s = self.ticket
        s.status = TicketStatus.CLOSED
        s.closure_reason = closure
        s.closed_at = now
        s.clocks = {}
        s.other_deadlines = {}
        s.pending_review = None
        s.pending_extension = None
        s.end_open_escalations(now, EscalationOutcome.SUPERSEDED, actor, ORDER_RUNGS)
        closed = s.log(now, actor, TimelineAction.CLOSED, closure=closure, **detail)
        for meeting in s.open_escalations(EscalationKind.JOINT_MEETING):
            s.end_escalation(meeting, now, EscalationOutcome.CANCELLED, actor)
            if meeting.workflow_id:
                await workflow.get_external_workflow_handle(meeting.workflow_id).cancel()
        return closed  # an open discipline referral goes on: it outlives the ticket

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

    async def _due_instants(self, items: list[DueItem]) -> dict[str, datetime]:
        policy = self.ticket.require_policy()
        result = await calls.compute_due_instants(
            DueQuery(timezone=policy.timezone, calendar=policy.calendar, items=items)
        )
        return result.instants

    async def _due_after(self, key: str, span: str, start: datetime) -> datetime:
        """One instant ``span`` after ``start``. ``key`` names it in the recorded result, so
        a call site keeps its key for as long as its histories must replay."""
        return (await self._due_instants([DueItem(key=key, span=span, start=start)]))[key]

    async def _sleep_until_next_rung(self) -> None:
        self._woken = False
        next_at = self.ticket.next_alarm()
        if next_at is None:
            await workflow.wait_condition(lambda: self._woken)
            return
        delay = next_at - workflow.now()
        if delay.total_seconds() <= 0:
            return
        with contextlib.suppress(TimeoutError):  # the rung is due: the caller climbs it
            await workflow.wait_condition(lambda: self._woken, timeout=delay)

    async def _climb_due_rungs(self) -> None:
        due = self.ticket.due_alarms(workflow.now())
        for clock, rung in due:
            if self.ticket.status is TicketStatus.CLOSED:
                break
            clock.fired.append(rung)
            await self._climb(clock, rung)
        if due:
            await self._publish()

    async def _climb(self, clock: StepClock, rung: Rung) -> None:
        s = self.ticket
        now = workflow.now()
        actor = f"timer:{clock.step.value}"
        if rung is Rung.EXPIRY:
            await self._close(
                now, actor, ClosureReason.NO_RATING, note="no rating by the callback deadline"
            )
            return
        if rung is Rung.MISSED:  # a supervision order's or a leader's own deadline
            await self._ladder_deadline_missed(now, actor, clock)
            return
        level = RUNG_LEVEL[rung]  # raise_escalation keeps the ticket's level at the highest
        recipient = CENTRE if clock.step is Step.DISPATCH else (s.lead_department or CENTRE)
        concerned = None if clock.step is Step.DISPATCH else s.lead_department
        due_text = clock.due_at.isoformat()
        if rung is Rung.WARNING:
            s.raise_escalation(
                now,
                EscalationKind.WARNING,
                raised_by=actor,
                reason=f"the {clock.step} deadline is near",
                department=concerned,
                step=clock.step,
                due_at=clock.due_at,
            )
            event = s.log(
                now,
                actor,
                TimelineAction.DEADLINE_WARNING,
                step=clock.step,
                due=due_text,
                level=level,
            )
            s.notify(
                event,
                recipient,
                f"Ticket {s.ticket_no}: the {clock.step} deadline ({due_text}) is near",
            )
        elif rung is Rung.REMINDER:
            s.missed_deadlines += 1
            s.end_open_escalations(
                now, EscalationOutcome.ESCALATED, actor, [EscalationKind.WARNING], clock.step
            )
            s.raise_escalation(
                now,
                EscalationKind.REMINDER,
                raised_by=actor,
                reason=f"the {clock.step} deadline passed",
                department=concerned,
                step=clock.step,
                due_at=clock.due_at,
            )
            event = s.log(
                now, actor, TimelineAction.REMINDER, step=clock.step, due=due_text, level=level
            )
            s.notify(
                event,
                recipient,
                f"催办 Ticket {s.ticket_no}: the {clock.step} deadline ({due_text}) has passed",
            )
            if clock.set_by_meeting is not None and s.lead_department:
                await self._meeting_deadline_missed(now, actor, clock)
        elif workflow.patched(ESCALATION_LADDER):
            s.end_open_escalations(
                now, EscalationOutcome.ESCALATED, actor, [EscalationKind.REMINDER], clock.step
            )
            above = [
                *s.open_escalations(EscalationKind.LEADER_SUPERVISION),
                *s.open_escalations(EscalationKind.JOINT_MEETING),
            ]
            if above:  # a leader or a meeting holds the ticket already: no new blue order
                event = s.log(
                    now, actor, TimelineAction.DEADLINE_MISSED, step=clock.step, under=above[0].kind
                )
                s.notify(
                    event,
                    SUPERVISORS,
                    f"Ticket {s.ticket_no}: {clock.step} still not done under "
                    f"{above[0].kind.replace('_', ' ')}",
                )
                return
            reason = f"{clock.step} still not done"
            await self._raise_order(now, actor, reason, step=clock.step, missed=True)
        else:  # tickets that reached this rung before the tiered ladder keep their old order
            await self._supervision_order_before_tiers(now, actor, clock, recipient)

    async def _supervision_order_before_tiers(
        self, now: datetime, actor: str, clock: StepClock, recipient: str
    ) -> None:
        s = self.ticket
        due_text = clock.due_at.isoformat()
        # The key names the recorded result: histories before the patch replay it.
        due = await self._due_after("supervision", s.require_policy().supervision_order, now)
        s.other_deadlines["supervision"] = due
        s.raise_escalation(
            now,
            EscalationKind.SUPERVISION_ORDER,
            raised_by=actor,
            reason=f"{clock.step} still not done",
            department=s.lead_department,
            step=clock.step,
            due_at=due,
        )
        event = s.log(
            now,
            actor,
            TimelineAction.SUPERVISION_ORDER,
            step=clock.step,
            missed=due_text,
            due=due.isoformat(),
            level=RUNG_LEVEL[Rung.SUPERVISION],
        )
        message = (
            f"督办 Ticket {s.ticket_no}: {clock.step} still not done; supervision "
            f"order due {due.isoformat()}"
        )
        s.notify(event, recipient, message)
        s.notify(event, SUPERVISORS, message)

    # -- publishing ---------------------------------------------------------------

    async def _publish(self) -> None:
        """Project the new state: read model first, then notifications, then search attributes."""
        s = self.ticket
        s.refresh_overdue(workflow.now())
        transition = Transition(
            ticket=s.record(),
            events=s.unpublished_events,
            escalations=s.take_escalations_to_publish(),
            fence=s.runs_before * FENCE_PER_RUN + workflow.info().get_current_history_length(),
        )
        if workflow.patched(PUBLISH_IN_ONE_LOCAL_ACTIVITY):
            await calls.publish_transition(
                Publication(transition=transition, notifications=s.outbox)
            )
        else:  # tickets started before the patch replay their two regular activities
            await calls.record_transition(transition)
            if s.outbox:
                await calls.send_notifications(s.outbox)
        s.outbox = []
        for event in s.unpublished_events:  # one log event per transition (skipped on replay)
            workflow.logger.info(
                "ticket %s: %s",
                s.ticket_no,
                event.action,
                extra={
                    "ticket_no": s.ticket_no,
                    "action": event.action,
                    "actor": event.actor,
                    "seq": event.seq,
                    "status": s.status.value,
                    "request_id": REQUEST_ID.get(),
                },
            )
        s.unpublished_events = []
        self._index()

    def _index(self) -> None:
        s = self.ticket
        if not s.index_search_attributes:
            return
        reply = s.clocks.get(Step.REPLY)
        sign = s.clocks.get(Step.SIGN)
        wanted: dict[str, Any] = {
            attrs.TICKET_STATUS.name: s.status.value,
            attrs.LEAD_DEPARTMENT.name: s.lead_department,
            attrs.URGENCY.name: s.intake.urgency.value,
            attrs.CATEGORY.name: s.intake.category,
            attrs.DISTRICT.name: s.intake.district,
            attrs.TICKET_TYPE.name: s.intake.type.value,
            attrs.CLOSURE_REASON.name: s.closure_reason.value if s.closure_reason else None,
            attrs.ESCALATION_LEVEL.name: s.escalation_level,
            attrs.REWORK_COUNT.name: s.rework_count,
            attrs.OVERDUE.name: s.overdue,
            attrs.REPLY_DUE.name: reply.due_at if reply else None,
            attrs.SIGN_DUE.name: sign.due_at if sign else None,
        }
        updates: list[SearchAttributeUpdate[Any]] = []
        for key in attrs.ALL_KEYS:
            value = wanted[key.name]
            if key.name in self._indexed and self._indexed[key.name] == value:
                continue
            updates.append(key.value_unset() if value is None else key.value_set(value))
            self._indexed[key.name] = value
        if updates:
            workflow.upsert_search_attributes(updates)
