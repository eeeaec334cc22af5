"""The fixed data set the statistics tests work their expected figures out on by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from schema.counts import TicketFacts
from schema.ticket import Citizen, Rating, TicketView

AT = datetime(2026, 11, 2, 9, tzinfo=UTC)


def ticket(
    no: int,
    lead: str | None,
    *,
    status: str = "closed",
    closure: str | None = "rated",
    rating: tuple[str, bool] | None = None,
    **fields: Any,
) -> TicketView:
    base: dict[str, Any] = {
        "ticket_no": f"T{no}",
        "status": status,
        "type": "complaint",
        "channel": "phone",
        "category": "c",
        "urgency": "general",
        "district": "dinghai",
        "address": None,
        "description": "d",
        "enterprise": False,
        "citizen": Citizen(name="张三", phone="13800000000"),
        "lead_department": lead,
        "assisting_departments": [],
        "deadlines": {},
        "overdue": False,
        "escalation_level": 0,
        "rework_count": 0,
        "return_count": 0,
        "rating": None,
        "pending_review": None,
        "excluded_from_score": False,
        "closure_reason": closure,
        "merged_into": None,
        "created_at": AT,
        "updated_at": AT,
        "closed_at": None,
    }
    if rating is not None:
        base["rating"] = Rating(
            satisfaction=rating[0], solved=rating[1], rated_at=AT, rated_by="agent:x"
        )
    base.update(fields)
    return TicketView(**base)


def facts(
    view: TicketView, *, sign: bool = False, reply: bool = False, answered: bool = False
) -> TicketFacts:
    return TicketFacts(
        ticket=view, missed_sign=sign, missed_reply=reply, answered_on_the_spot=answered
    )


DATA = [
    # housing (lead A)
    facts(ticket(1, "housing", rating=("satisfied", True))),
    facts(
        ticket(
            2, "housing", rating=("basically_satisfied", True), rework_count=1, escalation_level=2
        ),
        reply=True,
    ),
    facts(
        ticket(
            3,
            "housing",
            rating=("unsatisfied", False),
            excluded_from_score=True,
            escalation_level=3,
        ),
        sign=True,
    ),
    facts(
        ticket(4, "housing", status="handling", closure=None, overdue=True, escalation_level=2),
        sign=True,
    ),
    # transport (lead B)
    facts(ticket(5, "transport", rating=("no_comment", True), return_count=1)),
    facts(ticket(6, "transport", closure="no_rating")),
    facts(ticket(9, "transport", closure="merged")),
    # never dispatched
    facts(ticket(7, None, rating=("satisfied", True)), answered=True),
    facts(ticket(8, None, closure="transferred_110")),
]
