"""ticket figures: the ratings the citizens gave themselves, counted apart

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 19:05:00

Rows written before count their ratings as the agents' (0); an open ticket's row is
written again, with the new counts, at its next transition.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("self_scored", "self_content")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column(
            "ticket_figures",
            sa.Column(name, sa.SmallInteger(), nullable=False, server_default="0"),
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket_figures") as table:
        for name in COLUMNS:
            table.drop_column(name)
