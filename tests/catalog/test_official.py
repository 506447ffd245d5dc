"""The official list of fully-online codes overrides the derived flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.official import OfficialListError, apply_official_online, read_official_online
from catalog.store import Catalog


def test_official_list_overrides_derived_flag(catalog: Catalog, tmp_path: Path) -> None:
    derived_true = next(p for p in catalog if p.fully_online)
    derived_false = next(p for p in catalog if not p.fully_online)
    csv = tmp_path / "toan_trinh.csv"
    csv.write_text(f"ma_thu_tuc,ten\n{derived_false.code},x\n", encoding="utf-8")
    codes = read_official_online(csv)
    assert codes == {derived_false.code}
    updated = {p.code: p for p in apply_official_online([derived_true, derived_false], codes)}
    assert updated[derived_false.code].fully_online is True
    assert updated[derived_true.code].fully_online is False
    assert {p.fully_online_source for p in updated.values()} == {"official"}


def test_official_list_without_codes_is_an_error(tmp_path: Path) -> None:
    csv = tmp_path / "empty.csv"
    csv.write_text("code\nnot-a-code\n", encoding="utf-8")
    with pytest.raises(OfficialListError, match="no procedure code"):
        read_official_online(csv)
