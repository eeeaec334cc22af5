"""the citizen's SMS: the message log, opted-out numbers, messages citizens sent back

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "citizen_messages",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("ticket_no", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("phone_lookup", sa.String(64), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("gateway", sa.String(20), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("created_at", nullable=False),
        _at("not_before"),
        _at("sent_at"),
        _at("reported_at"),
    )
    op.create_index(
        "ix_citizen_messages_ticket_no_at", "citizen_messages", ["ticket_no", "created_at"]
    )
    op.create_index(
        "ix_citizen_messages_phone_sent", "citizen_messages", ["phone_lookup", "sent_at"]
    )
    op.create_table(
        "sms_opt_outs",
        sa.Column("phone_lookup", sa.String(64), primary_key=True),
        _at("at", nullable=False),
    )
    op.create_table(
        "sms_inbound",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("phone_lookup", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _at("at", nullable=False),
        sa.Column("ticket_no", sa.String(40), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_sms_inbound_ticket_no", "sms_inbound", ["ticket_no"])


def downgrade() -> None:
    op.drop_index("ix_sms_inbound_ticket_no", table_name="sms_inbound")
    op.drop_table("sms_inbound")
    op.drop_table("sms_opt_outs")
    op.drop_index("ix_citizen_messages_phone_sent", table_name="citizen_messages")
    op.drop_index("ix_citizen_messages_ticket_no_at", table_name="citizen_messages")
    op.drop_table("citizen_messages")
