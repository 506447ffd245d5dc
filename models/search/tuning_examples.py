"""Training examples of the e5 bias tuning: a query, its procedure's passage and a hard negative.

The hard negative is a procedure that lexical search ranks near the top for the query but that is
not one of its answers (nor a same-title twin of one): a sibling procedure sharing most of the
words ("cấp lại" beside "cấp", "đối với tổ chức" beside "đối với hộ gia đình"), the confusion the
encoder must learn to resolve. It is drawn at random among the first few such procedures rather
than always the first, which is sometimes an acceptable answer the labels do not list (Karpukhin
et al., EMNLP 2020, mine BM25 negatives the same way).
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from catalog.store import Catalog
from models.embedding.bias_tuning import TuningExample
from models.search.dense import procedure_passage
from models.search.engine import InvalidQueryError, SearchEngine
from models.search.evaluation import EvalQuery
from models.search.synthetic import core_title

# Wrong procedures among which a query's hard negative is drawn.
NEGATIVE_DEPTH = 5


def hard_negative(
    engine: SearchEngine, row: EvalQuery, rng: random.Random, *, depth: int = NEGATIVE_DEPTH
) -> str | None:
    """The code of a procedure the engine ranks high for the query that answers it neither by code
    nor by title; None when the engine finds none."""
    answers = {core_title(engine.catalog.get_or_raise(code=code).title) for code in row.relevant}
    try:
        hits = engine.search(row.query, limit=len(row.relevant) + 2 * depth)
    except InvalidQueryError:
        return None
    wrong = [h.code for h in hits if h.code not in row.relevant and core_title(h.title) not in answers]
    return rng.choice(wrong[:depth]) if wrong else None


def tuning_examples(
    catalog: Catalog, rows: Iterable[EvalQuery], *, engine: SearchEngine, seed: int = 0
) -> list[TuningExample]:
    """One example per row: its query, the passage of its first relevant procedure and the passage
    of a hard negative mined with `engine` (reproducible for a seed)."""
    rng = random.Random(seed)
    examples = []
    for row in rows:
        negative = hard_negative(engine, row, rng)
        examples.append(
            TuningExample(
                query=row.query,
                passage=procedure_passage(catalog.get_or_raise(code=row.relevant[0])),
                hard_negative=None
                if negative is None
                else procedure_passage(catalog.get_or_raise(code=negative)),
            )
        )
    return examples
