"""ticket_figures: whether 110 handed a transferred ticket back (110退回)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 23:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No transfer waited for 110 before this revision: every existing row counts 0.
    with op.batch_alter_table("ticket_figures") as batch:
        batch.add_column(
            sa.Column("handed_back", sa.SmallInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket_figures") as batch:
        batch.drop_column("handed_back")
