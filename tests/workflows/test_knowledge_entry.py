"""A knowledge entry's life on the time-skipping server, its steps recorded by a stand-in:
review by the owning unit then publication by the centre, who may take which step, the
periodic review's warning → stale → reminder, expiry at valid-to, and a correction that
turns overdue when its owner does not answer it in time."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio
from temporalio import activity
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from schema.activity_io import ActivityName
from schema.knowledge import (
    CorrectionAnswer,
    CorrectionBody,
    EntryContent,
    EntryRecord,
    EntryStart,
    EntryState,
    EntryStep,
    EntryView,
    Freshness,
    KnowledgePolicy,
    NoteBody,
    ReasonBody,
    RevisionBody,
)
from schema.ticket import Actor, Role
from worker import sandbox_runner
from workflows.ids import knowledge_entry_workflow_id
from workflows.knowledge_entry import KnowledgeEntryWorkflow

OWNER = Actor(sub="li", role=Role.DEPARTMENT, department="housing")
OTHER_UNIT = Actor(sub="zhao", role=Role.DEPARTMENT, department="transport")
KEEPER = Actor(sub="qian", role=Role.SUPERVISOR)
AGENT = Actor(sub="wang", role=Role.AGENT)
RULES = KnowledgePolicy(
    review_days=5, review_every_days=365, review_warning_days=30, reminder_after_days=7
)


class Recorder:
    def __init__(self) -> None:
        self.records: list[EntryRecord] = []

    @activity.defn(name=ActivityName.RECORD_KNOWLEDGE_ENTRY)
    async def record(self, record: EntryRecord) -> None:
        self.records.append(record)

    def steps(self) -> list[EntryStep]:
        return [r.step for r in self.records]


@pytest_asyncio.fixture
async def entry(
    skipping_env: WorkflowEnvironment,
) -> AsyncIterator[tuple[WorkflowHandle[KnowledgeEntryWorkflow, EntryView], Recorder]]:
    recorder = Recorder()
    queue = f"knowledge-{uuid.uuid4().hex[:8]}"
    entry_id = f"KB{uuid.uuid4().int % 10**8:08d}"
    async with Worker(
        skipping_env.client,
        task_queue=queue,
        workflows=[KnowledgeEntryWorkflow],
        activities=[recorder.record],
        workflow_runner=sandbox_runner("strict"),
    ):
        now = await skipping_env.get_current_time()
        start = EntryStart(
            entry_id=entry_id,
            owner="housing",
            author=OWNER,
            content=EntryContent(title="公租房申请条件", answer="持本市户籍，家庭人均收入低于……"),
            expires_at=now + timedelta(days=800),
            rules=RULES,
        )
        handle = await skipping_env.client.start_workflow(
            KnowledgeEntryWorkflow.run,
            start,
            id=knowledge_entry_workflow_id(entry_id),
            task_queue=queue,
        )
        yield handle, recorder
        with contextlib.suppress(RPCError):  # ended already, or ends now: nothing waits on it
            await handle.terminate("the test is over")


async def publish(handle: WorkflowHandle[KnowledgeEntryWorkflow, EntryView]) -> None:
    """Submitted and approved by its unit, published by the centre."""
    for actor, update in (
        (OWNER, KnowledgeEntryWorkflow.submit),
        (OWNER, KnowledgeEntryWorkflow.approve),
        (KEEPER, KnowledgeEntryWorkflow.publish),
    ):
        await handle.execute_update(update, args=[actor, NoteBody()])


async def refused(call: object) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await call  # type: ignore[misc]
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError)
    return cause


async def test_review_publication_and_the_periodic_review_ladder(
    skipping_env: WorkflowEnvironment,
    entry: tuple[WorkflowHandle[KnowledgeEntryWorkflow, EntryView], Recorder],
) -> None:
    handle, recorder = entry
    await handle.execute_update(KnowledgeEntryWorkflow.submit, args=[OWNER, NoteBody()])
    # Publishing before the owner approved, or by a unit, is refused.
    early = await refused(
        handle.execute_update(KnowledgeEntryWorkflow.publish, args=[KEEPER, NoteBody()])
    )
    assert early.type == "InvalidState" and early.details[0]["reason"] == "entry_not_approved"
    stranger = await refused(
        handle.execute_update(KnowledgeEntryWorkflow.approve, args=[OTHER_UNIT, NoteBody()])
    )
    assert stranger.type == "Forbidden" and stranger.details[0]["reason"] == "not_the_owner"
    # The owner is late with its review: the entry says so.
    await skipping_env.sleep(timedelta(days=5, hours=1))
    view = await handle.query(KnowledgeEntryWorkflow.state)
    assert view.review_overdue
    await handle.execute_update(KnowledgeEntryWorkflow.approve, args=[OWNER, NoteBody()])
    published = await handle.execute_update(
        KnowledgeEntryWorkflow.publish, args=[KEEPER, NoteBody(note="核实无误")]
    )
    assert published.state is EntryState.PUBLISHED and published.published_version == 1
    assert not published.review_overdue

    await skipping_env.sleep(timedelta(days=336))
    assert (await handle.query(KnowledgeEntryWorkflow.state)).freshness is Freshness.DUE_SOON
    await skipping_env.sleep(timedelta(days=30))
    assert (await handle.query(KnowledgeEntryWorkflow.state)).freshness is Freshness.STALE
    await skipping_env.sleep(timedelta(days=7))
    assert (await handle.query(KnowledgeEntryWorkflow.state)).freshness is Freshness.REMINDED
    reviewed = await handle.execute_update(
        KnowledgeEntryWorkflow.confirm_review, args=[OWNER, NoteBody(note="政策未变")]
    )
    assert reviewed.freshness is Freshness.CURRENT
    assert recorder.steps() == [
        EntryStep.CREATED,
        EntryStep.SUBMITTED,
        EntryStep.REVIEW_OVERDUE,
        EntryStep.APPROVED,
        EntryStep.PUBLISHED,
        EntryStep.REVIEW_DUE_SOON,
        EntryStep.STALE,
        EntryStep.REMINDED,
        EntryStep.REVIEWED,
    ]
    assert [r.view.steps for r in recorder.records] == list(range(1, 10))


async def test_an_entry_expires_at_valid_to_and_a_late_correction_turns_overdue(
    skipping_env: WorkflowEnvironment,
    entry: tuple[WorkflowHandle[KnowledgeEntryWorkflow, EntryView], Recorder],
) -> None:
    handle, recorder = entry
    await publish(handle)
    corrected = await handle.execute_update(
        KnowledgeEntryWorkflow.correct, args=[AGENT, CorrectionBody(text="收入标准已于今年调整")]
    )
    [correction] = corrected.corrections
    assert correction.open and correction.raised_by == "agent:wang"
    await skipping_env.sleep(timedelta(days=5, hours=1))
    [late] = (await handle.query(KnowledgeEntryWorkflow.state)).corrections
    assert late.overdue
    answered = await handle.execute_update(
        KnowledgeEntryWorkflow.answer_correction,
        args=[OWNER, 1, CorrectionAnswer(accepted=True, note="已按新标准修订")],
    )
    assert not answered.corrections[0].open
    again = await refused(
        handle.execute_update(
            KnowledgeEntryWorkflow.answer_correction,
            args=[OWNER, 1, CorrectionAnswer(accepted=False, note="重复")],
        )
    )
    assert again.details[0]["reason"] == "correction_answered"
    # Valid-to passes (800 days from the start): the entry stops answering and ends.
    result = await handle.result()
    assert result.state is EntryState.RETIRED and result.published_version is None
    steps = recorder.steps()
    assert EntryStep.EXPIRY_NOTICE in steps and steps[-1] is EntryStep.EXPIRED


async def test_a_revision_under_review_leaves_the_live_entry_as_it_is(
    skipping_env: WorkflowEnvironment,
    entry: tuple[WorkflowHandle[KnowledgeEntryWorkflow, EntryView], Recorder],
) -> None:
    handle, recorder = entry
    await publish(handle)
    now = await skipping_env.get_current_time()
    revision = RevisionBody(
        content=EntryContent(title="公租房申请条件（修订）", answer="新的收入标准……"),
        why="收入标准调整",
        expires_at=now + timedelta(days=10),
    )
    revised = await handle.execute_update(KnowledgeEntryWorkflow.revise, args=[OWNER, revision])
    assert revised.state is EntryState.IN_REVIEW and revised.published_version == 1
    sent_back = await handle.execute_update(
        KnowledgeEntryWorkflow.send_back, args=[KEEPER, ReasonBody(reason="依据未写文号")]
    )
    assert sent_back.state is EntryState.PUBLISHED  # it goes on answering
    # The revision's valid-to (10 days) is not the live revision's (800 days).
    await skipping_env.sleep(timedelta(days=11))
    view = await handle.query(KnowledgeEntryWorkflow.state)
    assert view.state is EntryState.PUBLISHED and view.published_version == 1
    assert EntryStep.EXPIRED not in recorder.steps()
