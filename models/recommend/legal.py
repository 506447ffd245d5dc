"""Which legal document a suggestion's reason cites: specific, current, and truly shared.

A procedure's legal-basis list mixes the documents specific to it with fee circulars and
cross-cutting simplification decrees cited by hundreds of procedures. Reasons cite only the
specific ones, and among them:
- a law replaced by a newer law of the same name (Luật Bảo hiểm xã hội 58/2014 → 41/2024) is cited
  by its newest number when the catalog holds both: records lag behind the law;
- two procedures "based on the same document" only say something when few procedures cite it, so
  shared documents are weighed by rarity (an IDF over the catalog): Luật Hộ tịch, cited by 41
  procedures, does not make birth and death registration belong together.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from catalog.schema import LegalBasis, Procedure
from models.text.normalize import normalize_vietnamese

_KIND_BY_SUFFIX = [
    (re.compile(r"/QH\d*$"), "Luật"),
    (re.compile(r"/TTLT"), "Thông tư liên tịch"),
    (re.compile(r"/NĐ-CP$"), "Nghị định"),
    (re.compile(r"/TT-"), "Thông tư"),
    (re.compile(r"/QĐ-"), "Quyết định"),
    (re.compile(r"/NQ-"), "Nghị quyết"),
]
# A law's own short name, optionally followed by its year ("Luật Cư trú 2020", "... năm 2016").
_LAW_NAME = re.compile(r"^(Luật [^\d/]{2,50}?)(?:\s+năm)?(?:\s+\d{4})?$", re.IGNORECASE)
_AMENDING = re.compile(r"^luật sửa đổi", re.IGNORECASE)
_NUMBER = re.compile(r"\d+[\w.]*/(\d{4})/[\w-]+")
_RANK = {"Luật": 0, "Nghị định": 1, "Thông tư liên tịch": 2, "Thông tư": 3, "Nghị quyết": 4, "Quyết định": 5}
# Fee circulars and cross-cutting simplification decrees are cited by hundreds of procedures and
# say nothing about why two of them belong together.
_GENERIC_TITLE = re.compile(
    r"phí|lệ phí|cắt giảm|đơn giản hóa|phân định thẩm quyền|phân cấp|phân quyền", re.IGNORECASE
)
# A shared document cited by more than 1 % of the catalog is not evidence that two procedures
# go together ("cùng dựa trên ... nên thường cần xem cùng lúc" would be an empty claim).
SPECIFIC_SHARE = 0.01


def _kind(number: str) -> str | None:
    return next((kind for pattern, kind in _KIND_BY_SUFFIX if pattern.search(number)), None)


def cite(basis: LegalBasis) -> str | None:
    """'Nghị định 123/2015/NĐ-CP' from a legal-basis entry, or None for an unrecognised number."""
    number = basis.number.strip()
    kind = _kind(number)
    if kind is None:
        return None
    name = _law_name(basis) if kind == "Luật" else None
    # A law's own short name reads better than its number alone ("Luật Cư trú 68/2020/QH14").
    return f"{name} {number}" if name else f"{kind} {number}"


def _law_name(basis: LegalBasis) -> str | None:
    """'Luật Bảo hiểm xã hội' from a law entry titled 'LUẬT Bảo hiểm xã hội', else None."""
    match = _LAW_NAME.match((basis.title or "").strip())
    if match is None or _AMENDING.match(match.group(1)):
        return None
    return "Luật" + match.group(1)[4:]


def specific_bases(procedure: Procedure) -> list[tuple[int, str, str]]:
    """(rank, number, citation) of the documents specific to a procedure, highest rank first."""
    found = []
    for basis in procedure.legal_basis:
        citation = cite(basis)
        if citation and not _GENERIC_TITLE.search(basis.title or ""):
            found.append((_RANK.get(_kind(basis.number.strip()) or "", 9), basis.number.strip(), citation))
    return sorted(set(found))


def _year(number: str) -> int:
    match = _NUMBER.fullmatch(number)
    return int(match.group(1)) if match else 0


class LegalBases:
    """Specific legal bases of every procedure of a catalog, parsed once, newest laws preferred."""

    def __init__(self, procedures: Iterable[Procedure]) -> None:
        procedures = list(procedures)
        self._current = _current_laws(procedures)
        self._by_code: dict[str, list[tuple[int, str, str]]] = {}
        for procedure in procedures:
            bases = {
                self._current.get(number, (rank, number, c)) for rank, number, c in specific_bases(procedure)
            }
            self._by_code[procedure.code] = sorted(bases)
        cited = Counter(number for bases in self._by_code.values() for number in {n for _, n, _ in bases})
        total = max(len(procedures), 2)
        # Rarity in [0, 1]: 1 for a document only one procedure cites, 0 for one all of them cite.
        self._rarity = {number: math.log(total / df) / math.log(total) for number, df in cited.items()}
        self._specific = math.log(1 / SPECIFIC_SHARE) / math.log(total)

    def main(self, code: str) -> str | None:
        """The highest-ranking specific document a procedure rests on."""
        bases = self._by_code.get(code)
        return bases[0][2] if bases else None

    def citations(self, code: str) -> list[str]:
        """How each specific document of a procedure is cited, highest rank first."""
        return [citation for _, _, citation in self._by_code.get(code, ())]

    def shared(self, a: str, b: str) -> str | None:
        """The highest-ranking specific document both procedures cite."""
        numbers = {number for _, number, _ in self._by_code.get(a, ())}
        return next((c for _, number, c in self._by_code.get(b, ()) if number in numbers), None)

    def rarest_shared(self, a: str, b: str) -> tuple[str | None, float]:
        """The rarest document both procedures cite, when it is rare enough to say they go together
        (else None), and its rarity (0 when they share nothing)."""
        numbers = {number for _, number, _ in self._by_code.get(a, ())}
        shared = [(self._rarity[n], -rank, c) for rank, n, c in self._by_code.get(b, ()) if n in numbers]
        if not shared:
            return None, 0.0
        rarity, _, citation = max(shared)
        return (citation if rarity >= self._specific else None), rarity

    def own(self, code: str, citation: str | None) -> str | None:
        """The procedure's own citation of the document `citation` names (newest law of its name),
        or None when the procedure does not rest on it."""
        match = _NUMBER.search(citation or "")
        if match is None:
            return None
        number = match.group(0)
        number = self._current.get(number, (0, number, ""))[1]
        return next((c for _, n, c in self._by_code.get(code, ()) if n == number), None)


def _current_laws(procedures: list[Procedure]) -> dict[str, tuple[int, str, str]]:
    """Law number → (rank, number, citation) of the newest law of the same name the catalog
    cites, for every law that a later one of the same name replaced or that has a known name."""
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for procedure in procedures:
        for basis in procedure.legal_basis:
            number = basis.number.strip()
            name = _law_name(basis) if _kind(number) == "Luật" else None
            if name:
                names[number][name] += 1
    by_name: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for number, counts in names.items():
        name = counts.most_common(1)[0][0]
        by_name[normalize_vietnamese(name)].append((_year(number), number, name))
    current: dict[str, tuple[int, str, str]] = {}
    for laws in by_name.values():
        _, newest, name = max(laws)
        for _, number, _ in laws:
            current[number] = (_RANK["Luật"], newest, f"{name} {newest}")
    return current
