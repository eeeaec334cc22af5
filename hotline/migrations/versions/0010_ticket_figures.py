"""ticket_figures: each ticket's counts for statistics, so that a period's figures are
sums over a range instead of every ticket's document read and parsed

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from schema.counts import ticket_counts

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
# As schema.tables.FIGURE_COLUMNS at this revision.
COUNTS = [
    "handled",
    "dispatched",
    "closed",
    "overdue_now",
    "responded",
    "closed_on_time",
    "rated",
    "solved",
    "scored",
    "content",
    "first_time",
    "answered",
    "returned",
    "merged",
    "supervised",
    "supervised_solved",
]


def upgrade() -> None:
    op.create_table(
        "ticket_figures",
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ticket_no", sa.String(length=40), nullable=False),
        sa.Column("lead_department", sa.String(length=64), nullable=True),
        *(sa.Column(name, sa.SmallInteger(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint("created_at", "ticket_no"),
        sqlite_with_rowid=False,
    )
    _fill()


def _fill() -> None:
    """Every stored ticket counted from its document (outside the sealed citizen) and its
    timeline, a thousand at a time."""
    tickets = sa.table(
        "tickets",
        sa.column("ticket_no", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("document", sa.JSON),
    )
    events = sa.table(
        "ticket_events",
        sa.column("ticket_no", sa.String),
        sa.column("action", sa.String),
        sa.column("detail", sa.JSON),
    )
    figures = sa.table(
        "ticket_figures",
        *(sa.column(n) for n in ["created_at", "ticket_no", "lead_department", *COUNTS]),
    )
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.select(tickets.c.ticket_no, tickets.c.created_at, tickets.c.document)
            .where(tickets.c.ticket_no > after)
            .order_by(tickets.c.ticket_no)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        after = rows[-1].ticket_no
        marks: dict[str, set[str]] = {}
        for no, action, detail in connection.execute(
            sa.select(events.c.ticket_no, events.c.action, events.c.detail).where(
                events.c.ticket_no.in_([row.ticket_no for row in rows]),
                events.c.action.in_(["reminder", "answered"]),
            )
        ):
            mark = "answered" if action == "answered" else str((detail or {}).get("step"))
            marks.setdefault(no, set()).add(mark)
        counted = []
        for no, created_at, document in rows:
            rating = document.get("rating") or {}
            mine = marks.get(no, set())
            counts = ticket_counts(
                lead_department=document.get("lead_department"),
                closure_reason=document.get("closure_reason"),
                overdue=bool(document.get("overdue")),
                escalation_level=int(document.get("escalation_level") or 0),
                return_count=int(document.get("return_count") or 0),
                rework_count=int(document.get("rework_count") or 0),
                satisfaction=rating.get("satisfaction"),
                solved=bool(rating.get("solved")),
                excluded_from_score=bool(document.get("excluded_from_score")),
                missed_sign="sign" in mine,
                missed_reply="reply" in mine,
                answered_on_the_spot="answered" in mine,
            )
            counted.append(
                {
                    "created_at": created_at,
                    "ticket_no": no,
                    "lead_department": document.get("lead_department"),
                    **{name: getattr(counts, name) for name in COUNTS},
                }
            )
        connection.execute(figures.insert(), counted)


def downgrade() -> None:
    op.drop_table("ticket_figures")
