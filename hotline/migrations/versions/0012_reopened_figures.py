"""ticket_figures: whether a ticket reopens one closed not long ago (重新受理), counted
with the merged duplicates as a repeat request

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 23:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No ticket reopened another before this revision: every existing row counts 0.
    with op.batch_alter_table("ticket_figures") as batch:
        batch.add_column(
            sa.Column("reopened", sa.SmallInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket_figures") as batch:
        batch.drop_column("reopened")
