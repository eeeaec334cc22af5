"""Who may take which step of a knowledge entry's life, and in which states: the checks
the entry's update validators make (``workflows.knowledge_entry``)."""

from __future__ import annotations

from schema.knowledge import EntryState, EntryView
from schema.ticket import Actor, Role
from workflows.refusals import Reason, RefusalType, refuse

CENTRE = frozenset({Role.SUPERVISOR, Role.ADMIN})  # who keeps the knowledge base
READERS = frozenset({Role.AGENT, Role.DEPARTMENT, Role.SUPERVISOR, Role.ADMIN})


def is_owner(view: EntryView, actor: Actor) -> bool:
    return actor.role is Role.DEPARTMENT and actor.department == view.owner


def require_centre(actor: Actor, step: str) -> None:
    if actor.role not in CENTRE:
        refuse(
            RefusalType.FORBIDDEN,
            f"only the centre's knowledge keepers {step} entries",
            Reason.ROLE_MAY_NOT,
            role=actor.role.value,
        )


def require_owner_or_centre(view: EntryView, actor: Actor, step: str) -> None:
    if actor.role not in CENTRE and not is_owner(view, actor):
        refuse(
            RefusalType.FORBIDDEN,
            f"only the owning unit {view.owner} or the centre may {step} this entry",
            Reason.NOT_THE_OWNER,
            owner=view.owner,
        )


def require_state(view: EntryView, *states: EntryState) -> None:
    if view.state not in states:
        refuse(
            RefusalType.INVALID_STATE,
            f"the entry is {view.state.value}",
            Reason.ENTRY_STATE,
            state=view.state.value,
        )
