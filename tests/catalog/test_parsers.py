"""The table parsers on cells copied from real crawl records (each comment names the record)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from catalog.parsing.channels import parse_channel_rows
from catalog.parsing.documents import document_name, parse_documents
from catalog.parsing.fees import parse_fee
from catalog.parsing.legal_basis import parse_legal_basis
from catalog.parsing.results import parse_results
from catalog.parsing.subjects import split_subjects, target_groups
from catalog.parsing.syllables import starts_syllable
from catalog.parsing.time_limits import find_time_in_prose, parse_time_column, to_working_days
from catalog.schema import (
    Channel,
    ChannelKind,
    LegalBasis,
    Procedure,
    RequiredDocument,
    ResultDocument,
    TargetGroup,
    TimeUnit,
)
from catalog.store import Catalog

LEGAL = "Tên văn bản pháp lýMã văn bản"
CHANNELS = "Hình thức nộpThời gianPhí, lệ phíMô tả"


def parse_channels(text: str) -> list[Channel]:
    return [row.channel for row in parse_channel_rows(text)]


def test_working_day_rule() -> None:
    assert to_working_days(7, TimeUnit.DAY) == 5.0
    assert to_working_days(16, TimeUnit.HOUR) == 2.0
    assert to_working_days(1, TimeUnit.MONTH) == 22.0
    assert parse_time_column("15 Ngày làm việc").working_days == 15.0
    assert parse_time_column("7").unit is TimeUnit.WORKING_DAY  # bare number: the legal default
    assert parse_time_column("Không có thông tin") is None
    assert find_time_in_prose("trong thời hạn 05 (năm) ngày làm việc kể từ").amount == 5


def test_fee_variants() -> None:
    assert parse_fee("Miễn phí").kind == "free"
    assert parse_fee("2,000,000 Việt Nam Đồng").amount_vnd == 2_000_000
    assert parse_fee("Phí : 0 Đồng").kind == "free"  # structured export wording
    # 3.000348: the column says free, the description states the fee.
    fee = parse_fee("Miễn phí", "Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.")
    assert (fee.kind, fee.amount_vnd) == ("amount", 135_000)
    # 3.000340: amounts written "8.000.000/lần".
    assert (
        parse_fee("Miễn phí", "Cho một loại hình: 8.000.000/lần; thêm: 2.000.000/lần.").amount_vnd
        == 8_000_000
    )
    # 1.007882: the column lost its thousands ("120 VNĐ"), the description has them.
    assert parse_fee("120 VNĐ", "20.000 vnđ / tờ khai").amount_vnd == 20_000
    assert parse_fee("100 VNĐ").kind == "text"  # no plausible figure anywhere: kept as text
    assert parse_fee("145 USD", "Thẻ tạm trú: 145 USD/thẻ.").amount_usd == 145.0
    # A legal-document number or a date is not an amount.
    assert parse_fee("Miễn phí", "theo Thông tư số 281/2016/TT-BTC ngày 14/11/2016").kind == "free"
    assert parse_fee("Không có thông tin") is None


def test_channel_rows_without_time_or_with_words() -> None:
    # 2.002235: the time cell holds words, not a number.
    channels = parse_channels(
        CHANNELS + "Trực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phíQua Cổng dịch vụ công Quốc gia"
        "Dịch vụ bưu chínhKhông phải trả kết quả cho người nộp thuếMiễn phíThông qua dịch vụ bưu chính"
    )
    assert [c.kind for c in channels] == [ChannelKind.ONLINE, ChannelKind.POST]
    assert all(c.time_limit is None and c.fee.kind == "free" for c in channels)
    # 1.004680: no time in the column, but the description states one.
    (row,) = parse_channels(
        CHANNELS + "Trực tiếpKhông có thông tinMiễn phí- 03 ngày làm việc kể từ ngày nhận"
    )
    assert row.time_limit.amount == 3 and row.time_limit.unit is TimeUnit.WORKING_DAY
    # A channel name inside a description ("Trực tuyến: nộp ...") does not start a row.
    rows = parse_channels(
        CHANNELS + "Trực tuyến5 Ngày làm việcMiễn phí- Trực tuyến: nộp qua Cổng. Trực tiếp tại Cục"
    )
    assert len(rows) == 1
    assert parse_channels("nộp hồ sơ trực tiếp") == []


def test_bare_time_glued_to_an_ungrouped_fee() -> None:
    # 2.002042: time "1" (unit lost) glued to the fee column "100 VNĐ" whose description has the
    # thousands; the in-person row's "25 VNĐ" has no figure to confirm it and stays text.
    online, in_person = parse_channels(
        CHANNELS + "Trực tuyến1100 VNĐ(Phí công bố nội dung đăng ký doanh nghiệp: 100.000 đồng/lần)"
        "Trực tiếp125 VNĐ"
    )
    assert online.time_limit.amount == 1 and online.time_limit.unit is TimeUnit.WORKING_DAY
    assert (online.fee.kind, online.fee.amount_vnd) == ("amount", 100_000)
    assert in_person.time_limit.amount == 1 and in_person.fee.kind == "text"
    # 1.007857: the online row lost its unit; the in-person row states "2 Giờ" for the same figure.
    online, in_person = parse_channels(
        CHANNELS + "Trực tuyến220 VNĐ(lệ phí hải quan 20.000 đồng/ tờ khai hải quan.)Trực tiếp2 GiờMiễn phí"
    )
    assert online.time_limit.unit is TimeUnit.HOUR and online.time_limit.working_days == 0.25
    assert online.fee.amount_vnd == 20_000 and in_person.fee.kind == "free"
    # A grouped fee right after the channel name is a fee with no time, not a glued time.
    (row,) = parse_channels(CHANNELS + "Trực tuyến120,000 VNĐ")
    assert row.time_limit is None and row.fee.amount_vnd == 120_000


def test_legal_numbers_glued_to_titles() -> None:
    parsed = parse_legal_basis(
        LEGAL + "Nghị định 126/2020/NĐ-CP126/2020/NĐ-CPLuật Quản lý thuế38/2019/QH14"
        "Luật 54/2014/QH1354/2014/QH13Nghị định số 131/2025/NĐ-CPquy định về phân quyền144/2025/NĐ-CP"
        "Hướng dẫn Quyết định 613/QĐ-TTg ngày 06 tháng 5 năm 2010613/QĐ-TTgNghị quyết số 66.7/2025/NQ-CP"
    )
    assert [b.number for b in parsed] == [
        "126/2020/NĐ-CP",
        "38/2019/QH14",
        "54/2014/QH13",
        "131/2025/NĐ-CP",  # a number glued to the next title ("...NĐ-CPquy định") ends a row
        "144/2025/NĐ-CP",
        "613/QĐ-TTg",
        "66.7/2025/NQ-CP",
    ]
    assert parsed[1].title == "Luật Quản lý thuế"
    # A year glued before the number; "NĐ- CP" typed with a space (both seen in the crawl).
    parsed = parse_legal_basis(
        LEGAL
        + "Luật Đấu giá tài sản năm 202437/2024/QH15Nghị định số 165/2024/NĐ- CP về đường bộ165/2024/NĐ- CP"
    )
    assert [b.number for b in parsed] == ["37/2024/QH15", "165/2024/NĐ-CP"]
    assert parse_legal_basis("Không có thông tin") == []


def test_documents_groups_notes_and_prose_counts() -> None:
    documents = parse_documents(
        "* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượng- Tờ khai theo mẫu;Mẫu số 01.docx1 bản chính"
        "- Giấy phép: 01 bản chụp;0 bản chính,1 bản sao"
        "* Lưu ý:Tên giấy tờMẫu đơn, tờ khaiSố lượng- Giấy tờ nước ngoài phải hợp pháp hóa.0 bản chính"
    )
    assert [(d.name, d.originals, d.copies, d.form) for d in documents] == [
        ("Tờ khai theo mẫu", 1, 0, "Mẫu số 01.docx"),
        ("Giấy phép: 01 bản chụp", 0, 1, None),
    ]
    assert documents[0].group == "Giấy tờ phải nộp"


def test_results_drop_page_chrome() -> None:
    results = parse_results(
        "Giấy phép nhập khẩuMã: KQ.G10.000272Văn bản từ chốiMã: KQ-G12.0001659Từ khóaKhông có thông tin"
        "Mô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phố"
    )
    assert [(r.name, r.code) for r in results] == [
        ("Giấy phép nhập khẩu", "KQ.G10.000272"),
        ("Văn bản từ chối", "KQ-G12.0001659"),
    ]


def test_subjects() -> None:
    subjects = split_subjects(
        "Doanh nghiệp, Cán bộ, công chức, viên chức, Tổ chức (không bao gồm doanh nghiệp, HTX), "
        "Người Việt Nam định cư ở nước ngoài, Hợp tác xã"
    )
    assert subjects == [
        "Doanh nghiệp",
        "Cán bộ, công chức, viên chức",
        "Tổ chức (không bao gồm doanh nghiệp, HTX)",
        "Người Việt Nam định cư ở nước ngoài",
        "Hợp tác xã",
    ]
    assert target_groups(subjects) == [
        TargetGroup.BUSINESS,
        TargetGroup.ORGANISATION,
        TargetGroup.FOREIGNER,
        TargetGroup.OFFICIAL,
    ]


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (RequiredDocument, {"name": "  "}),
        (LegalBasis, {"number": "\u00a0"}),
        (ResultDocument, {"name": ""}),
    ],
)
def test_required_text_cannot_be_empty(model: type, fields: dict) -> None:
    with pytest.raises(ValidationError, match="must not be empty"):
        model(**fields)


def test_procedure_title_cannot_be_blank(catalog: Catalog) -> None:
    procedure = catalog.get(code="1.001193")
    with pytest.raises(ValidationError, match="title"):
        Procedure.model_validate({**procedure.model_dump(), "title": "  "})


@pytest.mark.parametrize(
    ("capital", "following", "opens"),
    [
        ("Ấ", "n", True),
        ("Ư", "u", True),
        ("N", "g", True),
        ("Đ", "ư", True),
        ("Q", "u", True),
        ("P", "q", False),
        ("C", "p", False),
        ("B", "t", False),
    ],
)
def test_syllable_onsets(capital: str, following: str, opens: bool) -> None:
    # Accented capitals ("Ấ", "Ư") open a syllable through their base vowel after NFD.
    assert starts_syllable(capital, following) is opens


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("- Bản chụp Căn cước công dân;", "Bản chụp Căn cước công dân"),  # 1.013133 (export)
        (".. Nghiên cứu khả thi:", "Nghiên cứu khả thi"),  # 1.000633
        ("Giấy phép nhận chìm ở biển đã được cấp;,", "Giấy phép nhận chìm ở biển đã được cấp"),  # 1.000942
        ("\uf0fc Tờ khai (theo mẫu).", "Tờ khai (theo mẫu)."),
        (" ; ", ""),
    ],
)
def test_document_name_drops_bullets_and_separators(cell: str, name: str) -> None:
    assert document_name(cell) == name
