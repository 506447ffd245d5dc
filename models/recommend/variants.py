"""Variants of one act, found by method: titles that differ only in level, channel or a qualifier.

Two procedures are variants when their titles agree once the level ("cấp tỉnh", "thực hiện tại cấp
xã"), the channel ("trực tuyến toàn trình", "một phần"), the place ("tại khu vực biên giới", "ở trong
nước") and the "có yếu tố nước ngoài"/"lưu động" qualifiers are removed. They are mutually
exclusive: a person files one of them, so a variant of a filed procedure is never suggested.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from catalog.schema import Procedure
from models.text.normalize import normalize_vietnamese

_QUALIFIERS = [
    r"\bthực hiện (?:tại|ở) cấp (?:tỉnh|xã|huyện|trung ương|tw|bộ)\b",
    r"\b(?:tại|ở) cấp (?:tỉnh|xã|huyện|trung ương|tw|bộ)\b",
    r"\bcấp (?:tỉnh|xã|huyện|trung ương|tw|bộ)\b(?= *$)",
    r"\b(?:tại )?(?:công an|ủy ban nhân dân) cấp (?:tỉnh|xã|huyện)\b",
    r"\bcó yếu tố nước ngoài\b",
    # the class of works (cấp đặc biệt, I, II / cấp III, IV) picks one of two otherwise equal acts
    r"\bcấp (?:đặc biệt|i{1,3}|iv)\b",
    r"\btại khu vực biên giới\b",
    r"\blưu động\b",
    r"\bở trong nước\b",
    r"\bở nước ngoài\b",
    r"\b(?:thực hiện )?bằng dịch vụ công trực tuyến (?:toàn trình|một phần)(?: hoặc trực tiếp)?\b",
    r"\btrực tuyến (?:toàn trình|một phần)\b",
    r"\bhoặc trực tiếp\b",
    r"\bcho người đã có hồ sơ giấy tờ cá nhân\b",
    r"^thủ tục\b",
    r"\b\d\.\d{6}\b",
]
_QUALIFIER = re.compile("|".join(_QUALIFIERS))
# "có yếu tố nước ngoài" marks the foreign-element variant wherever it stands; a mention of
# foreigners counts only in the title's first clause (the act itself), not in a listed sub-case.
_FOREIGN_ACT = re.compile(r"có yếu tố nước ngoài|nước láng giềng")
_FOREIGN_SUBJECT = re.compile(r"người nước ngoài|ở nước ngoài|tổ chức nước ngoài|cá nhân nước ngoài")
_CLAUSE = re.compile(r"[,;/]")
_BORDER = re.compile(r"biên giới")


def variant_key(title: str) -> str:
    """The act a title names, with level, channel and qualifiers removed."""
    text = normalize_vietnamese(title)
    previous = None
    while previous != text:
        previous = text
        text = _QUALIFIER.sub(" ", text).strip()
        text = re.sub(r"\s+", " ", text)
    return text


def is_foreign_element(procedure: Procedure) -> bool:
    """The procedure is for foreigners or acts with a foreign element."""
    if _FOREIGN_ACT.search(normalize_vietnamese(procedure.title)):
        return True
    first_clause = _CLAUSE.split(procedure.title, maxsplit=1)[0]
    return bool(_FOREIGN_SUBJECT.search(normalize_vietnamese(first_clause)))


def is_border_area(procedure: Procedure) -> bool:
    """The procedure only concerns border areas (Hà Nội has no land border)."""
    return bool(_BORDER.search(normalize_vietnamese(procedure.title)))


class VariantIndex:
    """Groups of mutually exclusive variants over a catalog."""

    def __init__(self, procedures: Iterable[Procedure]) -> None:
        groups: dict[str, set[str]] = defaultdict(set)
        self._key: dict[str, str] = {}
        for procedure in procedures:
            key = variant_key(procedure.title)
            self._key[procedure.code] = key
            groups[key].add(procedure.code)
        self._groups = dict(groups)

    def codes(self) -> list[str]:
        """Every code of the catalog the index was built on."""
        return list(self._key)

    def key(self, code: str) -> str | None:
        return self._key.get(code)

    def variants_of(self, code: str) -> set[str]:
        """Other procedures that are the same act as `code` (empty when none)."""
        key = self._key.get(code)
        return self._groups.get(key, set()) - {code} if key is not None else set()

    def are_variants(self, a: str, b: str) -> bool:
        return a != b and self._key.get(a) is not None and self._key.get(a) == self._key.get(b)
