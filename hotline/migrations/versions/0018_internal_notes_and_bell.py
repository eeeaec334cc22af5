"""internal notes (内部备注) between the units on a ticket; the bell's read marks per user

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "internal_notes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("ticket_no", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("department", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_internal_notes_ticket_no_at", "internal_notes", ["ticket_no", "at"])
    op.create_table(
        "notification_reads",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("notification_id", sa.String(200), primary_key=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notification_reads")
    op.drop_index("ix_internal_notes_ticket_no_at", table_name="internal_notes")
    op.drop_table("internal_notes")
