"""The 12-month start-up plan: what a new business files, when, and why.

Each rule below turns the profile into timeline items and cites the rule it applies. Codes are
resolved against the catalog: an item whose procedure the catalog lacks keeps its title, loses its
code and is flagged "not in catalog" instead of being invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from catalog.schema import Procedure
from models.business.deadlines import (
    first_annual_finalisation,
    first_quarterly_deadline,
    format_date,
    short_first_tax_period,
    window_month,
)
from models.business.profile import BusinessProfile, LegalForm, RevenueBand
from models.business.sectors import (
    ActivityText,
    SectorFallback,
    SectorMatch,
    SectorReading,
    SectorTable,
    applicable_requirements,
    load_sector_table,
    match_sectors,
)


class ProcedureLookup(Protocol):
    """What the planner needs from a catalog (`catalog.store.Catalog` satisfies it)."""

    def get(self, *, code: str) -> Procedure | None: ...


class Category(StrEnum):
    REGISTRATION = "registration"
    TAX = "tax"
    LABOUR = "labour"
    SECTOR = "sector"
    CUSTOMS = "customs"
    COOPERATIVE = "cooperative"


class VatMethod(StrEnum):
    """VAT calculation methods (Luật Thuế GTGT 48/2024/QH15, Điều 12-13)."""

    CREDIT = "khau_tru"
    DIRECT_ON_REVENUE = "truc_tiep_doanh_thu"
    HOUSEHOLD = "ho_kinh_doanh"


VAT_DECLARATION_CODES = {
    VatMethod.CREDIT: "1.007014",
    VatMethod.DIRECT_ON_REVENUE: "1.007022",
    VatMethod.HOUSEHOLD: "1.011022",
}

REGISTRATION_CODES = {
    LegalForm.HO_KINH_DOANH: "1.001612",
    LegalForm.DNTN: "2.001610",
    LegalForm.TNHH_1TV: "2.001583",
    LegalForm.TNHH_2TV: "2.001199",
    LegalForm.CO_PHAN: "2.002043",
    LegalForm.HOP_TAC_XA: "1.005280",
}


class TimelineItem(BaseModel):
    """One filing or condition of the plan."""

    model_config = ConfigDict(frozen=True)

    code: str | None
    title: str
    month: int | None = Field(default=None, ge=0, le=12, description="Months after registration.")
    due: str
    required: bool
    reason: str
    in_catalog: bool
    category: Category
    legal_basis: list[str] = Field(
        default_factory=list,
        description="Documents the catalog lists for the procedure, else the basis of the rule itself.",
    )
    authority: str | None = None


class StartupPlan(BaseModel):
    """The dated plan for a profile, with the VAT method chosen and the sectors found."""

    profile: BusinessProfile
    sectors: list[str]
    sector_evidence: list[str]
    vat_method: VatMethod
    vat_reason: str
    items: list[TimelineItem]

    def codes(self) -> list[str]:
        return [item.code for item in self.items if item.code]


class _Draft(BaseModel):
    """An item before catalog resolution."""

    code: str | None
    title: str
    month: int | None
    due: str
    required: bool
    reason: str
    category: Category
    authority: str | None = None
    legal_basis: list[str] = []


_LAW_NUMBER = re.compile(r"^\d+/\d{4}/(QH1\d|NĐ-CP|NQ-CP|TT-BTC|TT-BCA|TT-BNNMT|TT-BNNPTNT|TT-NHNN)$")


def _citable(numbers: Iterable[str], limit: int = 4) -> list[str]:
    """Well-formed law and decree numbers of a catalog record, laws first."""
    valid = [n for n in numbers if _LAW_NUMBER.match(n)]
    valid.sort(key=lambda n: 0 if "/QH" in n else 1 if "NĐ-CP" in n else 2)
    return valid[:limit]


def _registration(profile: BusinessProfile) -> list[_Draft]:
    form = profile.legal_form
    if form is LegalForm.HO_KINH_DOANH:
        reason = (
            "Hộ kinh doanh đăng ký tại cơ quan đăng ký kinh doanh cấp xã trước khi hoạt động "
            "(Nghị định 168/2025/NĐ-CP); thông tin đăng ký được chuyển sang cơ quan thuế nên không "
            "cần thủ tục đăng ký thuế riêng."
        )
    elif form is LegalForm.HOP_TAC_XA:
        reason = (
            "Hợp tác xã đăng ký tại cơ quan đăng ký kinh doanh cấp xã (Luật Hợp tác xã 17/2023/QH15, "
            "Nghị định 92/2024/NĐ-CP); mã số hợp tác xã đồng thời là mã số thuế nên đăng ký thuế "
            "được thực hiện liên thông."
        )
    else:
        reason = (
            f"{form.label_sentence} phải đăng ký doanh nghiệp trước khi hoạt động (Luật Doanh "
            "nghiệp 59/2020/QH14, Nghị định 168/2025/NĐ-CP); mã số doanh nghiệp đồng thời là mã số "
            "thuế (Điều 29 Luật Doanh nghiệp) nên không nộp thủ tục đăng ký thuế lần đầu riêng."
        )
    return [
        _Draft(
            code=REGISTRATION_CODES[form],
            title=f"Đăng ký thành lập {form.label}",
            month=0,
            due="trước khi bắt đầu kinh doanh",
            required=True,
            reason=reason,
            category=Category.REGISTRATION,
        )
    ]


def choose_vat_method(profile: BusinessProfile, sectors: list[SectorMatch]) -> tuple[VatMethod, str]:
    """Exactly one VAT method for the business, with the rule that decides it.

    Luật Thuế GTGT 48/2024/QH15: the credit method (Điều 12) is compulsory from 1 billion VND of
    annual revenue and open to voluntary registration, except for household businesses; the direct
    method on revenue (Điều 13) applies to households and to smaller organisations that do not
    register. Exports are refunded input VAT only under the credit method (Điều 15).
    """
    if profile.legal_form is LegalForm.HO_KINH_DOANH:
        return VatMethod.HOUSEHOLD, (
            "Hộ kinh doanh không được áp dụng phương pháp khấu trừ: thuế GTGT tính trực tiếp theo tỷ "
            "lệ trên doanh thu (Điều 12, 13 Luật Thuế GTGT 48/2024/QH15); thuế khoán đã bãi bỏ, hộ tự "
            "khai theo Nghị định 68/2026/NĐ-CP."
        )
    band = profile.revenue_band
    trades = profile.trade or any(match.sector.trade for match in sectors)
    if band is not None and band is not RevenueBand.UNDER_1B:
        return VatMethod.CREDIT, (
            "Doanh thu năm từ 1 tỷ đồng trở lên nên bắt buộc kê khai theo phương pháp khấu trừ "
            "(Điều 12 Luật Thuế GTGT 48/2024/QH15)."
        )
    if trades:
        return VatMethod.CREDIT, (
            "Có xuất nhập khẩu: đăng ký tự nguyện phương pháp khấu trừ để được khấu trừ thuế GTGT hàng "
            "nhập khẩu và được hoàn thuế đầu vào của hàng xuất khẩu (Điều 12, 15 Luật Thuế GTGT "
            "48/2024/QH15)."
        )
    text = ActivityText(profile.activity)
    if band is None and any(SectorReading(match.sector, text).produces_own_goods() for match in sectors):
        return VatMethod.DIRECT_ON_REVENUE, (
            "Sản phẩm trồng trọt, chăn nuôi, thủy sản tự sản xuất bán ra chưa qua chế biến không chịu "
            "thuế GTGT (Điều 5 Luật Thuế GTGT 48/2024/QH15) nên thuế đầu vào của chúng không được khấu "
            "trừ (Điều 14): chưa có doanh thu từ 1 tỷ đồng thì khai trực tiếp trên doanh thu cho phần "
            "hoạt động chịu thuế (Điều 13)."
        )
    if band is RevenueBand.UNDER_1B:
        return VatMethod.DIRECT_ON_REVENUE, (
            "Doanh thu năm dưới 1 tỷ đồng và không đăng ký tự nguyện khấu trừ nên tính thuế GTGT trực "
            "tiếp trên doanh thu (Điều 13 Luật Thuế GTGT 48/2024/QH15); có thể đăng ký khấu trừ nếu "
            "thực hiện đầy đủ sổ sách, hóa đơn."
        )
    return VatMethod.CREDIT, (
        f"{profile.legal_form.label_sentence} mới thành lập chưa có doanh thu năm: đăng ký tự "
        "nguyện phương pháp khấu trừ (Điều 12 Luật Thuế GTGT 48/2024/QH15) để khấu trừ thuế GTGT "
        "đầu vào của chi phí khởi sự và xuất hóa đơn GTGT cho khách hàng doanh nghiệp; nếu doanh thu "
        "dưới 1 tỷ đồng và không đăng ký thì chuyển sang phương pháp trực tiếp (1.007022)."
    )


def _tax(
    profile: BusinessProfile, sectors: list[SectorMatch], vat_method: VatMethod, vat_reason: str
) -> list[_Draft]:
    registered = profile.registered_on
    quarter_due = first_quarterly_deadline(registered)
    year_due = first_annual_finalisation(registered)
    household = profile.legal_form is LegalForm.HO_KINH_DOANH
    drafts = [
        _Draft(
            code="1.008008",
            title="Đăng ký giao dịch với cơ quan thuế bằng phương thức điện tử",
            month=0,
            due="trước tờ khai đầu tiên",
            required=not household,
            reason=(
                "Tổ chức khai, nộp thuế và nhận thông báo thuế qua giao dịch điện tử (Thông tư "
                "19/2021/TT-BTC)."
                if not household
                else "Nếu hộ khai, nộp thuế qua mạng thì đăng ký tài khoản giao dịch thuế điện tử "
                "(Thông tư 19/2021/TT-BTC)."
            ),
            category=Category.TAX,
        )
    ]
    big_household = household and profile.revenue_band not in (None, RevenueBand.UNDER_1B)
    drafts.append(
        _Draft(
            code="1.010337",
            title="Đăng ký sử dụng hóa đơn điện tử",
            month=0,
            due="trước khi xuất hóa đơn lần đầu",
            required=not household or big_household,
            reason=(
                "Doanh nghiệp, hợp tác xã bán hàng, cung cấp dịch vụ phải lập hóa đơn điện tử "
                "(Nghị định 123/2020/NĐ-CP, sửa đổi bởi Nghị định 70/2025/NĐ-CP)."
                if not household
                else "Hộ có doanh thu năm từ 1 tỷ đồng trở lên dùng hóa đơn điện tử khởi tạo từ máy "
                "tính tiền; hộ nhỏ hơn được tự nguyện đăng ký (Nghị định 70/2025/NĐ-CP)."
            ),
            category=Category.TAX,
        )
    )
    if household:
        drafts.append(
            _Draft(
                code="1.010339",
                title="Cấp hóa đơn điện tử có mã của cơ quan thuế theo từng lần phát sinh",
                month=None,
                due="mỗi lần khách hàng cần hóa đơn",
                required=False,
                reason="Hộ chưa đăng ký hóa đơn điện tử mà khách cần hóa đơn thì đề nghị cơ quan thuế "
                "cấp theo từng lần phát sinh (Nghị định 123/2020/NĐ-CP, sửa đổi 70/2025/NĐ-CP).",
                category=Category.TAX,
            )
        )
        drafts.append(
            _Draft(
                code=VAT_DECLARATION_CODES[VatMethod.HOUSEHOLD],
                title="Khai thuế đối với hộ kinh doanh (GTGT, TNCN)",
                month=window_month(registered, quarter_due),
                due=f"tờ khai đầu tiên chậm nhất {format_date(quarter_due)} (cuối tháng đầu quý sau)",
                required=True,
                reason=vat_reason + " Hộ có doanh thu dưới ngưỡng chịu thuế vẫn thông báo doanh thu "
                "thực tế; kèm thông báo số tài khoản ở tờ khai đầu tiên (Thông tư 18/2026/TT-BTC).",
                category=Category.TAX,
            )
        )
        if profile.revenue_band is not RevenueBand.UNDER_1B:
            drafts.append(
                _Draft(
                    code="1.014976",
                    title="Quyết toán thuế thu nhập cá nhân đối với hộ kinh doanh",
                    month=None,
                    due=f"sau khi kết thúc năm {registered.year}, theo thời hạn của Thông tư 18/2026/TT-BTC",
                    required=False,
                    reason="Nếu hộ nộp thuế TNCN theo thu nhập tính thuế nhân thuế suất (doanh thu lớn, "
                    "có sổ sách) thì quyết toán năm (Nghị định 68/2026/NĐ-CP).",
                    category=Category.TAX,
                )
            )
    else:
        drafts.append(
            _Draft(
                code=VAT_DECLARATION_CODES[vat_method],
                title="Khai thuế GTGT theo phương pháp khấu trừ"
                if vat_method is VatMethod.CREDIT
                else "Khai thuế GTGT theo phương pháp trực tiếp trên doanh thu",
                month=window_month(registered, quarter_due),
                due=f"tờ khai quý đầu tiên chậm nhất {format_date(quarter_due)}",
                required=True,
                reason=vat_reason + " Người mới bắt đầu kinh doanh khai thuế GTGT theo quý (Điều 9 "
                "Nghị định 126/2020/NĐ-CP).",
                category=Category.TAX,
            )
        )
        if any(match.sector.value_added_vat for match in sectors):
            drafts.append(
                _Draft(
                    code="1.007016",
                    title="Khai thuế GTGT theo phương pháp trực tiếp trên giá trị gia tăng",
                    month=window_month(registered, quarter_due),
                    due=f"tờ khai quý đầu tiên chậm nhất {format_date(quarter_due)}",
                    required=True,
                    reason="Hoạt động mua bán, chế tác vàng bạc, đá quý tính thuế GTGT trực tiếp trên giá "
                    "trị gia tăng, tách khỏi các hoạt động khác (Điều 13 Luật Thuế GTGT 48/2024/QH15).",
                    category=Category.TAX,
                )
            )
        cit_month = window_month(registered, year_due)
        short_first_period = short_first_tax_period(registered)
        merged = (
            f"; nếu cộng kỳ đầu dưới 3 tháng vào năm {registered.year + 1} thì chậm nhất "
            f"{format_date(date(registered.year + 2, 3, 31))}"
            if short_first_period
            else ""
        )
        drafts.append(
            _Draft(
                code="1.008346",
                title="Khai quyết toán thuế thu nhập doanh nghiệp",
                month=cit_month,
                due=f"chậm nhất {format_date(year_due)} (cuối tháng thứ 3 sau năm tính thuế)"
                + ("" if cit_month is not None else ", sau 12 tháng đầu")
                + merged,
                required=True,
                reason=(
                    f"{profile.legal_form.label_sentence} nộp thuế TNDN: tạm nộp theo quý không "
                    "phải khai, quyết toán năm chậm nhất ngày cuối tháng thứ 3 sau năm tính thuế "
                    "(Điều 44 Luật Quản lý thuế 38/2019/QH14, Nghị định 126/2020/NĐ-CP)"
                    + (
                        f"; kỳ tính thuế đầu tiên (từ {format_date(registered)} đến 31/12) dưới 3 tháng "
                        "dương lịch được cộng vào năm sau thành một kỳ không quá 15 tháng"
                        if short_first_period
                        else ""
                    )
                    + ". Ưu đãi, miễn thuế cho doanh nghiệp mới (nếu có) được kê khai tại tờ khai này."
                ),
                category=Category.TAX,
            )
        )
    drafts.append(_licence_fee_note(profile))
    return drafts


def _licence_fee_note(profile: BusinessProfile) -> _Draft:
    year = profile.registered_on.year
    if year >= 2026:
        reason = (
            "Lệ phí môn bài đã bãi bỏ từ 01/01/2026 (Nghị quyết 198/2025/QH15; Nghị định "
            "362/2025/NĐ-CP bãi bỏ Nghị định 139/2016/NĐ-CP), nên không phải khai, nộp."
        )
    else:
        reason = (
            f"Năm thành lập {year} được miễn lệ phí môn bài (Nghị định 139/2016/NĐ-CP, sửa đổi bởi "
            "Nghị định 22/2020/NĐ-CP); từ 01/01/2026 lệ phí này đã bãi bỏ (Nghị quyết 198/2025/QH15), "
            "nên trong 12 tháng đầu không phát sinh khoản phải nộp."
        )
    return _Draft(
        code=None,
        title="Lệ phí môn bài: không phải nộp",
        month=None,
        due="không phát sinh",
        required=False,
        reason=reason,
        category=Category.TAX,
        authority="Cơ quan thuế",
        legal_basis=["Nghị quyết 198/2025/QH15", "Nghị định 362/2025/NĐ-CP"]
        if year >= 2026
        else ["Nghị định 139/2016/NĐ-CP (sửa đổi bởi Nghị định 22/2020/NĐ-CP)", "Nghị quyết 198/2025/QH15"],
    )


def _labour(profile: BusinessProfile) -> list[_Draft]:
    registered = profile.registered_on
    hires = profile.employees > 0
    drafts: list[_Draft] = []
    if profile.may_have_employees or profile.legal_form.is_organisation:
        if hires:
            why = f"Có {profile.employees} người lao động nên"
        elif profile.may_have_employees:
            why = "Khi thuê người lao động theo hợp đồng thì"
        else:
            why = "Nếu người quản lý doanh nghiệp, hợp tác xã có hưởng tiền lương thì"
        drafts.append(
            _Draft(
                code="1.002051",
                title="Đăng ký đóng BHXH, BHYT, BHTN, BHTNLĐ-BNN; cấp sổ BHXH, thẻ BHYT",
                month=0 if hires else None,
                due="trong 30 ngày kể từ ngày giao kết hợp đồng lao động",
                required=hires,
                reason=f"{why} phải đăng ký tham gia bảo hiểm xã hội, bảo hiểm y tế, bảo hiểm thất nghiệp "
                "bắt buộc (Luật Bảo hiểm xã hội 41/2024/QH15, Luật Việc làm, Luật Bảo hiểm y tế).",
                category=Category.LABOUR,
            )
        )
    if not profile.may_have_employees:
        return drafts
    drafts.append(
        _Draft(
            code=None,
            title="Khai trình việc sử dụng lao động và báo cáo tình hình thay đổi lao động",
            month=1 if hires else None,
            due="trong 30 ngày kể từ khi bắt đầu hoạt động có thuê lao động; báo cáo 6 tháng một lần",
            required=hires,
            reason="Người sử dụng lao động khai trình và định kỳ báo cáo tình hình sử dụng lao động "
            "(Điều 12 Bộ luật Lao động 45/2019/QH14; Điều 4 Nghị định 145/2020/NĐ-CP); thủ tục ngành "
            "lao động không có trong danh mục.",
            category=Category.LABOUR,
            authority="Cơ quan quản lý nhà nước về lao động cấp tỉnh",
            legal_basis=["Bộ luật Lao động 45/2019/QH14, Điều 12", "Nghị định 145/2020/NĐ-CP, Điều 4"],
        )
    )
    if profile.employees >= 10:
        drafts.append(
            _Draft(
                code=None,
                title="Đăng ký nội quy lao động",
                month=1,
                due="trong 10 ngày kể từ ngày ban hành nội quy",
                required=True,
                reason="Người sử dụng từ 10 lao động trở lên phải có nội quy lao động bằng văn bản và đăng "
                "ký (Điều 118, 119 Bộ luật Lao động 45/2019/QH14).",
                category=Category.LABOUR,
                authority="Cơ quan quản lý nhà nước về lao động cấp tỉnh",
                legal_basis=["Bộ luật Lao động 45/2019/QH14, Điều 118, 119"],
            )
        )
    quarter_due = first_quarterly_deadline(registered)
    if not profile.legal_form.is_organisation and not hires:
        return drafts  # a household files withholding returns only once it actually pays wages
    drafts.append(
        _Draft(
            code="2.002235",
            title="Khai thuế TNCN quý của tổ chức, cá nhân trả thu nhập khấu trừ thuế từ tiền lương",
            month=window_month(registered, quarter_due),
            due=f"quý có khấu trừ thuế, chậm nhất {format_date(quarter_due)} cho quý đầu",
            required=False,
            reason="Trả lương có khấu trừ thuế TNCN thì khai theo quý (Điều 8, 9 Nghị định "
            "126/2020/NĐ-CP); không khấu trừ thì không phải khai.",
            category=Category.TAX,
        )
    )
    if profile.legal_form.is_organisation:
        year_due = first_annual_finalisation(registered)
        month = window_month(registered, year_due)
        drafts.append(
            _Draft(
                code="1.008309",
                title="Khai quyết toán thuế TNCN của tổ chức trả thu nhập từ tiền lương, tiền công",
                month=month,
                due=f"chậm nhất {format_date(year_due)}"
                + ("" if month is not None else ", sau 12 tháng đầu"),
                required=hires,
                reason="Tổ chức trả tiền lương quyết toán thuế TNCN năm, không phân biệt có khấu trừ hay "
                "không (Điều 8 Nghị định 126/2020/NĐ-CP; Điều 44 Luật Quản lý thuế 38/2019/QH14).",
                category=Category.TAX,
            )
        )
    return drafts


def _customs(profile: BusinessProfile, text: ActivityText, sectors: list[SectorMatch]) -> list[_Draft]:
    if not (profile.trade or any(match.sector.trade for match in sectors)):
        return []
    both = text.mentions("xuất nhập khẩu") or text.mentions("xnk")
    imports = both or text.first_mention(["nhập khẩu", "nhập hàng", "hàng nhập"]) is not None
    exports = both or text.mentions("xuất khẩu")
    known = imports or exports
    basis = "Luật Hải quan 54/2014/QH13; Nghị định 08/2015/NĐ-CP; Thông tư 38/2015/TT-BTC"
    drafts = [
        _Draft(
            code=None,
            title="Đăng ký người sử dụng hệ thống thông quan điện tử VNACCS/VCIS (chữ ký số với hải quan)",
            month=0,
            due="trước tờ khai hải quan đầu tiên",
            required=True,
            reason=f"Người khai hải quan khai điện tử phải đăng ký tài khoản và chữ ký số với hệ thống hải "
            f"quan ({basis}); đăng ký này không có trong danh mục.",
            category=Category.CUSTOMS,
            authority="Cục Hải quan",
            legal_basis=basis.split("; "),
        ),
        _Draft(
            code="3.000110",
            title="Đăng ký tài khoản người sử dụng Cổng thông tin một cửa quốc gia",
            month=0,
            due="trước lô hàng cần giấy phép, kiểm tra chuyên ngành",
            required=False,
            reason="Hàng hóa cần giấy phép hoặc kiểm tra chuyên ngành được khai qua Cơ chế một cửa quốc "
            "gia (Nghị định 85/2019/NĐ-CP).",
            category=Category.CUSTOMS,
        ),
    ]
    for code, title, applies, word in (
        ("1.006440", "Thủ tục hải quan đối với hàng hóa nhập khẩu", imports, "nhập khẩu"),
        ("1.006429", "Thủ tục hải quan đối với hàng hóa xuất khẩu", exports, "xuất khẩu"),
    ):
        if known and not applies:
            continue
        drafts.append(
            _Draft(
                code=code,
                title=title,
                month=1,
                due=f"mỗi lô hàng {word}",
                required=applies,
                reason=f"Hàng {word} phải làm thủ tục hải quan cho từng lô ({basis})."
                if applies
                else f"Nếu {word} thì làm thủ tục hải quan cho từng lô ({basis}).",
                category=Category.CUSTOMS,
            )
        )
    return drafts


def _sector_items(profile: BusinessProfile, text: ActivityText, sectors: list[SectorMatch]) -> list[_Draft]:
    drafts: list[_Draft] = []
    for match in sectors:
        for requirement, required in applicable_requirements(match.sector, text):
            where = f" — nơi xử lý: {requirement.authority}" if requirement.authority else ""
            drafts.append(
                _Draft(
                    code=requirement.code,
                    title=requirement.title,
                    month=requirement.month,
                    due=requirement.when,
                    required=required,
                    reason=f"Ngành {match.sector.name.lower()} ({match.evidence}): {requirement.when} "
                    f"({requirement.legal_basis}){where}.",
                    category=Category.SECTOR,
                    authority=requirement.authority,
                    legal_basis=[part.strip() for part in requirement.legal_basis.split(";")],
                )
            )
    if not sectors:
        drafts.append(_sectors_unchecked(profile))
    if any(match.sector.customer_premises for match in sectors):
        drafts.append(_business_location(profile))
    return drafts


def _sectors_unchecked(profile: BusinessProfile) -> _Draft:
    """Say that no sector licence was checked rather than let an unrecognised activity pass silently."""
    if profile.vsic:
        why = f"Mã VSIC {profile.vsic} của hoạt động “{profile.activity}” chưa có trong bảng ngành"
        ask = "Đối chiếu mã ngành với"
    else:
        why = f"Chưa nhận ra ngành của hoạt động “{profile.activity}”"
        ask = "Hãy nhập mã ngành VSIC (Quyết định 27/2018/QĐ-TTg) để kiểm tra lại, và đối chiếu với"
    return _Draft(
        code=None,
        title="Giấy phép, điều kiện kinh doanh theo ngành: chưa kiểm tra được",
        month=0,
        due="trước khi bắt đầu kinh doanh",
        required=False,
        reason=f"{why} nên giấy phép, điều kiện kinh doanh theo ngành chưa được kiểm tra. {ask} danh mục "
        "ngành, nghề đầu tư kinh doanh có điều kiện (Phụ lục IV Luật Đầu tư 61/2020/QH14).",
        category=Category.SECTOR,
        authority="Sở quản lý ngành của thành phố",
        legal_basis=["Luật Đầu tư 61/2020/QH14, Phụ lục IV", "Quyết định 27/2018/QĐ-TTg"],
    )


def _business_location(profile: BusinessProfile) -> _Draft:
    form = profile.legal_form
    if form is LegalForm.HO_KINH_DOANH:
        return _Draft(
            code="1.009824",
            title="Thông báo địa điểm kinh doanh của hộ kinh doanh",
            month=None,
            due="trong 10 ngày làm việc kể từ khi địa điểm đi vào hoạt động",
            required=False,
            reason="Nếu bán hàng ở địa điểm ngoài trụ sở đã đăng ký thì thông báo cơ quan thuế (Thông tư "
            "18/2026/TT-BTC, Nghị định 68/2026/NĐ-CP).",
            category=Category.REGISTRATION,
        )
    code = "2.002123" if form is LegalForm.HOP_TAC_XA else "2.002069"
    basis = (
        "Luật Hợp tác xã 17/2023/QH15" if form is LegalForm.HOP_TAC_XA else "Luật Doanh nghiệp 59/2020/QH14"
    )
    return _Draft(
        code=code,
        title="Thông báo lập địa điểm kinh doanh / đăng ký hoạt động chi nhánh",
        month=None,
        due="trong 10 ngày kể từ ngày quyết định lập địa điểm kinh doanh",
        required=False,
        reason="Nếu mở cửa hàng, điểm bán ngoài trụ sở chính thì thông báo lập địa điểm kinh doanh "
        f"({basis}, Nghị định 168/2025/NĐ-CP).",
        category=Category.REGISTRATION,
    )


_CAPITAL_ARTICLES = {
    LegalForm.TNHH_1TV: "Điều 75",
    LegalForm.TNHH_2TV: "Điều 47",
    LegalForm.CO_PHAN: "Điều 113",
}


def _capital(profile: BusinessProfile) -> list[_Draft]:
    article = _CAPITAL_ARTICLES.get(profile.legal_form)
    if article is None:
        return []
    return [
        _Draft(
            code="2.002009",
            title="Đăng ký thay đổi vốn điều lệ, phần vốn góp",
            month=4,
            due="trong 30 ngày sau hạn góp vốn 90 ngày, nếu vốn chưa góp đủ",
            required=False,
            reason=f"Vốn điều lệ phải góp đủ trong 90 ngày kể từ ngày được cấp đăng ký; nếu chưa đủ thì "
            f"đăng ký giảm vốn, thay đổi tỷ lệ góp trong 30 ngày tiếp theo ({article} Luật Doanh nghiệp "
            "59/2020/QH14).",
            category=Category.REGISTRATION,
        )
    ]


def _cooperative(profile: BusinessProfile) -> list[_Draft]:
    if profile.legal_form is not LegalForm.HOP_TAC_XA:
        return []
    return [
        _Draft(
            code="2.002668",
            title="Đăng ký nhu cầu hỗ trợ của hợp tác xã",
            month=1,
            due="khi hợp tác xã muốn được xét các chính sách hỗ trợ trong năm",
            required=False,
            reason="Hợp tác xã đăng ký nhu cầu hỗ trợ (đào tạo, xúc tiến thương mại, hạ tầng, tín dụng...) "
            "với UBND cấp xã để được xét hỗ trợ (Luật Hợp tác xã 17/2023/QH15; Nghị định "
            "113/2024/NĐ-CP).",
            category=Category.COOPERATIVE,
        )
    ]


_CATEGORY_ORDER = {category: i for i, category in enumerate(Category)}


def _timeline_order(item: TimelineItem) -> tuple[int, bool, int]:
    """Dated items by month, undated ones last; required before situational; then by category."""
    return (item.month if item.month is not None else 13, not item.required, _CATEGORY_ORDER[item.category])


class StartupPlanner:
    """Turns a business profile into its dated 12-month start-up plan."""

    def __init__(
        self,
        catalog: ProcedureLookup,
        *,
        sector_table: SectorTable | None = None,
        sector_fallback: SectorFallback | None = None,
    ) -> None:
        self._catalog = catalog
        self._table = sector_table or load_sector_table()
        self._fallback = sector_fallback

    def plan(self, profile: BusinessProfile) -> StartupPlan:
        """The timeline for this profile, required items first within each month."""
        text = ActivityText(profile.activity)
        sectors = match_sectors(
            profile.activity, vsic=profile.vsic, table=self._table, fallback=self._fallback
        )
        vat_method, vat_reason = choose_vat_method(profile, sectors)
        drafts = [
            *_registration(profile),
            *_capital(profile),
            *_tax(profile, sectors, vat_method, vat_reason),
            *_labour(profile),
            *_customs(profile, text, sectors),
            *_sector_items(profile, text, sectors),
            *_cooperative(profile),
        ]
        items = self._resolve(drafts)
        items.sort(key=_timeline_order)
        return StartupPlan(
            profile=profile,
            sectors=[match.sector.id for match in sectors],
            sector_evidence=[f"{match.sector.name}: {match.evidence}" for match in sectors],
            vat_method=vat_method,
            vat_reason=vat_reason,
            items=items,
        )

    def _resolve(self, drafts: list[_Draft]) -> list[TimelineItem]:
        """Catalog titles and legal bases for known codes; one item per code (first wins, required merged)."""
        items: dict[str, TimelineItem] = {}
        for draft in drafts:
            procedure = self._catalog.get(code=draft.code) if draft.code else None
            key = draft.code if procedure is not None else f"title:{draft.title}"
            if key in items:
                if draft.required and not items[key].required:
                    items[key] = items[key].model_copy(update={"required": True})
                continue
            reason = draft.reason
            if draft.code and procedure is None:
                reason += f" (Thủ tục {draft.code} không có trong danh mục hiện tải.)"
            items[key] = TimelineItem(
                code=procedure.code if procedure else None,
                title=procedure.title if procedure else draft.title,
                month=draft.month,
                due=draft.due,
                required=draft.required,
                reason=reason,
                in_catalog=procedure is not None,
                category=draft.category,
                legal_basis=(_citable(lb.number for lb in procedure.legal_basis) if procedure else [])
                or draft.legal_basis,
                authority=draft.authority,
            )
        return list(items.values())
