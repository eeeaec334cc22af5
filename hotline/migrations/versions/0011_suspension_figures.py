"""ticket_figures: suspension (挂起) counts, per ticket: suspended at least once, and the
whole days its clocks stood still

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["suspended", "suspended_days"]


def upgrade() -> None:
    # No ticket was suspended before this revision: every existing row counts 0.
    with op.batch_alter_table("ticket_figures") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.SmallInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("ticket_figures") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
