"""The layers only look down (docs/architecture.md, "Layers"): read from the code's own
imports, so a new import that runs back up fails here, not in review."""

from __future__ import annotations

from pathlib import Path

from tests.support.source_tree import (
    LAYER_OF,
    ROOT,
    imported_modules,
    imported_packages,
    package_of,
    sources,
)


def imports_that_do_not_look_down(root: Path = ROOT) -> list[str]:
    wrong = []
    for path in sources(root):
        package = package_of(path, root)
        for line, imported in imported_packages(path):
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
            for line, name in imported_modules(path):
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
