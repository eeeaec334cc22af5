"""Before the "ticket-level-is-the-leads" patch: a rung raised against another unit than
the lead — an assisting department's late part (协办意见), a unit below's late reply up
(二级派单) — raised the ticket's ``escalation_level`` (and its ``EscalationLevel`` search
attribute) to 2 while the lead was on time. With the patch the ticket's level is the
lead's; the other units' rungs are theirs, on record with their department
(``workflows.ticket.ladder.deadline_rung``).

The old side is ``TicketState.raise_escalation`` with ``raises_level`` left true.
"""

from __future__ import annotations

PATCH = "ticket-level-is-the-leads"
