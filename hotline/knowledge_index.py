"""What the knowledge base's search index holds of an entry: the terms of its title, its
question forms and its answer (``hotline.chinese_terms``), each field with the weight a
match in it counts for — a citizen's question is found by how it is asked before what
the answer happens to mention."""

from __future__ import annotations

from collections import Counter
from enum import IntEnum

from hotline.chinese_terms import terms
from schema.knowledge import EntryContent


class Field(IntEnum):
    TITLE = 1
    QUESTIONS = 2
    ANSWER = 3
    BASIS = 4  # the policy basis and its document number


WEIGHTS = {Field.TITLE: 8.0, Field.QUESTIONS: 5.0, Field.ANSWER: 1.0, Field.BASIS: 1.0}


def field_texts(content: EntryContent) -> dict[Field, str]:
    return {
        Field.TITLE: content.title,
        Field.QUESTIONS: "\n".join(content.questions),
        Field.ANSWER: content.answer,
        Field.BASIS: f"{content.basis}\n{content.document_no}",
    }


def index_rows(entry_id: str, content: EntryContent) -> list[dict[str, object]]:
    """The entry's rows of ``knowledge_terms``."""
    rows: list[dict[str, object]] = []
    for field, text in field_texts(content).items():
        for term, count in Counter(terms(text)).items():
            rows.append({"entry_id": entry_id, "field": int(field), "term": term, "count": count})
    return rows
