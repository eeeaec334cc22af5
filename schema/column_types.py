"""The read model's own column types: instants kept in UTC, and what a person wrote sealed
at rest with a sealer each process sets (``hotline.sealing.use_keys``), so the tables need
not know where keys come from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, DateTime, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ColumnSealer(Protocol):
    """What the sealed columns need of the process's sealer (``hotline.sealing.Sealer``)."""

    def seal(self, value: Any) -> str: ...

    def opened(self, value: Any) -> Any: ...

    def opened_document(self, stored: Any) -> Any: ...


_column_sealer: ColumnSealer | None = None


def seal_columns_with(column_sealer: ColumnSealer) -> None:
    """Set what seals and opens the sealed columns: each process does it once, with its keys
    (``hotline.sealing.use_keys``), so the tables need not know where keys come from."""
    global _column_sealer
    _column_sealer = column_sealer


def sealer() -> ColumnSealer:
    if _column_sealer is None:
        raise RuntimeError("the read model's encryption keys are not set (hotline.sealing)")
    return _column_sealer


class Sealed(TypeDecorator[Any]):
    """A column that holds what a person wrote (a note, a reason, a quoted phone number),
    sealed at rest (``hotline.sealing``): sealed on the way in, opened on the way out;
    values stored in clear before read as they are. ``hotline reseal`` finds every column
    of a subclass."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else sealer().seal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return sealer().opened(value)


class SealedJson(Sealed):
    """A JSON value (a detail, a report's content) sealed at rest."""

    impl = JSON
    cache_ok = True


class SealedText(Sealed):
    """A free text sealed at rest."""

    impl = Text
    cache_ok = True


class SealedDocument(SealedJson):
    """A ticket's document sealed whole (citizen, description, address, replies, …): one
    AES-GCM a row, as when only its citizen was sealed; documents stored so before, or in
    clear, read as they are."""

    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else sealer().opened_document(value)
