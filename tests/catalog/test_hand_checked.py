"""Parses of real crawl records, checked by hand against the raw JSON (every channel row, fee, time
limit, document count, legal-basis numbers), across all seven ministries."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from catalog.importers.portal_crawl import procedure_from_record
from catalog.importers.report import SourceReport
from catalog.schema import Level, Procedure, TargetGroup
from tests.conftest import PORTAL_CRAWL

F, A = "free", "amount"
ONLINE, POST, IN_PERSON = "online", "post", "in_person"

# code: (ministry, [(channel, time amount, unit, working days, fee kind, VND, USD)], documents,
#        legal-basis numbers (or None to skip), results)
EXPECTED = {
    "1.000811": (
        "bo-cong-an",
        [
            (ONLINE, 21, "day", 15.0, A, 1_200_000, None),
            (POST, 21, "working_day", 21.0, F, None, None),
            (IN_PERSON, 21, "day", 15.0, A, 1_200_000, None),
        ],
        5,
        ["25/2021/TT-BTC", "49/2019/QH14", "09/2023/QĐ-TTg"],
        1,
    ),
    "1.003358": (
        "bo-cong-an",
        [
            (ONLINE, 5, "working_day", 5.0, A, None, 145.0),
            (POST, 5, "working_day", 5.0, A, None, 145.0),
            # The portal typed "155 VNĐ" where the description says 155 USD.
            (IN_PERSON, 5, "working_day", 5.0, A, None, 155.0),
            (ONLINE, 5, "working_day", 5.0, A, None, 155.0),
            (ONLINE, 5, "working_day", 5.0, A, None, 165.0),
            (POST, 5, "working_day", 5.0, A, None, 155.0),
            (POST, 5, "working_day", 5.0, A, None, 165.0),
            (IN_PERSON, 5, "working_day", 5.0, A, None, 145.0),
            (IN_PERSON, 5, "working_day", 5.0, A, None, 165.0),
        ],
        6,
        None,
        1,
    ),
    "1.008331": (
        "bo-tai-chinh",
        [
            (ONLINE, 1, "working_day", 1.0, F, None, None),
            (POST, 1, "working_day", 1.0, F, None, None),
            (IN_PERSON, 1, "working_day", 1.0, F, None, None),
        ],
        6,
        None,
        1,
    ),
    "1.009091": (
        "bo-tai-chinh",
        [(ONLINE, 1, "hour", 0.12, A, 500_000, None)],
        16,
        [
            "59/2018/NĐ-CP",
            "274/2016/TT-BTC",
            "54/2014/QH13",
            "08/2015/NĐ-CP",
            "58/2017/NĐ-CP",
            "50/2018/TT-BTC",
        ],
        1,
    ),
    "1.000080": (
        "bo-tu-phap",
        [
            (ONLINE, 7, "working_day", 7.0, F, None, None),
            (POST, 7, "working_day", 7.0, F, None, None),
            (IN_PERSON, 7, "working_day", 7.0, F, None, None),
        ],
        None,
        None,
        1,
    ),
    "1.013804": (
        "bo-tu-phap",
        [
            (ONLINE, None, None, None, A, 500_000, None),
            (POST, None, None, None, A, 500_000, None),
            (IN_PERSON, None, None, None, A, 500_000, None),
        ],
        2,
        ["257/2016/TT-BTC", "05/2025/TT-BTP", "46/2024/QH15", "121/2025/NĐ-CP"],
        1,
    ),
    "6.003636": (
        "bo-xay-dung",
        [
            (IN_PERSON, 15, "day", 10.71, F, None, None),
            (ONLINE, 15, "day", 10.71, F, None, None),
            (POST, 15, "day", 10.71, F, None, None),
        ],
        3,
        ["27/2023/QH15", "98/2024/NĐ-CP"],
        1,
    ),
    "1.002613": (
        "bo-xay-dung",
        [
            (IN_PERSON, 20, "working_day", 20.0, A, 2_500_000, None),
            (POST, 20, "working_day", 20.0, A, 2_500_000, None),
            (ONLINE, 20, "working_day", 20.0, A, 2_500_000, None),
        ],
        5,
        None,
        1,
    ),
    "1.004694": (
        "bo-nong-nghiep-mt",
        [
            (ONLINE, 5, "working_day", 5.0, F, None, None),
            (POST, 5, "working_day", 5.0, F, None, None),
            (IN_PERSON, 5, "working_day", 5.0, F, None, None),
        ],
        5,
        ["146/2025/QH15", "02/2026/TT-BNNMT", "18/2017/QH14"],
        1,
    ),
    "1.011325": (
        "bo-nong-nghiep-mt",
        [
            (ONLINE, 5, "working_day", 5.0, A, 2_000_000, None),
            (POST, 5, "working_day", 5.0, A, 2_000_000, None),
            (IN_PERSON, 5, "working_day", 5.0, A, 2_000_000, None),
        ],
        8,
        ["101/2020/TT-BTC", "105/2021/NĐ-CP", "13/2022/TT-BNNPTNT", "12/2020/TT-BNNPTNT"],
        1,
    ),
    "1.000823": (
        "ngan-hang-nha-nuoc",
        [
            (POST, 22, "working_day", 22.0, F, None, None),
            (IN_PERSON, 22, "working_day", 22.0, F, None, None),
        ],
        3,
        ["121/2021/NĐ-CP", "24/2026/NQ-CP"],
        2,
    ),
    "3.000164": (
        "toa-an-nhan-dan",
        [
            (ONLINE, 1, "working_day", 1.0, F, None, None),
            (IN_PERSON, 1, "working_day", 1.0, F, None, None),
        ],
        2,
        ["02/2012/NQ-HĐTP", "110/2015/QH13", "21/2014/L-CTN", "56/2010/QH12"],
        1,
    ),
}


def _load(code: str, ministry: str) -> Procedure:
    path = Path(PORTAL_CRAWL) / ministry / f"{code}.json"
    if not path.exists():
        pytest.fail(f"real crawl record missing: {path}")
    record = json.loads(path.read_text(encoding="utf-8"))
    return procedure_from_record(
        record,
        ministry=ministry,
        imported_on=date(2026, 1, 1),
        report=SourceReport(kind="t", path="t"),
        issues=[],
    )


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_hand_checked_parse(shared_dir: Path, code: str) -> None:
    ministry, channels, documents, legal_numbers, results = EXPECTED[code]
    procedure = _load(code, ministry)
    got = [
        (
            c.kind.value,
            c.time_limit.amount if c.time_limit else None,
            c.time_limit.unit.value if c.time_limit else None,
            c.time_limit.working_days if c.time_limit else None,
            c.fee.kind if c.fee else None,
            c.fee.amount_vnd if c.fee else None,
            c.fee.amount_usd if c.fee else None,
        )
        for c in procedure.channels
    ]
    assert got == channels
    if documents is not None:
        assert len(procedure.documents) == documents
    if legal_numbers is not None:
        assert [b.number for b in procedure.legal_basis] == legal_numbers
    assert len(procedure.results) == results
    assert procedure.ministry == ministry


def test_documents_keep_copies_and_forms(shared_dir: Path) -> None:
    documents = _load("1.003358", "bo-cong-an").documents
    assert (documents[0].originals, documents[0].copies) == (2, 0)  # 02 ảnh: "2 bản chính"
    assert (documents[1].originals, documents[1].copies) == (1, 1)
    assert documents[2].form == "7-Mẫu NA6 (1).doc"
    assert documents[2].name.endswith("đối với cá nhân")  # the list's ";" is not part of the name
    assert documents[4].name == "Hộ chiếu"
    assert documents[5].form == "9-Mẫu NA8.doc"
    groups = {d.group for d in _load("1.011325", "bo-nong-nghiep-mt").documents}
    assert len(groups) == 2 and all(g.startswith(("(1)", "(2)")) for g in groups)
    form = _load("1.002613", "bo-xay-dung").documents[0]
    assert form.name == "Đơn đề nghị cấp lại Giấy chứng nhận"
    assert form.form.startswith("Mẫu đơn xin cấp lại (gia hạn)")


def test_subjects_levels_and_results(shared_dir: Path) -> None:
    abtc = _load("1.000811", "bo-cong-an")
    assert "Cán bộ, công chức, viên chức" in abtc.subjects
    assert abtc.target_groups == [
        TargetGroup.CITIZEN,
        TargetGroup.BUSINESS,
        TargetGroup.ORGANISATION,
        TargetGroup.OFFICIAL,
    ]
    assert abtc.levels == [Level.MINISTRY]
    assert abtc.results[0].code == "KQ.G01.000084"
    tax = _load("1.008331", "bo-tai-chinh")
    assert tax.levels == [Level.MINISTRY, Level.PROVINCE, Level.COMMUNE]
    assert tax.is_local
    court = _load("3.000164", "toa-an-nhan-dan")
    assert court.results[0].code == "VBTT"
    assert TargetGroup.FOREIGNER in court.target_groups
