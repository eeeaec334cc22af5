"""The files a step carries (附件): which steps must carry a photo, and where an action's
files are kept in the ticket's traces. The files themselves are never here, only their
references (``schema.attachments.AttachmentRef``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schema.attachments import AttachmentKind, AttachmentRef
from schema.ticket import Actor
from workflows.refusals import Reason, RefusalType, refuse
from workflows.ticket.deadlines import DueFn
from workflows.ticket.outcome import Effect, Outcome
from workflows.ticket.state import TicketState

# The actions that give the ticket its reply, whose photos the policy may require.
REPLIES = frozenset({"reply", "delegated-reply"})


def attachments_of(body: Any) -> list[AttachmentRef]:
    return list(getattr(body, "attachments", None) or [])


def check_evidence(action: str, state: TicketState, body: Any) -> None:
    """422 for a reply without a photo, in a category whose replies the policy says need
    one (现场照片)."""
    if action not in REPLIES or state.policy is None:
        return
    if not state.policy.evidence.reply_needs_photo(state.category_chain):
        return
    if not any(ref.kind is AttachmentKind.PHOTO for ref in attachments_of(body)):
        refuse(
            RefusalType.INVALID_INPUT,
            f"a reply in category '{state.intake.category}' must carry at least one photo "
            "of the site (现场照片)",
            Reason.PHOTO_REQUIRED,
            category=state.intake.category,
        )


def keep_attachments(state: TicketState, first_seq: int, body: Any) -> None:
    """The action's files go with the first trace it left (its step): the timeline, the
    ticket page and the read model find them there."""
    refs = attachments_of(body)
    if not refs:
        return
    for event in state.unpublished_events:
        if event.seq >= first_seq:
            event.detail["attachments"] = [ref.model_dump(mode="json") for ref in refs]
            return


def keeping_files(effect: Effect) -> Effect:
    """The effect, its body's files then kept on the first trace it left."""

    async def kept(s: TicketState, now: datetime, actor: Actor, body: Any, due: DueFn) -> Outcome:
        first_seq = s.next_seq
        outcome = await effect(s, now, actor, body, due)
        keep_attachments(s, first_seq, body)
        return outcome

    return kept
