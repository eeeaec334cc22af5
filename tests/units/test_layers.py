"""The layers only look down (docs/architecture.md, "Layers"): read from the code's own
imports, so a new import that runs back up fails here, not in review."""

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


def _package_of(path: Path, root: Path) -> str:
    relative = path.relative_to(root)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _sources(root: Path) -> Iterator[Path]:
    for package in LAYER_OF:
        folder = root / package
        if folder.is_dir():
            yield from folder.rglob("*.py")
        elif (root / f"{package}.py").is_file():
            yield root / f"{package}.py"


def _imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def _imported_packages(path: Path) -> Iterator[tuple[int, str]]:
    for line, module in _imported_modules(path):
        yield line, module.split(".")[0]


def production_sources() -> Iterator[Path]:
    """Every module of the product (not its migrations, which are history)."""
    migrations = ROOT / "hotline" / "migrations"
    return (path for path in _sources(ROOT) if migrations not in path.parents)


def imports_that_do_not_look_down(root: Path = ROOT) -> list[str]:
    wrong = []
    for path in _sources(root):
        package = _package_of(path, root)
        for line, imported in _imported_packages(path):
            if imported == package or imported not in LAYER_OF:
                continue
            if LAYER_OF[imported] >= LAYER_OF[package]:
                wrong.append(f"{path.relative_to(root)}:{line} imports {imported}")
    return wrong


def test_every_import_looks_down() -> None:
    assert imports_that_do_not_look_down() == []


def test_every_package_has_a_layer() -> None:
    """A new top-level package must be placed before it can be checked."""
    packages = {
        p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"
    }
    assert packages <= set(LAYER_OF), packages - set(LAYER_OF)


def test_the_rule_finds_imports_up_and_between_peers(tmp_path: Path) -> None:
    """The reader itself, on a made-up tree: an import up a layer and one between two
    packages of the same layer are found; one down is not."""
    for package, source in {
        "schema": "from services.tickets import shown_to\n",
        "api": "import web.base\nfrom services import tickets\n",
        "worker.py": "from activities import routing\n",
    }.items():
        if package.endswith(".py"):
            (tmp_path / package).write_text(source)
        else:
            (tmp_path / package).mkdir()
            (tmp_path / package / "module.py").write_text(source)
    assert sorted(imports_that_do_not_look_down(tmp_path)) == [
        "api/module.py:1 imports web",
        "schema/module.py:1 imports services",
    ]


# The faces reach the database only through the services: a route or a page that queried
# it would be a second place for the same read, and the first to drift from the other.
FACES = ("api", "web")
DATABASE_MODULES = ("sqlalchemy", "schema.tables", "schema.column_types", "hotline.database")
# A database outage is answered as 503 by the API's error handlers: exception types only.
ANSWERS_DATABASE_ERRORS = {"api/errors.py": {"sqlalchemy.exc"}}


def database_imports_of_the_faces(root: Path = ROOT) -> list[str]:
    found = []
    for face in FACES:
        for path in (root / face).rglob("*.py"):
            where = str(path.relative_to(root))
            allowed = ANSWERS_DATABASE_ERRORS.get(where, set())
            for line, name in _imported_modules(path):
                if name in allowed:
                    continue
                if any(name == m or name.startswith(f"{m}.") for m in DATABASE_MODULES):
                    found.append(f"{where}:{line} imports {name}")
    return found


def test_routes_and_pages_reach_the_database_only_through_services() -> None:
    assert database_imports_of_the_faces() == []


def test_the_database_rule_finds_a_query_in_a_page(tmp_path: Path) -> None:
    for face in FACES:
        (tmp_path / face).mkdir()
    (tmp_path / "web" / "page.py").write_text("from sqlalchemy import select\n")
    (tmp_path / "api" / "errors.py").write_text("from sqlalchemy.exc import DBAPIError\n")
    (tmp_path / "api" / "route.py").write_text("import schema.tables\n")
    assert sorted(database_imports_of_the_faces(tmp_path)) == [
        "api/route.py:1 imports schema.tables",
        "web/page.py:1 imports sqlalchemy",
    ]
