"""The base of every request body, and the shapes body fields share. Pure: workflows import it."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

# Department codes: lowercase ASCII letters, digits and hyphens, 2-64 characters, starting
# with a letter or digit (``urban-management``). No other character, so that no code is
# ever read as a pattern (``_`` and ``%`` are SQL wildcards).
DEPARTMENT_CODE_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"
# A reference to a department also accepts ``_``, which codes could hold before the
# alphabet narrowed: recorded histories and existing units must still read and match.
DEPARTMENT_REFERENCE_PATTERN = r"^[a-z0-9][a-z0-9_-]{1,63}$"
# The largest page number a list accepts: far past any real list, far below an overflow.
MAX_PAGE = 1_000_000


class Body(BaseModel):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def text_field(max_length: int = 4000) -> Any:
    """A required, non-empty text of at most ``max_length`` characters."""
    return Field(min_length=1, max_length=max_length)


DepartmentReference = Annotated[str, Field(pattern=DEPARTMENT_REFERENCE_PATTERN)]
