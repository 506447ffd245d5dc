"""The legal-basis table (`can_cu_phap_ly`): ``Tên văn bản pháp lýMã văn bản`` then rows of
``<title><number>``, e.g. ``Nghị định 105/2021/NĐ-CP105/2021/NĐ-CP``.

A row ends at a document number glued to the next row's title (no space after it) or at the end of
the field; a number followed by a space or punctuation is part of a title's prose.
"""

from __future__ import annotations

import re

from catalog.schema import LegalBasis, clean_text

HEADER = "Tên văn bản pháp lýMã văn bản"
NOT_STATED = "Không có thông tin"

# 123/2015/NĐ-CP, 66.7/2025/NQ-CP, 27/2023/QH15, 30a/2008/NQ-CP, 613/QĐ-TTg, 24/2024. The issuer
# code is trimmed afterwards (see `_issuer_length`) because the next title is glued onto it.
_NUMBER_BODY = r"\d{1,4}(?:\.\d+)?[a-z]?/(?:\d{4}(?:/(?=[A-ZĐ]))?|(?=[A-ZĐ]))"
_NUMBER_START = re.compile(r"(?<![\d/])(?<!\d\.)" + _NUMBER_BODY)
_NUMBER_GLUED = re.compile(_NUMBER_BODY)
_ISSUER_CHARS = re.compile(r"[\w\-]*")
_DOC_TYPES = (
    r"(?:Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Thông tư liên tịch|Thông tư|Quyết định|Chỉ thị|Lệnh)"
)
_GLUED_PREFIX = re.compile(rf"(?<=[^\s])(?:{_DOC_TYPES}(?:\s+số)?\s*)$")


def has_legal_basis(text: str) -> bool:
    """True when the field states a legal basis (anything but empty or "Không có thông tin")."""
    text = clean_text(text)
    return bool(text) and text != NOT_STATED and text != HEADER


def _issuer_length(text: str) -> int:
    """How much of `text` is an issuer code such as NĐ-CP, TT-BTC, QĐ-TTg or QH15.

    It stops where the next title starts: a capital followed by a lowercase letter ("CPNghị"),
    except the Prime Minister's "TTg"; digits only as a legislature term after QH ("QH1354/...").
    """
    candidate = _ISSUER_CHARS.match(text).group(0)
    index = 0
    while index < len(candidate):
        char = candidate[index]
        if char.isdigit():
            if candidate[max(0, index - 2) : index] != "QH":
                break
            index += min(2, len(candidate) - index)
            break
        if char.isupper() and index + 1 < len(candidate) and candidate[index + 1].islower():
            if candidate[index : index + 2] != "Tg" or candidate[index + 2 : index + 3].islower():
                break
            index += 2
            continue
        if char.islower():
            break
        index += 1
    return len(candidate[:index].rstrip("-"))


def find_document_numbers(text: str) -> list[tuple[int, int]]:
    """(start, end) of every legal-document number in `text`."""
    spans: list[tuple[int, int]] = []
    position = 0
    while True:
        # After "QH13" the next number may follow with no separator ("QH1354/2014/QH13").
        glued = spans and text[spans[-1][1] - 2 : spans[-1][1]].isdigit()
        match = (_NUMBER_GLUED.match(text, position) if glued else None) or _NUMBER_START.search(
            text, position
        )
        if match is None:
            break
        end = match.end()
        if text[end - 1] == "/":
            end += _issuer_length(text[end:])
        spans.append((match.start(), end))
        position = max(end, match.start() + 1)
    return spans


def _row_ends(body: str) -> list[tuple[int, int]]:
    ends = []
    for start, end in find_document_numbers(body):
        following = body[end : end + 1]
        # A number glued to a digit is the title's copy of the number cell that follows it.
        if following == "" or not (following.isspace() or following.isdigit() or following in ",.;:)]-–/"):
            ends.append((start, end))
    return ends


def _title(row: str) -> str | None:
    """The title cell: the row without its number cell (itself possibly 'Thông tư số 64/2025/...')."""
    title = _GLUED_PREFIX.sub("", row).strip(" -;,")
    return clean_text(title) or None


def parse_legal_basis(text: str) -> list[LegalBasis]:
    """Legal documents with their numbers, in portal order, without repeats of a number."""
    text = clean_text(text)
    if not text.startswith(HEADER):
        return []
    body = text[len(HEADER) :]
    found: list[LegalBasis] = []
    seen: set[str] = set()
    position = 0
    for start, end in _row_ends(body):
        row = body[position:start]
        position = end
        number = body[start:end]
        if number in seen:
            continue
        seen.add(number)
        found.append(LegalBasis(number=number, title=_title(row)))
    return found
