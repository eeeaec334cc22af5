"""Reading the deadline policy file (``HOTLINE_POLICY``): the one place it is parsed."""

from __future__ import annotations

import tomllib
from pathlib import Path

from schema.policy import Policy


def read_policy(path: Path | None) -> Policy:
    """The policy file, or the built-in defaults when none is configured."""
    if path is None:
        return Policy()
    with path.open("rb") as handle:
        return Policy.model_validate(tomllib.load(handle))
