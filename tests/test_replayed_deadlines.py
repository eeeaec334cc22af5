"""A ticket rebuilt from its history must hold the deadlines its live run set.

The history (tests/histories/registration-split-over-two-tasks.json) is a ticket of the
multi-process chaos run, kept as recorded: its intake ran over two workflow tasks, the
received publication's local activity finishing in the first (event 8) and the dispatch
computed in the second (started at 07:16:06.867188), so the live run dispatched at
.867189 and upserted SignDue 09:16:06.867189 (event 13), which the read model holds.
Replayed, the local activity's marker resolves inside the first task and the dispatch
runs at that task's time, 07:16:06.798236: the rebuilt ticket's deadlines, and the
timeline the history implies, are 69 ms earlier than what was published. Nothing in the
replay checks it (a local activity's input is not recorded), so a worker that rebuilds
the ticket (a killed worker, a cache eviction) republishes deadlines that moved.

Until then the chaos comparison counts such an event apart (``replay_ran_earlier``)
instead of as a difference; the test holds it to exactly this shape (a test expecting
the fix, marked to fail, made pytest itself crash formatting its failure on Python 3.11).

The workflow takes ``workflow.now()`` after awaiting a publication; taking the
transition's instant once, before it (or from the history's own record of it), would
make both runs agree; then this test fails, and the drift is gone.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from temporalio.client import WorkflowHistory

from tests.chaos_history import replay_ran_earlier, timeline_in_history

RECORDED = Path(__file__).parent / "histories" / "registration-split-over-two-tasks.json"


def _upserted_sign_due(history: WorkflowHistory) -> str:
    for event in history.events:
        if event.HasField("upsert_workflow_search_attributes_event_attributes"):
            fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes
            if "SignDue" in fields.indexed_fields:
                found: str = json.loads(fields.indexed_fields["SignDue"].data)
                return found
    raise AssertionError("the history never upserted SignDue")


async def test_the_chaos_comparison_sets_apart_exactly_this_drift() -> None:
    history = WorkflowHistory.from_json("ticket-X20261203-000009", RECORDED.read_text())
    replayed = next(e for e in await timeline_in_history(history) if e["action"] == "dispatched")
    drift = datetime.fromisoformat(_upserted_sign_due(history)) - datetime.fromisoformat(
        replayed["detail"]["sign_due"]
    )
    assert timedelta(0) < drift < timedelta(seconds=1)
    published = {
        **replayed,
        "at": _moved(replayed["at"], drift),
        "detail": {
            **replayed["detail"],
            "sign_due": _moved(replayed["detail"]["sign_due"], drift),
            "reply_due": _moved(replayed["detail"]["reply_due"], drift),
        },
    }
    assert replay_ran_earlier(replayed, published)
    assert not replay_ran_earlier(published, replayed)  # the other way is _same_event's
    other_lead = {**published, "detail": {**published["detail"], "lead": "water-affairs"}}
    assert not replay_ran_earlier(replayed, other_lead)
    moved_otherwise = {
        **published,
        "detail": {
            **published["detail"],
            "reply_due": _moved(replayed["detail"]["reply_due"], drift * 2),
        },
    }
    assert not replay_ran_earlier(replayed, moved_otherwise)


def _moved(instant: str, by: timedelta) -> str:
    """The instant later by ``by``, written as it was (``Z`` or ``+00:00``)."""
    moved = (datetime.fromisoformat(instant) + by).isoformat()
    return moved.replace("+00:00", "Z") if instant.endswith("Z") else moved
