"""The periodic reports beyond the daily one: pure functions of read-model data.

Each takes what the compiling activity read and returns the report's content (JSON)
and its Markdown rendering. Periods are the city's calendar periods (domain.md,
periodic work): ten-day periods run 1–10, 11–20 and 21 to the month's end.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from figures.statistics import Statistics
from schema.ladder import LEADER_LEVEL
from schema.policy import Policy
from schema.ticket import TicketStatus, TicketView


@dataclass(frozen=True)
class Period:
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    label: str


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def day_before(as_of: datetime, timezone: str) -> Period:
    """[00:00, 24:00) of the city's calendar day before ``as_of``."""
    zone = ZoneInfo(timezone)
    day = as_of.astimezone(zone).date() - timedelta(days=1)
    return Period(
        _local_midnight(day, zone), _local_midnight(day + timedelta(days=1), zone), day.isoformat()
    )


def ten_days_before(as_of: datetime, timezone: str) -> Period:
    """The ten-day period (旬) that ended most recently before ``as_of``'s city day."""
    zone = ZoneInfo(timezone)
    last = as_of.astimezone(zone).date() - timedelta(days=1)
    first_day = 1 if last.day <= 10 else 11 if last.day <= 20 else 21
    start = last.replace(day=first_day)
    end = _next_month(start) if first_day == 21 else start + timedelta(days=10)
    label = f"{start.isoformat()}..{(end - timedelta(days=1)).day:02d}"
    return Period(_local_midnight(start, zone), _local_midnight(end, zone), label)


def month_before(as_of: datetime, timezone: str) -> Period:
    """The calendar month before ``as_of``'s city day (the report runs on the 1st)."""
    zone = ZoneInfo(timezone)
    this_month = as_of.astimezone(zone).date().replace(day=1)
    start = (this_month - timedelta(days=1)).replace(day=1)
    return Period(
        _local_midnight(start, zone), _local_midnight(this_month, zone), start.strftime("%Y-%m")
    )


def _age_days(ticket: TicketView, as_of: datetime) -> float:
    return round((as_of - ticket.created_at).total_seconds() / 86400, 1)


# -- 调度会: the dispatch meeting --------------------------------------------------------


def hard_ticket_reasons(ticket: TicketView, policy: Policy) -> list[str]:
    """Why an open ticket is hard or backlog by the policy's rules; empty if it is not."""
    rules = policy.reports
    reasons = []
    if rules.hard_when_overdue and ticket.overdue:
        reasons.append("overdue")
    if ticket.rework_count >= rules.hard_at_rework_count:
        reasons.append(f"reworked {ticket.rework_count}×")
    if ticket.return_count >= rules.hard_at_return_count:
        reasons.append(f"returned {ticket.return_count}×")
    return reasons


def dispatch_meeting(open_tickets: list[TicketView], as_of: datetime, policy: Policy) -> dict:
    """Hard tickets below leader supervision go to a named leader; those above are listed."""
    assigned, listed = [], []
    for ticket in sorted(open_tickets, key=lambda t: t.created_at):
        leaders = [e for e in ticket.open_escalations if e.kind == "leader_supervision"]
        if leaders:
            listed.append(
                {
                    "ticket_no": ticket.ticket_no,
                    "lead": ticket.lead_department,
                    "leader": leaders[-1].detail.get("leader"),
                    "due": leaders[-1].due_at.isoformat() if leaders[-1].due_at else None,
                    "age_days": _age_days(ticket, as_of),
                }
            )
            continue
        reasons = hard_ticket_reasons(ticket, policy)
        if reasons and ticket.lead_department and ticket.escalation_level < LEADER_LEVEL:
            assigned.append(
                {
                    "ticket_no": ticket.ticket_no,
                    "lead": ticket.lead_department,
                    "leader": policy.escalation.leader_for(ticket.lead_department),
                    "reasons": reasons,
                    "age_days": _age_days(ticket, as_of),
                    "escalation_level": ticket.escalation_level,
                }
            )
    return {
        "rules": policy.reports.model_dump(),
        "leader_deadline": policy.escalation.leader_supervision,
        "assigned_to_leaders": assigned,
        "already_under_leaders": listed,
    }


def dispatch_meeting_markdown(label: str, content: dict[str, Any]) -> str:
    lines = [f"# Dispatch meeting (调度会) — {label}", ""]
    lines += [
        f"**{len(content['assigned_to_leaders'])} hard tickets** put under leader "
        f"supervision (deadline {content['leader_deadline']}); "
        f"{len(content['already_under_leaders'])} already under a leader.",
        "",
        "## Assigned now",
        "",
    ]
    lines += [
        f"- {t['ticket_no']}: {t['lead']} under {t['leader']} — {', '.join(t['reasons'])}; "
        f"{t['age_days']} days old"
        for t in content["assigned_to_leaders"]
    ] or ["- none"]
    lines += ["", "## Under leaders already", ""]
    lines += [
        f"- {t['ticket_no']}: {t['lead']} under {t['leader']}, due {t['due']}"
        for t in content["already_under_leaders"]
    ] or ["- none"]
    return "\n".join([*lines, ""])


# -- 十天一通报: the ten-day bulletin ------------------------------------------------------


def bulletin(stats: Statistics) -> dict[str, Any]:
    """Every department's figures and rank; the bottom of the ranking is named for 约谈."""
    ranked = [d for d in stats.departments if d.rank is not None]
    # The bottom tenth (at least one) — but a ranking of one department has no bottom.
    bottom = ranked[-max(1, len(ranked) // 10) :] if len(ranked) > 1 else []
    return {
        "statistics": stats.model_dump(mode="json"),
        "bottom_departments": [d.department for d in bottom],
    }


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def bulletin_markdown(label: str, content: dict[str, Any]) -> str:
    stats = content["statistics"]
    overall = stats["overall"]
    lines = [
        f"# Ten-day bulletin (十天一通报) — {label}",
        "",
        f"**{overall['tickets']} tickets**; response {_percent(overall['response_rate'])}, "
        f"resolution {_percent(overall['resolution_rate'])}, satisfaction "
        f"{_percent(overall['satisfaction_rate'])}, composite {_percent(overall['composite'])}.",
        "",
        "| rank | department | tickets | response | resolution | satisfaction | composite |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in stats["departments"]:
        lines.append(
            f"| {d['rank'] or '–'} | {d['department']} | {d['tickets']} | "
            f"{_percent(d['response_rate'])} | {_percent(d['resolution_rate'])} | "
            f"{_percent(d['satisfaction_rate'])} | {_percent(d['composite'])} |"
        )
    bottom = ", ".join(content["bottom_departments"]) or "none"
    return "\n".join([*lines, "", f"To be summoned (约谈): {bottom}.", ""])


# -- 月清零: the month-end clearance -------------------------------------------------------


def blocker(ticket: TicketView) -> str:
    """Who holds the ticket up now."""
    if ticket.pending_review is not None:
        return f"the centre ({ticket.pending_review} review)"
    if ticket.status is TicketStatus.RECEIVED:
        return "the centre (dispatch)"
    if ticket.status is TicketStatus.CALLBACK:
        return "the callback (citizen's rating)"
    return ticket.lead_department or "the centre"


def clearance(open_tickets: list[TicketView], as_of: datetime) -> dict[str, Any]:
    rows = [
        {
            "ticket_no": t.ticket_no,
            "age_days": _age_days(t, as_of),
            "stage": t.status.value
            + (f" ({t.pending_review} review)" if t.pending_review is not None else ""),
            "blocker": blocker(t),
            "overdue": t.overdue,
            "escalation_level": t.escalation_level,
            "category": t.category,
            "district": t.district,
        }
        for t in sorted(open_tickets, key=lambda t: t.created_at)
    ]
    by_blocker = Counter(str(row["blocker"]) for row in rows)
    return {
        "unfinished": len(rows),
        "overdue": sum(r["overdue"] for r in rows),
        "by_blocker": dict(by_blocker.most_common()),
        "tickets": rows,
    }


def clearance_markdown(label: str, content: dict[str, Any]) -> str:
    lines = [
        f"# Month-end clearance (月清零) — {label}",
        "",
        f"**{content['unfinished']} unfinished tickets**, {content['overdue']} overdue.",
        "",
        "## Held by",
        "",
    ]
    lines += [f"- {who}: {n}" for who, n in content["by_blocker"].items()] or ["- nobody"]
    lines += ["", "## Tickets, oldest first", ""]
    lines += [
        f"- {r['ticket_no']}: {r['age_days']} days, {r['stage']}, held by {r['blocker']}"
        + (" — overdue" if r["overdue"] else "")
        for r in content["tickets"]
    ] or ["- none"]
    return "\n".join([*lines, ""])


# -- the monthly random audit -----------------------------------------------------------


def audit_seed(label: str) -> int:
    """A seed fixed by the month, so anyone can redraw the same sample."""
    return int.from_bytes(hashlib.sha256(f"audit-{label}".encode()).digest()[:8], "big")


def audit(closed: list[TicketView], label: str, size: int) -> dict[str, Any]:
    """Draw ``size`` closed tickets: the population sorted by number, then ``random.Random
    (seed).sample``; the seed and a digest of the population are recorded with the draw."""
    population = sorted(t.ticket_no for t in closed)
    seed = audit_seed(label)
    drawn = random.Random(seed).sample(population, min(size, len(population)))
    by_no = {t.ticket_no: t for t in closed}
    ratings = {no: t.rating.satisfaction if t.rating else None for no, t in by_no.items()}
    return {
        "seed": seed,
        "population": len(population),
        "population_sha256": hashlib.sha256("\n".join(population).encode()).hexdigest(),
        "method": "random.Random(seed).sample(sorted ticket numbers, k)",
        "tasks": [
            {
                "ticket_no": no,
                "lead": by_no[no].lead_department,
                "closure_reason": by_no[no].closure_reason,
                "satisfaction": ratings[no],
                "status": "to_audit",
            }
            for no in drawn
        ],
    }


def audit_markdown(label: str, content: dict[str, Any]) -> str:
    lines = [
        f"# Monthly random audit — {label}",
        "",
        f"{len(content['tasks'])} of {content['population']} closed tickets drawn with seed "
        f"{content['seed']} ({content['method']}).",
        "",
    ]
    lines += [
        f"- [ ] {t['ticket_no']} ({t['lead']}, {t['closure_reason']}, {t['satisfaction']})"
        for t in content["tasks"]
    ] or ["- nothing closed this month"]
    return "\n".join([*lines, ""])
