"""notifications know the timeline event they tell of

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
    op.create_index("ix_notifications_ticket_no_seq", "notifications", ["ticket_no", "seq"])


def downgrade() -> None:
    op.drop_index("ix_notifications_ticket_no_seq", table_name="notifications")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("seq")
