"""Dense retrieval: e5 passage vectors of every procedure in a FAISS inner-product index.

Vectors are L2-normalised, so inner product is cosine similarity. An exact `IndexFlatIP` is used:
at a few thousand procedures a brute-force scan takes well under a millisecond and needs no
training, so approximate indexes would only cost recall.

An id may own several passages (a procedure's everyday descriptions,
`models.search.descriptions`); it then scores as its best passage, MaxP (Dai & Callan, "Deeper
Text Understanding for IR with Contextual Neural Language Modeling", SIGIR 2019).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from catalog.schema import Procedure

if TYPE_CHECKING:
    import faiss

    from models.embedding.encoder import TextEncoder

INDEX_FILE = "dense.faiss"
IDS_FILE = "dense_ids.json"


def procedure_passage(procedure: Procedure) -> str:
    """The text embedded for a procedure: its title, then its field.

    Required-document names are left out on purpose: their generic words (đơn đề nghị, bản sao,
    giấy chứng nhận) swamp the title and lower recall of every method (design.md).
    """
    if procedure.field:
        return f"{procedure.title}. {procedure.field}"
    return procedure.title


class DenseIndexError(Exception):
    """A dense index is missing, inconsistent or asked a malformed question."""


class DenseIndex:
    """Exact cosine search over passage vectors, keyed by procedure code (or any string id); an id
    may own several passages and scores as the best of them."""

    def __init__(self, index: faiss.Index, ids: Sequence[str]) -> None:
        if index.ntotal != len(ids):
            raise DenseIndexError(f"index holds {index.ntotal} vectors for {len(ids)} ids")
        self._index = index
        # One entry per vector: an id repeats once per passage it owns.
        self.ids: list[str] = list(ids)
        self._passages_per_id = max(Counter(self.ids).values(), default=1)

    @property
    def dim(self) -> int:
        return self._index.d

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(
        cls,
        passages: Sequence[str],
        ids: Sequence[str],
        encoder: TextEncoder,
        *,
        batch_size: int = 32,
        show_progress: bool = False,
    ) -> DenseIndex:
        """Embed `passages` (passage prompt) and index them under `ids` (same order; an id repeats
        for each passage it owns)."""
        if len(passages) != len(ids):
            raise DenseIndexError(f"{len(passages)} passages for {len(ids)} ids")
        vectors = encoder.encode_passages(passages, batch_size=batch_size, show_progress=show_progress)
        return cls.from_vectors(vectors, ids)

    @classmethod
    def from_vectors(cls, vectors: np.ndarray, ids: Sequence[str]) -> DenseIndex:
        """Index already computed, L2-normalised float32 vectors of shape `(len(ids), dim)`."""
        import faiss

        if vectors.ndim != 2 or vectors.shape[0] != len(ids):
            raise DenseIndexError(f"expected {len(ids)} vectors, got an array of shape {vectors.shape}")
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index, ids)

    def save(self, directory: Path) -> list[Path]:
        """Write the index and its ids into `directory`; returns the files written."""
        import faiss

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self._index, str(directory / INDEX_FILE))
        (directory / IDS_FILE).write_text(json.dumps(self.ids, ensure_ascii=False), encoding="utf-8")
        return [directory / INDEX_FILE, directory / IDS_FILE]

    @classmethod
    def load(cls, directory: Path) -> DenseIndex:
        """Read an index written by `save`; the vectors are memory-mapped, not copied."""
        import faiss

        directory = Path(directory)
        index_path, ids_path = directory / INDEX_FILE, directory / IDS_FILE
        if not index_path.is_file() or not ids_path.is_file():
            raise DenseIndexError(f"no dense index in {directory}; run `tthc build`")
        # Shared pages across worker processes; older faiss without the flag reads into memory.
        flags = getattr(faiss, "IO_FLAG_MMAP_IFC", 0) | getattr(faiss, "IO_FLAG_READ_ONLY", 0)
        index = faiss.read_index(str(index_path), flags)
        return cls(index, json.loads(ids_path.read_text(encoding="utf-8")))

    def vectors(self) -> np.ndarray:
        """The indexed vectors, one row per entry of `ids` (a copy)."""
        return self._index.reconstruct_n(0, len(self.ids))

    def search(self, query_vec: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The `k` best (id, cosine of its best passage) pairs for one query vector, best first."""
        return self.search_many(np.asarray(query_vec, dtype=np.float32).reshape(1, -1), k)[0]

    def search_many(self, query_vecs: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """`search` for each row of a `(n, dim)` array."""
        query_vecs = np.ascontiguousarray(query_vecs, dtype=np.float32)
        if query_vecs.ndim != 2 or query_vecs.shape[1] != self.dim:
            raise DenseIndexError(f"query vectors must have shape (n, {self.dim}), got {query_vecs.shape}")
        # k ids are among the best k × (passages per id) vectors, whatever their owners.
        depth = min(k * self._passages_per_id, len(self.ids))
        if depth <= 0 or query_vecs.shape[0] == 0:
            return [[] for _ in range(query_vecs.shape[0])]
        scores, rows = self._index.search(query_vecs, depth)
        return [self._best_per_id(ids, row_scores, k) for ids, row_scores in zip(rows, scores, strict=True)]

    def _best_per_id(self, rows: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[str, float]]:
        best: dict[str, float] = {}
        for row, score in zip(rows, scores, strict=True):
            # FAISS returns rows best first, so an id's first row is its best passage.
            if row >= 0 and self.ids[row] not in best:
                best[self.ids[row]] = float(score)
                if len(best) == k:
                    break
        return list(best.items())
