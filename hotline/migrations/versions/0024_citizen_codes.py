"""citizen codes: the SMS codes that open a citizen's page, or confirm a web report

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "citizen_codes",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("ticket_no", sa.String(40), nullable=False),
        sa.Column("phone_lookup", sa.String(64), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("draft", sa.JSON(), nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_citizen_codes_phone_created", "citizen_codes", ["phone_lookup", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_citizen_codes_phone_created", table_name="citizen_codes")
    op.drop_table("citizen_codes")
