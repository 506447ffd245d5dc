"""What a search query is: its syllables, language, kind, codes and lexicon expansions."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from models.search.lexical import LexicalIndex, LexicalQuery, stream_tokens
from models.text.lexicon import Expansion, Lexicon
from models.text.normalize import CODE_PATTERN, has_diacritics, tokenize
from models.text.stopwords import ENGLISH_STOPWORDS

_LATIN = re.compile(r"^[a-z0-9./-]+$")
KEYWORD_MAX_SYLLABLES = 4


class QueryKind(StrEnum):
    """The kinds of query that fusion weighs differently."""

    CODE = "code"
    ENGLISH = "english"
    UNACCENTED = "unaccented"
    KEYWORD = "keyword"
    SENTENCE = "sentence"


class AnalysedQuery(BaseModel):
    """A query taken apart once, for every retriever."""

    model_config = ConfigDict(frozen=True)

    text: str
    syllables: list[str]
    kind: QueryKind
    codes: list[str]
    accented: bool
    expansions: list[Expansion]

    @property
    def english(self) -> bool:
        return self.kind is QueryKind.ENGLISH

    def dense_text(self) -> str:
        """The text given to the embedding model: the query plus what its acronyms and slang mean."""
        meanings = list(dict.fromkeys(m for e in self.expansions for m in e.means))
        return " ".join([self.text, *meanings]) if meanings else self.text


def is_english(syllables: list[str], english_vocabulary: frozenset[str]) -> bool:
    """Unaccented Latin words, at least one English content word and mostly English words."""
    if not syllables or not all(_LATIN.match(s) for s in syllables):
        return False
    content = [s for s in syllables if s in english_vocabulary and s not in ENGLISH_STOPWORDS]
    englishish = [s for s in syllables if s in english_vocabulary or s in ENGLISH_STOPWORDS]
    return bool(content) and len(englishish) * 2 >= len(syllables)


def analyse_query(text: str, lexicon: Lexicon, english_vocabulary: frozenset[str]) -> AnalysedQuery:
    """Tokenise a query, recognise its kind and find its lexicon terms."""
    syllables = tokenize(text)
    codes = CODE_PATTERN.findall(text)
    accented = has_diacritics(text)
    english = not accented and is_english(syllables, english_vocabulary)
    if codes:
        kind = QueryKind.CODE
    elif english:
        kind = QueryKind.ENGLISH
    elif not accented:
        kind = QueryKind.UNACCENTED
    elif len(syllables) <= KEYWORD_MAX_SYLLABLES:
        kind = QueryKind.KEYWORD
    else:
        kind = QueryKind.SENTENCE
    expansions = lexicon.find(syllables, english=english, folded=not accented and not english)
    return AnalysedQuery(
        text=text, syllables=syllables, kind=kind, codes=codes, accented=accented, expansions=expansions
    )


def _merge(target: dict[str, list[str]], extra: dict[str, list[str]]) -> None:
    for stream, tokens in extra.items():
        target.setdefault(stream, []).extend(tokens)


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
    expansion: dict[str, list[str]] = {}
    for meaning in dict.fromkeys(m for e in query.expansions for m in e.means):
        _merge(expansion, stream_tokens(tokenize(meaning)))
    correction: dict[str, list[str]] = {}
    if not query.english:
        unigrams, pairs = index.corrections(typed_syllables)
        correction = {"folded_uni": unigrams, "folded_bi": pairs}
    return LexicalQuery(tokens={"typed": typed, "expansion": expansion, "correction": correction})
