"""One knowledge entry's life (知识条目): workflow ``knowledge-<id>``, for as long as the
entry exists. Its clocks are durable timers: the owner's review of a submitted revision,
the notice before valid-to and the expiry at it, the periodic review's warning → stale →
reminder, each correction's deadline. Every step is written to the read model by one
activity, in order (``activities.knowledge``): the entry's row, its history, its revision
and its search terms. Who may take which step is checked here (``schema.knowledge``).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from schema.activity_io import ActivityName
from schema.knowledge import (
    Correction,
    CorrectionAnswer,
    CorrectionBody,
    EntryContent,
    EntryRecord,
    EntryStart,
    EntryState,
    EntryStep,
    EntryView,
    Freshness,
    NoteBody,
    ReasonBody,
    RevisionBody,
    days,
)
from schema.ticket import Actor, Role
from workflows.knowledge_rules import (
    READERS,
    is_owner,
    require_centre,
    require_owner_or_centre,
    require_state,
)
from workflows.refusals import Reason, RefusalType, refuse

SYSTEM = "system"
_RECORD_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1))
# An entry lives for years: its history is carried over before it grows long.
_HISTORY_LIMIT = 2000
# Corrections open at once on one entry: each is a task for its owner, not a comment box.
MAX_OPEN_CORRECTIONS = 20


@workflow.defn(name="KnowledgeEntry")
class KnowledgeEntryWorkflow:
    @workflow.init
    def __init__(self, start: EntryStart) -> None:
        self.start = start
        self.rules = start.rules
        self.view = EntryView(
            entry_id=start.entry_id,
            owner=start.owner,
            state=EntryState.DRAFT,
            version=1,
            expires_at=start.expires_at,
            pending_expires_at=start.expires_at,
        )
        if start.carried_over is not None:
            self.view = start.carried_over
        self.writing = asyncio.Lock()  # one step written at a time, in order
        self.changed = False
        self.recorded = self.view.steps  # steps the read model has (a carried run: all)

    @workflow.run
    async def run(self, start: EntryStart) -> EntryView:
        if start.carried_over is None:
            await self._write(EntryStep.CREATED, start.author.describe(), content=start.content)
        while self.view.state is not EntryState.RETIRED:
            info = workflow.info()
            if info.get_current_history_length() > _HISTORY_LIMIT or (
                info.is_continue_as_new_suggested()
            ):
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self._carried())
            self.changed = False
            wake = self._next_clock()
            if wake is not None and wake <= workflow.now():
                await self._clocks()
                continue
            timeout = None if wake is None else (wake - workflow.now()).total_seconds()
            try:
                await workflow.wait_condition(lambda: self.changed, timeout=timeout)
            except TimeoutError:
                await self._clocks()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view

    @workflow.query
    def state(self) -> EntryView:
        return self.view

    # -- the clocks ------------------------------------------------------------

    def _instants(self) -> list[tuple[datetime, EntryStep]]:
        """Every clock still to ring, with the step it takes."""
        v, rules = self.view, self.rules
        clocks: list[tuple[datetime, EntryStep]] = []
        awaiting_owner = v.state is EntryState.IN_REVIEW and not v.approved
        if awaiting_owner and v.review_due and not v.review_overdue:
            clocks.append((v.review_due, EntryStep.REVIEW_OVERDUE))
        # A published entry under revision still answers: its clocks run on.
        if v.published_version is not None and v.expires_at:
            notice = v.expires_at - days(rules.expiry_notice_days)
            clocks.append((v.expires_at, EntryStep.EXPIRED))
            if not v.expiry_noticed:
                clocks.append((notice, EntryStep.EXPIRY_NOTICE))
        if v.published_version is not None and v.next_review:
            ladder = {
                Freshness.CURRENT: (
                    v.next_review - days(rules.review_warning_days),
                    EntryStep.REVIEW_DUE_SOON,
                ),
                Freshness.DUE_SOON: (v.next_review, EntryStep.STALE),
                Freshness.STALE: (
                    v.next_review + days(rules.reminder_after_days),
                    EntryStep.REMINDED,
                ),
            }
            if v.freshness in ladder:
                clocks.append(ladder[v.freshness])
        for c in v.corrections:
            if c.open and not c.overdue:
                clocks.append((c.due_at, EntryStep.CORRECTION_OVERDUE))
        return clocks

    def _next_clock(self) -> datetime | None:
        instants = [at for at, _ in self._instants()]
        return min(instants) if instants else None

    async def _clocks(self) -> None:
        """Take the earliest clock whose instant has come, then look again: a step (or an
        update that came meanwhile) may have moved or ended the others."""
        while self.view.state is not EntryState.RETIRED:
            now = workflow.now()
            due = [clock for clock in self._instants() if clock[0] <= now]
            if not due:
                return
            _, step = min(due, key=lambda clock: clock[0])
            v = self.view
            note = ""
            if step is EntryStep.REVIEW_OVERDUE:
                v.review_overdue = True
            elif step is EntryStep.EXPIRY_NOTICE:
                v.expiry_noticed = True
            elif step is EntryStep.EXPIRED:
                v.state, v.published_version = EntryState.RETIRED, None
            elif step is EntryStep.REVIEW_DUE_SOON:
                v.freshness = Freshness.DUE_SOON
            elif step is EntryStep.STALE:
                v.freshness = Freshness.STALE
            elif step is EntryStep.REMINDED:
                v.freshness = Freshness.REMINDED
            elif step is EntryStep.CORRECTION_OVERDUE:
                late = [c for c in v.corrections if c.open and not c.overdue and c.due_at <= now]
                for correction in late:
                    correction.overdue = True
                note = ",".join(str(c.number) for c in late)
            await self._write(step, SYSTEM, note=note)

    # -- updates ---------------------------------------------------------------

    @workflow.update
    async def created(self) -> EntryView:
        """The entry once its first draft is written (the update the service starts it with)."""
        await workflow.wait_condition(lambda: self.recorded >= 1)
        return self.view

    @workflow.update
    async def revise(self, actor: Actor, body: RevisionBody) -> EntryView:
        self.view.version += 1
        # The published revision keeps its own valid-to until this one is published.
        self.view.pending_expires_at = body.expires_at
        if self.view.published_version is None:
            self.view.expires_at = body.expires_at
        if self.view.state is not EntryState.DRAFT:
            self._into_review()
        return await self._write(EntryStep.REVISED, actor.describe(), body.why, body.content)

    @revise.validator
    def _may_revise(self, actor: Actor, body: RevisionBody) -> None:
        require_owner_or_centre(self.view, actor, "revise")
        require_state(self.view, EntryState.DRAFT, EntryState.IN_REVIEW, EntryState.PUBLISHED)

    @workflow.update
    async def submit(self, actor: Actor, body: NoteBody) -> EntryView:
        self._into_review()
        return await self._write(EntryStep.SUBMITTED, actor.describe(), body.note)

    @submit.validator
    def _may_submit(self, actor: Actor, body: NoteBody) -> None:
        require_owner_or_centre(self.view, actor, "submit")
        require_state(self.view, EntryState.DRAFT)

    @workflow.update
    async def approve(self, actor: Actor, body: NoteBody) -> EntryView:
        self.view.approved = True
        return await self._write(EntryStep.APPROVED, actor.describe(), body.note)

    @approve.validator
    def _may_approve(self, actor: Actor, body: NoteBody) -> None:
        if not (actor.role is Role.ADMIN or is_owner(self.view, actor)):
            refuse(
                RefusalType.FORBIDDEN,
                f"only the owning unit {self.view.owner} reviews this entry",
                Reason.NOT_THE_OWNER,
                owner=self.view.owner,
            )
        require_state(self.view, EntryState.IN_REVIEW)
        if self.view.approved:
            refuse(
                RefusalType.INVALID_STATE,
                "the owning unit has approved this revision already",
                Reason.ENTRY_APPROVED_ALREADY,
            )

    @workflow.update
    async def send_back(self, actor: Actor, body: ReasonBody) -> EntryView:
        # A revision of a live entry goes back to its writer; the entry goes on answering.
        live = self.view.published_version is not None
        self.view.state = EntryState.PUBLISHED if live else EntryState.DRAFT
        self.view.approved = False
        self.view.review_due, self.view.review_overdue = None, False
        return await self._write(EntryStep.SENT_BACK, actor.describe(), body.reason)

    @send_back.validator
    def _may_send_back(self, actor: Actor, body: ReasonBody) -> None:
        require_owner_or_centre(self.view, actor, "send back")
        require_state(self.view, EntryState.IN_REVIEW)

    @workflow.update
    async def publish(self, actor: Actor, body: NoteBody) -> EntryView:
        v = self.view
        v.state, v.published_version, v.approved = EntryState.PUBLISHED, v.version, False
        v.review_due, v.review_overdue = None, False
        if v.pending_expires_at != v.expires_at:
            v.expires_at, v.expiry_noticed = v.pending_expires_at, False
        self._reviewed_now()
        return await self._write(EntryStep.PUBLISHED, actor.describe(), body.note)

    @publish.validator
    def _may_publish(self, actor: Actor, body: NoteBody) -> None:
        require_centre(actor, "publish")
        require_state(self.view, EntryState.IN_REVIEW)
        if not self.view.approved:
            refuse(
                RefusalType.INVALID_STATE,
                f"the owning unit {self.view.owner} has not approved this revision yet",
                Reason.ENTRY_NOT_APPROVED,
                owner=self.view.owner,
            )

    @workflow.update
    async def confirm_review(self, actor: Actor, body: NoteBody) -> EntryView:
        self._reviewed_now()
        return await self._write(EntryStep.REVIEWED, actor.describe(), body.note)

    @confirm_review.validator
    def _may_confirm_review(self, actor: Actor, body: NoteBody) -> None:
        require_owner_or_centre(self.view, actor, "review")
        if self.view.published_version is None:
            require_state(self.view, EntryState.PUBLISHED)

    @workflow.update
    async def retire(self, actor: Actor, body: ReasonBody) -> EntryView:
        self.view.state, self.view.published_version = EntryState.RETIRED, None
        return await self._write(EntryStep.RETIRED, actor.describe(), body.reason)

    @retire.validator
    def _may_retire(self, actor: Actor, body: ReasonBody) -> None:
        require_centre(actor, "retire")
        require_state(self.view, EntryState.DRAFT, EntryState.IN_REVIEW, EntryState.PUBLISHED)

    @workflow.update
    async def correct(self, actor: Actor, body: CorrectionBody) -> EntryView:
        now = workflow.now()
        self.view.corrections.append(
            Correction(
                number=len(self.view.corrections) + 1,
                raised_by=actor.describe(),
                text=body.text,
                raised_at=now,
                due_at=now + days(self.rules.correction_days),
            )
        )
        return await self._write(EntryStep.CORRECTION_RAISED, actor.describe(), body.text)

    @correct.validator
    def _may_correct(self, actor: Actor, body: CorrectionBody) -> None:
        if self.view.published_version is None:
            require_state(self.view, EntryState.PUBLISHED)  # what answers is corrected
        if sum(1 for c in self.view.corrections if c.open) >= MAX_OPEN_CORRECTIONS:
            refuse(
                RefusalType.INVALID_STATE,
                f"this entry has {MAX_OPEN_CORRECTIONS} corrections open: answer them first",
                Reason.TOO_MANY_CORRECTIONS,
                most=MAX_OPEN_CORRECTIONS,
            )
        if actor.role not in READERS:
            refuse(
                RefusalType.FORBIDDEN,
                f"role '{actor.role}' does not raise corrections",
                Reason.ROLE_MAY_NOT,
                role=actor.role.value,
            )
        require_state(self.view, EntryState.DRAFT, EntryState.IN_REVIEW, EntryState.PUBLISHED)

    @workflow.update
    async def answer_correction(
        self, actor: Actor, number: int, body: CorrectionAnswer
    ) -> EntryView:
        correction = self.view.corrections[number - 1]
        correction.answered_at = workflow.now()
        correction.accepted, correction.note = body.accepted, body.note
        verdict = "accepted" if body.accepted else "rejected"
        return await self._write(
            EntryStep.CORRECTION_ANSWERED, actor.describe(), f"{number}:{verdict}:{body.note}"
        )

    @answer_correction.validator
    def _may_answer_correction(self, actor: Actor, number: int, body: CorrectionAnswer) -> None:
        require_owner_or_centre(self.view, actor, "answer corrections")
        if not 1 <= number <= len(self.view.corrections):
            refuse(
                RefusalType.INVALID_INPUT,
                f"this entry has no correction {number}",
                Reason.NO_SUCH_CORRECTION,
                number=number,
            )
        if not self.view.corrections[number - 1].open:
            refuse(
                RefusalType.INVALID_STATE,
                f"correction {number} is answered already",
                Reason.CORRECTION_ANSWERED,
                number=number,
            )

    # -- helpers ---------------------------------------------------------------

    def _into_review(self) -> None:
        v = self.view
        v.state, v.approved, v.review_overdue = EntryState.IN_REVIEW, False, False
        v.review_due = workflow.now() + days(self.rules.review_days)

    def _reviewed_now(self) -> None:
        self.view.next_review = workflow.now() + days(self.rules.review_every_days)
        self.view.freshness = Freshness.CURRENT

    async def _write(
        self, step: EntryStep, actor: str, note: str = "", content: EntryContent | None = None
    ) -> EntryView:
        """Record the step (and wake the main loop: its clocks may have moved)."""
        self.view.steps += 1
        record = EntryRecord(
            view=self.view.model_copy(deep=True),
            step=step,
            at=workflow.now(),
            actor=actor,
            note=note,
            content=content,
        )
        self.changed = True
        async with self.writing:
            await workflow.execute_activity(
                ActivityName.RECORD_KNOWLEDGE_ENTRY,
                record,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=_RECORD_RETRY,
            )
            self.recorded = record.view.steps
        return record.view

    def _carried(self) -> EntryStart:
        return self.start.model_copy(update={"carried_over": self.view})
