"""Match a free-text situation ("mẹ đang đóng BHXH bắt buộc") against procedure texts.

Both sides become sets of canonical content syllables; acronyms and everyday words found by the
shared lexicon add the catalog wording they stand for ("BHXH" → "bảo hiểm xã hội").
"""

from __future__ import annotations

import re
from functools import lru_cache

from models.text.lexicon import default_lexicon
from models.text.normalize import normalize_vietnamese, tokenize

_STOP = frozenset(
    normalize_vietnamese(
        "nếu khi là và của có đang được cho các những một đã sẽ thì với để này đó ở tại trong theo"
        " hoặc người việc làm cần muốn bị"
    ).split()
)
_FOREIGN_WORDS = re.compile(r"nước ngoài|ngoại quốc|quốc tịch|việt kiều|định cư|foreign")


@lru_cache(maxsize=4096)
def content_terms(text: str) -> frozenset[str]:
    """Content syllables of a text plus the catalog words its acronyms and slang stand for."""
    syllables = tokenize(text)
    terms = {s for s in syllables if s not in _STOP and not s.isdigit()}
    for found in default_lexicon().find(syllables):
        for meaning in found.means:
            terms.update(s for s in tokenize(meaning) if s not in _STOP)
    return frozenset(terms)


def overlap(situation: str, text: str) -> float:
    """Share of the situation's content words that the text also holds (0 when either is empty)."""
    wanted = content_terms(situation)
    if not wanted:
        return 0.0
    return len(wanted & content_terms(text)) / len(wanted)


def mentions_foreign_element(situation: str | None) -> bool:
    """The situation says a foreigner, a foreign country or nationality is involved."""
    return bool(situation and _FOREIGN_WORDS.search(normalize_vietnamese(situation)))
