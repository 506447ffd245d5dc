"""The results table (`ket_qua_xu_ly`): ``<name>Mã: KQ.G15.000033`` repeated, then the page's
``Từ khóa`` / ``Mô tả`` cells and the portal's agency picker, which are dropped."""

from __future__ import annotations

import re

from catalog.schema import ResultDocument, clean_text

# "KQ.G15.000033", "KQ-G12.0001660", or a bare code such as "VBTT" (ends where the next name starts).
_RESULT_CODE = re.compile(
    r"Mã:\s*(?P<code>KQ[.\-][A-Z]\d+\.\d+|[A-Z][A-Z0-9.\-]+?(?=[A-ZĐ][^\W\d_A-Z]|[^\w.\-]|$))"
)
_PAGE_CHROME = ("Từ khóa", "Chọn cơ quan thực hiện")
# Without a code, a single short name is a result; longer text is a mis-crawled other field.
MAX_UNCODED_NAME_CHARS = 300


def parse_results(text: str) -> list[ResultDocument]:
    """The result documents of a procedure, in portal order."""
    text = clean_text(text)
    for marker in _PAGE_CHROME:
        text = text.split(marker, 1)[0]
    results = []
    position = 0
    for match in _RESULT_CODE.finditer(text):
        name = clean_text(text[position : match.start()]).strip(" .;")
        position = match.end()
        if name:
            results.append(ResultDocument(name=name, code=match["code"]))
    uncoded = text.strip(" .;")
    if not results and uncoded and len(text) <= MAX_UNCODED_NAME_CHARS and "bản chính" not in text:
        results.append(ResultDocument(name=uncoded))
    return results
