"""Free text at rest sealed: what an older version stored in clear, sealed now

Descriptions, notes, reasons, notifications, reports and the catalogue's notes quote
phone and ID-card numbers; from this revision every column that holds what a person
wrote is sealed (``hotline.sealing``; the ``Sealed…`` types of ``schema.tables``). This
seals the rows written before, with the first key of ``HOTLINE_ENCRYPTION_KEYS``; a
ticket's document, whose citizen alone was sealed, is sealed whole. No column changes type: a
sealed value is a text, in a text or a JSON column alike.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from alembic import op

from hotline import sealing

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500

# table: (its key columns, its JSON columns, its text columns), as of this revision.
COLUMNS = {
    "tickets": (("ticket_no",), ("document",), ()),
    "ticket_events": (("ticket_no", "seq"), ("detail",), ()),
    "notifications": (("id",), (), ("message",)),
    "escalations": (("id",), ("detail",), ("reason",)),
    "reports": (("id",), ("content",), ("markdown",)),
    "catalogue_changes": (("id",), ("before", "after"), ("note",)),
    "routing_rules": (("id",), (), ("note",)),
}


@cache
def _sealer() -> sealing.Sealer:
    """The keys the process set (the hotline commands, the tests), else the configured ones
    (Alembic run on its own): asked for only when there is something to seal."""
    try:
        return sealing.sealer()
    except RuntimeError:
        from hotline.settings import Settings

        return sealing.Sealer(Settings().resolved_encryption_keys())


def _sealed(column: str, value: Any) -> Any:
    """The value as this revision stores it: sealed (a document whole, its citizen opened)."""
    if column == "document":
        value = _sealer().opened_document(value)
    return _sealer().seal(value)


def _as_before(column: str, value: Any) -> Any:
    """The value as the revision before stored it: in clear, but a document's citizen."""
    value = _sealer().open(value)
    if column == "document" and isinstance(value.get("citizen"), dict):
        value = {**value, "citizen": _sealer().seal(value["citizen"], sealing.CITIZEN)}
    return value


def _rewrite(change: Callable[[str, Any], Any], *, sealed: bool) -> None:
    """Every value of the columns above that is ``sealed`` (or not) changed, in batches."""
    bind = op.get_bind()
    for name, (keys, json_columns, text_columns) in COLUMNS.items():
        table = sa.table(
            name,
            *(sa.column(key) for key in keys),
            *(sa.column(column, sa.JSON) for column in json_columns),
            *(sa.column(column, sa.Text) for column in text_columns),
        )
        key_columns = [table.c[key] for key in keys]
        after: tuple[Any, ...] | None = None
        while True:
            query = sa.select(table).order_by(*key_columns).limit(BATCH)
            if after is not None:
                query = query.where(sa.tuple_(*key_columns) > sa.tuple_(*after))
            rows = bind.execute(query).mappings().all()
            for row in rows:
                changed = {
                    column: change(column, row[column])
                    for column in (*json_columns, *text_columns)
                    if row[column] is not None and sealing.is_sealed(row[column]) is sealed
                }
                if changed:
                    where = (table.c[key] == row[key] for key in keys)
                    bind.execute(table.update().where(*where).values(changed))
            if len(rows) < BATCH:
                break
            after = tuple(rows[-1][key] for key in keys)


def upgrade() -> None:
    _sealer.cache_clear()  # the keys of this run, not of an earlier one in this process
    on_sqlite = op.get_bind().dialect.name == "sqlite"
    if on_sqlite:  # the clear values' space zeroed as they are replaced (some builds do not)
        op.execute("PRAGMA secure_delete = ON")
    _rewrite(_sealed, sealed=False)
    if on_sqlite:  # and the pages freed before this revision, which may hold clear rows
        with op.get_context().autocommit_block():
            op.execute("VACUUM")


def downgrade() -> None:
    _sealer.cache_clear()
    _rewrite(_as_before, sealed=True)
