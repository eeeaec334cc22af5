"""indexes for a city's read model: a ticket's departments, their queues, the board

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 08:00:00

A transition replaces its ticket's ``ticket_departments`` rows, found by the ticket: the
key starts with the department, so without an index of its own every transition scanned
the table (185 ms at a million tickets). Each queue of those rows (overdue, supervised,
assisting, a duty owed) gets an index of the department's rows it can hold, in waiting
order, so its page and count are read from a small index instead of every row of the
department. The board's overdue tickets by lead, a district's open tickets and
the open rungs by kind and tier are counted from an index each, and the open rungs of a
kind listed newest first from the last. On PostgreSQL they are built concurrently, so a
city's read model keeps taking writes meanwhile.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _only(sqlite: str, postgresql: str) -> dict[str, Any]:
    return {"sqlite_where": sa.text(sqlite), "postgresql_where": sa.text(postgresql)}


# As schema.tables.QUEUE_ROWS had them at this revision.
QUEUE_ROWS: dict[str, dict[str, Any]] = {
    "overdue": _only("overdue IS 1", "overdue IS true"),
    "supervised": _only("supervision_tier IS NOT NULL", "supervision_tier IS NOT NULL"),
    "assisting": _only("lead IS 0 AND delegated IS 0", "lead IS false AND delegated IS false"),
    "duty": _only("duty IS NOT NULL", "duty IS NOT NULL"),
}
INDEXES: list[tuple[str, str, list[str], dict[str, Any]]] = [
    ("ix_ticket_departments_ticket_no", "ticket_departments", ["ticket_no"], {}),
    *(
        (
            f"ix_ticket_departments_{name}",
            "ticket_departments",
            ["department", "created_at", "ticket_no", "status"],
            only,
        )
        for name, only in QUEUE_ROWS.items()
    ),
    ("ix_tickets_overdue_status_lead", "tickets", ["overdue", "status", "lead_department"], {}),
    ("ix_tickets_district_status", "tickets", ["district", "status"], {}),
    (
        "ix_escalations_outcome_kind",
        "escalations",
        ["outcome", "kind", "raised_at", "id", "tier"],
        {},
    ),
]


def upgrade() -> None:
    with op.get_context().autocommit_block():
        for name, table, columns, only in INDEXES:
            op.create_index(
                name,
                table,
                columns,
                postgresql_concurrently=True,
                if_not_exists=True,
                **only,
            )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name, table, _, _ in INDEXES:
            op.drop_index(
                name,
                table_name=table,
                postgresql_concurrently=True,
                if_exists=True,
            )
