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
from catalog.parsing.syllables import starts_syllable
from catalog.schema import RequiredDocument, clean_text

HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"

_QUANTITY = re.compile(
    r"(?P<first>\d+) bản (?P<first_kind>chính|sao)(?:,\s*(?P<second>\d+) bản (?P<second_kind>chính|sao))?"
)
_FORM_FILE_END = re.compile(r"\.(?:docx|doc|pdf|xlsx|xls|odt|rtf)(?!(?-i:[a-z]))", re.IGNORECASE)
_BULLET = re.compile(r"^[\s\-+*•–]+")
# Around a name: list bullets (including Symbol/Wingdings ones pasted as private-use characters),
# the dots of a lost item number (".3) Bản ...") and the separators that end list items (";", ":").
_NAME_START = re.compile(r"^[\s\-+*•–.,;:\uf0a7\uf0b7\uf0fc]+")
_NAME_END = re.compile(r"[\s;:,]+$")
_NOTE_HEADING = re.compile(r"^\W*lưu ý", re.IGNORECASE)


def document_name(text: str) -> str:
    """A document's name without the list's bullets and separators: "- Tờ khai theo mẫu;" →
    "Tờ khai theo mẫu"; a closing "." or ")" is part of the name and kept."""
    return _NAME_END.sub("", _NAME_START.sub("", clean_text(text)))


def has_document_table(text: str) -> bool:
    """True when the field holds at least one documents table header."""
    return HEADER in clean_text(text)


def _form_start(text: str) -> int | None:
    """Where the name cell ends and the form cell starts in '<name><form>.docx'.

    The seam is a capital glued to what precedes it. Best: after a lowercase letter ("sảnMau 19");
    next: a capitalised word after an upper-case code ("NĐ-CPMẫu số 25"); last: after a digit or
    closing punctuation ("NĐ-CP;Mẫu số 01"). Of the best kind, the first lowercase seam wins (file
    names are often CamelCase) and otherwise the last one.
    """
    seams: dict[int, int] = {}
    for index in range(1, len(text)):
        before, char = text[index - 1], text[index]
        if char.isdigit() and before in ";:)":
            seams[2] = index  # "...cá nhân;7-Mẫu NA6.doc"
            continue
        if not char.isupper():
            continue
        following = text[index + 1 : index + 2]
        if before.islower():
            seams.setdefault(0, index)  # form file names are often CamelCase: take the first
        elif before.isupper() and following.islower() and starts_syllable(char, following):
            seams[1] = index
        elif before.isdigit() or before in ".;:)]":
            seams[2] = index
    return seams[min(seams)] if seams else None


def _split_form(cell: str) -> tuple[str, str | None]:
    """Split '<name><form>.docx[<form>.docx...]' into the name and the form file names."""
    ends = [m.end() for m in _FORM_FILE_END.finditer(cell)]
    if not ends or ends[-1] != len(cell):
        return cell, None
    first = cell[: ends[0]]
    start = _form_start(first)
    if start is None:
        # No visible seam: the form file's name is the document's name.
        return _FORM_FILE_END.sub("", first), clean_text(cell)
    forms = [first[start:]] + [cell[a:b] for a, b in pairwise(ends)]
    return first[:start], "; ".join(clean_text(f) for f in forms)


def _heading(text: str) -> str | None:
    text = clean_text(_BULLET.sub("", text)).rstrip(":").strip()
    return shorten(text) if text and text.strip("-") else None


def _counts(quantity: re.Match[str]) -> dict[str, int]:
    counts = {"chính": 0, "sao": 0}
    counts[quantity["first_kind"]] = int(quantity["first"])
    if quantity["second"]:
        counts[quantity["second_kind"]] = int(quantity["second"])
    return {"originals": counts["chính"], "copies": counts["sao"]}


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
        previous = None
        for quantity in _QUANTITY.finditer(segment):
            cell = segment[position : quantity.start()]
            position = quantity.end()
            if not cell.strip(" .,;:") and previous is not None and documents:
                # "...: 01 bản chính;1 bản chính": the first count was prose inside the name.
                last = documents[-1]
                documents[-1] = last.model_copy(
                    update={"name": f"{last.name} {previous.group(0)}", **_counts(quantity)}
                )
                previous = quantity
                continue
            previous = quantity
            name, form = _split_form(clean_text(cell.lstrip(" .,;:")))
            name = _BULLET.sub("", name).strip()
            if not name or (heading and _NOTE_HEADING.match(heading)):
                continue
            documents.append(RequiredDocument(name=name, form=form, group=heading, **_counts(quantity)))
        heading = _heading(segment[position:])
    # Separators come off last: a merged prose count keeps its colon ("Giấy phép: 01 bản chính").
    named = [(document_name(d.name), d) for d in documents]
    return [d.model_copy(update={"name": name}) for name, d in named if name]
