"""Related-service suggestions on the shipped catalog: links, exclusions, profile, bad input, eval."""

from __future__ import annotations

import pytest

from catalog.store import UnknownProcedureError
from models.recommend import CaseProfile, Relation, build_related_suggester
from models.recommend.lifecycle import parse_title
from models.recommend.variants import VariantIndex, is_foreign_element, variant_key
from tests.conftest import EVAL


@pytest.fixture(scope="module")
def suggester(catalog):
    return build_related_suggester(catalog)


def _codes(suggestions):
    return [s.code for s in suggestions]


def test_variant_key_removes_level_channel_and_foreign_qualifiers():
    assert variant_key("Thủ tục đăng ký khai sinh có yếu tố nước ngoài") == variant_key(
        "Thủ tục đăng ký khai sinh"
    )
    assert variant_key("Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)") == variant_key("Cấp lại thẻ căn cước")
    assert variant_key("Đăng ký lại khai sinh") != variant_key("Đăng ký khai sinh")


def test_variant_index_on_the_catalog(catalog):
    variants = VariantIndex(catalog)
    birth = variants.variants_of("1.001193")  # đăng ký khai sinh
    assert birth and all("khai sinh" in catalog.get_or_raise(code=c).title.lower() for c in birth)
    assert "1.004222" not in variants.variants_of("1.004194")  # thường trú is not tạm trú


def test_lifecycle_titles_are_read_as_action_and_object():
    parsed = parse_title("Xóa đăng ký tạm trú")
    assert parsed.action == "delete" and parsed.object_words == frozenset({"tạm", "trú"})
    assert parse_title("Gia hạn tạm trú").action == "extend"
    assert parse_title("Hướng dẫn chung") is None


def test_death_registration_suggests_the_decree_63_follow_ups(suggester, catalog):
    suggestions = suggester.suggest(codes=["1.000656"], profile=CaseProfile(applicant_type="citizen"))
    titles = [s.title.lower() for s in suggestions]
    assert any("xóa đăng ký thường trú" in t for t in titles)
    assert any("tử tuất" in t for t in titles)
    first = suggestions[0]
    assert first.relation is Relation.FOLLOW_UP
    for s in suggestions:  # a sentence that says more than the title
        assert s.reason.endswith(".")
        assert s.title.lower() not in s.reason.lower() or len(s.reason) > len(s.title) + 20


@pytest.fixture(scope="module")
def forbidden(catalog):
    from models.events import load_taxonomy
    from models.recommend.evaluation import ForbiddenCodes

    return ForbiddenCodes(catalog, load_taxonomy())


def test_never_the_given_code_nor_an_excluded_variant(suggester, forbidden):
    """Checked against what the taxonomy and the titles forbid, not the suggester's own list."""
    codes = ["1.001193", "1.000894", "1.000656", "1.010386", "1.014061", "1.013225", "1.007014", "1.004222"]
    for code in codes:
        suggested = _codes(suggester.suggest(codes=[code]))
        excluded = forbidden.for_codes([code])
        assert code in excluded and not set(suggested) & excluded, code
    assert {"1.007022", "1.004194"} <= forbidden.for_codes(["1.007014", "1.004222"])
    assert "1.003583" in forbidden.for_codes(["1.001193"])  # khai sinh lưu động, same act


def test_evaluation_catches_a_suggester_that_forgets_its_exclusions(catalog, monkeypatch):
    """The self/excluded share must be able to fail: with exclusions switched off, suggesting the
    VAT direct method beside the deduction method is counted."""
    from models.recommend.evaluation import RelatedCase, evaluate_suggestions

    careless = build_related_suggester(catalog)
    monkeypatch.setattr(careless, "excluded_for", lambda codes: set(codes))
    case = RelatedCase(id="vat", given=["1.007014"], profile={"kind": "business"}, expected=["1.008346"])
    report = evaluate_suggestions(careless, [case])
    assert "1.007022" in report.per_case[0].forbidden and report.forbidden_share > 0


def test_joint_procedure_covers_its_parts(suggester):
    suggested = _codes(suggester.suggest(codes=["2.000986"]))  # liên thông khai sinh + thường trú + BHYT
    assert "1.001193" not in suggested and "1.004222" not in suggested


def test_no_foreign_element_variants_for_a_vietnamese_couple(suggester, catalog):
    plain = suggester.suggest(codes=["1.004873"], profile=CaseProfile(applicant_type="citizen"))
    assert plain and not any(is_foreign_element(catalog.get_or_raise(code=s.code)) for s in plain)
    foreign = suggester.suggest(
        codes=["1.004873"], profile=CaseProfile(situation="kết hôn với người nước ngoài")
    )
    assert any(is_foreign_element(catalog.get_or_raise(code=s.code)) for s in foreign)


def test_situation_lifts_the_situational_member(suggester):
    without = _codes(suggester.suggest(codes=["1.001193"]))
    with_bhxh = _codes(
        suggester.suggest(codes=["1.001193"], profile=CaseProfile(situation="mẹ đang đóng BHXH bắt buộc"))
    )
    assert "2.000693" in with_bhxh  # chế độ thai sản
    assert without.index("2.000693") > with_bhxh.index("2.000693") if "2.000693" in without else True


def test_profile_parsing_ignores_unknown_keys_and_maps_kinds():
    profile = CaseProfile.model_validate({"kind": "household_business", "revenue": "lớn", "situation": " x "})
    assert profile.applicant_type == "household_business" and profile.situation == "x"
    assert CaseProfile.model_validate({"kind": "person"}).applicant_type == "citizen"
    assert CaseProfile.model_validate({"kind": "alien"}).applicant_type is None


def test_procedures_outside_every_event_still_get_content_suggestions(suggester, catalog):
    from models.events import EventCatalog

    inside = EventCatalog.build(catalog).codes_in_events()
    outside = [p.code for p in catalog if p.code not in inside][:25]
    assert outside
    for code in outside:
        assert suggester.suggest(codes=[code]), code


def test_bad_input(suggester):
    with pytest.raises(UnknownProcedureError):
        suggester.suggest(codes=["9.999999"])
    with pytest.raises(ValueError, match="at least one"):
        suggester.suggest(codes=[])
    assert len(suggester.suggest(codes=["1.000656"], limit=3)) == 3


@pytest.mark.slow
def test_related_dev_targets(suggester):
    from models.recommend.evaluation import evaluate_suggestions, load_cases

    report = evaluate_suggestions(suggester, load_cases(EVAL / "related_dev.jsonl"))
    assert report.recall_at_k >= 0.70
    assert report.hit_rate >= 0.90
    assert report.forbidden_share == 0.0


def test_suggest_cli_batch_answers_every_line(tmp_path):
    import json

    from typer.testing import CliRunner

    from cli.main import app

    lines = "\n".join(
        [
            json.dumps({"id": "a", "codes": ["1.000656"], "profile": {"kind": "person", "unknown": 1}}),
            json.dumps({"id": "b", "codes": ["9.999999"]}),
            "not json",
            json.dumps({"id": "c", "codes": []}),
        ]
    )
    result = CliRunner().invoke(app, ["suggest", "--jsonl"], input=lines)
    assert result.exit_code == 0 and "3 line(s) failed" in result.output  # every line answered
    out = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [o.get("id") for o in out] == ["a", "b", None, "c"]
    assert len(out[0]["results"]) == 10
    assert set(out[0]["results"][0]) == {"code", "title", "reason", "relation"}
    assert "error" in out[1] and "error" in out[2] and "error" in out[3]


def test_events_cli_json_and_unknown_event():
    import json

    from typer.testing import CliRunner

    from cli.main import app

    runner = CliRunner()
    listed = runner.invoke(app, ["events", "--json"])
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout[listed.stdout.index("[") :])
    assert {"id", "name", "kind", "codes"} == set(rows[0])
    assert {r["kind"] for r in rows} == {"life", "business"}
    missing = runner.invoke(app, ["events", "show", "no-such-event"])
    assert missing.exit_code != 0 and "no event" in missing.output


def test_employers_get_their_staff_obligations(suggester, catalog):
    employer = _codes(
        suggester.suggest(
            codes=["2.001583"], profile=CaseProfile(applicant_type="business", has_employees=True)
        )
    )
    alone = _codes(
        suggester.suggest(
            codes=["2.001583"], profile=CaseProfile(applicant_type="business", has_employees=False)
        )
    )
    social_insurance = "1.002051"  # đăng ký đóng BHXH, BHYT, BHTN cho người lao động
    assert social_insurance in employer and social_insurance not in alone


def test_unknown_profile_text_still_informs_the_match():
    profile = CaseProfile.model_validate(
        {"kind": "household_business", "revenue": "trên 1 tỷ", "employees": 2}
    )
    assert profile.notes == "trên 1 tỷ" and profile.has_employees is True
    assert "1 tỷ" in profile.context


def _logs(rows: list[list[str]]):
    from models.recommend import DossierLog

    return [DossierLog(case_id=f"case-{i}", codes=codes) for i, codes in enumerate(rows)]


def test_without_dossier_logs_no_reason_cites_them(suggester, catalog):
    """No real log, no co-occurrence: nothing may claim what people filed together."""
    for code in ["1.000656", "1.001193", "2.001610"]:
        if code in catalog:
            assert all("nhật ký hồ sơ" not in s.reason for s in suggester.suggest(codes=[code]))


def test_dossier_logs_add_procedures_filed_after_the_given_one(catalog):
    from models.recommend import Relation

    # Real-style logs: a business founded (2.001610) then, in most cases, an unrelated-by-content
    # procedure filed next; co-occurrence must surface it with a reason naming the logs.
    given, follower = "2.001610", "1.001193"
    logs = _logs([[given, follower]] * 8 + [[given]] * 2)
    suggester = build_related_suggester(catalog, dossier_logs=logs)
    found = {s.code: s for s in suggester.suggest(codes=[given], limit=10)}
    assert follower in found
    assert "nhật ký hồ sơ" in found[follower].reason and "mô phỏng" not in found[follower].reason
    assert found[follower].relation is Relation.FOLLOW_UP


def test_dossier_log_file_errors_name_the_line(tmp_path):
    from models.recommend import DossierLogError, load_dossier_logs

    good = tmp_path / "log.jsonl"
    good.write_text('{"case_id": "a", "codes": ["1.000656", "1.001193"]}\n\n', encoding="utf-8")
    assert [log.codes for log in load_dossier_logs(good)] == [["1.000656", "1.001193"]]
    bad = tmp_path / "bad.jsonl"
    lines = ['{"case_id": "a", "codes": ["1.000656"]}', '{"case_id": "b", "codes": []}']
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DossierLogError, match=r"bad.jsonl:2: codes"):
        load_dossier_logs(bad)
    with pytest.raises(DossierLogError, match="cannot read"):
        load_dossier_logs(tmp_path / "missing.jsonl")


def test_repeated_codes_in_a_log_count_once_at_their_first_position():
    from models.recommend import CooccurrenceModel

    model = CooccurrenceModel.fit(_logs([["A", "B", "A", "B"]] * 3 + [["B", "A"]]), min_cases=1)
    after_a = {n.code: n for n in model.for_code("A")}["B"]
    after_b = {n.code: n for n in model.for_code("B")}["A"]
    assert after_a.cases == 4 and after_a.after_share == 0.75  # B after A in 3 of 4 cases
    assert after_b.after_share == 0.25


def test_age_group_informs_the_match(suggester):
    """The age group is case text like the situation: a child's ID card comes first for a child."""
    child_card = "1.014062"  # cấp thẻ căn cước cho người dưới 14 tuổi
    plain = _codes(suggester.suggest(codes=["1.014061"]))
    child = _codes(suggester.suggest(codes=["1.014061"], profile=CaseProfile(age_group="trẻ dưới 14 tuổi")))
    assert child[0] == child_card and plain[0] != child_card
    assert "dưới 14 tuổi" in CaseProfile(age_group=" trẻ dưới 14 tuổi ").context


@pytest.mark.parametrize(
    ("nationality", "foreign"),
    [
        ("Việt Nam", False),
        ("Viet Nam", False),
        ("Việt", False),
        ("người Việt Nam", False),
        ("quốc tịch Việt Nam", False),
        ("VN", False),
        ("Hàn Quốc", True),
        ("Japan", True),
    ],
)
def test_nationality_is_compared_without_marks_and_spaces(nationality, foreign):
    assert CaseProfile(nationality=nationality).is_foreigner is foreign


@pytest.mark.parametrize(
    ("employees", "has"),
    [
        ("5", True),
        ("0-3", True),
        ("3 người", True),
        ("10+", True),
        ("dưới 5", True),
        ("dưới 1", False),
        ("0", False),
        (0, False),
        ("không có", False),
        ("chưa có", False),
        ("vài", None),
    ],
)
def test_employees_given_as_text_set_has_employees(employees, has):
    assert CaseProfile.model_validate({"employees": employees}).has_employees is has


def test_employees_as_text_bring_the_employer_obligations(suggester):
    social_insurance = "1.002051"  # đăng ký đóng BHXH, BHYT, BHTN cho người lao động
    profile = CaseProfile.model_validate({"kind": "business", "employees": "5"})
    assert social_insurance in _codes(suggester.suggest(codes=["2.001583"], profile=profile))


def test_vat_methods_are_never_suggested_together(suggester):
    deduction, direct = "1.007014", "1.007022"  # khai thuế GTGT: khấu trừ / trực tiếp trên doanh thu
    assert direct in suggester.excluded_for([deduction]) and deduction in suggester.excluded_for([direct])
    assert direct not in _codes(suggester.suggest(codes=[deduction], profile=CaseProfile(kind="business")))
    assert deduction not in _codes(suggester.suggest(codes=[direct], profile=CaseProfile(kind="business")))


@pytest.fixture(scope="module")
def bases(catalog):
    from models.recommend.legal import LegalBases

    return LegalBases(catalog)


def test_reasons_cite_the_newest_law_of_a_name(suggester, bases):
    """1.001598 still cites Luật BHXH 58/2014, replaced by 41/2024 which the catalog also holds."""
    assert bases.main("1.001598") == "Luật Bảo hiểm xã hội 41/2024/QH15"
    reasons = [s.reason for code in ["1.001193", "1.001598"] for s in suggester.suggest(codes=[code])]
    assert not any("58/2014" in r for r in reasons)
    assert any("Luật Bảo hiểm xã hội 41/2024/QH15" in r for r in reasons)


def test_employer_reasons_cite_what_the_member_rests_on(suggester, bases, catalog):
    profile = CaseProfile(applicant_type="business", has_employees=True)
    shown = [s for s in suggester.suggest(codes=["2.001583"], profile=profile) if "profile" in s.sources]
    assert any("thu nhập cá nhân" in s.title for s in shown)  # the wage PIT return is among them
    for s in shown:
        cited = s.reason.rsplit("(căn cứ ", 1)[1].rstrip(").") if "(căn cứ " in s.reason else None
        assert cited is None or cited in bases.citations(s.code), (s.code, cited)
        if "thuế" in s.title.lower():
            assert "Bảo hiểm xã hội" not in s.reason, s.reason


def _cited(reason: str) -> str | None:
    return reason.rsplit("(căn cứ ", 1)[1].rstrip(").") if "(căn cứ " in reason else None


def test_event_reasons_cite_only_what_the_suggestion_rests_on(suggester, bases):
    """Company registration's event rests on Luật Doanh nghiệp; members under other laws (tax
    registration under Luật Quản lý thuế) must not be said to rest on it."""
    shown = [s for s in suggester.suggest(codes=["2.001583"], limit=20) if "event" in s.sources]
    assert any(_cited(s.reason) and "Doanh nghiệp" not in _cited(s.reason) for s in shown)
    for s in shown:
        cited = _cited(s.reason)
        assert cited is None or cited in bases.citations(s.code), (s.code, cited)


def _citing(catalog, number: str) -> int:
    return sum(any(b.number.strip() == number for b in p.legal_basis) for p in catalog)


def test_a_law_many_procedures_cite_is_no_reason_to_go_together(bases, catalog):
    assert _citing(catalog, "60/2014/QH13") > 0.01 * len(catalog)  # Luật Hộ tịch
    citation, rarity = bases.rarest_shared("1.001193", "1.000656")  # khai sinh, khai tử
    assert citation is None and rarity > 0
    citation, rare = bases.rarest_shared("1.001598", "1.001667")  # dưỡng sức, ốm đau: few cite theirs
    assert citation is not None and rare > rarity


@pytest.mark.slow
def test_content_suggestions_need_words_and_a_rare_law(artefacts, catalog):
    """With e5 neighbours (which put every civil-status registration together), a birth is not
    followed by a death or a marriage registration, and no 'same law' reason names a law cited by
    more than 1 % of the catalog."""
    import re

    from models.events.artefacts import load_event_artefacts

    events, neighbours = load_event_artefacts(artefacts.step_dir("events"))
    suggester = build_related_suggester(catalog, events=events, embedding_neighbours=neighbours)
    birth = _codes(suggester.suggest(codes=["1.001193"]))
    assert "1.000656" not in birth and "1.000894" not in birth
    for code in ["1.001193", "1.000656", "1.004222", "1.001612", "1.007014", "1.001598"]:
        for s in suggester.suggest(codes=[code]):
            if "cùng dựa trên" in s.reason:
                number = re.search(r"\d+[\w.]*/\d{4}/[\w-]+", s.reason).group(0)
                assert _citing(catalog, number) <= 0.01 * len(catalog), (code, s.reason)


def test_after_a_start_what_people_do_next_comes_before_ending_it(suggester, catalog):
    """Registering a household business, a company or a residence is followed first by running it;
    closing, suspending or deleting it comes later, and never first."""
    from models.recommend.lifecycle import Stage

    assert parse_title("Tạm ngừng kinh doanh, tiếp tục kinh doanh của hộ kinh doanh").stage is Stage.END
    for code in ["1.001612", "1.004222", "1.004194", "2.001583", "1.011441"]:
        assert parse_title(catalog.get_or_raise(code=code).title).stage is Stage.START
        stages = [parse_title(s.title) for s in suggester.suggest(codes=[code])]
        ends = [i for i, parsed in enumerate(stages) if parsed is not None and parsed.stage is Stage.END]
        assert stages and 0 not in ends, code
    household = _codes(suggester.suggest(codes=["1.001612"]))  # đăng ký thành lập hộ kinh doanh
    assert household.index("1.001266") > household.index("1.011022")  # chấm dứt after khai thuế


def test_the_path_not_chosen_is_not_followed(suggester):
    """Thường trú and tạm trú are the two ways to register a new home: after thường trú, extending
    or deleting a tạm trú belongs to the other path."""
    permanent = _codes(suggester.suggest(codes=["1.004222"]))
    assert "1.002755" not in permanent[:5] and "1.010028" not in permanent[:5]  # gia hạn, xóa tạm trú
    temporary = _codes(suggester.suggest(codes=["1.004194"]))
    assert "1.002755" in temporary[:3]  # on the tạm trú path, extending it is next


@pytest.mark.parametrize(
    ("title", "citation"),
    [
        ("LUẬT Đấu giá tài sản năm 2016", "Luật Đấu giá tài sản 01/2016/QH14"),
        ("Luật Cư trú 2020", "Luật Cư trú 01/2016/QH14"),
        ("Luật sửa đổi, bổ sung một số điều của Luật Đấu giá tài sản", "Luật 01/2016/QH14"),
    ],
)
def test_a_law_is_cited_by_its_own_name_without_its_year(title: str, citation: str) -> None:
    from catalog.schema import LegalBasis
    from models.recommend.legal import cite

    assert cite(LegalBasis(number="01/2016/QH14", title=title)) == citation
