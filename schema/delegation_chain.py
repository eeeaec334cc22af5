"""二级派单: who holds a ticket passed down the hierarchy, read from its chain of
delegations (lead → street → community). Pure: the workflow's rules and effects, the read
model and the pages ask the same questions of the same list (workflows import it).

The chain's last delegation is where the work is. Its unit signs for it, returns it up or
replies up; once it has replied, the unit that passed it down reviews the reply. A unit
may pass the ticket further down only once it has signed for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schema.ticket import Delegation, DelegationStage

# Lead, and at most this many levels below it (a city's four-level network: district →
# street → community → grid).
DEEPEST = 3


def lowest(chain: Sequence[Delegation]) -> Delegation | None:
    return chain[-1] if chain else None


def holder(lead: str | None, chain: Sequence[Delegation]) -> str | None:
    """The unit that may pass the ticket down now: the lead when nothing is passed down,
    else the lowest unit once it has signed (and has not replied)."""
    last = lowest(chain)
    if last is None:
        return lead
    return last.unit if last.stage is DelegationStage.HANDLING else None


def unit_below(chain: Sequence[Delegation]) -> str | None:
    """The unit that owes the ticket a signature or a reply up (the lowest one)."""
    last = lowest(chain)
    return last.unit if last is not None and last.stage is not DelegationStage.REPLIED else None


def reviewer(chain: Sequence[Delegation]) -> str | None:
    """The unit that owes a review of the reply from below."""
    last = lowest(chain)
    return last.by if last is not None and last.stage is DelegationStage.REPLIED else None


def due_end_of(day: date, timezone: str) -> datetime:
    """A deadline named by its day: the end of that day, local time (as a UTC instant,
    like every other deadline)."""
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(timezone))
    return end.astimezone(UTC)


def on_chain(chain: Sequence[Delegation]) -> list[str]:
    return [d.unit for d in chain]
