"""Baselines the search is measured against, each indexing title + field like design.md's figures.

- `Fts5Baseline`: SQLite FTS5 with the `unicode61 remove_diacritics 2` tokenizer and its bm25()
  ranking, the off-the-shelf choice (it keeps đ, so "dang" misses "Đăng").
- `FoldedBM25Baseline`: plain `bm25s` BM25 on lower-cased, accent-folded (đ → d) words.
- `DenseBaseline`: multilingual-e5-small alone over the FAISS index.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import bm25s
import numpy as np

from catalog.schema import Procedure
from catalog.store import Catalog
from models.search.engine import EncodedDense, InvalidQueryError, SearchEngine
from models.text.normalize import fold_diacritics

if TYPE_CHECKING:
    from models.embedding.encoder import Encoder
    from models.search.dense import DenseIndex

_WORD = re.compile(r"[^\W_]+")


def _passage(procedure: Procedure) -> str:
    return f"{procedure.title} {procedure.field or ''}"


class Fts5Baseline:
    """SQLite FTS5, `unicode61 remove_diacritics 2`, ranked by bm25(), in memory."""

    name = "sqlite-fts5"

    def __init__(self, procedures: Iterable[Procedure]) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE doc USING fts5(code UNINDEXED, text, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        self._db.executemany(
            "INSERT INTO doc(code, text) VALUES (?, ?)", [(p.code, _passage(p)) for p in procedures]
        )

    def search(self, query: str, limit: int = 10) -> list[str]:
        # OR of the query's words, each quoted so FTS5 syntax characters cannot break the query.
        words = _WORD.findall(query)
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self._db.execute(
            "SELECT code FROM doc WHERE doc MATCH ? ORDER BY bm25(doc) LIMIT ?", (match, limit)
        ).fetchall()
        return [code for (code,) in rows]


def _folded_words(text: str) -> list[str]:
    return _WORD.findall(fold_diacritics(text).lower())


class FoldedBM25Baseline:
    """Plain BM25 (bm25s, Lucene variant) over accent-folded words of title + field."""

    name = "bm25-folded"

    def __init__(self, procedures: Iterable[Procedure]) -> None:
        procedures = list(procedures)
        self._codes = [p.code for p in procedures]
        self._index = bm25s.BM25()
        self._index.index([_folded_words(_passage(p)) or [""] for p in procedures], show_progress=False)

    def search(self, query: str, limit: int = 10) -> list[str]:
        words = [w for w in _folded_words(query) if w in self._index.vocab_dict]
        if not words:
            return []
        scores = self._index.get_scores(words)
        top = np.argsort(-scores, kind="stable")[:limit]
        return [self._codes[i] for i in top if scores[i] > 0]


class DenseBaseline:
    """e5 alone: the query's vector against the passage vectors, cosine, best first."""

    name = "dense-e5"

    def __init__(self, encoder: Encoder, index: DenseIndex) -> None:
        self._encoder = encoder
        self._index = index

    def search(self, query: str, limit: int = 10) -> list[str]:
        vector = self._encoder.encode_queries([query])[0]
        return [code for code, _ in self._index.search(vector, limit)]


def search_systems(
    catalog: Catalog, artefacts_dir: Path, *, engine: SearchEngine | None = None
) -> dict[str, Callable[[str], list[str]]]:
    """The four systems of the comparison table, each as query → ranked codes (top 10).

    Loads (or builds, when missing) the artefacts of this catalog version.
    """
    from models.artefacts import ensure_artefacts

    artefacts = ensure_artefacts(catalog, artefacts_dir)
    engine = engine or SearchEngine.from_artefacts(catalog, artefacts_dir)
    fts5 = Fts5Baseline(catalog)
    folded = FoldedBM25Baseline(catalog)
    # The baseline encodes with the same int8 encoder as ours, so the comparison isolates the method.
    assert isinstance(engine.dense, EncodedDense)
    dense = DenseBaseline(engine.dense.encoder, artefacts.load_dense_index())

    def ours(query: str) -> list[str]:
        try:
            return [hit.code for hit in engine.search(query, limit=10)]
        except InvalidQueryError:
            return []

    return {fts5.name: fts5.search, folded.name: folded.search, dense.name: dense.search, "ours": ours}
