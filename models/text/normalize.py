"""Vietnamese text normalisation shared by indexing and querying.

One canonical written form per syllable, so that the same word typed in different but accepted
ways meets itself in an index:

- Unicode NFC (keyboards and old documents produce decomposed or mixed forms);
- tone mark placed by one rule: the traditional placement (hòa, thủy, ủy, khỏe) that the national
  catalog mostly uses, so "hoà"/"hòa", "thuỵ"/"thụy", "uỷ"/"ủy" become one form;
- the i/y free variation of open syllables after a consonant (kí/ký, lí/lý, mĩ/mỹ, sĩ/sỹ) unified
  on "i" (the form of the Ministry of Education's 1984 spelling rules), and "qui" written "quy";
- lower case, punctuation turned into spaces, procedure codes such as ``1.001193`` kept whole.

`fold_diacritics` removes every mark, including the stroke of đ (đ → d), for accent-blind matching.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks: huyền, sắc, ngã, hỏi, nặng (plus the deprecated U+0340/U+0341 duplicates,
# which NFD already maps to U+0300/U+0301).
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
_MODIFIED_VOWELS = frozenset("ăâêôơư")
# Consonant onsets before which a lone final "y" is the free variant of "i".
_IY_ONSETS = frozenset(
    ["b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
     "ch", "kh", "ph", "th", "tr", "nh", "ng", "gh", "ngh"]
)
# Look-alike letters typed instead of đ (Icelandic eth, African D with stroke).
_LOOKALIKES = str.maketrans({"ð": "đ", "Ð": "Đ", "ɖ": "đ", "Ɖ": "Đ"})

CODE_PATTERN = re.compile(r"\b\d\.\d{6}\b")
_TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")


def _tone_position(base: str) -> int | None:
    """Index of the letter of a toneless syllable that carries the tone mark (traditional rule)."""
    start = next((i for i, ch in enumerate(base) if ch in _VOWELS), None)
    if start is None:
        return None
    end = start
    while end < len(base) and base[end] in _VOWELS:
        end += 1
    # In "qu-" and "gi-" the u / i belong to the onset when another vowel follows (quý, già, giữ).
    if end - start > 1 and (
        (base[start] == "u" and start > 0 and base[start - 1] == "q")
        or (base[start] == "i" and start == 1 and base[0] == "g")
    ):
        start += 1
    nucleus = base[start:end]
    modified = [i for i, ch in enumerate(nucleus) if ch in _MODIFIED_VOWELS]
    if modified:
        return start + modified[-1]  # ươ → ơ, iê → ê, uô → ô
    if len(nucleus) == 1:
        return start
    if len(nucleus) == 2:
        return start + 1 if end < len(base) else start  # hoàn / hòa, thủy
    return start + 1  # three vowels: ngoài, xoáy, khuỷu


@lru_cache(maxsize=65536)
def canonical_syllable(word: str) -> str:
    """One lower-case NFC syllable rewritten with the canonical tone placement and i/y choice."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    if not base.isalpha():
        return word
    if base.endswith("y") and base[:-1] in _IY_ONSETS:
        base = base[:-1] + "i"
    elif base == "qui":
        base = "quy"
    if not tones:
        return base
    position = _tone_position(base)
    if position is None:
        return word
    return unicodedata.normalize("NFC", base[: position + 1] + tones[-1] + base[position + 1 :])


def tokenize(text: str) -> list[str]:
    """Canonical lower-case syllables of a text (procedure codes stay single tokens)."""
    text = unicodedata.normalize("NFC", text.translate(_LOOKALIKES)).lower()
    return [canonical_syllable(token) for token in _TOKEN.findall(text)]


def normalize_vietnamese(text: str) -> str:
    """Canonical form of a Vietnamese (or mixed) text: NFC, lower case, one tone placement, no punctuation.

    >>> normalize_vietnamese("Hoà giải  ở cơ sở; Thuỵ Khuê, Uỷ ban")
    'hòa giải ở cơ sở thụy khuê ủy ban'
    """
    return " ".join(tokenize(text))


def fold_diacritics(text: str) -> str:
    """Remove every Vietnamese mark, đ → d included ("Đăng ký" → "Dang ky"); case is kept."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LOOKALIKES))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


def has_diacritics(text: str) -> bool:
    """True when the text carries at least one Vietnamese mark (or đ)."""
    return fold_diacritics(text) != unicodedata.normalize("NFC", text)
