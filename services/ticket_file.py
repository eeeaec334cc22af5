"""A ticket's whole file (案卷) as one reader opens it: the ticket now, its timeline, its
escalations, and what its forms offer to choose from; one read behind the ticket page."""

from __future__ import annotations

from dataclasses import dataclass

from schema.escalation import Escalation
from schema.ticket import Actor, Role, TicketView, TimelineEvent
from services.choices import Choices, choices_in
from services.context import AppContext
from services.escalation_queries import EscalationFilter, list_escalations
from services.hierarchy import units_under
from services.ticket_queries import timeline
from services.tickets import check_department_sees, current_ticket


@dataclass(frozen=True)
class TicketFile:
    """As stored: the rules read what to offer on it, the reader's page masks it after."""

    ticket: TicketView
    events: list[TimelineEvent]
    rungs: list[Escalation]  # every escalation of the ticket
    choices: Choices
    units_below: dict[str, str]  # 二级派单's choices: the units under the reader's, by name


async def ticket_file(context: AppContext, actor: Actor, ticket_no: str) -> TicketFile:
    """The file of a ticket this reader may see (refused otherwise, as the API refuses)."""
    ticket = await current_ticket(context, ticket_no)
    await check_department_sees(context, actor, ticket)
    async with context.sessions() as session:
        choices = await choices_in(session)
        below: frozenset[str] = frozenset()
        if actor.role is Role.DEPARTMENT and actor.department:
            below = await units_under(session, actor.department) - {actor.department}
        events = await timeline(session, ticket_no)
        rungs, _ = await list_escalations(
            session, EscalationFilter(ticket_no=ticket_no), offset=0, limit=None
        )
    units_below = {code: name for code, name in choices.departments.items() if code in below}
    return TicketFile(ticket, events, rungs, choices, units_below)
