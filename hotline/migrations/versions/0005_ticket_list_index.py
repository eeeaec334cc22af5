"""an index for lists by status, newest first

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 03:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_tickets_status_created_at",
        "tickets",
        ["status", "created_at", "ticket_no"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_status_created_at", table_name="tickets")
