"""A department's queues of its own rows and its overdue list, read from the department's
rows (their indexes, their count), list and count the same tickets in the same order as
the tickets themselves say, on SQLite and PostgreSQL: lead or assisting, in its hands or
not, with the search narrowing a queue or not. And the meeting queue's units, opened
once per sealed detail, follow the detail as it is now."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace
from typing import cast

from activities.read_model import department_rows, escalation_row, ticket_row
from hotline.database import upsert
from schema.activity_io import TicketRecord
from schema.escalation import Escalation, EscalationKind
from schema.tables import StoredEscalation, Ticket, TicketDepartment
from schema.ticket import Actor, Role, SupervisionTier, TicketStatus
from services.context import AppContext
from services.escalation_queries import meetings_summoning
from services.queues import queue_page
from services.ticket_queries import TicketFilter, list_tickets
from services.tickets import TicketSearch
from tests.support.read_model import ReadModel
from tests.support.statistics import AT, ticket

IN_HAND = (TicketStatus.DISPATCHED, TicketStatus.HANDLING)


def _records(unit: str, other: str) -> list[TicketRecord]:
    """Tickets of every kind the queues tell apart, an hour apart, two at each instant."""
    records = []
    for n in range(40):
        status = [*IN_HAND, TicketStatus.CALLBACK, TicketStatus.CLOSED][n % 4]
        leads = n % 3 != 0
        view = ticket(
            n,
            unit if leads else other,
            status=status.value,
            closure=None,
            ticket_no=f"{unit}-{n:03d}",
            assisting_departments=[] if leads else [unit],
            district="putuo" if n % 5 else "dinghai",
            overdue=n % 2 == 0 and status is not TicketStatus.CLOSED,
            supervision_tier=SupervisionTier.BLUE if n % 7 == 0 else None,
            created_at=AT + timedelta(hours=n // 2),
        )
        records.append(
            TicketRecord(
                **view.model_dump(),
                version=1,
                dispatched_at=AT,
                signed_at=None,
                replied_at=None,
                reply_outcome=None,
                missed_deadlines=0,
            )
        )
    return records


async def test_own_row_lists_match_what_the_tickets_say(read_model: ReadModel) -> None:
    run = uuid.uuid4().hex[:6]
    unit, other = f"unit-{run}", f"other-{run}"
    records = _records(unit, other)
    async with read_model.sessions.begin() as session:
        await upsert(session, Ticket, [ticket_row(r) | {"fence": 0} for r in records])
        await upsert(
            session, TicketDepartment, [row for r in records for row in department_rows(r)]
        )

    def newest_first(chosen: list[TicketRecord]) -> list[str]:
        ordered = sorted(chosen, key=lambda r: (r.created_at, r.ticket_no), reverse=True)
        return [r.ticket_no for r in ordered]

    async with read_model.sessions() as session:
        found, total = await list_tickets(
            session, TicketFilter(department=unit, overdue=True), offset=0, limit=200
        )
        in_putuo, putuo_total = await list_tickets(
            session,
            TicketFilter(department=unit, overdue=True, district="putuo"),
            offset=0,
            limit=5,
        )
    overdue = [r for r in records if r.overdue]
    assert [t.ticket_no for t in found] == newest_first(overdue)
    assert total == len(overdue)
    overdue_in_putuo = newest_first([r for r in overdue if r.district == "putuo"])
    assert [t.ticket_no for t in in_putuo] == overdue_in_putuo[:5]
    assert putuo_total == len(overdue_in_putuo)

    context = cast(AppContext, SimpleNamespace(sessions=read_model.sessions))
    clerk = Actor(sub="clerk", role=Role.DEPARTMENT, department=unit)
    in_hand = [r for r in records if r.status in IN_HAND]
    expected = {
        "overdue": [r for r in in_hand if r.overdue],
        "supervised": [r for r in in_hand if r.supervision_tier is not None],
        "assisting": [r for r in in_hand if r.lead_department != unit],
    }
    for key, chosen in expected.items():
        oldest_first = list(reversed(newest_first(chosen)))
        page = await queue_page(context, clerk, key, TicketSearch(page_size=3, page=2))
        assert [t.ticket_no for t in page.items] == oldest_first[3:6], key
        assert page.total == len(chosen), key
        narrowed = await queue_page(context, clerk, key, TicketSearch(district="dinghai"))
        in_dinghai = [
            no
            for no in oldest_first
            if no in {r.ticket_no for r in chosen if r.district == "dinghai"}
        ]
        assert [t.ticket_no for t in narrowed.items] == in_dinghai, key
        assert narrowed.total == len(in_dinghai), key


async def test_a_meeting_summons_whom_its_detail_names_now(read_model: ReadModel) -> None:
    """Who an open joint meeting summoned is opened once per sealed detail; a detail
    written again (other units) answers anew, never from what was opened before."""
    run = uuid.uuid4().hex[:6]
    unit, other = f"unit-{run}", f"other-{run}"

    def meeting(departments: list[str], version: int) -> dict[str, object]:
        rung = Escalation(
            id=f"M-{run}/1",
            ticket_no=f"M-{run}",
            number=1,
            kind=EscalationKind.JOINT_MEETING,
            level=5,
            reason="吹哨报到",
            raised_by="supervisor:li",
            raised_at=AT,
            detail={"departments": departments},
            version=version,
        )
        return escalation_row(rung)

    async with read_model.sessions.begin() as session:
        await upsert(session, StoredEscalation, [meeting([unit, other], 1)])
    async with read_model.sessions() as session:
        assert [m.ticket_no for m in await meetings_summoning(session, unit)] == [f"M-{run}"]
        assert [m.ticket_no for m in await meetings_summoning(session, other)] == [f"M-{run}"]
    async with read_model.sessions.begin() as session:
        await upsert(session, StoredEscalation, [meeting([other], 2)])
    async with read_model.sessions() as session:
        assert await meetings_summoning(session, unit) == []
        assert [m.ticket_no for m in await meetings_summoning(session, other)] == [f"M-{run}"]
