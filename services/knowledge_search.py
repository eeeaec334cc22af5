"""Searching the knowledge base: the published entries that hold every term of the query
(``hotline.chinese_terms``), best first by where they match (title and question forms
before the answer, ``hotline.knowledge_index``), those of the caller's category and
district ahead; each hit with a snippet of its answer around the first match.

One query on the index's (term, entry) key, the same on SQLite and PostgreSQL: the
database adds up the weighted matches per entry; only the top hits are read in full.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import case, func, select, tuple_

from hotline.chinese_terms import normalised, query_terms
from hotline.knowledge_index import WEIGHTS
from schema.knowledge import EntryContent, EntryView, Freshness
from schema.knowledge_tables import KnowledgeEntryRow, KnowledgeRevision, KnowledgeTerm
from schema.ticket import Actor
from services.context import AppContext
from services.errors import ServiceError
from services.knowledge import readable

MAX_TERMS = 24  # a longer query is cut: its first terms say what it is about
CANDIDATES = 200  # ranked in the database; the filters and boosts apply to these
SNIPPET_BEFORE, SNIPPET_AFTER = 30, 90
STALE = frozenset({Freshness.STALE, Freshness.REMINDED})


class Highlight(BaseModel):
    start: int
    end: int


class KnowledgeHit(BaseModel):
    id: str
    title: str
    owner: str
    version: int
    snippet: str  # of the answer, around the first match
    highlights: list[Highlight]  # where the query's terms are in the snippet
    document_no: str
    stale: bool  # its periodic review is overdue: check it before relying on it
    expires_at: datetime | None
    score: float


def _folded(text: str) -> str:
    """The text folded as its terms were (full-width to half-width, lower case), one
    character for one, so that an offset in it is the same offset in the text: a
    character whose folding is longer or shorter (……, ℃, İ) stays as it is."""
    return "".join(f if len(f := normalised(c)) == 1 else c for c in text)


def _snippet(answer: str, terms: list[str]) -> tuple[str, list[Highlight]]:
    folded = _folded(answer)
    found = [i for i in (folded.find(t) for t in terms) if i >= 0]
    first = min(found) if found else 0
    start = max(first - SNIPPET_BEFORE, 0)
    end = min(first + SNIPPET_AFTER, len(answer))
    window, window_folded = answer[start:end], folded[start:end]
    marks: list[Highlight] = []
    for term in terms:
        at = window_folded.find(term)
        while at >= 0:
            marks.append(Highlight(start=at, end=at + len(term)))
            at = window_folded.find(term, at + 1)
    merged: list[Highlight] = []
    for mark in sorted(marks, key=lambda m: m.start):
        if merged and mark.start <= merged[-1].end:
            merged[-1].end = max(merged[-1].end, mark.end)
        else:
            merged.append(mark)
    prefix = "…" if start > 0 else ""
    shifted = [Highlight(start=m.start + len(prefix), end=m.end + len(prefix)) for m in merged]
    return prefix + window + ("…" if end < len(answer) else ""), shifted


def _applies(content: EntryContent, district: str | None) -> bool:
    return not district or not content.districts or district in content.districts


async def search_knowledge(
    context: AppContext,
    actor: Actor,
    q: str,
    *,
    category_chain: list[str] | None = None,
    district: str | None = None,
    limit: int = 10,
) -> list[KnowledgeHit]:
    """The published entries for ``q``. An entry for other districts only is left out;
    one filed under the category (or a parent of it in ``category_chain``) comes first."""
    readable(actor)
    terms = query_terms(q)[:MAX_TERMS]
    if not terms:
        raise ServiceError(
            422, "invalid_input", "'q': give a word to search for (Chinese, letters or digits)"
        )
    weight = case(*((KnowledgeTerm.field == int(f), w) for f, w in WEIGHTS.items()), else_=1.0)
    score = func.sum(KnowledgeTerm.count * weight).label("score")
    ranked = (
        select(KnowledgeTerm.entry_id, score)
        .where(KnowledgeTerm.term.in_(terms))
        .group_by(KnowledgeTerm.entry_id)
        .having(func.count(func.distinct(KnowledgeTerm.term)) == len(terms))
        .order_by(score.desc(), KnowledgeTerm.entry_id)
        .limit(CANDIDATES)
    )
    async with context.sessions() as session:
        scores = {entry_id: float(value) for entry_id, value in await session.execute(ranked)}
        if not scores:
            return []
        rows = {
            row.id: row
            for row in await session.scalars(
                select(KnowledgeEntryRow).where(KnowledgeEntryRow.id.in_(list(scores)))
            )
        }
        wanted = [
            (row.id, row.published_version)
            for row in rows.values()
            if row.published_version is not None
        ]
        contents = {
            entry_id: EntryContent.model_validate(content)
            for entry_id, content in await session.execute(
                select(KnowledgeRevision.entry_id, KnowledgeRevision.content).where(
                    tuple_(KnowledgeRevision.entry_id, KnowledgeRevision.version).in_(wanted)
                )
            )
        }
    chain = set(category_chain or [])
    hits: list[tuple[bool, float, KnowledgeHit]] = []
    for entry_id, content in contents.items():
        if not _applies(content, district):
            continue
        view = EntryView.model_validate(rows[entry_id].view)
        snippet, highlights = _snippet(content.answer, terms)
        hit = KnowledgeHit(
            id=entry_id,
            title=content.title,
            owner=view.owner,
            version=view.published_version or view.version,
            snippet=snippet,
            highlights=highlights,
            document_no=content.document_no,
            stale=view.freshness in STALE,
            expires_at=view.expires_at,
            score=round(scores[entry_id], 2),
        )
        hits.append((bool(chain & set(content.categories)), scores[entry_id], hit))
    hits.sort(key=lambda h: (not h[0], -h[1], h[2].id))
    return [hit for _, _, hit in hits[:limit]]
