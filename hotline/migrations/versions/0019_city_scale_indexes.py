"""indexes for a city's read model: a ticket's departments, their queues, the board

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 08:00:00

A transition replaces its ticket's ``ticket_departments`` rows, found by the ticket: the
key starts with the department, so without an index of its own every transition scanned
the table (185 ms at a million tickets). Each queue of those rows (overdue, supervised,
assisting, a duty owed) gets an index of the department, what the queue selects on and
the waiting order, so its page and count are read from the index instead of every row
of the department. The board's overdue tickets by lead, a district's open tickets and
the open rungs by kind and tier are counted from an index each, and the open rungs of a
kind listed newest first from the last. On PostgreSQL they are built concurrently, so a
city's read model keeps taking writes meanwhile.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As schema.tables.QUEUE_COLUMNS had them at this revision.
QUEUE_COLUMNS: dict[str, tuple[str, ...]] = {
    "overdue": ("overdue",),
    "supervised": ("supervision_tier",),
    "assisting": ("lead", "delegated"),
    "duty": ("duty",),
}
INDEXES: list[tuple[str, str, list[str]]] = [
    *(
        (
            f"ix_ticket_departments_{name}",
            "ticket_departments",
            ["department", *columns, "created_at", "ticket_no", "status"],
        )
        for name, columns in QUEUE_COLUMNS.items()
    ),
    ("ix_ticket_departments_ticket_no", "ticket_departments", ["ticket_no"]),
    ("ix_tickets_overdue_status_lead", "tickets", ["overdue", "status", "lead_department"]),
    ("ix_tickets_district_status", "tickets", ["district", "status"]),
    ("ix_escalations_outcome_kind", "escalations", ["outcome", "kind", "raised_at", "id", "tier"]),
]


def upgrade() -> None:
    with op.get_context().autocommit_block():
        for name, table, columns in INDEXES:
            op.create_index(
                name,
                table,
                columns,
                postgresql_concurrently=True,
                if_not_exists=True,
            )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name, table, _ in INDEXES:
            op.drop_index(
                name,
                table_name=table,
                postgresql_concurrently=True,
                if_exists=True,
            )
