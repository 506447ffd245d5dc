"""Fusion of lexical and dense scores, weighted by the kind of query.

Score normalisations and fusion rules are small pure functions chosen by name:

- `max`: divide by the best score, so the top result is 1 (a scale-free variant of the min-max
  normalisation of Fox & Shaw, "Combination of multiple searches", TREC-2, 1994);
- `minmax`: (s - min) / (max - min) over the candidates (Fox & Shaw 1994; Lee, SIGIR 1997);
- `weighted_sum`: CombSUM with a weight per retriever (Fox & Shaw 1994);
- `rrf`: reciprocal rank fusion, Σ w / (k + rank), k = 60 (Cormack, Clarke & Büttcher, SIGIR 2009).

Dense retrieval is nearly blind to queries typed without diacritics and lexical retrieval to English
ones, so each `QueryKind` has its own dense weight (`FusionWeights.dense`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, ConfigDict

from models.search.query import QueryKind

Normaliser = Callable[[np.ndarray], np.ndarray]
Fuser = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


def normalise_max(scores: np.ndarray) -> np.ndarray:
    """Scores divided by the best one (all zeros stay zeros)."""
    top = float(scores.max(initial=0.0))
    return scores / top if top > 0 else np.zeros_like(scores)


def normalise_minmax(scores: np.ndarray) -> np.ndarray:
    """Scores mapped onto [0, 1] between the worst and the best."""
    low, high = float(scores.min(initial=0.0)), float(scores.max(initial=0.0))
    return (scores - low) / (high - low) if high > low else np.zeros_like(scores)


def normalise_top_minmax(scores: np.ndarray, depth: int = 30) -> np.ndarray:
    """Min-max between the best score and the `depth`-th best; everything below that is 0.

    Cosine similarities of a sentence encoder crowd in a narrow band, so only the head of the
    ranking carries information (the tail would otherwise add a near-constant to every document).
    """
    if len(scores) <= depth:
        return normalise_minmax(scores)
    floor = float(np.partition(scores, -depth)[-depth])
    top = float(scores.max())
    return np.clip((scores - floor) / (top - floor), 0.0, None) if top > floor else np.zeros_like(scores)


NORMALISERS: dict[str, Normaliser] = {
    "max": normalise_max,
    "minmax": normalise_minmax,
    "top_minmax": normalise_top_minmax,
}


def fuse_weighted_sum(lexical: np.ndarray, dense: np.ndarray, dense_weight: float) -> np.ndarray:
    """(1 - w) · lexical + w · dense, both already normalised."""
    return (1.0 - dense_weight) * lexical + dense_weight * dense


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[order] = np.arange(1, len(scores) + 1, dtype=np.float32)
    return ranks


def fuse_rrf(lexical: np.ndarray, dense: np.ndarray, dense_weight: float, k: float = 60.0) -> np.ndarray:
    """Weighted reciprocal rank fusion; a retriever that scored a document 0 gives it nothing."""
    lexical_part = np.where(lexical > 0, 1.0 / (k + _ranks(lexical)), 0.0)
    dense_part = np.where(dense > 0, 1.0 / (k + _ranks(dense)), 0.0)
    return (1.0 - dense_weight) * lexical_part + dense_weight * dense_part


FUSERS: dict[str, Fuser] = {"weighted_sum": fuse_weighted_sum, "rrf": fuse_rrf}


class FusionWeights(BaseModel):
    """Dense weight per query kind, and the normaliser and fusion rule by name."""

    model_config = ConfigDict(frozen=True)

    # Chosen on the written queries held out from the encoder's bias tuning (`WRITTEN_HELD_OUT`)
    # and queries generated from titles (two seeds), by the mean of their MRR@10, never on the dev
    # set. e5 helps English most; on codes it adds nothing, and a weight of 0 skips query encoding
    # (the dearest step of the query path). Unaccented text is repaired before encoding, so it is
    # weighed by its length like accented text. With the bias-tuned encoder, dense retrieval reads
    # everyday wording well enough to weigh half in sentences (untuned e5: 0.2-0.3) and a little in
    # keywords (untuned: 0).
    dense: dict[QueryKind, float] = {
        QueryKind.CODE: 0.0,
        QueryKind.ENGLISH: 0.8,
        QueryKind.KEYWORD: 0.1,
        QueryKind.SENTENCE: 0.5,
        QueryKind.UNACCENTED_KEYWORD: 0.1,
        QueryKind.UNACCENTED_SENTENCE: 0.5,
    }
    # Added to procedures performed at city or commune level, the ones Hà Nội runs, so that a
    # ministry-level twin of the same procedure comes second (design.md, "Data rules").
    local_prior: float = 0.03
    # Taken from procedures whose title opens with an action the query does not name (gia hạn,
    # cấp lại...: `models.search.actions`); chosen like the dense weights (0.05 and 0.1 tie).
    unnamed_action: float = 0.05
    coverage: float = 0.15  # weight of title coverage added to the max-normalised BM25 score
    lexical_normaliser: str = "max"
    dense_normaliser: str = "top_minmax"
    fuser: str = "weighted_sum"


def fuse(
    lexical: np.ndarray, dense: np.ndarray | None, kind: QueryKind, weights: FusionWeights
) -> np.ndarray:
    """One score per procedure from the lexical and (optional) dense scores of a query."""
    lexical = NORMALISERS[weights.lexical_normaliser](lexical)
    if dense is None:
        return lexical
    dense = NORMALISERS[weights.dense_normaliser](dense)
    return FUSERS[weights.fuser](lexical, dense, weights.dense[kind])
