"""Before the "merge-claims-target" patch: a merge closed the duplicate first, then told
its target by a signal (``duplicate_merged``). Two tickets merged into each other could
so both close. With the patch the duplicate asks its target first (an update through
``activities.merging``) and closes only on a yes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from temporalio import workflow

from schema.action_bodies import DuplicateMergedSignal, MergeBody
from schema.ticket import Actor, TimelineAction
from workflows.ids import ticket_workflow_id
from workflows.ticket.closing import close_as_merged
from workflows.ticket.outcome import SYSTEM, Outcome
from workflows.ticket.state import TicketState

PATCH = "merge-claims-target"
DUPLICATE_MERGED_SIGNAL = "duplicate_merged"


async def close_then_tell(
    s: TicketState,
    actor: Actor,
    body: MergeBody,
    carry_out: Callable[[Outcome], Awaitable[None]],
) -> None:
    await carry_out(close_as_merged(s, workflow.now(), actor, body))
    target = workflow.get_external_workflow_handle(ticket_workflow_id(body.into))
    try:
        await target.signal(
            DUPLICATE_MERGED_SIGNAL,
            DuplicateMergedSignal(duplicate_ticket_no=s.ticket_no, actor=actor.describe()),
        )
    except Exception as failure:  # the target closed meanwhile: the merge still stands
        s.log(
            workflow.now(),
            SYSTEM,
            TimelineAction.MERGE_NOTICE_FAILED,
            into=body.into,
            error=str(failure),
        )
