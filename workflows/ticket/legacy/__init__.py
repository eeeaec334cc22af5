"""The old side of each patch of the ticket workflow, one module per patch, named after it.

Tickets started before a patch replay through these branches. When no such ticket is
open any more, ``workflow.deprecate_patch`` the patch and delete its module (docs/
architecture.md, "Changing workflow code while tickets are open").
"""

from __future__ import annotations

from temporalio import workflow

from workflows.ticket.legacy import transfer_110_awaits_acceptance as before_110
from workflows.ticket.outcome import Effect
from workflows.ticket.state import TicketState

# Actions whose effect a patch changed: the patch, and the effect before it.
CHANGED_EFFECTS: dict[str, tuple[str, Effect]] = {
    before_110.ACTION: (before_110.PATCH, before_110.close_at_once),
}


def effect_for(action: str, effect: Effect) -> Effect:
    """The action's effect, or the one before a patch that changed it (asked only for those
    actions: the marker is recorded where the ticket first takes one of them)."""
    changed = CHANGED_EFFECTS.get(action)
    if changed is not None and not workflow.patched(changed[0]):
        return changed[1]
    return effect


def since(patch: str, s: TicketState) -> bool:
    """Whether the ticket takes the new side of a patch older than the registration's.

    A ticket registered since "register-once-deadlines-in-workflow" (it carries a
    working-day sheet) began after every older patch, so it takes their new sides without
    asking: each ``workflow.patched`` costs a marker and a ``TemporalChangeVersion``
    upsert, two history events and a visibility write per ticket.
    """
    return s.working_days is not None or workflow.patched(patch)
