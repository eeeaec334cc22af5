"""智能回访 counted apart: a rating the citizen gave themself (an SMS reply, their page)
counts in the satisfaction rate like an agent's callback, and in figures of its own."""

from __future__ import annotations

from typing import Any

from figures.statistics import Weights, rates
from schema.counts import Counts, ticket_counts
from schema.ticket import ClosureReason, Satisfaction


def rated(satisfaction: Satisfaction, rated_by: str) -> Counts:
    values: dict[str, Any] = {
        "lead_department": "urban-management",
        "closure_reason": ClosureReason.RATED,
        "overdue": False,
        "escalation_level": 0,
        "return_count": 0,
        "rework_count": 0,
        "satisfaction": satisfaction,
        "solved": True,
        "excluded_from_score": False,
        "missed_sign": False,
        "missed_reply": False,
        "answered_on_the_spot": False,
    }
    return ticket_counts(**values, rated_by=rated_by)


def test_the_citizens_own_ratings_and_the_agents_are_counted_apart() -> None:
    by_sms = rated(Satisfaction.SATISFIED, "integrator:sms-reply")
    by_page = rated(Satisfaction.UNSATISFIED, "integrator:citizen-page")
    by_agent = rated(Satisfaction.BASICALLY_SATISFIED, "agent:wang")
    assert (by_sms.self_scored, by_sms.self_content) == (1, 1)
    assert (by_page.self_scored, by_page.self_content) == (1, 0)
    assert (by_agent.self_scored, by_agent.self_content) == (0, 0)
    figures = rates(by_sms + by_page + by_agent + by_agent, Weights())
    assert figures.satisfaction_rate == 0.75  # all four alike
    assert figures.self_rated == 2 and figures.self_satisfaction_rate == 0.5
    assert figures.agent_satisfaction_rate == 1.0


def test_an_integration_that_is_not_the_citizen_counts_as_a_callback() -> None:
    assert rated(Satisfaction.SATISFIED, "integrator:crm").self_scored == 0
