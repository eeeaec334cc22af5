"""二级派单: each unit's place in the hierarchy, and what a department owes on a ticket

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_IN_HAND = ("dispatched", "handling")


def upgrade() -> None:
    with op.batch_alter_table("departments") as batch:
        batch.add_column(sa.Column("parent", sa.String(length=64), nullable=True))
        batch.create_index("ix_departments_parent", ["parent"])
    # Nothing was passed down before this revision; the parts still owed are in the
    # tickets' documents.
    with op.batch_alter_table("ticket_departments") as batch:
        batch.add_column(
            sa.Column("delegated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("duty", sa.String(length=20), nullable=True))
    _parts_owed_from_documents()


def _parts_owed_from_documents() -> None:
    tickets = sa.table(
        "tickets",
        sa.column("ticket_no", sa.String),
        sa.column("status", sa.String),
        sa.column("document", sa.JSON),
    )
    rows = sa.table(
        "ticket_departments",
        sa.column("ticket_no", sa.String),
        sa.column("department", sa.String),
        sa.column("duty", sa.String),
    )
    bind = op.get_bind()
    found = bind.execute(
        sa.select(tickets.c.ticket_no, tickets.c.document).where(tickets.c.status.in_(OPEN_IN_HAND))
    )
    for ticket_no, document in found:
        for part in (document or {}).get("parts") or []:
            if part.get("submitted_at") is None:
                bind.execute(
                    rows.update()
                    .where(
                        rows.c.ticket_no == ticket_no,
                        rows.c.department == part.get("department"),
                    )
                    .values(duty="part")
                )


def downgrade() -> None:
    with op.batch_alter_table("ticket_departments") as batch:
        batch.drop_column("duty")
        batch.drop_column("delegated")
    with op.batch_alter_table("departments") as batch:
        batch.drop_index("ix_departments_parent")
        batch.drop_column("parent")
