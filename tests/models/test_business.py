"""Start-up planner, sectors, policy matcher and business KPIs on the shipped catalog."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from catalog.store import Catalog
from cli.startup import _print_plan, plan_to_json, run_batch
from models.business import profile as profile_module
from models.business.deadlines import (
    first_annual_finalisation,
    first_quarterly_deadline,
    short_first_tax_period,
    window_month,
)
from models.business.evaluation import load_startup_cases, score_case, summarise
from models.business.planner import StartupPlan, StartupPlanner, TimelineItem, VatMethod
from models.business.policies import (
    Criterion,
    CriterionStatus,
    Policy,
    PolicyMatcher,
    PolicyTable,
    load_policy_table,
)
from models.business.profile import BusinessProfile, LegalForm, ProfileError, RevenueBand, parse_profile
from models.business.sectors import SectorMatch, load_sector_table, match_sectors
from models.kpi.businesses import (
    RegistryEvent,
    RegistryEventKind,
    new_business_package_share,
    operating_policy_share,
    synthetic_registry_log,
)
from tests.conftest import EVAL

REGISTERED = date(2026, 5, 10)  # Q2: first quarterly return 31/07/2026 (month 2), finalisation 31/03/2027
VAT_PAIR = {"1.007014", "1.007022"}
LAW_NUMBER = re.compile(r"\d+/\d{4}/(QH1\d|NĐ-CP|NQ-CP|TT-[A-ZĐ]+|QĐ-TTg)")


@pytest.fixture(scope="module")
def planner(catalog: Catalog) -> StartupPlanner:
    return StartupPlanner(catalog)


def plan_for(planner: StartupPlanner, **fields: object) -> StartupPlan:
    return planner.plan(parse_profile({"registered_on": REGISTERED.isoformat(), **fields}))


def item(plan: StartupPlan, code: str) -> TimelineItem:
    found = [i for i in plan.items if i.code == code]
    assert found, f"{code} missing from {plan.codes()}"
    return found[0]


# --- one timeline per legal form ------------------------------------------------------------


def test_household_food_business(planner: StartupPlanner) -> None:
    plan = plan_for(planner, kind="Hộ kinh doanh", activity="bán đồ ăn, cơm bình dân", employees="0-3")
    registration = item(plan, "1.001612")
    assert registration.required and registration.month == 0
    declaration = item(plan, "1.011022")
    assert declaration.required and declaration.month == 2 and "31/07/2026" in declaration.due
    assert plan.vat_method is VatMethod.HOUSEHOLD and not VAT_PAIR & set(plan.codes())
    assert "1.008346" not in plan.codes()  # households pay no corporate income tax
    food_safety = [i for i in plan.items if "an toàn thực phẩm cho dịch vụ ăn uống" in i.title]
    assert food_safety and food_safety[0].code is None and not food_safety[0].in_catalog
    assert "15/2018/NĐ-CP" in food_safety[0].reason
    assert not item(plan, "1.002051").required  # 0-3 employees: only once someone is hired
    licence_fee = next(i for i in plan.items if "môn bài" in i.title)
    assert "198/2025/QH15" in licence_fee.reason and licence_fee.code is None


def test_sole_proprietorship_small_shop_pays_vat_by_direct_method(planner: StartupPlanner) -> None:
    plan = plan_for(
        planner, legal_form="dntn", activity="cửa hàng bán lẻ vật liệu xây dựng", revenue_band="duoi_1_ty"
    )
    assert item(plan, "2.001610").required
    assert VAT_PAIR & set(plan.codes()) == {"1.007022"}
    assert "Điều 13" in item(plan, "1.007022").reason
    assert item(plan, "1.010337").required
    cit = item(plan, "1.008346")
    assert cit.month == 10 and "31/03/2027" in cit.due
    assert "2.002009" not in plan.codes()  # a sole proprietorship has no charter-capital deadline


def test_single_member_llc_software_defaults_to_credit_method(planner: StartupPlanner) -> None:
    plan = plan_for(planner, legal_form="tnhh_1tv", activity="phát triển phần mềm quản lý bán hàng")
    assert item(plan, "2.001583").required
    assert VAT_PAIR & set(plan.codes()) == {"1.007014"}
    assert "tự nguyện" in item(plan, "1.007014").reason
    capital = item(plan, "2.002009")
    assert not capital.required and capital.month == 4 and "Điều 75" in capital.reason
    assert not {"1.006440", "1.006429"} & set(plan.codes())


def test_multi_member_llc_restaurant_with_staff(planner: StartupPlanner) -> None:
    plan = plan_for(planner, legal_form="tnhh_2tv", activity="nhà hàng lẩu nướng", employees=12)
    assert item(plan, "2.001199").required
    insurance = item(plan, "1.002051")
    assert insurance.required and "30 ngày" in insurance.due
    assert item(plan, "1.008309").required
    assert any(i.title == "Đăng ký nội quy lao động" and not i.in_catalog for i in plan.items)
    assert "Điều 47" in item(plan, "2.002009").reason


def test_joint_stock_importer(planner: StartupPlanner) -> None:
    plan = plan_for(
        planner,
        legal_form="co_phan",
        activity="nhập khẩu và phân phối thiết bị y tế",
        employees=6,
        trade=True,
    )
    assert item(plan, "2.002043").required
    assert VAT_PAIR & set(plan.codes()) == {"1.007014"}
    assert "nhập khẩu" in item(plan, "1.007014").reason
    assert item(plan, "1.006440").required
    assert "1.006429" not in plan.codes()  # imports only
    assert any("VNACCS" in i.title and not i.in_catalog for i in plan.items)


def test_agricultural_cooperative(planner: StartupPlanner) -> None:
    plan = plan_for(planner, legal_form="hop_tac_xa", activity="chăn nuôi lợn và trồng rau", employees=8)
    assert item(plan, "1.005280").required
    assert VAT_PAIR & set(plan.codes()) == {"1.007022"}
    assert "Điều 5" in item(plan, "1.007022").reason
    assert item(plan, "2.002668").category.value == "cooperative"
    assert item(plan, "1.014952").required  # livestock establishment identification code


# --- rules across forms -------------------------------------------------------------------------


@pytest.mark.parametrize("form", [f for f in LegalForm if f is not LegalForm.HO_KINH_DOANH])
@pytest.mark.parametrize("band", [None, "duoi_1_ty", "3_10_ty"])
@pytest.mark.parametrize("activity", ["bán lẻ quần áo", "trồng rau sạch", "xuất khẩu cà phê nhân"])
def test_exactly_one_vat_method(
    planner: StartupPlanner, form: LegalForm, band: str | None, activity: str
) -> None:
    profile = {"legal_form": form.value, "activity": activity}
    if band:
        profile["revenue_band"] = band
    plan = plan_for(planner, **profile)
    chosen = VAT_PAIR & set(plan.codes())
    assert len(chosen) == 1
    if band == "3_10_ty" or "xuất khẩu" in activity:
        assert chosen == {"1.007014"}


def test_employees_trigger_social_insurance(planner: StartupPlanner) -> None:
    hired = plan_for(planner, legal_form="ho_kinh_doanh", activity="sửa xe máy", employees=2)
    alone = plan_for(planner, legal_form="ho_kinh_doanh", activity="sửa xe máy", employees=0)
    assert item(hired, "1.002051").required and item(hired, "2.002235")
    assert "1.002051" not in alone.codes() and "2.002235" not in alone.codes()


def test_trade_triggers_customs(planner: StartupPlanner) -> None:
    trader = plan_for(planner, legal_form="tnhh_1tv", activity="kinh doanh đồ gỗ", trade=True)
    local = plan_for(planner, legal_form="tnhh_1tv", activity="kinh doanh đồ gỗ", trade=False)
    assert {"1.006440", "1.006429", "3.000110"} <= set(trader.codes())
    assert not {"1.006440", "1.006429", "3.000110"} & set(local.codes())


def test_items_resolve_against_the_catalog(planner: StartupPlanner, catalog: Catalog) -> None:
    plan = plan_for(planner, legal_form="co_phan", activity="sản xuất bia và nước giải khát", employees=30)
    for timeline_item in plan.items:
        if timeline_item.code:
            assert timeline_item.title == catalog.get_or_raise(code=timeline_item.code).title
        assert timeline_item.in_catalog == (timeline_item.code is not None)
        assert timeline_item.month is None or 0 <= timeline_item.month <= 12
        assert LAW_NUMBER.search(timeline_item.reason), timeline_item.reason
    assert item(plan, "1.007040").required  # beer is subject to special consumption tax


def test_late_year_registration_moves_finalisation_out_of_window(planner: StartupPlanner) -> None:
    plan = planner.plan(
        parse_profile({"legal_form": "tnhh_1tv", "activity": "tư vấn", "registered_on": "2025-01-15"})
    )
    cit = item(plan, "1.008346")
    assert cit.month is None and "31/03/2026" in cit.due


def test_deadline_arithmetic() -> None:
    assert first_quarterly_deadline(date(2026, 11, 25)) == date(2027, 1, 31)
    assert first_quarterly_deadline(date(2026, 3, 31)) == date(2026, 4, 30)
    assert first_annual_finalisation(date(2026, 7, 1)) == date(2027, 3, 31)
    assert window_month(date(2026, 2, 1), date(2027, 3, 31)) is None
    assert window_month(date(2026, 3, 1), date(2027, 3, 31)) == 12


# --- sectors --------------------------------------------------------------------------------


def test_sector_matching_with_and_without_diacritics() -> None:
    assert [m.sector.id for m in match_sectors("quán cà phê")] == ["food_beverage"]
    assert [m.sector.id for m in match_sectors("quan ca phe")] == ["food_beverage"]
    assert "health" not in [m.sector.id for m in match_sectors("ban hang duoc giam gia")]
    assert [m.sector.id for m in match_sectors("kinh doanh", vsic="5610")] == ["food_beverage"]
    assert [m.sector.id for m in match_sectors("bán vật liệu xây dựng")] == ["retail_trade"]


def test_sector_fallback_only_runs_when_no_keyword_matched() -> None:
    table = load_sector_table()
    education = next(s for s in table.sectors if s.id == "education")

    def fallback(activity: str, sectors: object) -> list[SectorMatch]:
        return [SectorMatch(sector=education, evidence="fallback")]

    assert [m.sector.id for m in match_sectors("dạy bơi cho trẻ em", fallback=fallback)] == ["education"]
    assert [m.sector.id for m in match_sectors("quán phở", fallback=fallback)] == ["food_beverage"]


def test_sector_table_codes_exist_and_missing_ones_say_where(catalog: Catalog) -> None:
    for sector in load_sector_table().sectors:
        for requirement in sector.requirements:
            assert LAW_NUMBER.search(requirement.legal_basis), requirement.title
            if requirement.code:
                assert requirement.code in catalog, requirement.code
            else:
                assert requirement.authority, requirement.title


# --- policies -------------------------------------------------------------------------------


def test_policy_table_cites_legal_bases(catalog: Catalog) -> None:
    table = load_policy_table()
    assert len(table.policies) >= 10
    for policy in table.policies:
        assert policy.legal_basis and all(LAW_NUMBER.search(basis) for basis in policy.legal_basis)
        assert policy.criteria
        if policy.apply_code:
            assert policy.apply_code in catalog
        else:
            assert policy.apply_note


def test_policy_matcher_reports_met_failed_and_missing(catalog: Catalog) -> None:
    matcher = PolicyMatcher(catalog)
    today = date(2026, 11, 25)
    old_household = parse_profile(
        {"legal_form": "ho_kinh_doanh", "activity": "tạp hóa", "employees": 2, "registered_on": "2023-03-01"}
    )
    suggested = {m.policy_id: m for m in matcher.match(old_household, as_of=today)}
    conversion = suggested["household_to_enterprise"]
    assert conversion.verdict == "đáp ứng 2/2 tiêu chí" and conversion.apply_code == "2.001999"
    assert "employment_loans" in suggested
    new_household = old_household.model_copy(update={"registered_on": today - timedelta(days=60)})
    assert "household_to_enterprise" not in {m.policy_id for m in matcher.match(new_household, as_of=today)}
    every = {m.policy_id: m for m in matcher.match(new_household, as_of=today, include_failed=True)}
    assert every["household_to_enterprise"].verdict == "đáp ứng 1/2 tiêu chí, không đạt 1"
    startup = parse_profile(
        {
            "legal_form": "tnhh_1tv",
            "activity": "phát triển phần mềm",
            "employees": 4,
            "registered_on": "2026-06-01",
        }
    )
    exemption = {m.policy_id: m for m in matcher.match(startup, as_of=today)}["sme_cit_exemption"]
    statuses = [c.status for c in exemption.criteria]
    assert statuses.count(CriterionStatus.UNKNOWN) == 1  # SME size needs revenue or capital
    assert exemption.verdict == "đáp ứng 2/3 tiêu chí, thiếu dữ liệu 1"


# --- profile validation and the JSONL interface --------------------------------------------


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ({"legal_form": "llc", "activity": "bán lẻ"}, "unknown legal form"),
        ({"legal_form": "dntn", "activity": "bán lẻ", "employees": -1}, "greater than or equal to 0"),
        ({"legal_form": "dntn", "activity": "bán lẻ", "employees": "nhiều"}, "whole number or a range"),
        ({"legal_form": "dntn", "activity": "bán lẻ", "employees": "5-2"}, "reversed"),
        ({"legal_form": "dntn", "activity": "bán lẻ", "registered_on": "2999-01-01"}, "in the future"),
        ({"legal_form": "dntn"}, "activity"),
        ({"legal_form": "dntn", "activity": "x", "revenue_band": "rất lớn"}, "revenue_band"),
    ],
)
def test_bad_profiles_get_clear_errors(profile: dict[str, object], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        parse_profile(profile)


def test_profile_reads_vietnamese_kind_and_employee_range() -> None:
    profile = parse_profile({"kind": "Công ty TNHH một thành viên", "activity": "in ấn", "employees": "0-3"})
    assert profile.legal_form is LegalForm.TNHH_1TV
    assert (profile.employees, profile.employees_max) == (0, 3)
    over_ten = parse_profile({"kind": "DNTN", "activity": "x", "employees": "trên 10"})
    assert (over_ten.employees, over_ten.employees_max, over_ten.employees_open_ended) == (11, None, True)
    assert not parse_profile({"kind": "DNTN", "activity": "x", "employees": "7"}).employees_open_ended
    assert parse_profile({"kind": "HTX", "activity": "x", "employees": "dưới 5"}).employees_max == 4
    assert BusinessProfile(legal_form="co_phan", activity="x", revenue_band=2_500_000_000).revenue_band is (
        RevenueBand.FROM_1B_TO_3B
    )


def test_jsonl_batch_answers_every_line(planner: StartupPlanner) -> None:
    lines = io.StringIO(
        '{"id": 1, "profile": {"legal_form": "dntn", "activity": "bán lẻ"}}\n'
        "not json\n"
        '{"id": 3, "profile": {"legal_form": "dntn", "activity": "bán lẻ", "employees": -4}}\n'
    )
    out = io.StringIO()
    run_batch(lines, out, lambda profile: plan_to_json(planner.plan(profile)))
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [a["id"] for a in answers] == [1, None, 3]
    assert {"code", "title", "month", "required", "reason"} <= set(answers[0]["timeline"][0])
    assert "error" in answers[1] and "employees" in answers[2]["error"]


# --- KPI arithmetic -------------------------------------------------------------------------


def _event(business: str, kind: RegistryEventKind, on: str) -> RegistryEvent:
    return RegistryEvent(business_id=business, kind=kind, on=date.fromisoformat(on))


def test_kpi_arithmetic() -> None:
    reg, pkg, pol, closed = (
        RegistryEventKind.REGISTERED,
        RegistryEventKind.PACKAGE_ISSUED,
        RegistryEventKind.POLICY_SUGGESTED,
        RegistryEventKind.CLOSED,
    )
    log = [
        _event("a", reg, "2025-02-01"),
        _event("a", pkg, "2025-02-10"),  # served
        _event("b", reg, "2025-03-01"),
        _event("b", pkg, "2026-04-01"),  # 13 months later: too late
        _event("c", reg, "2025-06-01"),
        _event("c", pol, "2026-01-05"),
        _event("d", reg, "2025-12-01"),  # window still open at the reporting date, no package yet
        _event("e", reg, "2024-01-01"),  # registered before the period
        _event("e", pkg, "2024-01-02"),
        _event("e", pol, "2026-02-01"),
        _event("f", reg, "2025-04-01"),
        _event("f", pkg, "2026-03-31"),  # within 12 months (inclusive)
        _event("f", closed, "2026-05-01"),
        _event("f", pol, "2026-01-10"),
    ]
    package = new_business_package_share(
        log, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), as_of=date(2026, 6, 30)
    )
    assert (package.numerator, package.denominator) == (2, 5)
    assert package.share == pytest.approx(0.4) and not package.meets_target
    assert package.note.startswith("1 ")
    policy = operating_policy_share(log, period_start=date(2026, 1, 1), as_of=date(2026, 6, 30))
    assert (policy.numerator, policy.denominator) == (2, 5)  # f closed; c and e reached
    assert not policy.synthetic


def test_synthetic_log_is_labelled_and_reproducible() -> None:
    log = synthetic_registry_log(200, seed=7)
    assert log == synthetic_registry_log(200, seed=7)
    assert all(event.source == "synthetic" for event in log)
    share = new_business_package_share(
        log, period_start=date(2025, 1, 1), period_end=date(2025, 6, 30), as_of=date(2026, 11, 25)
    )
    assert share.synthetic and 0 < share.numerator < share.denominator


# --- the evaluation file --------------------------------------------------------------------


def test_startup_dev_targets(planner: StartupPlanner) -> None:
    cases = load_startup_cases(EVAL / "startup_dev.json")
    results = [score_case(case, planner.plan(parse_profile(case.profile)).codes()) for case in cases]
    report = summarise(results)
    assert report.must_recall >= 0.95
    assert all(r.one_of_exact == r.one_of_total for r in results)
    assert report.precision is not None and report.precision >= 0.6


# --- the notebook ---------------------------------------------------------------------------


@pytest.mark.slow
def test_startup_notebook_renders_a_timeline_chart() -> None:
    import nbformat
    from nbclient import NotebookClient

    path = Path(__file__).resolve().parents[2] / "notebooks" / "startup_plan.ipynb"
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": path.parent}}
    ).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert any("image/png" in output.get("data", {}) for output in outputs)
    assert not any(output.output_type == "error" for output in outputs)


# --- sector keywords in context -------------------------------------------------------------


@pytest.mark.parametrize(
    "activity",
    ["cơm gà", "quán cơm gà", "bán gà rán, bún bò", "quán phở bò", "quán chè", "quán cơm gà nhà nuôi"],
)
def test_dishes_are_not_farming(planner: StartupPlanner, activity: str) -> None:
    plan = plan_for(planner, legal_form="tnhh_1tv", activity=activity)
    assert "food_beverage" in plan.sectors and "agriculture" not in plan.sectors
    assert "1.014952" not in plan.codes()  # no livestock establishment code for a kitchen
    assert plan.vat_method is VatMethod.CREDIT and "tự sản xuất" not in plan.vat_reason


def test_a_real_farm_is_still_agriculture(planner: StartupPlanner) -> None:
    farm = plan_for(planner, legal_form="tnhh_1tv", activity="trang trại nuôi gà")
    assert "agriculture" in farm.sectors and item(farm, "1.014952").required
    assert farm.vat_method is VatMethod.DIRECT_ON_REVENUE and "tự sản xuất" in farm.vat_reason
    assert "agriculture" in plan_for(planner, legal_form="dntn", activity="trồng chè").sectors
    # A farm that also runs an eatery: the dish is not livestock, the crop is still farming.
    mixed = plan_for(planner, legal_form="dntn", activity="trồng rau và bán cơm gà")
    assert {"agriculture", "food_beverage"} <= set(mixed.sectors) and "1.014952" not in mixed.codes()


@pytest.mark.parametrize("activity", ["bán rau sạch", "bán thịt lợn", "sơ chế rau"])
def test_selling_fresh_farm_food_needs_the_farm_food_safety_certificate(
    planner: StartupPlanner, activity: str
) -> None:
    plan = plan_for(planner, legal_form="tnhh_1tv", activity=activity)
    assert "agriculture" in plan.sectors
    assert "2.001827" in plan.codes()  # ATTP for trading farm food (Thông tư 38/2018/TT-BNNPTNT)
    # Selling is not farming: no livestock registration, no VAT rule for own farm products.
    assert "1.014952" not in plan.codes() and "1.008128" not in plan.codes()
    assert "tự sản xuất" not in plan.vat_reason


def test_a_farm_food_shop_is_trade_for_policies(catalog: Catalog) -> None:
    shop = parse_profile({"legal_form": "tnhh_1tv", "activity": "bán thịt lợn", "employees": 150})
    farm = parse_profile({"legal_form": "tnhh_1tv", "activity": "trang trại nuôi lợn", "employees": 150})
    matcher = PolicyMatcher(catalog)
    assert "agriculture_investment" not in {m.policy_id for m in matcher.match(shop)}
    assert "agriculture_investment" in {m.policy_id for m in matcher.match(farm)}


def test_selling_farm_inputs_is_not_own_production(planner: StartupPlanner) -> None:
    plan = plan_for(planner, legal_form="tnhh_1tv", activity="kinh doanh thức ăn chăn nuôi")
    assert "agriculture" in plan.sectors and "1.014952" not in plan.codes()
    assert plan.vat_method is VatMethod.CREDIT


def test_security_certificate_needs_a_security_trade(planner: StartupPlanner) -> None:
    cafe = plan_for(planner, legal_form="ho_kinh_doanh", activity="quán cà phê có quầy bar")
    privacy = plan_for(planner, legal_form="tnhh_1tv", activity="dịch vụ bảo vệ dữ liệu cá nhân")
    for plan in (cafe, privacy):
        assert "security_sensitive" not in plan.sectors and "2.001478" not in plan.codes()
    assert "1.014910" in privacy.codes()  # it is a personal-data processing service
    for activity in ("quán bar", "karaoke", "dịch vụ bảo vệ mục tiêu"):
        assert item(plan_for(planner, legal_form="tnhh_1tv", activity=activity), "2.001478").required


SERVICE_CERTIFICATE = "an toàn thực phẩm cho dịch vụ ăn uống"
PACKAGED_FOOD = "thực phẩm bao gói sẵn"


@pytest.mark.parametrize(
    ("activity", "serves_food"),
    [
        ("quán phở bò", True),
        ("quán cà phê", True),
        ("bán bánh kẹo và cà phê pha chế", True),
        ("cửa hàng bánh kẹo", False),
        ("bán thực phẩm bao gói sẵn", False),
    ],
)
def test_food_service_certificate_only_when_food_is_prepared_or_served(
    planner: StartupPlanner, activity: str, serves_food: bool
) -> None:
    plan = plan_for(planner, legal_form="ho_kinh_doanh", activity=activity)
    certificate = [i for i in plan.items if SERVICE_CERTIFICATE in i.title]
    packaged = [i for i in plan.items if PACKAGED_FOOD in i.title]
    if serves_food:
        assert certificate and certificate[0].required and not packaged
    else:  # Nghị định 15/2018/NĐ-CP, Điều 12: pre-packaged food needs no certificate
        assert not certificate and packaged and not packaged[0].required
        assert "Điều 12" in packaged[0].reason


@pytest.mark.parametrize(
    ("activity", "serves_coffee"),
    [
        ("quán cà phê", True),
        ("cà phê sữa đá mang đi", True),
        ("trồng cà phê", False),
        ("rang xay cà phê đóng gói", False),
    ],
)
def test_coffee_is_a_drinks_service_only_when_it_is_served(
    planner: StartupPlanner, activity: str, serves_coffee: bool
) -> None:
    plan = plan_for(planner, legal_form="ho_kinh_doanh", activity=activity)
    assert any(SERVICE_CERTIFICATE in i.title for i in plan.items) is serves_coffee
    assert ("food_beverage" in plan.sectors) is serves_coffee


UNCHECKED = "chưa kiểm tra được"


@pytest.mark.parametrize("activity", ["dạy tiếng Anh", "bán thuốc", "spa"])
def test_unrecognised_activity_says_sector_licences_were_not_checked(
    planner: StartupPlanner, activity: str
) -> None:
    plan = plan_for(planner, legal_form="ho_kinh_doanh", activity=activity)
    assert plan.sectors == []
    notice = next(i for i in plan.items if UNCHECKED in i.title)
    assert activity in notice.reason and "VSIC" in notice.reason and not notice.in_catalog
    recognised = plan_for(planner, legal_form="ho_kinh_doanh", activity="quán phở")
    assert not any(UNCHECKED in i.title for i in recognised.items)


def test_petrol_retail_is_recognised_with_its_conditions(planner: StartupPlanner) -> None:
    plan = plan_for(planner, legal_form="tnhh_1tv", activity="bán xăng dầu")
    assert plan.sectors == ["retail_trade"]
    assert any("xăng dầu" in i.title and not i.in_catalog and i.required for i in plan.items)
    assert item(plan, "1.013128").required  # oil-spill response plan of a petrol station
    assert not any(UNCHECKED in i.title for i in plan.items)


# --- dates in Việt Nam time -----------------------------------------------------------------


def test_today_is_taken_in_vietnam_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # 18:00 UTC on 30 November is 01:00 on 1 December in Hà Nội.
    monkeypatch.setattr(profile_module, "_utc_now", lambda: datetime(2026, 11, 30, 18, 0, tzinfo=UTC))
    assert profile_module.vietnam_today() == date(2026, 12, 1)
    assert parse_profile({"legal_form": "dntn", "activity": "bán lẻ"}).registered_on == date(2026, 12, 1)
    assert parse_profile({"legal_form": "dntn", "activity": "x", "registered_on": "2026-12-01"})
    with pytest.raises(ProfileError, match="in the future"):
        parse_profile({"legal_form": "dntn", "activity": "x", "registered_on": "2026-12-02"})


def test_policy_age_criteria_lack_data_without_a_registration_date(catalog: Catalog) -> None:
    matcher = PolicyMatcher(catalog)
    today = date(2026, 11, 25)
    undated = parse_profile({"legal_form": "ho_kinh_doanh", "activity": "tạp hóa", "registered_on": None})
    assert not undated.registration_date_known
    matches = {m.policy_id: m for m in matcher.match(undated, as_of=today, include_failed=True)}
    conversion = matches["household_to_enterprise"]  # needs at least 1 year of activity
    age = next(c for c in conversion.criteria if "1 năm" in c.label)
    assert age.status is CriterionStatus.UNKNOWN and "ngày đăng ký" in age.detail
    assert conversion.suggested and conversion.verdict == "đáp ứng 1/2 tiêu chí, thiếu dữ liệu 1"
    dated = undated.model_copy(update={"registered_on": today - timedelta(days=60)})
    assert dated.registration_date_known
    assert {m.policy_id: m for m in matcher.match(dated, as_of=today, include_failed=True)}[
        "household_to_enterprise"
    ].failed == 1


# --- policy criteria ops --------------------------------------------------------------------


def _statuses(catalog: Catalog, profile: dict[str, object], *criteria: dict[str, object]) -> list[str]:
    """Statuses of these criteria for the profile, in order, via a one-policy table."""
    policy = Policy(
        id="probe",
        name="probe",
        summary="probe",
        legal_basis=("Nghị định 80/2021/NĐ-CP",),
        apply_code=None,
        apply_note="probe",
        criteria=tuple(Criterion.model_validate({"label": str(c), **c}) for c in criteria),
    )
    matcher = PolicyMatcher(catalog, table=PolicyTable(about="probe", policies=(policy,)))
    [match] = matcher.match(parse_profile(profile), as_of=date(2026, 11, 25), include_failed=True)
    return [c.status.value for c in match.criteria]


def test_criterion_ops_are_honoured(catalog: Catalog) -> None:
    shop = {"legal_form": "dntn", "activity": "bán lẻ quần áo", "employees": 6, "registered_on": "2024-11-01"}
    assert _statuses(
        catalog,
        shop,
        {"field": "legal_form", "op": "eq", "value": "dntn"},
        {"field": "legal_form", "op": "in", "value": ["co_phan", "tnhh_1tv"]},
        {"field": "trade", "op": "eq", "value": False},
        {"field": "trade", "op": "eq", "value": True},
        {"field": "sector", "op": "eq", "value": "retail_trade"},
        {"field": "sector", "op": "in", "value": ["retail_trade", "food_beverage"]},
        {"field": "sector", "op": "any", "value": ["agriculture"]},
        {"field": "employees", "op": "eq", "value": 5},  # 6 ≠ 5 (was read as ≥ 5)
        {"field": "employees", "op": "le", "value": 10},
        {"field": "age_years", "op": "ge", "value": 3},
        {"field": "age_years", "op": "le", "value": 3},
        {"field": "sme", "op": "eq", "value": False},
    ) == [
        "met",
        "failed",
        "met",
        "failed",
        "met",
        "met",
        "failed",
        "failed",
        "met",
        "failed",
        "met",
        "unknown",
    ]


def test_employee_ranges_are_judged_by_both_ends(catalog: Catalog) -> None:
    services = {"legal_form": "tnhh_2tv", "activity": "bán lẻ quần áo", "revenue_band": "3_10_ty"}
    sme = {"field": "sme", "op": "eq", "value": True}
    assert _statuses(catalog, {**services, "employees": "50-150"}, sme) == ["unknown"]  # may exceed 100
    assert _statuses(catalog, {**services, "employees": "120-150"}, sme) == ["failed"]
    assert _statuses(catalog, {**services, "employees": "50-90"}, sme) == ["met"]
    factory = {**services, "activity": "xưởng may mặc", "employees": "50-150"}
    assert _statuses(catalog, factory, sme) == ["met"]  # industry: up to 200 employees
    # '10+' has no upper bound: it may exceed 100; 'trên 100' certainly does.
    assert _statuses(catalog, {**services, "employees": "10+"}, sme) == ["unknown"]
    assert _statuses(catalog, {**services, "employees": "trên 100"}, sme) == ["failed"]
    few = {"field": "employees", "op": "ge", "value": 10}
    assert _statuses(catalog, {**services, "employees": "0-3"}, few) == ["failed"]
    assert _statuses(catalog, {**services, "employees": "5-20"}, few) == ["unknown"]


@pytest.mark.parametrize(
    "criterion",
    [
        {"field": "legal_form", "op": "le", "value": "dntn"},
        {"field": "employees", "op": "in", "value": [1, 2]},
        {"field": "sme", "op": "ge", "value": True},
        {"field": "sector", "op": "any", "value": "agriculture"},
        {"field": "legal_form", "op": "in", "value": ["llc"]},
    ],
)
def test_a_criterion_with_an_op_its_field_cannot_honour_is_refused(criterion: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Criterion.model_validate({"label": "x", **criterion})


# --- start-up output carries authority and legal basis --------------------------------------


def test_startup_output_names_authority_and_legal_basis(
    planner: StartupPlanner, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = plan_for(planner, legal_form="tnhh_2tv", activity="nhà hàng lẩu nướng", employees=12)
    timeline = plan_to_json(plan)["timeline"]
    food = next(i for i in timeline if SERVICE_CERTIFICATE in i["title"])
    assert food["authority"] and "Nghị định 15/2018/NĐ-CP" in "; ".join(food["legal_basis"])
    registration = next(i for i in timeline if i["code"] == "2.001199")
    assert registration["legal_basis"] and all(LAW_NUMBER.search(b) for b in registration["legal_basis"])
    assert all(i["legal_basis"] for i in timeline if not i["in_catalog"])  # every rule cites its basis
    _print_plan(plan)
    printed = capsys.readouterr().out
    assert f"nơi xử lý: {food['authority']}" in printed
    assert f"căn cứ: {'; '.join(food['legal_basis'])}" in printed


# --- short first corporate-tax period -------------------------------------------------------


def test_short_first_tax_period_is_counted_in_calendar_months(planner: StartupPlanner) -> None:
    # 2/10-31/12 is 90 days but under three calendar months; 1/10-31/12 is exactly three.
    assert short_first_tax_period(date(2026, 10, 2)) and short_first_tax_period(date(2026, 12, 31))
    assert not short_first_tax_period(date(2026, 10, 1)) and not short_first_tax_period(date(2026, 9, 30))
    late = planner.plan(
        parse_profile({"legal_form": "tnhh_1tv", "activity": "tư vấn", "registered_on": "2025-10-02"})
    )
    cit = item(late, "1.008346")
    assert "31/03/2027" in cit.due and "dưới 3 tháng" in cit.reason  # may merge into 2026
    on_time = planner.plan(
        parse_profile({"legal_form": "tnhh_1tv", "activity": "tư vấn", "registered_on": "2025-10-01"})
    )
    cit = item(on_time, "1.008346")
    assert "31/03/2026" in cit.due and "dưới 3 tháng" not in cit.reason and "2027" not in cit.due
