"""Timeline actions are one enumeration end to end: the workflows log and relay members
of ``TimelineAction`` (never a bare string), and the workbench has a label for each."""

from __future__ import annotations

import ast
from pathlib import Path

from schema.ticket import TimelineAction
from tests.support.source_tree import parsed
from web.labels import EVENT

WORKFLOWS = Path(__file__).parents[2] / "workflows"


def _actions_written() -> list[str]:
    """The third argument of every ``….log(…)`` and ``news(…)`` call in the workflows."""
    written = []
    for module in WORKFLOWS.rglob("*.py"):
        for node in ast.walk(parsed(module)):
            if not isinstance(node, ast.Call) or len(node.args) < 3:
                continue
            function = node.func
            if (isinstance(function, ast.Attribute) and function.attr == "log") or (
                isinstance(function, ast.Name) and function.id == "news"
            ):
                written.append(ast.unparse(node.args[2]))
    return written


def _members_named() -> set[str]:
    """Every ``TimelineAction.<member>`` the workflows name (logged, or handed to a helper)."""
    return {
        ast.unparse(node)
        for module in WORKFLOWS.rglob("*.py")
        for node in ast.walk(parsed(module))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "TimelineAction"
    }


def test_the_workflows_write_members_of_the_enumeration() -> None:
    written = _actions_written()
    assert len(written) >= 30
    members = {f"TimelineAction.{member.name}" for member in TimelineAction}
    # A variable passed on (a child's news, a helper's argument): ``TicketState.log`` takes
    # a ``TimelineAction``, so mypy holds it to a member; never a bare string.
    relayed = {"news.action", "action"}
    assert set(written) <= members | relayed
    assert members <= _members_named()  # and no member is left unused


def test_every_action_has_a_label_on_the_ticket_page() -> None:
    assert set(EVENT) == set(TimelineAction)
