"""ticket_figures: tickets reworked after an unsatisfied rating, and those then content

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 10:00:00
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from hotline import sealing

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
CONTENT = ("satisfied", "basically_satisfied")
NO_SCORE = "no_comment"


def upgrade() -> None:
    with op.batch_alter_table("ticket_figures") as batch:
        for name in ("reworked", "reworked_content"):
            batch.add_column(sa.Column(name, sa.SmallInteger(), nullable=False, server_default="0"))
    _fill()


def _fill() -> None:
    """Tickets already reworked and rated, counted from their (sealed) documents: only
    those with a rating can count, so only those are opened."""
    tickets = sa.table(
        "tickets",
        sa.column("ticket_no", sa.String),
        sa.column("document", sa.JSON),
    )
    figures = sa.table(
        "ticket_figures",
        sa.column("ticket_no", sa.String),
        sa.column("scored", sa.SmallInteger),
        sa.column("reworked", sa.SmallInteger),
        sa.column("reworked_content", sa.SmallInteger),
    )
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.select(tickets.c.ticket_no, tickets.c.document)
            .select_from(tickets.join(figures, figures.c.ticket_no == tickets.c.ticket_no))
            .where(tickets.c.ticket_no > after, figures.c.scored == 1)
            .order_by(tickets.c.ticket_no)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        after = rows[-1].ticket_no
        for ticket_no, stored in rows:
            document = _opened(stored)
            if not document.get("rework_count"):
                continue
            rating = document.get("rating") or {}
            content = int(rating.get("satisfaction") in CONTENT)
            connection.execute(
                figures.update()
                .where(figures.c.ticket_no == ticket_no)
                .values(reworked=1, reworked_content=content)
            )


def _opened(stored: object) -> dict[str, Any]:
    """A ticket's document as 0015 left it (sealed whole), or as older ones stored it."""
    if isinstance(stored, str) and not sealing.is_sealed(stored):
        stored = json.loads(stored)  # a JSON text, as a backend may hand it over
    if sealing.is_sealed(stored):
        try:
            keys = sealing.sealer()
        except RuntimeError:  # Alembic run on its own: the configured keys
            from hotline.settings import Settings

            keys = sealing.Sealer(Settings().resolved_encryption_keys())
        stored = keys.opened_document(stored)
    return stored if isinstance(stored, dict) else {}


def downgrade() -> None:
    with op.batch_alter_table("ticket_figures") as batch:
        batch.drop_column("reworked_content")
        batch.drop_column("reworked")
