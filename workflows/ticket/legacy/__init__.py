"""The old side of each patch of the ticket workflow, one module per patch, named after it.

Tickets started before a patch replay through these branches. When no such ticket is
open any more, ``workflow.deprecate_patch`` the patch and delete its module (docs/
architecture.md, "Changing workflow code while tickets are open").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from schema.ticket import Actor
from workflows.ticket.legacy import progress_needs_the_signature as before_signed_progress
from workflows.ticket.legacy import transfer_110_awaits_acceptance as before_110
from workflows.ticket.legacy import user_dates_are_city_dates as before_city_dates
from workflows.ticket.outcome import Check, Effect
from workflows.ticket.process import BY_ACTION
from workflows.ticket.state import TicketState

# Actions whose effect a patch changed: the patch, and the effect before it.
CHANGED_EFFECTS: dict[str, tuple[str, Effect]] = {
    before_110.ACTION: (before_110.PATCH, before_110.close_at_once),
}


# Actions whose check a patch made stricter: the patch, and the check before it.
CHANGED_CHECKS: dict[str, tuple[str, Check]] = {
    before_city_dates.ACTION: (before_city_dates.PATCH, before_city_dates.check_on_the_utc_date),
    before_signed_progress.ACTION: (
        before_signed_progress.PATCH,
        before_signed_progress.check_before_the_signature,
    ),
}


def recheck(action: str, state: TicketState, actor: Actor, body: Any, now: datetime) -> None:
    """The handler's check, again under the lock. Where a patch made the check stricter,
    an update the old check let through replays as accepted; the patch is asked only
    then, so a ticket records its marker only where the two checks disagree."""
    try:
        BY_ACTION[action].check(state, actor, body, now)
    except ApplicationError as refusal:
        changed = CHANGED_CHECKS.get(action)
        if changed is None:
            raise
        patch, before = changed
        try:
            before(state, actor, body, now)
        except ApplicationError:
            raise refusal from None  # refused before the patch too
        if workflow.patched(patch):
            raise


def effect_for(action: str, effect: Effect) -> Effect:
    """The action's effect, or the one before a patch that changed it (asked only for those
    actions: the marker is recorded where the ticket first takes one of them)."""
    changed = CHANGED_EFFECTS.get(action)
    if changed is not None and not workflow.patched(changed[0]):
        return changed[1]
    return effect


def registered_with_sheet(s: TicketState) -> bool:
    """Whether the ticket was registered since "register-once-deadlines-in-workflow": it
    carries a working-day sheet (``registration.register`` records it on that patch's new
    side only). Such a ticket began after every patch older than that one
    (``publish-in-one-local-activity``, ``escalation-ladder``, ``merge-claims-target``),
    so it takes their new sides without asking ``workflow.patched``: each call costs a
    marker and a ``TemporalChangeVersion`` upsert, two history events and a visibility
    write per ticket. The call sites of those patches therefore read
    ``registered_with_sheet(s) or workflow.patched(PATCH)``: a marker is recorded only by
    a ticket registered before the sheet. Later patches are asked of every ticket.
    """
    return s.working_days is not None
