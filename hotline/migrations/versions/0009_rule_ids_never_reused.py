"""routing rules: an id is never given again, so a rule's change history is its own

SQLite hands a deleted rule's id (the highest) to the next new rule unless the table is
AUTOINCREMENT; the change history (catalogue_changes.key) would then mix the two.
PostgreSQL's sequence never reuses an id: nothing to do there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "routing_rules", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass
    # Ids a rule had before it was deleted are taken too: the history still names them.
    op.execute(
        sa.text(
            "UPDATE sqlite_sequence SET seq = max(seq, coalesce("
            "(SELECT max(CAST(key AS INTEGER)) FROM catalogue_changes"
            " WHERE entity = 'routing_rule'), 0)) WHERE name = 'routing_rules'"
        )
    )
    op.execute(
        sa.text(
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'routing_rules', coalesce("
            "(SELECT max(CAST(key AS INTEGER)) FROM catalogue_changes"
            " WHERE entity = 'routing_rule'), 0)"
            " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'routing_rules')"
        )
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "routing_rules", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ):
        pass
