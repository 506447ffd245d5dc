"""The procedure search engine the CLI and the service call.

Order of results: a procedure whose code the query names, then procedures whose title the query
repeats (accented, then folded), then the query-type aware fusion of lexical and dense scores.
Repeated queries are answered from a small LRU cache.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict

from catalog.schema import Level, Procedure
from catalog.store import Catalog
from models.search.actions import leading_action, named_actions
from models.search.descriptions import EverydayDescription, default_descriptions
from models.search.evaluation import everyday_sentences
from models.search.fusion import FusionWeights, fuse, normalise_max
from models.search.lexical import LexicalIndex, LexicalWeights, StaleIndexError
from models.search.query import AnalysedQuery, analyse_query, lexical_query
from models.search.repair import QueryRepairer
from models.search.synthetic import core_title
from models.text.lexicon import Lexicon, default_lexicon
from models.text.normalize import fold_diacritics, tokenize
from models.text.stopwords import ENGLISH_STOPWORDS, VIETNAMESE_STOPWORDS

if TYPE_CHECKING:
    from models.embedding.encoder import TextEncoder
    from models.search.dense import DenseIndex

log = logging.getLogger(__name__)

# Query encoders an engine on built artefacts can run: runtime and precision.
QueryEncoderName = Literal["onnx-int8", "onnx-fp32", "torch-int8", "torch-fp32"]

MAX_QUERY_CHARS = 2000
DEFAULT_LIMIT = 10
MAX_LIMIT = 200
CACHE_SIZE = 1024
_SPACES = re.compile(r"\s+")
# Dense candidates scored per query; the rest count 0 (fusion only looks at the head anyway).
DENSE_DEPTH = 100
# Lexical candidates whose title coverage is measured.
COVERAGE_DEPTH = 50
# Exact matches sit above every fused score (which lies in [0, 1]).
_CODE_SCORE = 3.0
_TITLE_SCORE = 2.0
_FOLDED_TITLE_SCORE = 1.5


class InvalidQueryError(ValueError):
    """A query that cannot be searched; the message says why, in words a person can act on."""


class SearchFilters(BaseModel):
    """Facts a hit must have; None means any."""

    model_config = ConfigDict(frozen=True)

    field: str | None = None
    level: Level | None = None
    fully_online: bool | None = None

    def accepts(self, procedure: Procedure) -> bool:
        return (
            (self.field is None or procedure.field == self.field)
            and (self.level is None or self.level in procedure.levels)
            and (self.fully_online is None or procedure.fully_online == self.fully_online)
        )


class SearchHit(BaseModel):
    """One search result."""

    model_config = ConfigDict(frozen=True)

    code: str
    title: str
    score: float
    field: str | None = None
    match: Literal["code", "title", "search"] = "search"


class DenseScorer(Protocol):
    """Anything that scores every procedure (in a given code order) against a query text."""

    codes: list[str]

    def scores(self, text: str) -> np.ndarray: ...


class EncodedDense:
    """Dense scores of every procedure: the e5 query vector against the FAISS passage index and,
    when given, the index of everyday descriptions; a procedure scores as its best passage (MaxP)."""

    def __init__(
        self,
        encoder: TextEncoder,
        index: DenseIndex,
        *,
        descriptions: DenseIndex | None = None,
        depth: int = DENSE_DEPTH,
    ) -> None:
        import faiss

        # FAISS's OpenMP workers spin after each search and starve torch's threads: measured here,
        # query encoding then stalls up to ~1 s. A flat scan of a few thousand vectors needs no
        # parallelism, so FAISS runs single-threaded in this process.
        faiss.omp_set_num_threads(1)
        self.encoder = encoder
        self.index = index
        self.descriptions = descriptions
        self._indexes = [index] if descriptions is None else [index, descriptions]
        self.codes = index.ids
        self._position = {code: i for i, code in enumerate(self.codes)}
        self._depth = depth

    def scores(self, text: str) -> np.ndarray:
        vector = self.encoder.encode_queries([text])[0]
        scores = np.zeros(len(self.codes), dtype=np.float32)
        for index in self._indexes:
            for code, score in index.search(vector, self._depth):
                # A description of a procedure outside this catalog has nowhere to go.
                if (position := self._position.get(code)) is not None:
                    scores[position] = max(scores[position], score)
        return scores


def clean_query(query: str) -> str:
    """The query NFC-normalised with whitespace collapsed; `InvalidQueryError` when unusable."""
    if not isinstance(query, str):
        raise InvalidQueryError("the query must be text")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidQueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in query):
        raise InvalidQueryError("the query contains control characters")
    cleaned = _SPACES.sub(" ", unicodedata.normalize("NFC", query)).strip()
    if not cleaned:
        raise InvalidQueryError("the query is empty")
    return cleaned


class SearchEngine:
    """Search over one catalog: exact code and title matches first, then fused lexical + dense."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        lexical: LexicalIndex | None = None,
        dense: DenseScorer | None = None,
        lexicon: Lexicon | None = None,
        descriptions: Mapping[str, EverydayDescription] | None = None,
        lexical_weights: LexicalWeights | None = None,
        fusion_weights: FusionWeights | None = None,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.catalog = catalog
        self.lexicon = lexicon or default_lexicon()
        self.lexical = lexical or LexicalIndex.build(
            catalog, lexicon=self.lexicon, descriptions=descriptions, progress=False
        )
        descriptions = default_descriptions() if descriptions is None else descriptions
        self.codes = self.lexical.codes
        self._procedures = [catalog.get_or_raise(code=code) for code in self.codes]
        self._position = {code: i for i, code in enumerate(self.codes)}
        self._local = np.array([p.is_local for p in self._procedures], dtype=np.float32)
        by_action: dict[str, list[int]] = {}
        for i, procedure in enumerate(self._procedures):
            if (action := leading_action(procedure.title)) is not None:
                by_action.setdefault(action, []).append(i)
        self._by_action = {action: np.array(ids) for action, ids in by_action.items()}
        self.dense = dense
        self._dense_order: np.ndarray | None = None
        if dense is not None and dense.codes != self.codes:
            position = {code: i for i, code in enumerate(dense.codes)}
            self._dense_order = np.array([position[code] for code in self.codes])
        self.lexical_weights = lexical_weights or LexicalWeights()
        self.fusion_weights = fusion_weights or FusionWeights()
        self._english_vocabulary = self.lexicon.english_vocabulary() - ENGLISH_STOPWORDS
        # Function words ("mấy", "gì", "rồi") are Vietnamese the catalog rarely writes.
        everyday = [t for e in self.lexicon.entries if e.kind != "english" for t in e.terms]
        # Requests and descriptions written the way people speak teach the repair everyday words:
        # restored syllables of held-out written queries typed bare are right 95.0 % of the time
        # with the requests alone, 98.6 % with the descriptions too.
        sentences = [*everyday_sentences(), *(text for d in descriptions.values() for text in d.vietnamese())]
        self.repairer = QueryRepairer(
            self._procedures, keep=VIETNAMESE_STOPWORDS, everyday=everyday, sentences=sentences
        )
        self._by_core_title: dict[str, list[int]] = {}
        self._by_folded_title: dict[str, list[int]] = {}
        for i, procedure in enumerate(self._procedures):
            core = core_title(procedure.title)
            self._by_core_title.setdefault(core, []).append(i)
            self._by_folded_title.setdefault(fold_diacritics(core), []).append(i)
        self._local_twins = {
            i: np.array(twins)
            for same in self._by_core_title.values()
            if len(same) > 1
            for i in same
            if not self._procedures[i].is_local
            and (twins := [j for j in same if self._procedures[j].is_local])
        }
        self._cache: OrderedDict[tuple[str, int, SearchFilters | None], list[SearchHit]] = OrderedDict()
        self._cache_size = cache_size
        # Why a stale or missing saved lexical index was rebuilt in memory (`from_artefacts`).
        self.stale_lexical: str | None = None

    @classmethod
    def from_artefacts(
        cls,
        catalog: Catalog,
        artefacts_dir: Path,
        *,
        encoder: QueryEncoderName = "onnx-int8",
        threads: int = 1,
        **options: object,
    ) -> SearchEngine:
        """An engine on the built lexical and dense indexes of this catalog version.

        `encoder` encodes queries with the query encoder (the model the index was built with, its
        query side tuned against that index: `bias_tuning.train_query_tuning`): by default its
        int8 ONNX Runtime export ("onnx-int8": no torch import, ~8 s sooner start, a new query
        ~3 ms, the ranking of fp32), which the service, `tthc search` and the tests all run; or
        the torch model itself ("torch-fp32"; "torch-int8", torch's dynamic int8, strays further
        from fp32 on the bias-tuned encoder: dev R@1 0.625 against 0.688 with the first tuning);
        see `benchmarks/search_latency.py`.
        One thread by default: measured on the shared 2-core machine, two threads wait on each
        other whenever another process holds a core (p50 ~200 ms instead of ~25 ms); serve more
        queries with more worker processes instead.

        A stale or missing lexical step is rebuilt in memory (seconds) so results stay correct;
        `stale_lexical` then says why, for the caller to report with "run `tthc build`".
        """
        from models.artefacts import ArtefactsError, load_artefacts

        artefacts = load_artefacts(catalog, artefacts_dir, steps=["dense", "descriptions"])
        stale: str | None = None
        try:
            lexical = LexicalIndex.load(artefacts.step_dir("lexical"))
        except (ArtefactsError, StaleIndexError) as exc:
            stale = str(exc)
            log.warning("%s; indexing in memory (run `tthc build`)", exc)
            lexical = LexicalIndex.build(catalog, progress=False)
        precision: Literal["fp32", "int8"] = "int8" if encoder.endswith("-int8") else "fp32"
        query_encoder = (
            artefacts.load_torch_query_encoder(precision=precision, threads=threads)
            if encoder.startswith("torch-")
            else artefacts.load_query_encoder(precision=precision, threads=threads)
        )
        dense = EncodedDense(
            query_encoder, artefacts.load_dense_index(), descriptions=artefacts.load_description_index()
        )
        engine = cls(catalog, lexical=lexical, dense=dense, **options)  # type: ignore[arg-type]
        engine.stale_lexical = stale
        return engine

    def analyse(self, query: str) -> AnalysedQuery:
        """How the engine reads a query (kind, syllables, lexicon terms)."""
        return analyse_query(clean_query(query), self.lexicon, self._english_vocabulary, self.repairer)

    def scores(self, analysed: AnalysedQuery) -> np.ndarray:
        """Fused score of every procedure (aligned with `codes`), exact matches not included."""
        query = lexical_query(analysed, self.lexical)
        lexical = normalise_max(self.lexical.scores(query, self.lexical_weights))
        candidates = np.argpartition(-lexical, COVERAGE_DEPTH)[:COVERAGE_DEPTH]
        for i, share in self.lexical.coverage(query, (int(c) for c in candidates if lexical[c] > 0)).items():
            lexical[i] += self.fusion_weights.coverage * share
        dense = None
        # A kind whose dense weight is 0 skips query encoding, the dearest step of the query path.
        if self.dense is not None and self.fusion_weights.dense[analysed.kind] > 0:
            dense = self.dense.scores(analysed.dense_text())
            if self._dense_order is not None:
                dense = dense[self._dense_order]
        fused = fuse(lexical, dense, analysed.kind, self.fusion_weights)
        fused = np.where(fused > 0, fused + self.fusion_weights.local_prior * self._local, fused)
        if self.fusion_weights.unnamed_action and not analysed.english:
            self._lower_unnamed_actions(fused, analysed)
        return self._local_twins_first(fused)

    def _lower_unnamed_actions(self, fused: np.ndarray, analysed: AnalysedQuery) -> None:
        """Lower (in place) the procedures that renew, amend or end an earlier act when the query,
        with what its lexicon terms mean, names no such act: it asks for the first act."""
        words = [*analysed.repaired, *(w for e in analysed.expansions for m in e.means for w in tokenize(m))]
        named = named_actions(words)
        for action, ids in self._by_action.items():
            if action not in named:
                matched = ids[fused[ids] > 0]
                # Lowered, never dropped: a found procedure stays in the results.
                fused[matched] = np.maximum(fused[matched] - self.fusion_weights.unnamed_action, 1e-6)

    def _local_twins_first(self, fused: np.ndarray) -> np.ndarray:
        """A ministry-level procedure ranks just below its city/commune-level twin (same title but for
        the level note), the one Hà Nội performs (design.md, "Data rules")."""
        head = np.argpartition(-fused, COVERAGE_DEPTH)[:COVERAGE_DEPTH]
        for i in head:
            twins = self._local_twins.get(int(i))
            if twins is None or fused[i] <= 0:
                continue
            best_twin = float(fused[twins].max())
            if best_twin > 0 and fused[i] >= best_twin:
                fused[i] = best_twin - 1e-6
        return fused

    def _exact_matches(self, analysed: AnalysedQuery) -> dict[int, tuple[float, str]]:
        found: dict[int, tuple[float, str]] = {}
        for code in analysed.codes:
            if code in self._position:
                found[self._position[code]] = (_CODE_SCORE, "code")
        core = core_title(analysed.text)
        for i in self._by_core_title.get(core, []):
            found.setdefault(i, (_TITLE_SCORE, "title"))
        if not analysed.accented:
            for i in self._by_folded_title.get(fold_diacritics(core), []):
                found.setdefault(i, (_FOLDED_TITLE_SCORE, "title"))
        return found

    def search(
        self, query: str, *, limit: int = DEFAULT_LIMIT, filters: SearchFilters | None = None
    ) -> list[SearchHit]:
        """The best `limit` procedures for a query; `InvalidQueryError` for an unusable query."""
        cleaned = clean_query(query)
        limit = max(1, min(int(limit), MAX_LIMIT))
        key = (cleaned, limit, filters)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return list(cached)
        hits = self._search(cleaned, limit, filters)
        self._cache[key] = hits
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return list(hits)

    def _search(self, cleaned: str, limit: int, filters: SearchFilters | None) -> list[SearchHit]:
        analysed = analyse_query(cleaned, self.lexicon, self._english_vocabulary, self.repairer)
        if not analysed.syllables:
            return []
        fused = self.scores(analysed)
        exact = self._exact_matches(analysed)
        for i, (boost, _) in exact.items():
            fused[i] += boost
        order = np.argsort(-fused, kind="stable")
        hits: list[SearchHit] = []
        for i in order:
            if fused[i] <= 0 or len(hits) >= limit:
                break
            procedure = self._procedures[i]
            if filters is not None and not filters.accepts(procedure):
                continue
            hits.append(
                SearchHit(
                    code=procedure.code,
                    title=procedure.title,
                    score=round(float(fused[i]), 6),
                    field=procedure.field,
                    match=exact[i][1] if i in exact else "search",
                )
            )
        return hits

    def cache_clear(self) -> None:
        """Forget cached answers (benchmarks measure cold queries this way)."""
        self._cache.clear()
