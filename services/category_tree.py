"""The request categories (诉求分类) as a tree in memory: each node's path of names, and
search as the agent types — by Chinese name, by the words citizens use (synonyms) and
by pinyin (initials ``zdjy`` or whole syllables ``zhandao`` for 占道经营), ranked.

The tree is a few hundred nodes (Beijing's has about 1,500), so it is read whole and
ranked here rather than in SQL; pinyin comes from pypinyin, the kept library for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from pypinyin import Style, lazy_pinyin
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.tables import CategoryNode

PATH_SEPARATOR = " › "
MAX_QUERY = 50  # characters of a search; a longer one matches nothing a person typed


@dataclass(frozen=True)
class Category:
    code: str
    parent: str | None
    name_zh: str
    name: str | None
    description: str | None
    synonyms: tuple[str, ...]
    active: bool


@dataclass(frozen=True)
class Match:
    """A search hit: the node, its path of names, and why it matched (the synonym or the
    pinyin the agent typed), so the list can say 摊贩 → 占道经营."""

    code: str
    name: str
    path: str
    matched: str | None
    leaf: bool


@cache
def _spelled(text: str) -> tuple[str, str]:
    """(initials, whole syllables) of a Chinese text, lower case, without spaces."""
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(initials), "".join(lazy_pinyin(text, errors="ignore"))


def _pinyin_rank(text: str, typed: str) -> int | None:
    initials, whole = _spelled(text)
    if initials.startswith(typed) or whole.startswith(typed):
        return 0
    if typed in initials or typed in whole:
        return 1
    return None


@dataclass
class CategoryTree:
    nodes: dict[str, Category]
    children: dict[str | None, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code in sorted(self.nodes):
            self.children.setdefault(self.nodes[code].parent, []).append(code)

    def name(self, code: str | None, *, english: bool = False) -> str:
        node = self.nodes.get(code or "")
        if node is None:
            return code or ""
        return (node.name or node.name_zh) if english else node.name_zh

    def chain(self, code: str) -> list[str]:
        """The node and the nodes above it, the node first (a cycle cannot hang it)."""
        found: list[str] = []
        while code in self.nodes and code not in found:
            found.append(code)
            code = self.nodes[code].parent or ""
        return found

    def path(self, code: str | None, *, english: bool = False) -> str:
        chain = self.chain(code or "")
        if not chain:
            return code or ""
        return PATH_SEPARATOR.join(self.name(c, english=english) for c in reversed(chain))

    def is_leaf(self, code: str) -> bool:
        return not self.children.get(code)

    def active(self, code: str) -> bool:
        node = self.nodes.get(code)
        return node is not None and node.active

    def under(self, code: str | None) -> list[str]:
        return self.children.get(code, [])

    def subtree(self, code: str) -> set[str]:
        """The node and every node below it: what a filter on a group matches."""
        found, waiting = set(), [code]
        while waiting:
            node = waiting.pop()
            if node not in found:
                found.add(node)
                waiting.extend(self.children.get(node, []))
        return found

    def groups(self, *, english: bool = False) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """The active leaves under the level above them, for a select's groups:
        (0101, 城市管理 › 市容环境, [(010101, 占道经营), …])."""
        grouped: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        for code in sorted(self.nodes):
            if self.active(code) and self.is_leaf(code):
                parent = self.nodes[code].parent or ""
                above = grouped.setdefault(parent, (self.path(parent, english=english), []))
                above[1].append((code, self.name(code, english=english)))
        return [(parent, path, leaves) for parent, (path, leaves) in grouped.items()]

    def resolve(self, typed: str) -> str | None:
        """What the agent typed, as a node: a code, or a name or synonym that names exactly
        one active leaf (a browser without scripts submits the text it shows)."""
        typed = typed.strip()
        if self.active(typed) and self.is_leaf(typed):
            return typed
        named = {
            code
            for code, node in self.nodes.items()
            if node.active
            and self.is_leaf(code)
            and (typed == node.name_zh or typed in node.synonyms or typed == self.path(code))
        }
        return named.pop() if len(named) == 1 else None

    def search(
        self, typed: str, *, limit: int = 12, english: bool = False, leaves_only: bool = False
    ) -> list[Match]:
        """Active nodes for what was typed, best first: the name itself, a name that begins
        with it, one that holds it, a synonym, pinyin; at equal rank leaves before the
        levels above. ``leaves_only``: what a ticket is classified by (the desk's)."""
        typed = typed.strip().lower()[:MAX_QUERY]
        if not typed:
            return []
        ranked: list[tuple[tuple[int, int, str], Match]] = []
        for code, node in self.nodes.items():
            if not node.active or (leaves_only and not self.is_leaf(code)):
                continue
            hit = self._rank(node, typed)
            if hit is None:
                continue
            rank, matched = hit
            leaf = self.is_leaf(code)
            match = Match(
                code,
                self.name(code, english=english),
                self.path(code, english=english),
                matched,
                leaf,
            )
            ranked.append(((rank, 0 if leaf else 1, code), match))
        ranked.sort(key=lambda pair: pair[0])
        return [match for _, match in ranked[:limit]]

    @staticmethod
    def _rank(node: Category, typed: str) -> tuple[int, str | None] | None:
        name = node.name_zh.lower()
        if typed in (name, node.code):
            return 0, None
        if name.startswith(typed) or node.code.startswith(typed):
            return 1, None
        if typed in name or typed in (node.name or "").lower():
            return 2, None
        for synonym in node.synonyms:
            if typed in synonym.lower():
                return 3, synonym
        if typed.isascii() and typed.isalpha():
            for text in (node.name_zh, *node.synonyms):
                rank = _pinyin_rank(text, typed)
                if rank is not None:
                    return 4 + rank, None if text == node.name_zh else text
        if typed in (node.description or ""):
            return 6, None
        return None


def tree_of(rows: list[CategoryNode]) -> CategoryTree:
    return CategoryTree(
        {
            row.code: Category(
                row.code,
                row.parent,
                row.name_zh,
                row.name,
                row.description,
                tuple(row.synonyms or ()),
                row.active is not False,  # a row not yet stored is active
            )
            for row in rows
        }
    )


async def load_tree(session: AsyncSession) -> CategoryTree:
    return tree_of(list(await session.scalars(select(CategoryNode))))
