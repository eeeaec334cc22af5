"""A city's tickets as the write path would leave them in the read model, made in Python
for ``bench.city``: the ticket's row, its departments, timeline, figures, notices and
escalation rungs, each built by the read model's own functions (``activities.read_model``,
``figures.ticket_facts``) from a ``TicketRecord`` so the shapes are the real ones.

The demo city's catalogue decides where a ticket goes (category → lead and assisting, by
district where the catalogue says so); created_at is spread over the last ``days`` days,
and how far a ticket got follows its age: most older tickets are closed, the open ones
spread over the statuses, the long-open ones overdue and climbing the ladder.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from activities.read_model import department_rows, escalation_row, ticket_row
from figures.ticket_facts import figures_row
from schema.activity_io import TicketRecord
from schema.counts import TicketFacts
from schema.escalation import Escalation, EscalationKind, EscalationOutcome
from schema.ladder import LEVEL
from schema.ticket import (
    ClosureReason,
    PendingReview,
    Rating,
    Satisfaction,
    SupervisionTier,
    TicketStatus,
    TicketType,
    Urgency,
)
from startup.demo_catalogue import LEAVES, Leaf
from startup.demo_city import DISTRICTS
from workflows.ticket.news import CENTRE

# What the open tickets are doing, in a busy city.
OPEN_SHARE = {
    TicketStatus.HANDLING: 0.45,
    TicketStatus.DISPATCHED: 0.2,
    TicketStatus.CALLBACK: 0.2,
    TicketStatus.SUSPENDED: 0.05,
    TicketStatus.RETURNED: 0.04,
    TicketStatus.RECEIVED: 0.04,
    TicketStatus.AWAITING_110: 0.02,
}
RUNGS = sorted(
    (k for k in EscalationKind if k is not EscalationKind.MISSED_REPORT_IN),
    key=lambda kind: LEVEL[kind],
)
TIERS = list(SupervisionTier)
SATISFACTION = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.UNSATISFIED)
# A ticket number's daily sequence starts here, far above what the API hands out in a day.
FIRST_SEQUENCE = 500_000


@dataclass
class CityRows:
    """One batch of rows, by table."""

    tickets: list[dict[str, Any]] = field(default_factory=list)
    ticket_departments: list[dict[str, Any]] = field(default_factory=list)
    ticket_events: list[dict[str, Any]] = field(default_factory=list)
    ticket_figures: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    escalations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CityMaker:
    """Makes ticket after ticket, oldest first, from a real ticket's record."""

    template: TicketRecord
    now: datetime
    tickets: int
    days: int = 60
    rng: random.Random = field(default_factory=lambda: random.Random(12345))
    # Weights: a few categories take most calls, as in every city (Zipf-like).
    weights: list[float] = field(init=False)
    daily: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ranks = list(range(len(LEAVES)))
        random.Random(7).shuffle(ranks)  # the busiest categories from every family
        self.weights = [1 / (rank + 1) for rank in ranks]

    def batch(self, start: int, count: int) -> CityRows:
        rows = CityRows()
        for n in range(start, min(start + count, self.tickets)):
            self._one(n, rows)
        return rows

    def _one(self, n: int, rows: CityRows) -> None:
        rng = self.rng
        span = timedelta(days=self.days)
        created = self.now - span + span * (n + rng.random()) / self.tickets
        day = (created + timedelta(hours=8)).strftime("%Y%m%d")  # the city's day
        sequence = self.daily.get(day, FIRST_SEQUENCE) + 1
        self.daily[day] = sequence
        ticket_no = f"{day}-{sequence:06d}"
        leaf = rng.choices(LEAVES, weights=self.weights)[0]
        district = rng.choice(DISTRICTS)
        # No catalogue row for the district: an agent dispatched it by hand.
        lead = leaf.by_district.get(district, leaf.lead) or rng.choice(
            [*leaf.by_district.values(), "urban-management"]
        )
        record = self._record(ticket_no, n, leaf, district, lead, created)
        rungs = self._rungs(record)
        if rungs:
            open_rungs = [r for r in rungs if r.is_open]
            record = record.model_copy(update={"open_escalations": open_rungs})
        events, missed_sign, missed_reply = self._timeline(record)
        rows.tickets.append(ticket_row(record) | {"fence": 0})
        rows.ticket_departments.extend(department_rows(record))
        rows.ticket_figures.append(
            figures_row(TicketFacts(record, missed_sign, missed_reply, False))
        )
        rows.ticket_events.extend(events)
        rows.notifications.extend(self._notices(record))
        rows.escalations.extend(escalation_row(r) for r in rungs)

    def _record(
        self,
        ticket_no: str,
        n: int,
        leaf: Leaf,
        district: str,
        lead: str,
        created: datetime,
    ) -> TicketRecord:
        rng = self.rng
        age_days = (self.now - created) / timedelta(days=1)
        closed_chance = 0.97 if age_days > 20 else 0.9 * age_days / 20
        if rng.random() < closed_chance:
            status = TicketStatus.CLOSED
        else:
            status = rng.choices(list(OPEN_SHARE), weights=list(OPEN_SHARE.values()))[0]
        if status is TicketStatus.RECEIVED and age_days > 2:
            status = TicketStatus.DISPATCHED  # the dispatch queue holds only the fresh ones
        open_ = status is not TicketStatus.CLOSED
        dispatched = status is not TicketStatus.RECEIVED
        overdue = open_ and dispatched and rng.random() < (0.45 if age_days > 7 else 0.04)
        level = 0
        if overdue:
            level = rng.choices((2, 3, 4, 5, 6, 7), weights=(50, 25, 12, 7, 4, 2))[0]
        elif open_ and dispatched and rng.random() < 0.1:
            level = 1
        level = min(level, max(LEVEL.values()))
        assisting = [d for d in leaf.assisting if d != lead] if dispatched else []
        review = None
        if status is TicketStatus.RETURNED:
            review = PendingReview.RETURN
        elif status is TicketStatus.HANDLING and rng.random() < 0.05:
            review = PendingReview.EXTENSION
        elif status is TicketStatus.SUSPENDED and rng.random() < 0.3:
            review = PendingReview.SUSPENSION
        elif status is TicketStatus.CALLBACK and rng.random() < 0.1:
            review = PendingReview.RATING
        closed_at = created + timedelta(hours=rng.randrange(24, 24 * 15)) if not open_ else None
        closed_at = min(closed_at, self.now) if closed_at else None
        rating = None
        if closed_at is not None and rng.random() < 0.85:
            rating = Rating(
                satisfaction=rng.choices(SATISFACTION, weights=(80, 12, 8))[0],
                solved=rng.random() < 0.9,
                rated_at=closed_at,
                rated_by="agent:callback",
            )
        signed = status not in (TicketStatus.RECEIVED, TicketStatus.DISPATCHED)
        replied = status is TicketStatus.CALLBACK or not open_
        step = timedelta(hours=rng.randrange(1, 30))
        return self.template.model_copy(
            update={
                "ticket_no": ticket_no,
                "type": rng.choices(list(TicketType), weights=(30, 25, 30, 5, 7, 3))[0],
                "urgency": rng.choices(list(Urgency), weights=(3, 12, 80, 5))[0],
                "category": leaf.code,
                "district": district,
                "description": f"{leaf.name_zh}：市民来电反映的情况（第{n}件）",
                # A caller of their own; one in five calls again (the phone search).
                "citizen": self.template.citizen.model_copy(
                    update={"phone": f"139{(n if n % 5 else n // 5):08d}"}
                ),
                "status": status,
                "lead_department": lead if dispatched else None,
                "assisting_departments": assisting,
                "overdue": overdue,
                "escalation_level": level,
                "supervision_tier": TIERS[min(level - 3, 2)] if 3 <= level <= 5 else None,
                "pending_review": review,
                "rating": rating,
                "closure_reason": (ClosureReason.RATED if rating else ClosureReason.NO_RATING)
                if closed_at
                else None,
                "created_at": created,
                "updated_at": closed_at or created + step,
                "closed_at": closed_at,
                "dispatched_at": created + timedelta(minutes=10) if dispatched else None,
                "signed_at": created + step / 4 if signed else None,
                "replied_at": created + step if replied else None,
                "missed_deadlines": 1 if overdue else 0,
                "version": 6,
                "deadlines": {},
                "deadline_warnings": {},
                "parts": [],
                "delegations": [],
                "passed_to": [],
            }
        )

    def _rungs(self, record: TicketRecord) -> list[Escalation]:
        """The ladder it climbed: every rung up to its level, the top one still open; a
        closed ticket sometimes climbed a rung or two on its way (all ended)."""
        rng = self.rng
        top = record.escalation_level
        closed = record.status is TicketStatus.CLOSED
        if closed and rng.random() < 0.04:
            top = rng.choice((1, 1, 2, 2, 3))
        if top == 0:
            return []
        rungs = []
        for number, kind in enumerate(RUNGS[:top], start=1):
            is_top = number == top and not closed
            detail: dict[str, Any] = {}
            if kind is EscalationKind.JOINT_MEETING:
                summoned = [record.lead_department, *record.assisting_departments]
                detail = {"departments": [d for d in summoned if d]}
            raised = record.created_at + timedelta(days=number)
            rungs.append(
                Escalation(
                    id=f"{record.ticket_no}/{number}",
                    ticket_no=record.ticket_no,
                    number=number,
                    kind=kind,
                    level=LEVEL[kind],
                    tier=record.supervision_tier
                    if kind is EscalationKind.SUPERVISION_ORDER
                    else None,
                    department=record.lead_department,
                    step="reply",
                    reason="办理时限已过",
                    raised_by="timer:reply",
                    raised_at=min(raised, self.now),
                    due_at=raised + timedelta(days=2),
                    outcome=EscalationOutcome.OPEN
                    if is_top
                    else (EscalationOutcome.DONE if closed else EscalationOutcome.ESCALATED),
                    ended_at=None if is_top else min(raised + timedelta(days=1), self.now),
                    ended_by=None if is_top else "timer:reply",
                    detail=detail,
                    version=record.version,
                )
            )
        return rungs

    def _timeline(self, record: TicketRecord) -> tuple[list[dict[str, Any]], bool, bool]:
        """Its events as the workflow logs them, and whether it missed the sign or reply."""
        steps: list[tuple[str, datetime | None, dict[str, Any]]] = [
            ("received", record.created_at, {"channel": record.channel.value}),
            ("dispatched", record.dispatched_at, {"lead": record.lead_department}),
            ("signed", record.signed_at, {}),
            ("reminder", record.updated_at if record.overdue else None, {"step": "reply"}),
            ("replied", record.replied_at, {"note": "已现场核实并处理，情况属实。"}),
            ("rated", record.rating.rated_at if record.rating else None, {}),
            ("closed", record.closed_at, {"reason": str(record.closure_reason or "")}),
        ]
        events = [
            {
                "ticket_no": record.ticket_no,
                "seq": seq,
                "at": at,
                "actor": "agent:intake" if action == "received" else "system",
                "action": action,
                "detail": detail,
            }
            for seq, (action, at, detail) in enumerate(
                ((a, t, d) for a, t, d in steps if t is not None), start=1
            )
        ]
        return events, False, record.overdue

    def _notices(self, record: TicketRecord) -> list[dict[str, Any]]:
        """What the database sender keeps: the lead is told of its dispatch (and of a missed
        deadline); the centre of a ticket that waits for an agent."""
        no, lead = record.ticket_no, record.lead_department
        told: list[tuple[int, str, str, str]] = []
        if lead is None:  # not dispatched yet
            told.append((1, CENTRE, "awaiting_dispatch", f"工单 {no} 待派单"))
        else:
            told.append((2, lead, "dispatched", f"工单 {no} 已派至贵单位，请及时签收"))
            if record.overdue:
                told.append((4, lead, "reminder", f"工单 {no} 已超期，请尽快办理"))
        return [
            {
                "id": f"{no}:{seq}:{recipient}",
                "ticket_no": no,
                "seq": seq,
                "recipient": recipient,
                "kind": kind,
                "message": message,
                "at": record.created_at + timedelta(minutes=10 * seq),
            }
            for seq, recipient, kind, message in told
        ]
