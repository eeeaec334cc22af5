"""The policy file the workers read."""

from __future__ import annotations

from pathlib import Path


class PolicyFile:
    """The policy file the workers read; a test rewrites it before starting its tickets."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reset()

    def write(self, toml: str) -> None:
        self.path.write_text(toml)

    def reset(self) -> None:
        self.path.write_text("# built-in defaults\n")
