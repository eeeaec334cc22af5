"""The old side of each patch of the ticket workflow, one module per patch, named after it.

Tickets started before a patch replay through these branches. When no such ticket is
open any more, ``workflow.deprecate_patch`` the patch and delete its module (docs/
architecture.md, "Changing workflow code while tickets are open").
"""

from __future__ import annotations

from temporalio import workflow

from workflows.ticket.state import TicketState


def since(patch: str, s: TicketState) -> bool:
    """Whether the ticket takes the new side of a patch older than the registration's.

    A ticket registered since "register-once-deadlines-in-workflow" (it carries a
    working-day sheet) began after every older patch, so it takes their new sides without
    asking: each ``workflow.patched`` costs a marker and a ``TemporalChangeVersion``
    upsert, two history events and a visibility write per ticket.
    """
    return s.working_days is not None or workflow.patched(patch)
