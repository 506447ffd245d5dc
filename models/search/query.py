"""What a search query is: its syllables, language, kind, codes and lexicon expansions."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from models.search.lexical import LexicalIndex, LexicalQuery, stream_tokens
from models.search.repair import QueryRepairer
from models.text.lexicon import Expansion, Lexicon
from models.text.normalize import CODE_PATTERN, has_diacritics, tokenize
from models.text.stopwords import ENGLISH_STOPWORDS, content_span, without_question_phrases

_LATIN = re.compile(r"^[a-z0-9./-]+$")
KEYWORD_MAX_SYLLABLES = 4


class QueryKind(StrEnum):
    """The kinds of query that fusion weighs differently."""

    CODE = "code"
    ENGLISH = "english"
    KEYWORD = "keyword"
    SENTENCE = "sentence"
    UNACCENTED_KEYWORD = "unaccented_keyword"
    UNACCENTED_SENTENCE = "unaccented_sentence"


class AnalysedQuery(BaseModel):
    """A query taken apart once, for every retriever."""

    model_config = ConfigDict(frozen=True)

    text: str  # as typed, or its syllables when question phrases were taken out
    syllables: list[str]
    kind: QueryKind
    codes: list[str]
    accented: bool
    expansions: list[Expansion]
    repaired: list[str]
    # Syllables [start, end) without the function words framing a spoken request ("cho em hỏi",
    # "ạ"): what the query asks about, which sets its kind and is what the embedding model reads.
    content: tuple[int, int]

    @property
    def english(self) -> bool:
        return self.kind is QueryKind.ENGLISH

    @property
    def was_repaired(self) -> bool:
        return self.repaired != self.syllables

    def dense_text(self) -> str:
        """The text given to the embedding model: the (repaired) content of the query plus what its
        terms mean."""
        start, end = self.content
        if self.was_repaired or (start, end) != (0, len(self.syllables)):
            text = " ".join(self.repaired[start:end])
        else:
            text = self.text
        meanings = list(dict.fromkeys(m for e in self.expansions for m in e.means))
        return " ".join([text, *meanings]) if meanings else text


def is_english(syllables: list[str], english_vocabulary: frozenset[str]) -> bool:
    """Unaccented Latin words, at least one English content word and mostly English words."""
    if not syllables or not all(_LATIN.match(s) for s in syllables):
        return False
    content = [s for s in syllables if s in english_vocabulary and s not in ENGLISH_STOPWORDS]
    englishish = [s for s in syllables if s in english_vocabulary or s in ENGLISH_STOPWORDS]
    return bool(content) and len(englishish) * 2 >= len(syllables)


def analyse_query(
    text: str, lexicon: Lexicon, english_vocabulary: frozenset[str], repairer: QueryRepairer | None = None
) -> AnalysedQuery:
    """Tokenise a query, recognise its kind, repair its spelling and find its lexicon terms."""
    codes = CODE_PATTERN.findall(text)
    accented = has_diacritics(text)
    typed = tokenize(text)
    syllables = without_question_phrases(typed, folded=not accented)
    english = not accented and is_english(syllables, english_vocabulary)
    expansions = lexicon.find(syllables, english=english, folded=not accented and not english)
    # The lexical side keeps the frame: its words are stop words there, or bigrams no title holds.
    content = (0, len(syllables))
    if accented:
        content = content_span(syllables, keep={i for e in expansions for i in range(e.start, e.end)})
    if codes:
        kind = QueryKind.CODE
    elif english:
        kind = QueryKind.ENGLISH
    elif content[1] - content[0] <= KEYWORD_MAX_SYLLABLES:
        kind = QueryKind.KEYWORD if accented else QueryKind.UNACCENTED_KEYWORD
    else:
        kind = QueryKind.SENTENCE if accented else QueryKind.UNACCENTED_SENTENCE
    repaired = syllables
    if repairer is not None and kind not in (QueryKind.CODE, QueryKind.ENGLISH):
        # A lexicon term found in the query fixes the spelling of its syllables ("so do" → sổ đỏ).
        fixed = {
            e.start + k: written
            for e in sorted(expansions, key=lambda e: e.start - e.end)
            if e.kind != "english"
            for k, written in enumerate(e.written.split())
        }
        repaired = repairer.repair(syllables, fixed=fixed)
        if repaired != syllables:
            # The repaired words may name lexicon terms the typed ones hid ("tro" → "trọ").
            seen = {(e.start, e.end, e.term) for e in expansions}
            expansions += [
                e
                for e in lexicon.find(repaired)
                if (e.start, e.end, e.term) not in seen and e.kind != "english"
            ]
    return AnalysedQuery(
        text=text if syllables == typed else " ".join(syllables),
        syllables=syllables,
        kind=kind,
        codes=codes,
        accented=accented,
        expansions=expansions,
        repaired=repaired,
        content=content,
    )


def _new_tokens(tokens: dict[str, list[str]], typed: dict[str, list[str]]) -> dict[str, list[str]]:
    """`tokens` without those the query typed already, stream by stream."""
    new: dict[str, list[str]] = {}
    for stream, values in tokens.items():
        seen = set(typed.get(stream, ()))
        new[stream] = [t for t in values if t not in seen]
    return new


def lexical_query(query: AnalysedQuery, index: LexicalIndex) -> LexicalQuery:
    """The BM25 token groups of a query: typed words, lexicon expansions, spelling corrections."""
    typed_syllables = [s for s in query.syllables if not CODE_PATTERN.fullmatch(s)]
    if query.english:
        # English words would only meet Vietnamese homographs ("in", "to"); keep acronyms and numbers.
        typed_syllables = [s for s in typed_syllables if s.isdigit()]
    typed = stream_tokens(typed_syllables)
    if not query.accented:
        # Without diacritics nothing can match an accented token exactly.
        typed["exact_uni"], typed["exact_bi"] = [], []
    # Each meaning is its own group, weighted by the length of the words it stands for over its
    # own length: BM25 sums over query tokens, so a long meaning ("thay đổi, cải chính, bổ sung
    # thông tin hộ tịch" for "đổi tên") would otherwise outweigh every word actually typed. A
    # meaning's tokens that the query typed already are left out of it (as for the repair group):
    # "giấy khai sinh" means "đăng ký khai sinh", and "khai sinh", typed once but counted twice,
    # outweighed the other words typed.
    spans: dict[str, int] = {}
    for e in query.expansions:
        for meaning in e.means:
            spans[meaning] = max(spans.get(meaning, 0), e.end - e.start)
    expansions: dict[str, dict[str, list[str]]] = {}
    scales: dict[str, float] = {}
    for number, (meaning, span) in enumerate(spans.items()):
        syllables = tokenize(meaning)
        expansions[f"expansion/{number}"] = _new_tokens(stream_tokens(syllables), typed)
        scales[f"expansion/{number}"] = min(1.0, span / max(1, len(syllables)))
    correction: dict[str, list[str]] = {}
    if not query.english:
        unigrams, pairs = index.corrections(typed_syllables)
        correction = {"folded_uni": unigrams, "folded_bi": pairs}
    repair: dict[str, list[str]] = {}
    if query.was_repaired:
        repaired = stream_tokens([s for s in query.repaired if not CODE_PATTERN.fullmatch(s)])
        repair = _new_tokens(repaired, typed)
    return LexicalQuery(
        tokens={"typed": typed, **expansions, "correction": correction, "repair": repair},
        scales=scales,
        accented=query.accented,
    )
