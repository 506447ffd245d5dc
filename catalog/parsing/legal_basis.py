"""The legal-basis table (`can_cu_phap_ly`): ``Tên văn bản pháp lýMã văn bản`` then rows of
``<title><number>``, e.g. ``Nghị định 105/2021/NĐ-CP105/2021/NĐ-CP``.

A row ends at a document number glued to the next row's title (no space after it) or at the end of
the field; a number followed by a space or punctuation is part of a title's prose.
"""

from __future__ import annotations

import re

from catalog.parsing.syllables import starts_syllable
from catalog.schema import NOT_STATED, LegalBasis, clean_text

HEADER = "Tên văn bản pháp lýMã văn bản"

# 123/2015/NĐ-CP, 66.7/2025/NQ-CP, 27/2023/QH15, 30a/2008/NQ-CP, 613/QĐ-TTg, 24/2024. The issuer
# code is trimmed afterwards (see `_issuer_length`) because the next title is glued onto it.
_NUMBER_BODY = r"\d{1,4}(?:\.\d+)?[a-z]?/(?:\d{4}(?:/(?=[A-ZĐ]))?|(?=[A-ZĐ]))"
# Not inside another number, except right after a year glued on by the crawl ("năm 2024230/2025/NĐ-CP").
_NUMBER_START = re.compile(r"(?:(?<![\d/])(?<!\d\.)|(?<=[^\d/](?:19|20)\d\d))" + _NUMBER_BODY)
_NUMBER_GLUED = re.compile(_NUMBER_BODY)
_ISSUER_CHARS = re.compile(r"[\w\-]*")
# "165/2024/NĐ- CP", "21/2008/TTLT- BQP-...", but not a dash after a whole number ("NĐ-CP- Luật").
_SPACED_HYPHEN = re.compile(r"(/\d{4}/[A-ZĐ]{2,6})- (?=[A-ZĐ]{2})")
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

    The next title is glued on, so the code stops where a word starts: a capital opening a syllable
    ("CPNghị"), a lowercase letter ("CPquy"), anything after "CP" (the Government) or after the two
    digits of a legislature term ("QH1354/2014/..."). A part keeps at least two letters.
    """
    candidate = _ISSUER_CHARS.match(text).group(0)
    part_start = 0
    index = 0
    while index < len(candidate):
        char = candidate[index]
        part = candidate[part_start:index]
        if char == "-":
            part_start = index + 1
        elif part == "TT" and char == "g" and not candidate[index + 1 : index + 2].islower():
            index += 1  # the Prime Minister: QĐ-TTg
            continue
        elif part == "CP":
            break
        elif char.isdigit():
            if part.endswith("QH"):
                index += len(re.match(r"\d{1,2}", candidate[index:]).group(0))
            break
        elif char.islower() or (
            index + 1 < len(candidate)
            and candidate[index + 1].islower()
            and len(part) >= 2
            and starts_syllable(char, candidate[index + 1])
        ):
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
    """Numbers that end a row: glued to the next title, to a different number, or at the very end."""
    spans = find_document_numbers(body)
    ends = []
    for index, (start, end) in enumerate(spans):
        following = body[end : end + 1]
        if following.isdigit():
            # "126/2020/NĐ-CP126/2020/NĐ-CP" is a title quoting its own number, then the number cell.
            after = spans[index + 1] if index + 1 < len(spans) else None
            if after is not None and after[0] == end and body[after[0] : after[1]] != body[start:end]:
                ends.append((start, end))
        elif following == "" or not (following.isspace() or following in ",.;:)]-–/"):
            ends.append((start, end))
    return ends


def _title(row: str) -> str | None:
    """The title cell: the row without its number cell (itself possibly 'Thông tư số 64/2025/...')."""
    title = _GLUED_PREFIX.sub("", row).strip(" -;,")
    return clean_text(title) or None


def parse_legal_basis(text: str) -> list[LegalBasis]:
    """Legal documents with their numbers, in portal order, without repeats of a number.

    When no row can be delimited (no table header, or every number is followed by prose), the
    numbers cited anywhere in the field are returned without titles.
    """
    text = clean_text(text)
    if not has_legal_basis(text):
        return []
    body = _SPACED_HYPHEN.sub(r"\1-", text.removeprefix(HEADER))
    rows: list[tuple[str | None, str]] = []
    position = 0
    for start, end in _row_ends(body) if text.startswith(HEADER) else []:
        rows.append((_title(body[position:start]), body[start:end]))
        position = end
    if not rows:
        rows = [(None, body[start:end]) for start, end in find_document_numbers(body)]
    found: list[LegalBasis] = []
    seen: set[str] = set()
    for title, number in rows:
        if number not in seen:
            seen.add(number)
            found.append(LegalBasis(number=number, title=title))
    return found
