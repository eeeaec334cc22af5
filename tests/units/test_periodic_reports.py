"""The dispatch meeting, ten-day bulletin, month-end clearance and random audit, by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from activities import report_compilers as reports
from figures.statistics import Weights, statistics
from schema.counts import TicketFacts
from schema.escalation import Escalation
from schema.policy import Policy
from tests.support.statistics import AT, ticket

SHANGHAI = "Asia/Shanghai"


def shanghai(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC) - timedelta(hours=8)


def test_ten_day_periods_follow_the_city_calendar() -> None:
    middle = reports.ten_days_before(shanghai(2026, 11, 21, 2), SHANGHAI)
    assert (middle.start, middle.end) == (shanghai(2026, 11, 11), shanghai(2026, 11, 21))
    assert middle.label == "2026-11-11..20"
    first = reports.ten_days_before(shanghai(2026, 11, 11, 2), SHANGHAI)
    assert (first.start, first.end) == (shanghai(2026, 11, 1), shanghai(2026, 11, 11))
    last = reports.ten_days_before(shanghai(2026, 12, 1, 2), SHANGHAI)  # 21 to 30 November
    assert (last.start, last.end, last.label) == (
        shanghai(2026, 11, 21),
        shanghai(2026, 12, 1),
        "2026-11-21..30",
    )
    january = reports.ten_days_before(shanghai(2027, 1, 1, 2), SHANGHAI)
    assert january.label == "2026-12-21..31"


def test_month_before() -> None:
    period = reports.month_before(
        shanghai(
            2027,
            1,
            1,
            0,
        )
        + timedelta(minutes=30),
        SHANGHAI,
    )
    assert (period.start, period.end, period.label) == (
        shanghai(2026, 12, 1),
        shanghai(2027, 1, 1),
        "2026-12",
    )


def test_dispatch_meeting_assigns_hard_tickets_by_the_policys_rules() -> None:
    policy = Policy.model_validate({"escalation": {"leaders": {"housing": "王副市长"}}})
    leader = Escalation(
        id="T5/3",
        ticket_no="T5",
        number=3,
        kind="leader_supervision",
        level=4,
        reason="r",
        raised_by="timer:supervision",
        raised_at=AT,
        due_at=AT + timedelta(days=7),
        detail={"leader": "李副市长"},
    )
    open_tickets = [
        ticket(1, "housing", status="handling", closure=None, overdue=True),
        ticket(2, "water", status="handling", closure=None, rework_count=1),
        ticket(3, "water", status="dispatched", closure=None, return_count=2),
        ticket(4, "water", status="handling", closure=None, return_count=1),  # not hard
        ticket(5, "water", status="handling", closure=None, open_escalations=[leader]),
        ticket(6, None, status="received", closure=None, overdue=True),  # nobody to press
    ]
    content = reports.dispatch_meeting(open_tickets, AT + timedelta(days=10), policy)
    assigned = {t["ticket_no"]: t for t in content["assigned_to_leaders"]}
    assert set(assigned) == {"T1", "T2", "T3"}
    assert assigned["T1"]["leader"] == "王副市长"
    assert assigned["T2"]["leader"] == policy.escalation.default_leader
    assert assigned["T1"]["reasons"] == ["overdue"]
    assert assigned["T3"]["reasons"] == ["returned 2×"]
    assert assigned["T1"]["age_days"] == 10.0
    assert [t["ticket_no"] for t in content["already_under_leaders"]] == ["T5"]
    text = reports.dispatch_meeting_markdown("2026-11-26", content)
    assert "**3 hard tickets** put under leader supervision (deadline 5wd)" in text


def test_bulletin_ranks_and_names_the_bottom() -> None:
    facts = [
        TicketFacts(ticket(1, "housing", rating=("satisfied", True)), False, False, False),
        TicketFacts(ticket(2, "water", rating=("unsatisfied", False)), True, False, False),
    ]
    stats = statistics(facts, period_from=AT, period_to=AT, weights=Weights())
    content = reports.bulletin(stats)
    assert content["bottom_departments"] == ["water"]
    text = reports.bulletin_markdown("2026-11-11..20", content)
    assert "| 1 | housing | 1 | 100.0 % | 100.0 % | 100.0 % | 100.0 % |" in text
    assert "To be summoned (约谈): water." in text
    alone = statistics(facts[:1], period_from=AT, period_to=AT, weights=Weights())
    assert reports.bulletin(alone)["bottom_departments"] == []  # no bottom of one


def test_clearance_names_who_holds_each_ticket() -> None:
    tickets = [
        ticket(1, None, status="received", closure=None),
        ticket(2, "housing", status="returned", closure=None, pending_review="return"),
        ticket(3, "water", status="handling", closure=None, overdue=True),
        ticket(4, "water", status="callback", closure=None),
    ]
    content = reports.clearance(tickets, AT + timedelta(days=3))
    assert [r["blocker"] for r in content["tickets"]] == [
        "the centre (dispatch)",
        "the centre (return review)",
        "water",
        "the callback (citizen's rating)",
    ]
    assert content["tickets"][1]["stage"] == "returned (return review)"
    assert (content["unfinished"], content["overdue"]) == (4, 1)
    assert content["tickets"][0]["age_days"] == 3.0


def test_audit_draw_is_reproducible_from_the_recorded_seed() -> None:
    closed = [ticket(n, "housing") for n in range(1, 31)]
    first = reports.audit(closed, "2026-11", 10)
    again = reports.audit(list(reversed(closed)), "2026-11", 10)
    assert first == again  # the order the database returns them in does not matter
    assert len(first["tasks"]) == 10 and first["population"] == 30
    assert first["seed"] == reports.audit_seed("2026-11")
    assert reports.audit(closed, "2026-12", 10)["tasks"] != first["tasks"]
    assert len(reports.audit(closed[:4], "2026-11", 10)["tasks"]) == 4
    assert all(t["status"] == "to_audit" for t in first["tasks"])
