"""Lexical retrieval: BM25 (`bm25s`) over accented and accent-folded syllables and syllable bigrams.

Each procedure field (title, field of law, result documents, required documents, everyday
descriptions) is indexed in four streams: canonical accented unigrams, accented bigrams, folded
unigrams, folded bigrams. Bigrams carry most of the meaning in Vietnamese, where a word is usually
two syllables ("đăng ký", "khai sinh"). A query scores as the weighted sum of the BM25 scores of its
token groups (the words typed, their lexicon expansions, their spelling-variant corrections) in
every stream of every field. An accented query also matches the accented streams, so the exact
diacritic match ranks above a match only through folding.

Typo tolerance: a query syllable or bigram missing from the folded vocabulary is replaced by its
known spelling confusions (`models.text.spelling`) that the vocabulary holds, then, for syllables,
by the nearest vocabulary entry within one edit (rapidfuzz Levenshtein).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import bm25s
import numpy as np
from pydantic import BaseModel, ConfigDict
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from tqdm import tqdm

from catalog.schema import Procedure
from models.embedding.checksum import sha256_file
from models.search.descriptions import EverydayDescription, default_descriptions, descriptions_fingerprint
from models.text.lexicon import LEXICON_FILE, Lexicon, default_lexicon
from models.text.normalize import fold_diacritics, tokenize
from models.text.spelling import spelling_variants
from models.text.stopwords import VIETNAMESE_STOPWORDS

FIELDS = ("title", "field", "results", "documents", "everyday")
STREAMS = ("exact_uni", "exact_bi", "folded_uni", "folded_bi")
GROUPS = ("typed", "expansion", "correction", "repair")
# Bump when what the index stores changes; an index of another format or lexicon is rebuilt.
INDEX_FORMAT = 3
# The shared words of procedure titles say what kind of act it is, not which procedure.
_TITLE_NOISE = frozenset(tokenize("thủ tục thực hiện tại"))


class BM25Params(BaseModel):
    """BM25 variant and parameters, chosen by name among the `bm25s` methods.

    `lucene` (Lucene's BM25, the default of Elasticsearch), `robertson` (Robertson et al. 1994),
    `atire` (Trotman et al. 2014), `bm25l` (Lv & Zhai 2011), `bm25+` (Lv & Zhai 2011); see
    Kamphuis et al., "Which BM25 do you mean?", ECIR 2020.
    """

    model_config = ConfigDict(frozen=True)

    method: str = "lucene"
    k1: float = 1.2
    b: float = 0.75


class LexicalWeights(BaseModel):
    """How much each field, stream and token group counts in the lexical score."""

    model_config = ConfigDict(frozen=True)

    # "everyday" (the everyday descriptions) chosen like the fusion weights (`FusionWeights`), by
    # the mean MRR@10 of held-out written and generated queries: 0.7737 without the field; with the
    # first four descriptions per procedure, 0.7835 at 0.1 and 0.794 at 0.5, flat to 1.5, and 0.8289
    # at 0.5 once they index the dense side too; with all seven, 0.8298 at 0.25, 0.8308 at 0.5,
    # 0.8317 at 0.75, 0.8300 at 1.0; with four more for everyday procedures, 0.8315 at 0.5, 0.8326
    # at 0.75, 0.8305 at 1.0.
    fields: dict[str, float] = {
        "title": 1.0,
        "field": 0.25,
        "results": 0.1,
        "documents": 0.0,
        "everyday": 0.75,
    }
    streams: dict[str, float] = {"exact_uni": 1.0, "exact_bi": 1.0, "folded_uni": 0.5, "folded_bi": 1.0}
    groups: dict[str, float] = {"typed": 1.0, "expansion": 0.8, "correction": 0.6, "repair": 0.5}
    # Fields whose single syllables a query typed with marks matches only as spelt. Everyday
    # descriptions are long and varied: folded, "tôn" (religion) would match every "bảo tồn" in them
    # and outrank the titles that say "tôn", where the exact spelling must win. Folded bigrams still
    # count: two syllables rarely fold into another word (without the bigrams too, the mean MRR@10
    # of held-out written and generated queries fell from 0.8285 to 0.8268; without the syllables
    # alone, 0.8284).
    exact_syllables_only: frozenset[str] = frozenset({"everyday"})


def bigrams(syllables: Sequence[str]) -> list[str]:
    """Adjacent syllable pairs joined by '_' ("đăng ký khai" → "đăng_ký", "ký_khai")."""
    return [f"{a}_{b}" for a, b in pairwise(syllables)]


# Syllables repeat endlessly across a catalog: fold each distinct one once.
_fold_syllable = lru_cache(maxsize=262144)(fold_diacritics)


def stream_tokens(syllables: Sequence[str]) -> dict[str, list[str]]:
    """The four token streams of a sequence of canonical syllables."""
    folded = [_fold_syllable(s) for s in syllables]
    return {
        "exact_uni": [s for s in syllables if s not in VIETNAMESE_STOPWORDS],
        "exact_bi": bigrams(syllables),
        "folded_uni": [f for s, f in zip(syllables, folded, strict=True) if s not in VIETNAMESE_STOPWORDS],
        "folded_bi": bigrams(folded),
    }


def field_syllables(
    procedure: Procedure, lexicon: Lexicon, description: EverydayDescription | None = None
) -> dict[str, list[str]]:
    """Canonical syllables of each indexed field; acronyms written in a title get their meaning added.

    The "everyday" field holds the procedure's Vietnamese everyday descriptions
    (`models.search.descriptions`).
    """
    title = [s for s in tokenize(procedure.title) if s not in _TITLE_NOISE]
    spelled_out = [
        s for e in lexicon.find(title) if e.kind == "acronym" for phrase in e.means for s in tokenize(phrase)
    ]
    return {
        "title": title + spelled_out,
        "field": tokenize(procedure.field or ""),
        "results": [s for r in procedure.results for s in [*tokenize(r.name), "|"]],
        "documents": [s for d in procedure.documents for s in [*tokenize(d.name), "|"]],
        "everyday": [
            s for text in (description.vietnamese() if description else ()) for s in [*tokenize(text), "|"]
        ],
    }


def _without_separators(tokens: dict[str, list[str]]) -> dict[str, list[str]]:
    # "|" separates list items so that no bigram spans two documents; it is not a token itself.
    return {k: [t for t in v if t != "|" and "_|" not in t and "|_" not in t] for k, v in tokens.items()}


class StaleIndexError(Exception):
    """A saved lexical index was built by another index format, lexicon or descriptions; rebuild it."""


def index_fingerprint(lexicon_file: Path = LEXICON_FILE) -> dict[str, object]:
    """What a saved index must match to be reused: the index format, the default BM25 parameters
    (the build step indexes with them) and the checksums of the lexicon and the descriptions."""
    return {
        "format": INDEX_FORMAT,
        "bm25": BM25Params().model_dump(),
        "lexicon_sha256": sha256_file(lexicon_file),
        **descriptions_fingerprint(),
    }


class LexicalQuery(BaseModel):
    """Tokens of a query per stream and group (typed words, lexicon expansions, spelling corrections).

    A group named "expansion/3" weighs as "expansion", times its own scale in `scales`.
    """

    model_config = ConfigDict(frozen=True)

    tokens: dict[str, dict[str, list[str]]]  # group → stream → tokens
    # Extra weight of a group, by its full name; a group "name/anything" takes the weight of "name".
    scales: dict[str, float] = {}
    # Typed with marks (then `LexicalWeights.exact_syllables_only` fields skip folded syllables).
    accented: bool = False

    def is_empty(self) -> bool:
        return not any(t for streams in self.tokens.values() for t in streams.values())


class LexicalIndex:
    """BM25 indexes of every field × stream of a catalog, plus the folded vocabulary for typo repair."""

    def __init__(
        self,
        codes: list[str],
        indexes: dict[tuple[str, str], bm25s.BM25],
        title_terms: list[list[str]],
        *,
        fingerprint: dict[str, object],
    ) -> None:
        self.codes = codes
        # What this index was built with; `save` records it and `load` compares it with today's.
        self.fingerprint = fingerprint
        self.indexes = indexes
        # Folded content words and bigrams of each title, for the coverage score.
        self.title_terms = [frozenset(terms) for terms in title_terms]
        self.folded_unigrams = frozenset(self._vocabulary("folded_uni"))
        self.folded_bigrams = frozenset(self._vocabulary("folded_bi"))
        self._unigram_choices = sorted(u for u in self.folded_unigrams if u.isalpha())

    def _vocabulary(self, stream: str) -> set[str]:
        vocab: set[str] = set()
        for field in ("title", "field"):
            vocab |= {t for t in self.indexes[(field, stream)].vocab_dict if t}
        return vocab

    @classmethod
    def build(
        cls,
        procedures: Iterable[Procedure],
        *,
        params: BM25Params | None = None,
        lexicon: Lexicon | None = None,
        descriptions: Mapping[str, EverydayDescription] | None = None,
        progress: bool = True,
    ) -> LexicalIndex:
        """Index a catalog's procedures (with the shipped lexicon and descriptions unless given)."""
        params = params or BM25Params()
        custom_lexicon = lexicon is not None
        custom_descriptions = descriptions is not None
        lexicon = lexicon or default_lexicon()
        descriptions = default_descriptions() if descriptions is None else descriptions
        procedures = list(procedures)
        corpus: dict[tuple[str, str], list[list[str]]] = {(f, s): [] for f in FIELDS for s in STREAMS}
        title_terms: list[list[str]] = []
        for procedure in tqdm(procedures, desc="lexical index", disable=not progress):
            description = descriptions.get(procedure.code)
            for field, syllables in field_syllables(procedure, lexicon, description).items():
                streams = _without_separators(stream_tokens(syllables))
                for stream, tokens in streams.items():
                    # An empty document still needs a token so that bm25s keeps row order.
                    corpus[(field, stream)].append(tokens or [""])
                if field == "title":
                    title_terms.append(sorted(set(streams["folded_uni"]) | set(streams["folded_bi"])))
        indexes = {}
        for key, docs in corpus.items():
            index = bm25s.BM25(method=params.method, k1=params.k1, b=params.b)
            index.index(docs, show_progress=False)
            indexes[key] = index
        # A lexicon or descriptions passed in have no file checksum: mark them, so a saved index
        # built with them never passes for one built with the shipped files.
        fingerprint = {
            **index_fingerprint(),
            "bm25": params.model_dump(),
            **({"lexicon_sha256": "custom lexicon"} if custom_lexicon else {}),
            **({"descriptions_sha256": "custom descriptions"} if custom_descriptions else {}),
        }
        return cls([p.code for p in procedures], indexes, title_terms, fingerprint=fingerprint)

    def save(self, directory: Path) -> None:
        """Write the index under `directory` (one bm25s folder per field × stream)."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "codes.json").write_text(json.dumps(self.codes), encoding="utf-8")
        (directory / "fingerprint.json").write_text(json.dumps(self.fingerprint), encoding="utf-8")
        terms = [sorted(t) for t in self.title_terms]
        (directory / "title_terms.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
        for (field, stream), index in self.indexes.items():
            index.save(directory / f"{field}.{stream}", show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Read an index written by `save`; `StaleIndexError` when it was built by other code or lexicon."""
        try:
            fingerprint = json.loads((directory / "fingerprint.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise StaleIndexError(f"{directory}: no readable fingerprint.json") from exc
        if fingerprint != index_fingerprint():
            raise StaleIndexError(
                f"{directory}: built with another index format, BM25 parameters, lexicon or descriptions"
            )
        codes = json.loads((directory / "codes.json").read_text(encoding="utf-8"))
        title_terms = json.loads((directory / "title_terms.json").read_text(encoding="utf-8"))
        indexes = {
            (f, s): bm25s.BM25.load(directory / f"{f}.{s}", show_progress=False, verbosity=0)
            for f in FIELDS
            for s in STREAMS
        }
        return cls(codes, indexes, title_terms, fingerprint=fingerprint)

    def corrections(self, syllables: Sequence[str]) -> tuple[list[str], list[str]]:
        """Folded unigrams and bigrams that repair query syllables missing from the vocabulary.

        A bigram absent from the vocabulary is replaced by the variants of either syllable (known
        spelling confusions) that form a known bigram; an unknown syllable by its known variants, or
        else by the vocabulary syllables one edit away.
        """
        folded = [_fold_syllable(s) for s in syllables]
        unigrams: list[str] = []
        for syllable in folded:
            if syllable in self.folded_unigrams or not syllable.isalpha() or len(syllable) < 2:
                continue
            known = sorted(v for v in spelling_variants(syllable) if v in self.folded_unigrams)
            if not known and len(syllable) >= 4:
                known = [
                    match
                    for match, _, _ in process.extract(
                        syllable, self._unigram_choices, scorer=Levenshtein.distance, score_cutoff=1, limit=3
                    )
                ]
            unigrams.extend(known)
        pairs: list[str] = []
        for a, b in pairwise(folded):
            if f"{a}_{b}" in self.folded_bigrams:
                continue
            for left in (a, *spelling_variants(a)):
                for right in (b, *spelling_variants(b)):
                    if (left, right) != (a, b) and f"{left}_{right}" in self.folded_bigrams:
                        pairs.append(f"{left}_{right}")
        return unigrams, pairs

    def coverage(self, query: LexicalQuery, candidates: Iterable[int]) -> dict[int, float]:
        """Share of each candidate title's folded words and bigrams that the query (with its
        expansions and corrections) contains.

        BM25 rewards a title for holding the query's words; coverage rewards it for holding little
        else, so the plain procedure ("đăng ký khai sinh") outranks its longer variants ("... có
        yếu tố nước ngoài", "... lưu động") unless the query names the variant.
        """
        wanted = {
            token
            for streams in query.tokens.values()
            for stream in ("folded_uni", "folded_bi")
            for token in streams.get(stream, ())
        }
        return {
            i: len(self.title_terms[i] & wanted) / len(self.title_terms[i])
            for i in candidates
            if self.title_terms[i]
        }

    def scores(self, query: LexicalQuery, weights: LexicalWeights) -> np.ndarray:
        """Weighted BM25 score of every procedure (array aligned with `codes`)."""
        total = np.zeros(len(self.codes), dtype=np.float32)
        for group, streams in query.tokens.items():
            group_weight = weights.groups.get(group.split("/")[0], 0.0) * query.scales.get(group, 1.0)
            if not group_weight:
                continue
            for stream, tokens in streams.items():
                stream_weight = weights.streams.get(stream, 0.0)
                if not tokens or not stream_weight:
                    continue
                for field, field_weight in weights.fields.items():
                    exact_syllables = query.accented and field in weights.exact_syllables_only
                    if field_weight and not (exact_syllables and stream == "folded_uni"):
                        index = self.indexes[(field, stream)]
                        known = [t for t in tokens if t in index.vocab_dict]
                        if known:
                            total += (group_weight * stream_weight * field_weight) * index.get_scores(known)
        return total


def build_lexical_index(catalog: Iterable[Procedure], out_dir: Path, encoder: object = None) -> None:
    """Artefact build step: index a catalog and save it into `out_dir` (the encoder is not used)."""
    LexicalIndex.build(catalog).save(out_dir)
