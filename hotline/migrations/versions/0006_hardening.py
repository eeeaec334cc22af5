"""notifications know their timeline event; idempotency keys know their request;
a ticket's phone number as a keyed hash; the fence of the publication that wrote a ticket

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
    with op.batch_alter_table("intake_keys") as batch:
        batch.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
    op.create_table(
        "action_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("ticket_no", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_action_keys_created_at", "action_keys", ["created_at"])
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("phone_lookup", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("fence", sa.BigInteger(), nullable=True))
        batch.create_index("ix_tickets_phone_lookup", ["phone_lookup"])


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_phone_lookup")
        batch.drop_column("phone_lookup")
        batch.drop_column("fence")
    op.drop_index("ix_action_keys_created_at", table_name="action_keys")
    op.drop_table("action_keys")
    with op.batch_alter_table("intake_keys") as batch:
        batch.drop_column("fingerprint")
    op.drop_index("ix_notifications_ticket_no_seq", table_name="notifications")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("seq")
