"""workbench: the columns its queues filter on, and each account's language

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
# The queues' indexes (schema.tables.Ticket).
INDEXES = {
    "ix_tickets_status_lead": ["status", "lead_department", "created_at", "ticket_no"],
    "ix_tickets_status_review": ["status", "pending_review", "created_at", "ticket_no"],
}


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("pending_review", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("supervision_tier", sa.String(length=16), nullable=True))
        for name, columns in INDEXES.items():
            batch.create_index(name, columns)
    op.create_table(
        "ticket_departments",
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("ticket_no", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lead", sa.Boolean(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("supervision_tier", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("department", "ticket_no"),
    )
    op.create_index(
        "ix_ticket_departments_queue",
        "ticket_departments",
        ["department", "status", "created_at", "ticket_no"],
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    _fill_from_documents()


def _fill_from_documents() -> None:
    """Open tickets take the review owed and the standing order from their documents
    (outside the sealed citizen), and every ticket lists its departments; a closed ticket
    owes no review and has no standing order."""
    tickets = sa.table(
        "tickets",
        sa.column("ticket_no", sa.String),
        sa.column("status", sa.String),
        sa.column("lead_department", sa.String),
        sa.column("department_codes", sa.String),
        sa.column("overdue", sa.Boolean),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("document", sa.JSON),
        sa.column("pending_review", sa.String),
        sa.column("supervision_tier", sa.String),
    )
    columns = "department ticket_no status lead overdue supervision_tier created_at"
    members = sa.table("ticket_departments", *(sa.column(name) for name in columns.split()))
    connection = op.get_bind()
    after = ""
    while True:  # a thousand tickets at a time: a city's read model does not fit in memory
        rows = connection.execute(
            sa.select(
                tickets.c.ticket_no,
                tickets.c.status,
                tickets.c.lead_department,
                tickets.c.department_codes,
                tickets.c.overdue,
                tickets.c.created_at,
            )
            .where(tickets.c.ticket_no > after)
            .order_by(tickets.c.ticket_no)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        after = rows[-1].ticket_no
        open_ones = [row.ticket_no for row in rows if row.status != "closed"]
        documents = dict(
            connection.execute(
                sa.select(tickets.c.ticket_no, tickets.c.document).where(
                    tickets.c.ticket_no.in_(open_ones)
                )
            ).all()
        )
        listed = []
        for no, status, lead, codes, overdue, created_at in rows:
            document = documents.get(no, {})
            review, tier = document.get("pending_review"), document.get("supervision_tier")
            if review or tier:
                connection.execute(
                    tickets.update()
                    .where(tickets.c.ticket_no == no)
                    .values(pending_review=review, supervision_tier=tier)
                )
            listed.extend(
                {
                    "department": code,
                    "ticket_no": no,
                    "status": status,
                    "lead": code == lead,
                    "overdue": bool(overdue),
                    "supervision_tier": tier,
                    "created_at": created_at,
                }
                for code in dict.fromkeys(c for c in codes.split(",") if c)
            )
        if listed:
            connection.execute(members.insert(), listed)


def downgrade() -> None:
    op.drop_index("ix_ticket_departments_queue", table_name="ticket_departments")
    op.drop_table("ticket_departments")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("tickets") as batch:
        for name in INDEXES:
            batch.drop_index(name)
        batch.drop_column("supervision_tier")
        batch.drop_column("pending_review")
