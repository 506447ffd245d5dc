"""The acronym and everyday-word lexicon of Vietnamese administration (data in `lexicon.json`).

People say "làm CCCD", "sổ đỏ", "cà vẹt", "hộ khẩu" or "birth certificate"; the catalog says "thẻ
căn cước", "giấy chứng nhận quyền sử dụng đất", "chứng nhận đăng ký xe", "thường trú", "đăng ký
khai sinh". The lexicon maps the first to the second. Entries describe the language and the
catalog's wording, never a single evaluation query.

Matching works on canonical syllables (`models.text.normalize.tokenize`): a term written with
diacritics matches accented text exactly, and matches text typed without any diacritics through
its folded form. English terms apply only to text detected as English (English "fire" must not
fire on a Vietnamese query), and acronyms match as whole syllables.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from models.text.normalize import fold_diacritics, tokenize
from models.text.spelling import looks_like_syllable

LEXICON_FILE = Path(__file__).with_name("lexicon.json")

EntryKind = Literal["acronym", "slang", "synonym", "english"]


class LexiconEntry(BaseModel):
    """Words people use (`terms`) and what they mean in the catalog's wording (`means`)."""

    model_config = ConfigDict(frozen=True)

    kind: EntryKind
    terms: list[str]
    means: list[str]


class Expansion(BaseModel):
    """One lexicon term found in a text: where (syllable span) and what it means."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int
    term: str  # as typed
    written: str  # as the lexicon writes it (canonical syllables, with their marks)
    kind: EntryKind
    means: list[str]
    folded_match: bool


class Lexicon:
    """Finds lexicon terms in tokenised text, longest term first at each position."""

    def __init__(self, entries: list[LexiconEntry]) -> None:
        self.entries = entries
        # first syllable → [(term syllables as matched, entry index, term syllables)], longest first.
        self._exact: dict[str, list[tuple[tuple[str, ...], int, tuple[str, ...]]]] = defaultdict(list)
        self._folded: dict[str, list[tuple[tuple[str, ...], int, tuple[str, ...]]]] = defaultdict(list)
        for index, entry in enumerate(entries):
            for term in entry.terms:
                syllables = tuple(tokenize(term))
                if not syllables:
                    continue
                self._exact[syllables[0]].append((syllables, index, syllables))
                folded = tuple(fold_diacritics(s) for s in syllables)
                # One syllable typed bare is too ambiguous: "tro" is trọ (lodging) but also trợ
                # (aid), and "vat" may be VAT or vật, so a one-syllable term matches bare text only
                # when it cannot be a Vietnamese syllable (CCCD, BHYT); longer terms are safe.
                if len(syllables) > 1 or not looks_like_syllable(folded[0]):
                    self._folded[folded[0]].append((folded, index, syllables))
        for table in (self._exact, self._folded):
            for candidates in table.values():
                candidates.sort(key=lambda c: -len(c[0]))

    def find(self, syllables: list[str], *, english: bool = False, folded: bool = False) -> list[Expansion]:
        """Lexicon terms in a sequence of canonical syllables.

        `folded`: the text was typed without diacritics, so compare folded forms.
        `english`: the text is English, so English entries apply (and only they, with acronyms).
        """
        keys = [fold_diacritics(s) for s in syllables] if folded else syllables
        table = self._folded if folded else self._exact
        found: list[Expansion] = []
        for start, key in enumerate(keys):
            for term, index, written in table.get(key, ()):
                entry = self.entries[index]
                if (entry.kind == "english") != english and entry.kind != "acronym":
                    continue
                end = start + len(term)
                if tuple(keys[start:end]) == term:
                    found.append(
                        Expansion(
                            start=start,
                            end=end,
                            term=" ".join(syllables[start:end]),
                            written=" ".join(written),
                            kind=entry.kind,
                            means=entry.means,
                            folded_match=folded,
                        )
                    )
        return found

    def english_vocabulary(self) -> frozenset[str]:
        """Every syllable of the English terms (used to recognise English queries)."""
        terms = [t for entry in self.entries if entry.kind == "english" for t in entry.terms]
        return frozenset(syllable for term in terms for syllable in tokenize(term))

    def contractions(self) -> dict[str, list[str]]:
        """Catalog phrase → the acronyms and everyday words people use for it (for synthetic queries)."""
        by_phrase: dict[str, list[str]] = defaultdict(list)
        for entry in self.entries:
            if entry.kind == "english":
                continue
            for phrase in entry.means:
                by_phrase[" ".join(tokenize(phrase))].extend(
                    t for t in entry.terms if " ".join(tokenize(t)) != " ".join(tokenize(phrase))
                )
        return dict(by_phrase)


def load_lexicon_entries(path: Path = LEXICON_FILE) -> list[LexiconEntry]:
    """The entries of a lexicon file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [LexiconEntry.model_validate(item) for item in data["entries"]]


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped with the package."""
    return Lexicon(load_lexicon_entries())
