"""The base of every request body, and the shapes body fields share. Pure: workflows import it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

# Department codes: lowercase ASCII letters, digits and hyphens, 2-64 characters, starting
# with a letter or digit (``urban-management``). No other character, so that no code is
# ever read as a pattern (``_`` and ``%`` are SQL wildcards).
DEPARTMENT_CODE_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"
# A reference to a department also accepts ``_``, which codes could hold before the
# alphabet narrowed: recorded histories and existing units must still read and match.
DEPARTMENT_REFERENCE_PATTERN = r"^[a-z0-9][a-z0-9_-]{1,63}$"
# The largest page number a list accepts: far past any real list, far below an overflow.
MAX_PAGE = 1_000_000
# The largest id a row can have: an INTEGER column holds 32 bits on PostgreSQL (64 on
# SQLite). Beyond, no such row; asked for, the database driver would fail.
MAX_ROW_ID = 2**31 - 1
# The days a request may name: far around any real ticket, and far inside what Python and
# the databases hold once turned into UTC (the year 1 at +08:00 is not). A date lies in
# [FIRST_DAY, LAST_DAY]; an instant's day, as written, may also be the day after, so that
# an exclusive end (2101-01-01T00:00) closes the last day. docs/api.md, Conventions.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
LAST_INSTANT_DAY = LAST_DAY + timedelta(days=1)
DAY_OUT_OF_RANGE = "day_out_of_range"  # the validation error's type, for the pages

Day = TypeVar("Day", date, datetime)


def out_of_day_range(value: date) -> str | None:
    """What is wrong with a date or an instant beyond the days a request may name; None
    when it is within them."""
    if isinstance(value, datetime):
        first, last, day = FIRST_DAY, LAST_INSTANT_DAY, value.date()
    else:
        first, last, day = FIRST_DAY, LAST_DAY, value
    return None if first <= day <= last else f"must fall between {first} and {last}"


def _within_day_range(value: Day) -> Day:
    problem = out_of_day_range(value)
    if problem is not None:
        raise PydanticCustomError(DAY_OUT_OF_RANGE, problem)
    return value


BoundedInstant = Annotated[
    datetime,
    AfterValidator(_within_day_range),
    Field(description=f"an instant from {FIRST_DAY} to {LAST_INSTANT_DAY}"),
]
BoundedDate = Annotated[
    date,
    AfterValidator(_within_day_range),
    Field(description=f"a date from {FIRST_DAY} to {LAST_DAY}"),
]


class Body(BaseModel):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def text_field(max_length: int = 4000) -> Any:
    """A required, non-empty text of at most ``max_length`` characters."""
    return Field(min_length=1, max_length=max_length)


DepartmentReference = Annotated[str, Field(pattern=DEPARTMENT_REFERENCE_PATTERN)]


def distinct_departments(codes: list[str]) -> list[str]:
    """A list of assisting departments names each once (a dispatch's, a routing rule's)."""
    if len(set(codes)) != len(codes):
        raise ValueError("assisting departments must be distinct")
    return codes
