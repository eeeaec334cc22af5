"""The discipline commission's referrals (纪委监委): those waiting for acknowledgement,
those acknowledged and under review, and those decided, each list as the desk shows it."""

from __future__ import annotations

from dataclasses import dataclass

from schema.escalation import DisciplineOutcome, Escalation, EscalationKind, EscalationOutcome
from services.context import AppContext
from services.escalation_queries import EscalationFilter, child_reports, list_escalations

SHOWN = 100  # rows a list shows; the escalation history has them all


@dataclass(frozen=True)
class Referrals:
    awaiting: list[Escalation]  # not yet acknowledged, soonest deadline first
    reviewing: list[Escalation]  # acknowledged, no outcome yet
    decided: list[Escalation]  # newest first


async def referrals(context: AppContext) -> Referrals:
    """Every list of the desk, as stored (the caller masks them for its reader)."""
    referral = EscalationKind.DISCIPLINE_REFERRAL
    async with context.sessions() as session:
        open_ones, _ = await list_escalations(
            session,
            EscalationFilter(kind=referral, outcome=EscalationOutcome.OPEN),
            offset=0,
            limit=SHOWN,
        )
        acknowledged = await child_reports(session, open_ones, "discipline_referral_acknowledged")
        decided = []
        for outcome in DisciplineOutcome:
            found, _ = await list_escalations(
                session,
                EscalationFilter(kind=referral, outcome=EscalationOutcome(outcome.value)),
                offset=0,
                limit=SHOWN,
            )
            decided.extend(found)
    waiting = [r for r in open_ones if (r.ticket_no, r.number) not in acknowledged]
    return Referrals(
        awaiting=sorted(waiting, key=lambda r: r.due_at or r.raised_at),
        reviewing=[r for r in open_ones if (r.ticket_no, r.number) in acknowledged],
        decided=sorted(decided, key=lambda r: r.ended_at or r.raised_at, reverse=True)[:SHOWN],
    )
