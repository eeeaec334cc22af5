"""The process table reads as the chart: every status is reached from 受理, every open
status can still be closed, the chart's main line comes first, and the workbench calls
each action what the table calls it."""

from __future__ import annotations

from schema.ticket import TicketStatus
from web.labels import ACTION
from workflows.ticket.process import BY_ACTION, PROCESS
from workflows.ticket.rules import ACTION_RULES


def _reachable(start: TicketStatus, edges: dict[TicketStatus, set[TicketStatus]]) -> set:
    seen, todo = {start}, [start]
    while todo:
        for following in edges.get(todo.pop(), set()) - seen:
            seen.add(following)
            todo.append(following)
    return seen


def _edges(reverse: bool = False) -> dict[TicketStatus, set[TicketStatus]]:
    edges: dict[TicketStatus, set[TicketStatus]] = {}
    for row in PROCESS:
        for before in row.statuses:
            for after in row.leads_to:
                a, b = (after, before) if reverse else (before, after)
                edges.setdefault(a, set()).add(b)
    return edges


def test_every_status_is_reached_from_registration_and_can_still_close() -> None:
    assert _reachable(TicketStatus.RECEIVED, _edges()) == set(TicketStatus)
    assert _reachable(TicketStatus.CLOSED, _edges(reverse=True)) == set(TicketStatus)


def test_the_main_line_comes_first_and_each_row_is_well_formed() -> None:
    main_line = [row.action for row in PROCESS[:5]]
    assert main_line == ["dispatch", "sign", "progress", "reply", "rating"]
    for row in PROCESS:
        assert row.roles and row.statuses, row.action
        assert TicketStatus.CLOSED not in row.statuses, row.action  # closed is final
    assert len(BY_ACTION) == len(PROCESS) and ACTION_RULES is BY_ACTION


def test_the_workbench_names_each_action_as_the_table_does() -> None:
    assert {row.action: row.name_zh for row in PROCESS} == {a: ACTION[a] for a in BY_ACTION}
