"""The category tree searched as the agent types: by Chinese name, by the words citizens
use, by pinyin; and what a form without scripts submits, resolved to one leaf."""

from __future__ import annotations

from schema.tables import CategoryNode
from services.category_tree import CategoryTree, tree_of
from startup.demo_city import _categories


def demo_tree() -> CategoryTree:
    return tree_of(_categories())


def codes(tree: CategoryTree, typed: str, *, leaves_only: bool = False) -> list[str]:
    return [match.code for match in tree.search(typed, leaves_only=leaves_only)]


def test_the_demo_tree_has_three_families_and_eighty_leaves() -> None:
    tree = demo_tree()
    families = [tree.name(code) for code in tree.under(None)]
    assert families == ["城市管理", "社会治理", "公共服务"]
    leaves = [code for code in tree.nodes if tree.is_leaf(code)]
    assert len(leaves) >= 80
    assert all(len(code) == 6 and code.isdigit() for code in leaves)
    assert all(tree.nodes[code].synonyms for code in leaves)  # each says how citizens ask
    assert tree.path("010101") == "城市管理 › 市容环境 › 占道经营"


def test_a_name_a_synonym_and_pinyin_initials_find_street_vendors() -> None:
    tree = demo_tree()
    assert codes(tree, "占道经营")[0] == "010101"
    by_synonym = tree.search("摊贩")
    assert by_synonym[0].code == "010101"
    assert by_synonym[0].matched == "摊贩"  # the list says why it is there
    assert codes(tree, "zdjy")[0] == "010101"
    assert codes(tree, "zhandao")[0] == "010101"
    assert codes(tree, "ZDJY")[0] == "010101"  # as typed with caps lock


def test_names_rank_before_synonyms_and_the_desk_offers_leaves() -> None:
    tree = demo_tree()
    assert codes(tree, "噪声") == ["0105", "010501", "010502", "010503", "010504"]
    leaves = codes(tree, "噪声", leaves_only=True)  # a ticket is classified by a leaf
    assert leaves == ["010501", "010502", "010503", "010504"]
    # 停水 is a leaf's name; 没水 only a synonym of it.
    assert codes(tree, "停水")[0] == "030101"
    assert codes(tree, "没水") == ["030101"]


def test_nothing_typed_or_nonsense_finds_nothing() -> None:
    tree = demo_tree()
    assert tree.search("") == []
    assert tree.search("   ") == []
    assert tree.search("<script>") == []
    assert tree.search("x" * 10_000) == []  # cut to what a person types


def test_retired_nodes_are_not_offered() -> None:
    rows = [
        CategoryNode(code="01", parent=None, name_zh="城市管理", synonyms=[], active=True),
        CategoryNode(code="0101", parent="01", name_zh="市容", synonyms=["摊贩"], active=False),
    ]
    tree = tree_of(rows)
    assert codes(tree, "市容") == []
    assert codes(tree, "摊贩") == []
    assert tree.name("0101") == "市容"  # a ticket that has it keeps its name


def test_what_a_form_without_scripts_submits_resolves_to_one_leaf() -> None:
    tree = demo_tree()
    assert tree.resolve("010101") == "010101"
    assert tree.resolve("占道经营") == "010101"
    assert tree.resolve("城市管理 › 市容环境 › 占道经营") == "010101"
    assert tree.resolve("摊贩") == "010101"  # one leaf says it
    assert tree.resolve("城市管理") is None  # a family, not a leaf
    assert tree.resolve("0101") is None
    assert tree.resolve("随便什么") is None
    assert tree.resolve("") is None


def test_a_cycle_in_the_tree_cannot_hang_a_path() -> None:
    rows = [
        CategoryNode(code="a", parent="b", name_zh="甲", synonyms=[], active=True),
        CategoryNode(code="b", parent="a", name_zh="乙", synonyms=[], active=True),
    ]
    assert tree_of(rows).path("a") == "乙 › 甲"
