"""citizen messages by day: the statistics count a period's messages by when they were queued

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_citizen_messages_created_at", "citizen_messages", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_citizen_messages_created_at", table_name="citizen_messages")
