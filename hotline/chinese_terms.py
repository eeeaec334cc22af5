"""Search terms of Chinese text, without a dictionary: every pair of neighbouring Chinese
characters (bigrams), and every run of letters or digits as a word.

Chinese is written without spaces and most of its words are two characters, so a search
for 停车 must find 小区停车难 — which a word tokenizer without Chinese finds nothing in,
and a trigram index cannot look up (its shortest query is three characters). Bigrams find
every two-character word, and a longer one as the bigrams it is made of, in any database
that can look up equal strings: the same index on SQLite and on PostgreSQL. A segmenter
(jieba) gives fewer, better terms, at the cost of a 50 MB dictionary in every process and
a word list to keep; the bigrams cost a few more index rows per entry and no upkeep.
"""

from __future__ import annotations

import re
import unicodedata

_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_TERM = 40  # a longer run of letters or digits is cut: no term outgrows its column


def normalised(text: str) -> str:
    """Full-width letters and digits as half-width, lower case (NFKC)."""
    return unicodedata.normalize("NFKC", text).lower()


def terms(text: str) -> list[str]:
    """The text's terms in order, repeats kept (a term's count weighs in the ranking)."""
    found: list[str] = []
    for run in _RUNS.findall(normalised(text)):
        if not _CJK.match(run):
            found.append(run[:MAX_TERM])
        elif len(run) == 1:
            found.append(run)
        else:
            found.extend(run[i : i + 2] for i in range(len(run) - 1))
    return found


def query_terms(text: str) -> list[str]:
    """What a search for ``text`` looks up: its distinct terms, each of which must match."""
    return list(dict.fromkeys(terms(text)))
