"""The official list of fully online ("toàn trình") procedure codes, which overrides the derived flag.

The CSV may have a header; each row's first cell that looks like a procedure code (1.001193) is taken.
"""

from __future__ import annotations

import csv
from pathlib import Path

from catalog.schema import CODE_PATTERN, Procedure, clean_text


class OfficialListError(ValueError):
    """The official list cannot be read or holds no code."""


def read_official_online(path: Path) -> set[str]:
    """The codes listed in an official CSV of fully online procedures."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise OfficialListError(f"cannot read official list {path}: {exc}") from exc
    codes = set()
    for row in rows:
        code = next((clean_text(c) for c in row if CODE_PATTERN.match(clean_text(c))), None)
        if code:
            codes.add(code)
    if not codes:
        raise OfficialListError(f"{path}: no procedure code found (expected values like 1.001193)")
    return codes


def apply_official_online(procedures: list[Procedure], codes: set[str]) -> list[Procedure]:
    """Every procedure with `fully_online` set from the official list (listed ⇔ fully online)."""
    return [
        p.model_copy(update={"fully_online": p.code in codes, "fully_online_source": "official"})
        for p in procedures
    ]
