"""The shape the code keeps so that the next engineer can read it (docs/architecture.md):
no production module over 400 lines, no class over 30 methods."""

from __future__ import annotations

import ast

from tests.support.source_tree import ROOT, parsed, production_sources

MAX_MODULE_LINES = 400
MAX_CLASS_METHODS = 30


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in production_sources()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_class_has_over_30_methods() -> None:
    large = {}
    for path in production_sources():
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.ClassDef):
                methods = [
                    n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                ]
                if len(methods) > MAX_CLASS_METHODS:
                    large[f"{path.relative_to(ROOT)}:{node.name}"] = len(methods)
    assert large == {}
