"""The base of every request body, and the shapes body fields share. Pure: workflows import it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

DEPARTMENT_CODE_PATTERN = r"^[a-z0-9][a-z0-9_-]{1,63}$"


class Body(BaseModel):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def text_field(max_length: int = 4000) -> Any:
    """A required, non-empty text of at most ``max_length`` characters."""
    return Field(min_length=1, max_length=max_length)
