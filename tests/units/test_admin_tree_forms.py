"""The category tree screen's form readings: the next free code under a parent, the
synonyms as an admin types them, and a change's fields in the history's words."""

from __future__ import annotations

from schema.catalogue import CategoryRead
from web.admin_tree import changed_fields, next_code, synonyms_of


def _node(code: str, parent: str | None) -> CategoryRead:
    return CategoryRead(
        code=code,
        parent=parent,
        name_zh=code,
        name=None,
        description=None,
        synonyms=[],
        active=True,
    )


def test_a_new_node_takes_its_parents_code_and_the_next_two_digits() -> None:
    nodes = [_node("01", None), _node("0101", "01"), _node("010101", "0101")]
    nodes += [_node("010107", "0101"), _node("02", None)]
    assert next_code(nodes, "0101") == "010108"
    assert next_code(nodes, "010101") == "01010101"
    assert next_code(nodes, None) == "03"
    assert next_code(nodes, "0102") == "010201"  # the first under a parent with none


def test_synonyms_are_split_on_the_separators_people_type() -> None:
    assert synonyms_of("单车、共享单车，电动车, 摩拜 ;") == ["单车", "共享单车", "电动车", "摩拜"]
    assert synonyms_of("  ") == []


def test_a_change_is_said_field_by_field_in_chinese() -> None:
    before = {"code": "010109", "name_zh": "甲", "active": True, "synonyms": [], "path": "x"}
    after = {"code": "010109", "name_zh": "乙", "active": False, "synonyms": ["丙"], "path": "y"}
    assert changed_fields(before, after, lambda text: text) == [
        "中文名称：甲 → 乙",
        "同义词：– → 丙",
        "状态：启用 → 已停用",
    ]
