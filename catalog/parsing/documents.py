"""The required-documents table (`thanh_phan_ho_so`).

Flattened as ``[<group heading>]Tên giấy tờMẫu đơn, tờ khaiSố lượng`` followed by rows of
``<name>[<form file name>.docx]<n> bản chính[,<m> bản sao]``; the text after a group's last row is
the heading of the next group. Rows under a "Lưu ý" (note) heading are remarks, not documents, and
are left out.
"""

from __future__ import annotations

import re
from itertools import pairwise

from catalog.parsing.fees import shorten
from catalog.schema import RequiredDocument, clean_text

HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"

_QUANTITY = re.compile(
    r"(?P<first>\d+) bản (?P<first_kind>chính|sao)(?:,\s*(?P<second>\d+) bản (?P<second_kind>chính|sao))?"
)
_FORM_FILE_END = re.compile(r"\.(?:docx|doc|pdf|xlsx|xls|odt|rtf)(?![^\W\d_])", re.IGNORECASE)
_BULLET = re.compile(r"^[\s\-+*•–]+")
_NOTE_HEADING = re.compile(r"^\W*lưu ý", re.IGNORECASE)


def has_document_table(text: str) -> bool:
    """True when the field holds at least one documents table header."""
    return HEADER in clean_text(text)


def _last_glued_capital(text: str) -> int | None:
    """Where a name cell ends and a form cell starts: the last capital glued to a lowercase letter,
    a digit or closing punctuation ("Giấy chứng nhậnMẫu đơn ...", "NĐ-CP;Mẫu số 01")."""
    for index in range(len(text) - 1, 0, -1):
        before, char = text[index - 1], text[index]
        if char.isupper() and (before.islower() or before.isdigit() or before in ".;:)]"):
            return index
    return None


def _split_form(cell: str) -> tuple[str, str | None]:
    """Split '<name><form>.docx[<form>.docx...]' into the name and the form file names."""
    ends = [m.end() for m in _FORM_FILE_END.finditer(cell)]
    if not ends or ends[-1] != len(cell):
        return cell, None
    first = cell[: ends[0]]
    start = _last_glued_capital(first)
    if start is None:
        # No visible seam: the form file's name is the document's name.
        return _FORM_FILE_END.sub("", first), clean_text(cell)
    forms = [first[start:]] + [cell[a:b] for a, b in pairwise(ends)]
    return first[:start], "; ".join(clean_text(f) for f in forms)


def _heading(text: str) -> str | None:
    text = clean_text(_BULLET.sub("", text)).rstrip(":").strip()
    return shorten(text) if text and text.strip("-") else None


def parse_documents(text: str) -> list[RequiredDocument]:
    """The documents listed in a flattened documents table, in portal order."""
    text = clean_text(text)
    segments = text.split(HEADER)
    if len(segments) < 2:
        return []
    documents: list[RequiredDocument] = []
    heading = _heading(segments[0])
    for segment in segments[1:]:
        position = 0
        for quantity in _QUANTITY.finditer(segment):
            cell = segment[position : quantity.start()]
            position = quantity.end()
            name, form = _split_form(clean_text(cell))
            name = _BULLET.sub("", name).strip()
            if not name or (heading and _NOTE_HEADING.match(heading)):
                continue
            counts = {"chính": 0, "sao": 0}
            counts[quantity["first_kind"]] = int(quantity["first"])
            if quantity["second"]:
                counts[quantity["second_kind"]] = int(quantity["second"])
            documents.append(
                RequiredDocument(
                    name=name, originals=counts["chính"], copies=counts["sao"], form=form, group=heading
                )
            )
        heading = _heading(segment[position:])
    return documents
