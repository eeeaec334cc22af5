"""Statistics on a fixed data set (tests/support/statistics.py), every expected figure
worked out by hand below."""

from __future__ import annotations

from typing import Any

import pytest

from figures.statistics import Weights, statistics
from schema.counts import TicketFacts
from tests.support.statistics import AT, DATA, facts, ticket


def compute(weights: Weights | None = None) -> Any:
    return statistics(DATA, period_from=AT, period_to=AT, weights=weights or Weights())


def test_overall_figures() -> None:
    overall = compute().overall
    # handled: all but the 110 transfer (8) and the merged duplicate (9) → 1-7
    # dispatched: tickets with a lead → 1-6 and 9; closed: handled and rated/no_rating → 1,2,3,5,6,7
    assert (overall.tickets, overall.handled, overall.dispatched, overall.closed) == (9, 7, 7, 6)
    assert overall.overdue_now == 1  # ticket 4
    assert overall.response_rate == round(5 / 7, 4)  # 3 and 4 missed the sign deadline
    assert overall.closure_rate == round(6 / 7, 4)
    assert overall.on_time_closure_rate == round(5 / 7, 4)  # closed, minus 2 (late reply)
    assert overall.resolution_rate == 0.8  # rated 1,2,3,5,7; solved all but 3
    assert overall.satisfaction_rate == 1.0  # 1,2,7 count; 3 excluded, 5 no comment
    assert overall.first_time_resolution_rate == 0.5  # 1, 6, 7 of the six closed
    assert overall.direct_answer_rate == round(1 / 7, 4)  # 7
    assert overall.return_rate == round(1 / 7, 4)  # 5
    assert overall.repeat_request_rate == round(1 / 9, 4)  # 9
    assert overall.supervised_resolution_rate == 0.0  # 3: supervised, rated, not solved
    assert overall.composite == round(0.30 * 0.7143 + 0.35 * 0.8 + 0.35 * 1.0, 4)  # 0.8443


def test_department_figures_and_ranking() -> None:
    result = compute()
    housing, transport = result.departments
    assert (housing.department, housing.rank) == ("housing", 1)
    assert (housing.tickets, housing.handled, housing.closed) == (4, 4, 3)
    assert housing.response_rate == 0.5  # 3 and 4 late to sign
    assert housing.closure_rate == 0.75
    assert housing.on_time_closure_rate == 0.5  # 1 and 3 of 4
    assert housing.resolution_rate == round(2 / 3, 4)
    assert housing.satisfaction_rate == 1.0  # 3's dissatisfaction was unreasonable
    assert housing.first_time_resolution_rate == round(1 / 3, 4)
    assert housing.supervised_resolution_rate == 0.0
    assert housing.composite == round(0.30 * 0.5 + 0.35 * 0.6667 + 0.35 * 1.0, 4)  # 0.7333

    assert (transport.department, transport.rank) == ("transport", None)
    assert (transport.tickets, transport.handled, transport.dispatched) == (3, 2, 3)
    assert transport.response_rate == 1.0
    assert transport.satisfaction_rate is None  # its only rating said no comment
    assert transport.composite is None  # so it cannot be ranked
    assert transport.first_time_resolution_rate == 0.5  # 5 was returned once; 6 was not
    assert transport.return_rate == round(1 / 3, 4)
    assert transport.repeat_request_rate == round(1 / 3, 4)
    assert transport.supervised_resolution_rate is None


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        (Weights(response=1, resolution=0, satisfaction=0), round(5 / 7, 4)),
        (Weights(response=1, resolution=1, satisfaction=2), round((0.7143 + 0.8 + 2 * 1.0) / 4, 4)),
    ],
)
def test_weights_are_configurable(weights: Weights, expected: float) -> None:
    assert compute(weights).overall.composite == expected


def test_no_tickets_no_rates() -> None:
    empty = statistics([], period_from=AT, period_to=AT, weights=Weights()).overall
    assert empty.tickets == 0 and empty.response_rate is None and empty.composite is None


def test_missed_report_ins_count_against_the_department() -> None:
    facts = [TicketFacts(ticket(1, "housing", rating=("satisfied", True)), False, False, False)]
    stats = statistics(
        facts,
        period_from=AT,
        period_to=AT,
        weights=Weights(),
        missed_report_ins={"housing": 2, "water": 1},
    )
    by_code = {d.department: d for d in stats.departments}
    assert (by_code["housing"].missed_report_ins, by_code["water"].missed_report_ins) == (2, 1)
    assert by_code["water"].tickets == 0 and by_code["water"].rank is None  # listed, unranked
    assert by_code["housing"].composite == 1.0  # absences are not part of the composite
    assert stats.overall.missed_report_ins == 3


def test_suspension_reopening_and_110_hand_backs_are_counted() -> None:
    """挂起 keeps its days in sight, 重新受理 counts as a repeat request, 110退回 is counted."""
    data = [
        facts(ticket(1, "housing", suspension_count=2, suspended_seconds=3 * 86400 + 1)),
        facts(ticket(2, "housing", suspension_count=1, suspended_seconds=86400)),
        facts(ticket(3, "housing", reopens="T1")),
        facts(ticket(4, None, status="received", closure=None, handed_back_by_110=2)),
    ]
    overall = statistics(data, period_from=AT, period_to=AT, weights=Weights()).overall
    assert overall.suspension_rate == round(2 / 3, 4)  # 1 and 2 of the three dispatched
    assert overall.suspended_days == 4 + 1  # whole days, rounded up per ticket
    assert overall.repeat_request_rate == 0.25  # 3 reopens 1
    assert overall.handed_back_by_110 == 1  # ticket 4, however many times


def test_reworked_tickets_rated_content_afterwards_are_counted() -> None:
    """发回重办: of the scored tickets sent back for rework, those content afterwards."""
    data = [
        facts(ticket(1, "housing", rating=("satisfied", True), rework_count=1)),
        facts(ticket(2, "housing", rating=("unsatisfied", False), rework_count=2)),
        facts(ticket(3, "housing", rating=("satisfied", True))),  # never reworked
        # excluded from the score (an unreasonable demand): not counted either way
        facts(ticket(4, "housing", rating=("unsatisfied", False), rework_count=1,
                     excluded_from_score=True)),
    ]  # fmt: skip
    overall = statistics(data, period_from=AT, period_to=AT, weights=Weights()).overall
    assert overall.reworked_to_satisfied == 1
    assert overall.rework_satisfaction_rate == 0.5
