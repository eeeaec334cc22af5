"""What each unit on a ticket passed down two levels owes, as its queues read it
(``ticket_departments.duty``): at every stage of the chain lead → street → community."""

from __future__ import annotations

from activities.read_model import department_rows
from schema.ticket import Delegation, DelegationStage, TicketStatus
from tests.support.effects import dispatched, local
from workflows.ticket.state.projections import record

LEAD, STREET, COMMUNITY = "urban-management", "street", "community"
S = DelegationStage


def duties(*stages: DelegationStage) -> dict[str, str | None]:
    s = dispatched(local(12, 1))
    s.status = TicketStatus.HANDLING
    links = [(LEAD, STREET), (STREET, COMMUNITY)]
    s.delegations = [
        Delegation(by=by, unit=unit, stage=stage, due_at=local(12, 3), passed_at=local(12, 1))
        for (by, unit), stage in zip(links, stages, strict=False)
    ]
    s.passed_to = [d.unit for d in s.delegations]
    return {row["department"]: row["duty"] for row in department_rows(record(s))}  # type: ignore[misc]


def test_each_unit_on_the_chain_owes_its_step() -> None:
    assert duties() == {LEAD: None}
    assert duties(S.TO_SIGN) == {LEAD: "passed_down", STREET: "delegated_sign"}
    assert duties(S.HANDLING) == {LEAD: "passed_down", STREET: "delegated_reply"}
    assert duties(S.REPLIED) == {LEAD: "delegated_review", STREET: None}
    assert duties(S.HANDLING, S.TO_SIGN) == {
        LEAD: "passed_down",
        STREET: "passed_down",
        COMMUNITY: "delegated_sign",
    }
    assert duties(S.HANDLING, S.REPLIED) == {
        LEAD: "passed_down",
        STREET: "delegated_review",
        COMMUNITY: None,
    }
