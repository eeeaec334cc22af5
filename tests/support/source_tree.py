"""The project's own source tree as the shape tests read it: its packages in their layers,
their files, and the imports each file makes."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Bottom to top. A package imports only packages of lower layers; packages that share a
# layer never import each other.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"schema"}),  # data types, tables, pure helpers
    frozenset({"workflows", "hotline"}),  # deterministic code; infrastructure
    frozenset({"figures"}),  # the statistics over the read model
    frozenset({"activities", "services"}),  # the worker's side effects; the callers' side
    frozenset({"api", "web", "worker"}),  # HTTP routes; pages; the worker's composition
    frozenset({"startup"}),  # the composition root: the command, the app, the stack
    frozenset({"bench"}),  # measures the whole
)
LAYER_OF = {package: level for level, layer in enumerate(LAYERS) for package in layer}


def package_of(path: Path, root: Path) -> str:
    relative = path.relative_to(root)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def sources(root: Path) -> Iterator[Path]:
    for package in LAYER_OF:
        folder = root / package
        if folder.is_dir():
            yield from folder.rglob("*.py")
        elif (root / f"{package}.py").is_file():
            yield root / f"{package}.py"


def parsed(path: Path) -> ast.Module:
    """The file's syntax tree."""
    return parsed_source(path.read_text(encoding="utf-8"), str(path))


def parsed_source(source: str, name: str = "<source>") -> ast.Module:
    """CPython 3.11 before 3.11.8 keeps the AST builder's depth count in shared state
    (gh-106905), so a parse can fail with a spurious SystemError while another thread of
    the test run (a server's, compiling a template) parses too: parse again then."""
    for _ in range(4):
        try:
            return ast.parse(source, filename=name)
        except SystemError:
            continue
    return ast.parse(source, filename=name)


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def imported_packages(path: Path) -> Iterator[tuple[int, str]]:
    for line, module in imported_modules(path):
        yield line, module.split(".")[0]


def production_sources() -> Iterator[Path]:
    """Every module of the product (not its migrations, which are history)."""
    migrations = ROOT / "hotline" / "migrations"
    return (path for path in sources(ROOT) if migrations not in path.parents)
