"""catalogue change history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:55:02.722837
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("catalogue_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalogue_changes_at"), ["at"], unique=False)
        batch_op.create_index("ix_catalogue_changes_entity_key", ["entity", "key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("catalogue_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_catalogue_changes_entity_key")
        batch_op.drop_index(batch_op.f("ix_catalogue_changes_at"))

    op.drop_table("catalogue_changes")
