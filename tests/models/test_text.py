"""Vietnamese normalisation, folding, spelling variants and the lexicon."""

from __future__ import annotations

import unicodedata

import pytest

from models.text.lexicon import default_lexicon
from models.text.normalize import fold_diacritics, has_diacritics, normalize_vietnamese, tokenize
from models.text.spelling import looks_like_syllable, spelling_variants
from models.text.stopwords import ENGLISH_STOPWORDS, VIETNAMESE_STOPWORDS, content_span


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [
        ("hoà giải", "hòa giải"),
        ("Thuỵ Khuê", "thụy khuê"),
        ("Uỷ ban nhân dân", "ủy ban nhân dân"),
        ("hoá đơn", "hóa đơn"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("thuỷ sản", "thủy sản"),
        ("oà khóc", "òa khóc"),
    ],
)
def test_old_and_new_tone_placement_meet(old_style: str, new_style: str) -> None:
    assert normalize_vietnamese(old_style) == normalize_vietnamese(new_style) == new_style


@pytest.mark.parametrize(
    "word", ["hoàn", "toán", "quý", "già", "giữ", "người", "được", "ngoài", "khuỷu", "thuyết", "gìn"]
)
def test_tone_stays_where_spelling_rules_put_it(word: str) -> None:
    assert normalize_vietnamese(word) == word


def test_decomposed_input_becomes_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    assert normalize_vietnamese(decomposed) == "đăng kí khai sinh"
    assert unicodedata.is_normalized("NFC", normalize_vietnamese(decomposed))


def test_i_y_free_variation_is_unified() -> None:
    assert normalize_vietnamese("đăng ký") == normalize_vietnamese("đăng kí")
    assert normalize_vietnamese("lý lịch") == normalize_vietnamese("lí lịch")
    assert normalize_vietnamese("quí") == normalize_vietnamese("quý")
    assert normalize_vietnamese("tuyển") == "tuyển"  # y inside a rhyme is not the variant


def test_case_punctuation_and_codes() -> None:
    assert normalize_vietnamese("  CẤP lại; GPLX (B2)!! ") == "cấp lại gplx b2"
    assert tokenize("mã thủ tục 1.001193.") == ["mã", "thủ", "tục", "1.001193"]


def test_fold_diacritics_removes_every_mark_including_d_stroke() -> None:
    assert fold_diacritics("Đăng ký đất đai") == "Dang ky dat dai"
    assert fold_diacritics("người được ủy quyền") == "nguoi duoc uy quyen"
    assert fold_diacritics("ð") == "d"  # eth typed for đ
    assert has_diacritics("đất") and not has_diacritics("dat")


def test_spelling_variants_follow_known_confusions() -> None:
    assert "tru" in spelling_variants("chu")  # ch/tr
    assert "sua" in spelling_variants("xua")  # s/x
    assert "nam" in spelling_variants("lam")  # l/n
    assert {"gia", "ra"} <= spelling_variants("da")  # d/gi/r
    assert "toc" in spelling_variants("tot")  # final t/c
    assert "bang" in spelling_variants("ban")  # final n/ng
    assert "chu" not in spelling_variants("chu")


def test_stop_words_are_per_language() -> None:
    assert "in" in ENGLISH_STOPWORDS and "in" not in VIETNAMESE_STOPWORDS  # in = print
    assert "to" in ENGLISH_STOPWORDS and "tờ" not in VIETNAMESE_STOPWORDS


@pytest.mark.parametrize(
    ("query", "content"),
    [
        ("cho em hỏi cấp lại hộ chiếu ạ", "cấp lại hộ chiếu"),
        ("tôi muốn đăng ký kết hôn thì làm", "đăng kí kết hôn"),
        ("cấp giấy phép cho tàu bay", "cấp giấy phép cho tàu bay"),  # function words inside stay
        ("cho em hỏi", "cho em hỏi"),  # nothing but function words: all of it
        ("em muốn đăng ký nơi ở", "đăng kí nơi ở"),  # a function word that ends a name stays
        ("cho tôi hỏi làm thẻ bảo hiểm cho con", "thẻ bảo hiểm cho con"),
    ],
)
def test_content_span_drops_the_frame_of_a_spoken_request(query: str, content: str) -> None:
    syllables = tokenize(query)
    start, end = content_span(syllables)
    assert " ".join(syllables[start:end]) == content


def test_content_span_keeps_positions_asked_for() -> None:
    """A lexicon term may begin with a function word ("xin visa"): its positions stay."""
    syllables = tokenize("xin visa cho vợ")
    assert content_span(syllables) == (1, 4)
    assert content_span(syllables, keep={0, 1}) == (0, 4)


@pytest.mark.parametrize(
    ("query", "meaning"),
    [
        ("làm CCCD", "thẻ căn cước"),
        ("cấp đổi CMND", "chứng minh nhân dân"),
        ("thẻ BHYT", "thẻ bảo hiểm y tế"),
        ("GPLX hết hạn", "giấy phép lái xe"),
        ("xin sổ đỏ", "giấy chứng nhận quyền sử dụng đất"),
        ("so hong", "giấy chứng nhận quyền sử dụng đất"),
        ("mất cà vẹt", "chứng nhận đăng ký xe"),
        ("nhập hộ khẩu", "thường trú"),
        ("giấy XNTTHN", "xác nhận tình trạng hôn nhân"),
        ("NOXH", "nhà ở xã hội"),
        ("QSDĐ", "quyền sử dụng đất"),
    ],
)
def test_lexicon_expands_acronyms_and_slang(query: str, meaning: str) -> None:
    lexicon = default_lexicon()
    syllables = tokenize(query)
    found = lexicon.find(syllables, folded=not has_diacritics(query))
    assert meaning in {m for e in found for m in e.means}


def test_english_entries_apply_only_to_english_text() -> None:
    lexicon = default_lexicon()
    found = lexicon.find(tokenize("birth certificate"), english=True)
    assert any("đăng ký khai sinh" in e.means for e in found)
    # Vietnamese "tin" (news, information) is not the English word.
    assert not any(e.kind == "english" for e in lexicon.find(tokenize("cung cấp thông tin")))


def test_one_syllable_terms_spelt_like_syllables_need_their_marks_or_case() -> None:
    """Typed bare, "vat" may be vật and "tro" trợ: only acronyms that cannot be syllables match."""
    lexicon = default_lexicon()
    assert not lexicon.find(tokenize("thuoc bao ve thuc vat"), folded=True)
    assert not lexicon.find(tokenize("tro cap"), folded=True)
    assert {e.term for e in lexicon.find(tokenize("hoàn thuế VAT"))} >= {"vat"}
    assert "cccd" in {e.term for e in lexicon.find(tokenize("lam lai cccd"), folded=True)}
    assert [looks_like_syllable(w) for w in ("vat", "nghieng", "oan", "bhyt", "cccd", "mst", "cty")] == [
        True, True, True, False, False, False, False,
    ]


def test_lexicon_meanings_are_catalog_wording(catalog_titles: str) -> None:
    """Most meanings must be words the catalog actually uses, or the expansion finds nothing."""
    meanings = {m for e in default_lexicon().entries for m in e.means}
    used = [m for m in meanings if normalize_vietnamese(m) in catalog_titles]
    assert len(used) / len(meanings) >= 0.8


@pytest.fixture(scope="module")
def catalog_titles(catalog) -> str:
    """Every title, field and result name of the shipped catalog, normalised, in one string."""
    texts = [t for p in catalog for t in (p.title, p.field or "", *(r.name for r in p.results))]
    return " | ".join(normalize_vietnamese(t) for t in texts)
