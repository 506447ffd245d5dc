"""Vectors describing each procedure: its words, its field and who files it.

Used to place uncurated procedures into events (kNN over curated members) and to find content
neighbours for suggestions. Each block is L2-normalised on its own, so the block weights say how
much each kind of evidence counts in a cosine similarity.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import MultiLabelBinarizer, normalize

from catalog.schema import Procedure
from models.text.normalize import normalize_vietnamese

# Words every title shares; they say nothing about what the procedure is for.
_GENERIC = frozenset(
    {"thủ", "tục", "thực", "hiện", "tại", "cấp", "đối", "với", "của", "các", "và", "trường", "hợp"}
)


@dataclass(frozen=True)
class FeatureWeights:
    """How much each block counts in the cosine similarity of two procedures."""

    text: float = 1.0
    dense: float = 0.3  # e5 adds coverage but, weighted more, places held-out curated members worse
    field: float = 0.6
    target_group: float = 0.2


def procedure_text(procedure: Procedure) -> str:
    """Title and result names, normalised: what the procedure does and what it produces."""
    results = " ".join(r.name for r in procedure.results[:3])
    return normalize_vietnamese(f"{procedure.title} {results}")


def _analyzer(text: str) -> list[str]:
    words = [w for w in text.split() if w not in _GENERIC]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


@dataclass(frozen=True)
class ProcedureFeatures:
    """Row-aligned feature matrix of a list of procedures (rows L2-normalised)."""

    codes: list[str]
    matrix: sparse.csr_matrix
    fields: list[str | None]
    index: dict[str, int] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.codes)})

    def similarities(self, rows: Sequence[int], columns: Sequence[int] | None = None) -> np.ndarray:
        """Cosine similarities of some rows against some (default all) rows."""
        left = self.matrix[list(rows)]
        right = self.matrix if columns is None else self.matrix[list(columns)]
        return np.asarray((left @ right.T).todense())


def build_features(
    procedures: Sequence[Procedure],
    *,
    dense: np.ndarray | None = None,
    weights: FeatureWeights | None = None,
) -> ProcedureFeatures:
    """Features of `procedures`; `dense` is an optional row-aligned embedding matrix (e.g. e5)."""
    weights = weights or FeatureWeights()
    texts = [procedure_text(p) for p in procedures]
    tfidf = TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True, min_df=1).fit_transform(texts)
    fields = MultiLabelBinarizer(sparse_output=True).fit_transform([[p.field or "?"] for p in procedures])
    groups = MultiLabelBinarizer(sparse_output=True).fit_transform(
        [[str(g) for g in p.target_groups] or ["?"] for p in procedures]
    )
    blocks = [
        weights.text * normalize(tfidf),
        weights.field * normalize(sparse.csr_matrix(fields, dtype=np.float64)),
        weights.target_group * normalize(sparse.csr_matrix(groups, dtype=np.float64)),
    ]
    if dense is not None:
        if dense.shape[0] != len(procedures):
            raise ValueError(f"dense matrix has {dense.shape[0]} rows for {len(procedures)} procedures")
        blocks.append(weights.dense * sparse.csr_matrix(normalize(dense)))
    matrix = normalize(sparse.hstack(blocks, format="csr"))
    return ProcedureFeatures(
        codes=[p.code for p in procedures], matrix=matrix, fields=[p.field for p in procedures]
    )
