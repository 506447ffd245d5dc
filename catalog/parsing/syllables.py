"""Where a Vietnamese syllable can start, to find the seam between two cells glued by the crawl."""

from __future__ import annotations

import unicodedata

# Base letters after NFD: "ă", "â", "ơ"... decompose to their plain vowel, so plain vowels suffice.
_VOWELS = frozenset("aeiouy")
_ONSETS = frozenset({"ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr"})


def _base_letter(char: str) -> str:
    return unicodedata.normalize("NFD", char)[0].lower()


def starts_syllable(capital: str, following: str) -> bool:
    """Whether a capital and the letter after it can open a Vietnamese syllable ("Mẫu", "Ng", "Hư",
    "Qu"): "CPquy" is CP + quy (no syllable opens with "pq"), "CPNghị" is CP + Nghị."""
    first, second = _base_letter(capital), _base_letter(following)
    return first in _VOWELS or second in _VOWELS or first + second in _ONSETS or first == "đ"
