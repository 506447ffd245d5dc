"""Known confusions of Vietnamese spelling, as variants of an accent-folded syllable.

Vietnamese misspellings are regular: dialects merge sounds that the writing keeps apart, so people
write what they hear. The confusions below are the ones documented for Northern (l/n, s/x, ch/tr,
d/gi/r) and Southern (v/d, final n/ng and t/c, i/y) speech, plus the spelling rules that trip
writers (ng/ngh, g/gh, c/k). Tone-mark errors need no rule: folding removes them.
"""

from __future__ import annotations

from functools import lru_cache

# Longest first, so "ngh" wins over "ng" and "ch" over "c".
_ONSETS = ("ngh", "ng", "gh", "gi", "kh", "ph", "th", "tr", "ch", "nh", "qu",
           "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")
_FINALS = ("ng", "nh", "ch", "c", "m", "n", "p", "t")

ONSET_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "s": ("x",), "x": ("s",),
    "l": ("n",), "n": ("l",),
    "ch": ("tr",), "tr": ("ch",),
    "d": ("gi", "r", "v"), "gi": ("d", "r"), "r": ("d", "gi"), "v": ("d",),
    "ng": ("ngh",), "ngh": ("ng",), "g": ("gh",), "gh": ("g",),
    "c": ("k",), "k": ("c",),
}
FINAL_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "n": ("ng",), "ng": ("n", "nh"), "nh": ("n", "ng"),
    "t": ("c",), "c": ("t",), "ch": ("t", "c"),
}


def split_syllable(folded: str) -> tuple[str, str, str]:
    """(onset, vowel nucleus, final consonant) of a folded syllable; empty parts are ''."""
    onset = next((o for o in _ONSETS if folded.startswith(o) and len(folded) > len(o)), "")
    rest = folded[len(onset) :]
    final = next((f for f in _FINALS if rest.endswith(f) and len(rest) > len(f)), "")
    return onset, rest[: len(rest) - len(final)], final


def looks_like_syllable(folded: str) -> bool:
    """True when a folded word has the shape of a Vietnamese syllable: an optional onset, a vowel
    nucleus and an optional final ("vat" may be vật; "bhyt", "mst", "cccd" cannot be syllables)."""
    if not folded.isalpha() or not folded.isascii():
        return False
    _, nucleus, _ = split_syllable(folded.lower())
    return bool(nucleus) and all(ch in "aeiouy" for ch in nucleus) and len(nucleus) <= 3


@lru_cache(maxsize=65536)
def spelling_variants(folded: str) -> frozenset[str]:
    """Folded syllables one or two known confusions away (onset and/or final), the input excluded."""
    if not folded.isalpha():
        return frozenset()
    onset, nucleus, final = split_syllable(folded)
    onsets = (onset, *ONSET_CONFUSIONS.get(onset, ()))
    finals = (final, *FINAL_CONFUSIONS.get(final, ()))
    variants = {o + nucleus + f for o in onsets for f in finals}
    if nucleus.endswith("i") and not final:
        variants |= {o + nucleus[:-1] + "y" for o in onsets}
    elif nucleus.endswith("y") and not final:
        variants |= {o + nucleus[:-1] + "i" for o in onsets}
    variants.discard(folded)
    return frozenset(variants)
