"""knowledge base: entries, their revisions, their history and their search terms

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "knowledge_entries",
        sa.Column("id", sa.String(20), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("freshness", sa.String(20), nullable=False),
        sa.Column("review_overdue", sa.Boolean(), nullable=False),
        sa.Column("open_corrections", sa.Integer(), nullable=False),
        sa.Column("overdue_corrections", sa.Integer(), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("view", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_knowledge_entries_owner_state", "knowledge_entries", ["owner", "state"])
    op.create_table(
        "knowledge_revisions",
        sa.Column("entry_id", sa.String(20), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("by", sa.String(300), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "knowledge_steps",
        sa.Column("entry_id", sa.String(20), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("step", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "knowledge_terms",
        sa.Column("entry_id", sa.String(20), primary_key=True),
        sa.Column("field", sa.SmallInteger(), primary_key=True),
        sa.Column("term", sa.String(40), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_knowledge_terms_term", "knowledge_terms", ["term", "entry_id"])


def downgrade() -> None:
    op.drop_index("ix_knowledge_terms_term", table_name="knowledge_terms")
    op.drop_table("knowledge_terms")
    op.drop_table("knowledge_steps")
    op.drop_table("knowledge_revisions")
    op.drop_index("ix_knowledge_entries_owner_state", table_name="knowledge_entries")
    op.drop_table("knowledge_entries")
