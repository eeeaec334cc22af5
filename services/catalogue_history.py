"""The catalogue's change history: who changed a unit, a rule, a category or a place,
when, from what, to what and why — written in the transaction of the change itself."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from schema.tables import CatalogueChange
from schema.ticket import Actor
from services.choices import forget_choices


def record_change(
    session: AsyncSession,
    *,
    actor: Actor,
    entity: str,
    key: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    note: str | None,
) -> None:
    # The pages' kept names are dropped once the change is committed (not before: a page
    # read in between would keep the old ones).
    event.listen(session.sync_session, "after_commit", lambda _: forget_choices(), once=True)
    session.add(
        CatalogueChange(
            at=datetime.now(UTC),
            actor=actor.describe(),
            entity=entity,
            key=key,
            action=action,
            before=before,
            after=after,
            note=note,
        )
    )
