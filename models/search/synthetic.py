"""Synthetic search queries generated from catalog titles, for tuning without evaluation rows.

Each query is derived from one procedure title the way people distort titles when they type them:
a short keyword span, the title without diacritics, with known spelling confusions and wrong tone
marks, or with a catalog phrase replaced by the acronym or everyday word people use for it (the
lexicon read backwards). The relevant set is every procedure sharing the same core title (the
catalog repeats a title per administrative level).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from catalog.schema import Procedure
from models.search.evaluation import EvalQuery
from models.text.lexicon import Lexicon
from models.text.normalize import fold_diacritics, normalize_vietnamese, tokenize
from models.text.spelling import ONSET_CONFUSIONS, split_syllable

_PARENTHESES = re.compile(r"\([^)]*\)")
_PREFIX = re.compile(r"^\s*thủ tục:?\s*", re.IGNORECASE)
_TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
STYLES = ("title", "keyword", "no_diacritics", "typo", "acronym", "spoken")
# How spoken requests wrap the words of a title (the filler of questions at a counter).
_OPENINGS = ("cho em hỏi", "tôi muốn", "mình cần", "làm sao để", "xin hỏi thủ tục", "tôi cần làm", "muốn")
_CLOSINGS = ("thì làm thế nào", "ở đâu", "cần giấy tờ gì", "mất bao lâu", "như thế nào ạ", "")


def core_title(title: str) -> str:
    """A title without its "Thủ tục" prefix and parenthesised level notes, normalised."""
    return normalize_vietnamese(_PREFIX.sub("", _PARENTHESES.sub(" ", title)))


def _retone(syllable: str, rng: random.Random) -> str:
    decomposed = unicodedata.normalize("NFD", syllable)
    bare = "".join(c for c in decomposed if c not in _TONES)
    vowels = [i for i, c in enumerate(bare) if c in "aeiouy"]
    if not vowels:
        return syllable
    i = rng.choice(vowels) + 1
    while i < len(bare) and unicodedata.combining(bare[i]):  # after the vowel's own marks (â, ơ)
        i += 1
    return unicodedata.normalize("NFC", bare[:i] + rng.choice(_TONES) + bare[i:])


def _misspell(syllable: str, rng: random.Random) -> str:
    """Swap a confusable onset (keeping the vowel and tone), or move the tone mark."""
    onset, _, _ = split_syllable(fold_diacritics(syllable))
    if onset in ONSET_CONFUSIONS and rng.random() < 0.6:
        replacement = rng.choice(ONSET_CONFUSIONS[onset])
        prefix = "đ" if syllable.startswith("đ") else onset
        if syllable.startswith(prefix):
            return replacement + syllable[len(prefix) :]
    return _retone(syllable, rng)


def _keyword(syllables: list[str], rng: random.Random) -> list[str]:
    length = min(len(syllables), rng.randint(3, 6))
    return syllables[:length]


def _acronymise(text: str, contractions: dict[str, list[str]], rng: random.Random) -> str | None:
    padded = f" {text} "
    found = [(phrase, terms) for phrase, terms in contractions.items() if terms and f" {phrase} " in padded]
    if not found:
        return None
    phrase, terms = max(found, key=lambda item: len(item[0]))
    return f" {text} ".replace(f" {phrase} ", f" {rng.choice(terms)} ", 1).strip()


def synthetic_queries(
    procedures: Iterable[Procedure], lexicon: Lexicon, *, per_style: int = 200, seed: int = 7
) -> list[EvalQuery]:
    """`per_style` queries of each style in `STYLES`, reproducible for a seed."""
    rng = random.Random(seed)
    procedures = list(procedures)
    by_core: dict[str, list[str]] = defaultdict(list)
    for p in procedures:
        by_core[core_title(p.title)].append(p.code)
    contractions = lexicon.contractions()
    queries: list[EvalQuery] = []
    for style in STYLES:
        made = 0
        attempts = 0
        while made < per_style and attempts < per_style * 50:
            attempts += 1
            procedure = rng.choice(procedures)
            core = core_title(procedure.title)
            syllables = tokenize(core)
            if len(syllables) < 2:
                continue
            if style == "title":
                text = procedure.title
            elif style == "keyword":
                text = " ".join(_keyword(syllables, rng))
            elif style == "no_diacritics":
                text = fold_diacritics(" ".join(syllables[: rng.randint(3, 10)]))
            elif style == "typo":
                words = syllables[: rng.randint(3, 10)]
                for i in rng.sample(range(len(words)), k=min(2, len(words))):
                    words[i] = _misspell(words[i], rng)
                text = " ".join(words)
            elif style == "spoken":
                spoken = _acronymise(core, contractions, rng) or core
                words = spoken.split()[: rng.randint(3, 9)]
                text = " ".join([rng.choice(_OPENINGS), *words, rng.choice(_CLOSINGS)]).strip()
            else:
                acronymised = _acronymise(core, contractions, rng)
                if acronymised is None:
                    continue
                text = " ".join(acronymised.split()[:10])
            relevant = [procedure.code, *[c for c in by_core[core] if c != procedure.code]][:10]
            queries.append(EvalQuery(id=f"syn-{style}-{made}", query=text, relevant=relevant, style=style))
            made += 1
    return queries
