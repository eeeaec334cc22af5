"""The old side of each patch of the ticket workflow, one module per patch, named after it.

Tickets started before a patch replay through these branches. When no such ticket is
open any more, ``workflow.deprecate_patch`` the patch and delete its module (docs/
architecture.md, "Changing workflow code while tickets are open").

Every patch is asked through ``patched(s, PATCH)``: a ticket whose input says it was
started after the patch (its generation) takes the new side without asking
``workflow.patched``, whose marker and ``TemporalChangeVersion`` upsert cost two history
events and a visibility write per ticket.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from schema.ticket import Actor
from workflows.ticket.legacy import escalation_ladder as before_tiers
from workflows.ticket.legacy import merge_claims_target as before_claims
from workflows.ticket.legacy import order_climbs_on_its_own_deadline as before_own_deadline
from workflows.ticket.legacy import progress_needs_the_signature as before_signed_progress
from workflows.ticket.legacy import publish_in_one_local_activity as before_one_activity
from workflows.ticket.legacy import register_once_deadlines_in_workflow as before_registration
from workflows.ticket.legacy import ticket_level_is_the_leads as before_leads_level
from workflows.ticket.legacy import transfer_110_awaits_acceptance as before_110
from workflows.ticket.legacy import user_dates_are_city_dates as before_city_dates
from workflows.ticket.outcome import Check, Effect
from workflows.ticket.process import BY_ACTION
from workflows.ticket.state import TicketState

# The generation the API starts new tickets with (``TicketStart.generation``). Raise it,
# and add the patches made since to ``PATCH_GENERATIONS`` with the new number, when
# workers that know the new number run everywhere (docs/deploying.md, "Upgrading workers").
GENERATION = 1

# The first generation born after each patch: such tickets take its new side unasked.
PATCH_GENERATIONS: dict[str, int] = {
    before_one_activity.PATCH: 1,
    before_tiers.PATCH: 1,
    before_claims.PATCH: 1,
    before_registration.PATCH: 1,
    before_own_deadline.PATCH: 1,
    before_leads_level.PATCH: 1,
    before_110.PATCH: 1,
    before_city_dates.PATCH: 1,
    before_signed_progress.PATCH: 1,
}

# Older than the working-day sheet: a ticket that has one began after them (below).
_OLDER_THAN_THE_SHEET = frozenset(
    {before_one_activity.PATCH, before_tiers.PATCH, before_claims.PATCH}
)


def patched(s: TicketState, patch: str) -> bool:
    """Whether ``s`` takes the new side of ``patch``; ``workflow.patched`` (a marker) is
    asked only of a ticket whose start does not already say."""
    born_after = PATCH_GENERATIONS.get(patch)  # None: newer than every generation
    if born_after is not None and s.generation >= born_after:
        return True
    if patch in _OLDER_THAN_THE_SHEET and registered_with_sheet(s):
        return True
    return workflow.patched(patch)


def lean(s: TicketState) -> bool:
    """Whether the ticket was started as generation 1 or later: it indexes only the search
    attributes ops filter on, and its run loop wakes only when its next alarm moved
    (``publishing``, ``workflow``). Older tickets keep the commands they began with."""
    return s.generation >= 1


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
        if patched(state, patch):
            raise


def effect_for(state: TicketState, action: str, effect: Effect) -> Effect:
    """The action's effect, or the one before a patch that changed it (asked only for those
    actions: the marker is recorded where the ticket first takes one of them)."""
    changed = CHANGED_EFFECTS.get(action)
    if changed is not None and not patched(state, changed[0]):
        return changed[1]
    return effect


def registered_with_sheet(s: TicketState) -> bool:
    """Whether the ticket was registered since "register-once-deadlines-in-workflow": it
    carries a working-day sheet (``registration.register`` records it on that patch's new
    side only). Such a ticket began after every patch older than that one
    (``publish-in-one-local-activity``, ``escalation-ladder``, ``merge-claims-target``),
    so it takes their new sides without asking ``workflow.patched`` (``patched``)."""
    return s.working_days is not None
