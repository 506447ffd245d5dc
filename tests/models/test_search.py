"""Search ranking behaviour on the shipped catalog, bad input, the JSONL batch and dev-set quality."""

from __future__ import annotations

import io
import json
import random
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.schema import Level, Procedure
from catalog.store import Catalog
from cli.main import app
from cli.search import run_batch
from models.artefacts import Artefacts
from models.embedding.bias_tuning import TuningExample, batch_columns
from models.search.actions import leading_action, named_actions
from models.search.baselines import FoldedBM25Baseline, Fts5Baseline
from models.search.dense import procedure_passage
from models.search.descriptions import load_descriptions
from models.search.engine import (
    MAX_QUERY_CHARS,
    EncodedDense,
    InvalidQueryError,
    SearchEngine,
    SearchFilters,
)
from models.search.evaluation import (
    WRITTEN_QUERIES,
    evaluate,
    everyday_sentences,
    is_held_out,
    load_eval_queries,
)
from models.search.fusion import FusionWeights
from models.search.lexical import LexicalWeights
from models.search.query import QueryKind, lexical_query
from models.search.repair import QueryRepairer
from models.search.synthetic import core_title
from models.search.tuning_examples import tuning_examples
from models.text.normalize import fold_diacritics, has_diacritics, normalize_vietnamese, tokenize
from models.text.spelling import ONSET_CONFUSIONS, split_syllable
from models.text.stopwords import VIETNAMESE_STOPWORDS
from tests.conftest import EVAL


@pytest.fixture(scope="module")
def engine(catalog: Catalog) -> SearchEngine:
    """Lexical-only engine (no artefacts needed): the ranking rules under test live there."""
    return SearchEngine(catalog)


@pytest.fixture(scope="module")
def distinct_titles(catalog: Catalog) -> list[tuple[str, str, list[str]]]:
    """(code, title, codes sharing its core title) for a reproducible sample of procedures."""
    by_core: dict[str, list[str]] = defaultdict(list)
    for procedure in catalog:
        by_core[core_title(procedure.title)].append(procedure.code)
    procedures = sorted(catalog, key=lambda p: p.code)
    sample = random.Random(4).sample(procedures, 60)
    return [(p.code, p.title, by_core[core_title(p.title)]) for p in sample]


def test_exact_code_comes_first(engine: SearchEngine, catalog: Catalog) -> None:
    for code in sorted(catalog.codes())[::300]:
        for query in (code, f"mã thủ tục {code}", f"thủ tục {code} cần giấy tờ gì"):
            hits = engine.search(query)
            assert hits[0].code == code and hits[0].match == "code", query


def test_exact_title_comes_first(engine: SearchEngine, distinct_titles) -> None:
    for _, title, same_title in distinct_titles:
        hits = engine.search(title)
        assert hits[0].code in same_title and hits[0].match == "title", title


def test_accented_exact_match_ranks_above_folded_match(engine: SearchEngine, catalog: Catalog) -> None:
    """Catalog words that fold to the same letters (thú/thủ/thu/thư): the spelling typed wins, i.e.
    the first result holds it as typed, in its title or in its everyday descriptions."""
    counts: Counter[str] = Counter(w for p in catalog for w in set(tokenize(p.title)))
    spellings: dict[str, set[str]] = defaultdict(set)
    for word, count in counts.items():
        if count >= 5 and word.isalpha() and word not in VIETNAMESE_STOPWORDS:
            spellings[fold_diacritics(word)].add(word)
    ambiguous = [sorted(words) for words in spellings.values() if len(words) >= 2]
    assert len(ambiguous) >= 30
    # Lexicon words ("bố" = cha) are meant to reach their meaning instead.
    lexicon_words = {s for e in engine.lexicon.entries for t in e.terms for s in tokenize(t)}
    descriptions = load_descriptions()
    misses = []
    for words in ambiguous:
        # A word typed without any mark may be a folded spelling of the others: only marked words.
        for typed in (w for w in words if has_diacritics(w) and w not in lexicon_words):
            top = engine.search(typed, limit=1)
            texts = [top[0].title, *descriptions[top[0].code].vietnamese()] if top else []
            if typed not in {word for text in texts for word in tokenize(text)}:
                misses.append((typed, top[0].title if top else None))
    assert not misses, misses


@pytest.fixture(scope="module")
def action_families(catalog: Catalog) -> list[tuple[Procedure, Procedure, str, str]]:
    """(first act, later act, the object both titles name, the later act's action) for every pair
    of titles of the catalog that differ only by the action: "Cấp thẻ X" and "Cấp lại thẻ X"."""
    first_acts: dict[str, Procedure] = {}
    for procedure in sorted(catalog, key=lambda p: p.code):
        words = tokenize(core_title(procedure.title))
        if leading_action(procedure.title) is None and words[:1] == ["cấp"]:
            first_acts.setdefault(" ".join(words[1:]), procedure)
    families = []
    for procedure in sorted(catalog, key=lambda p: p.code):
        action = leading_action(procedure.title)
        words = tokenize(core_title(procedure.title))
        words = words[2:] if words[:2] == ["thủ", "tục"] else words
        if action is None:
            continue
        typed_action, obj = " ".join(words[: len(action.split())]), " ".join(words[len(action.split()) :])
        if first := first_acts.get(obj):
            families.append((first, procedure, obj, typed_action))
    return families


def test_leading_and_named_actions() -> None:
    assert leading_action("Thủ tục Gia hạn giấy phép xây dựng") == "gia han"
    assert leading_action("Cấp lại giấy phép lái xe") == "cap lai"
    assert leading_action("Cấp giấy phép lái xe") is None
    assert leading_action("Đăng ký khai sinh") is None
    assert named_actions(tokenize("làm lại bằng lái bị mất, cấp lại ở đâu")) == {"cap lai"}
    assert named_actions(tokenize("xin gia han giay phep")) == {"gia han"}
    assert named_actions(tokenize("hủy bỏ")) == {"huy"} and not named_actions(tokenize("huyện"))


def test_a_request_naming_no_action_means_the_first_act(catalog: Catalog, action_families) -> None:
    """ "xin thẻ X" asks for the card, not for its renewal or revocation; "cấp lại thẻ X" asks for
    the renewal. Measured over every such family of the catalog (147 pairs)."""
    assert len(action_families) >= 140
    engines = {
        "lowered": SearchEngine(catalog),
        "flat": SearchEngine(catalog, fusion_weights=FusionWeights(unnamed_action=0.0)),
    }

    def first_act_wins(engine: SearchEngine, query: str, first: Procedure, later: Procedure) -> bool:
        ranked = [h.code for h in engine.search(query, limit=50)]
        rank = {code: ranked.index(code) if code in ranked else 50 for code in (first.code, later.code)}
        return rank[first.code] < rank[later.code]

    plain = {
        name: sum(first_act_wins(engine, f"xin {obj}", a, b) for a, b, obj, _ in action_families)
        for name, engine in engines.items()
    }
    named = sum(
        not first_act_wins(engines["lowered"], f"{action} {obj}", first, later)
        for first, later, obj, action in action_families
    )
    assert plain["lowered"] >= 0.9 * len(action_families) and plain["lowered"] > plain["flat"]
    assert named >= 0.9 * len(action_families)


def test_ministry_level_twin_ranks_below_the_local_procedure(engine: SearchEngine, catalog: Catalog) -> None:
    """Same title but for the level note: the city/commune-level procedure (Hà Nội's) comes first."""
    by_core: dict[str, list] = defaultdict(list)
    for procedure in catalog:
        by_core[core_title(procedure.title)].append(procedure)
    pairs = [
        (core, next(p for p in same if p.is_local), next(p for p in same if not p.is_local))
        for core, same in sorted(by_core.items())
        if any(p.is_local for p in same) and not all(p.is_local for p in same)
    ]
    assert len(pairs) >= 20
    for core, local, central in pairs[::3]:
        for query in (core, fold_diacritics(core)):
            ranked = [h.code for h in engine.search(query, limit=50)]
            if central.code in ranked:
                assert local.code in ranked[: ranked.index(central.code)], (query, local.code, central.code)


def test_unaccented_titles_still_find_their_procedure(engine: SearchEngine, distinct_titles) -> None:
    found = [
        bool(set(same) & {h.code for h in engine.search(fold_diacritics(title), limit=5)})
        for _, title, same in distinct_titles
    ]
    assert sum(found) / len(found) >= 0.95


def _misspell(title: str, rng: random.Random) -> str:
    """Two syllables written with a known confusion (s/x, l/n, ch/tr, d/gi/r...), as people type."""
    words = tokenize(core_title(title))
    candidates = [i for i, w in enumerate(words) if split_syllable(fold_diacritics(w))[0] in ONSET_CONFUSIONS]
    for i in rng.sample(candidates, k=min(2, len(candidates))):
        onset = split_syllable(fold_diacritics(words[i]))[0]
        written = "đ" if words[i].startswith("đ") else onset
        words[i] = rng.choice(ONSET_CONFUSIONS[onset]) + words[i][len(written) :]
    return " ".join(words)


def test_misspelt_titles_still_find_their_procedure(engine: SearchEngine, distinct_titles) -> None:
    rng = random.Random(9)
    found = []
    for _, title, same in distinct_titles:
        hits = engine.search(_misspell(title, rng), limit=5)
        found.append(bool(set(same) & {h.code for h in hits}))
    assert sum(found) / len(found) >= 0.9


def test_acronyms_and_slang_reach_catalog_wording(engine: SearchEngine) -> None:
    expectations = {
        "cấp lại CCCD": "căn cước",
        "GPLX": "giấy phép lái xe",
        "cap lai so do bi mat": "giấy chứng nhận",
        "NOXH": "nhà ở xã hội",
        "giấy XNTTHN": "tình trạng hôn nhân",
    }
    for query, wording in expectations.items():
        titles = [normalize_vietnamese(h.title) for h in engine.search(query, limit=3)]
        assert any(normalize_vietnamese(wording) in t for t in titles), (query, titles)
    # The catalog writes some acronyms itself ("thẻ BHYT"): spelled out or not, all about the card.
    titles = [normalize_vietnamese(h.title) for h in engine.search("thẻ BHYT", limit=3)]
    assert all("bảo hiểm y tế" in t or "bhyt" in t for t in titles), titles


def test_typed_words_outweigh_a_long_lexicon_meaning(engine: SearchEngine) -> None:
    """ "đổi tên" means civil-status correction (9 syllables); renaming a port is what was typed."""
    for query in ("đổi tên cảng", "doi ten cang"):
        assert "cảng" in normalize_vietnamese(engine.search(query, limit=1)[0].title), query


def test_lexicon_meanings_do_not_recount_typed_words(engine: SearchEngine) -> None:
    """ "giấy khai sinh" means "đăng ký khai sinh": the meaning adds "đăng ký", not "khai sinh" again."""
    for query in ("sửa giấy khai sinh", "sua giay khai sinh"):
        tokens = lexical_query(engine.analyse(query), engine.lexical).tokens
        expansions = [streams for group, streams in tokens.items() if group.startswith("expansion/")]
        assert expansions, query
        for streams in expansions:
            for stream, typed in tokens["typed"].items():
                assert not set(streams.get(stream, ())) & set(typed), (query, stream)
        dang_ky = "_".join(fold_diacritics(s) for s in tokenize("đăng ký"))
        assert any(dang_ky in streams["folded_bi"] for streams in expansions), query


def test_the_frame_of_a_spoken_request_neither_sets_the_kind_nor_reaches_the_encoder(
    engine: SearchEngine,
) -> None:
    framed = engine.analyse("cho em hỏi đăng ký khai sinh ạ")
    plain = engine.analyse("đăng ký khai sinh")
    assert framed.kind is plain.kind is QueryKind.KEYWORD
    assert tokenize(framed.dense_text()) == tokenize(plain.dense_text())
    # A lexicon term that begins with a function word is content ("xin visa" means thị thực).
    assert engine.analyse("xin visa cho vợ").dense_text().startswith("xin visa")


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("", "empty"),
        ("   \t ", "empty"),
        ("x" * (MAX_QUERY_CHARS + 1), "longer"),
        ("khai\x00sinh", "control"),
    ],
)
def test_unusable_queries_raise_a_clear_error(engine: SearchEngine, query: str, reason: str) -> None:
    with pytest.raises(InvalidQueryError, match=reason):
        engine.search(query)


def test_queries_without_words_return_nothing(engine: SearchEngine) -> None:
    assert engine.search("!!! ??? ...") == []


def test_filters_and_limit(engine: SearchEngine) -> None:
    hits = engine.search("đăng ký khai sinh", limit=3, filters=SearchFilters(level=Level.COMMUNE))
    assert 0 < len(hits) <= 3
    assert all(Level.COMMUNE in engine.catalog.get_or_raise(code=h.code).levels for h in hits)


def test_repeated_query_is_answered_from_the_cache(engine: SearchEngine) -> None:
    first = engine.search("cấp lại giấy phép lái xe")
    assert engine.search("  cấp lại   giấy phép lái xe ") == first
    assert any(key[0] == "cấp lại giấy phép lái xe" for key in engine._cache)


def test_jsonl_batch_answers_every_line_and_reports_bad_ones(engine: SearchEngine) -> None:
    lines = io.StringIO(
        '{"id": "a", "query": "đăng ký kết hôn"}\n'
        "not json\n"
        '{"id": "b"}\n'
        '{"id": "c", "query": "   "}\n'
        "\n"
        '{"id": 4, "query": "1.001193"}\n'
    )
    out = io.StringIO()
    run_batch(engine, lines, out)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [a["id"] for a in answers] == ["a", None, "b", "c", 4]
    assert len(answers[0]["results"]) == 10 and set(answers[0]["results"][0]) == {"code", "title", "score"}
    assert all("error" in a for a in answers[1:4])
    assert answers[4]["results"][0]["code"] == "1.001193"


def test_cli_rejects_an_empty_query_without_a_traceback() -> None:
    result = CliRunner().invoke(app, ["search", "  "])
    assert result.exit_code != 0
    assert "empty" in result.output and "Traceback" not in result.output


# Floors just under the measured figures (dev: R@1 0.867, R@5 0.984, MRR@10 0.924, worst style
# R@5 0.926; the 980 written queries held out from the encoder's tuning: R@1 0.869, R@5 0.996,
# MRR@10 0.926, worst style R@5 0.99): a regression guard; both sets now reach issue 4's targets
# (R@1 0.85, R@5 0.95, MRR 0.90, every style R@5 0.90).
DEV_FLOORS = {"recall@1": 0.85, "recall@5": 0.96, "mrr@10": 0.90, "style recall@5": 0.90}
WRITTEN_FLOORS = {"recall@1": 0.85, "recall@5": 0.97, "mrr@10": 0.91, "style recall@5": 0.95}
# How far above SQLite FTS5 and folded BM25 each overall metric must stay.
BASELINE_MARGIN = 0.10


@pytest.mark.slow
@pytest.mark.parametrize(
    ("queries", "floors"),
    [(EVAL / "search_dev.jsonl", DEV_FLOORS), (WRITTEN_QUERIES, WRITTEN_FLOORS)],
    ids=["dev", "written-held-out"],
)
def test_quality_above_baselines_and_floors(
    catalog: Catalog, artefacts: Artefacts, queries: Path, floors: dict[str, float]
) -> None:
    """Quality on the dev set (measured here, never tuned on) and on the written queries the
    encoder never trained on: clearly above both lexical baselines, and not below the floors."""
    full = SearchEngine.from_artefacts(catalog, artefacts.root.parent)
    rows = [row for row in load_eval_queries(queries) if queries != WRITTEN_QUERIES or is_held_out(row)]
    ours = evaluate("ours", rows, lambda q: [h.code for h in full.search(q)])
    for name, baseline in (("fts5", Fts5Baseline(catalog)), ("bm25", FoldedBM25Baseline(catalog))):
        theirs = evaluate(name, rows, baseline.search).overall
        assert ours.overall.recall[1] >= theirs.recall[1] + BASELINE_MARGIN, name
        assert ours.overall.recall[5] >= theirs.recall[5] + BASELINE_MARGIN, name
        assert ours.overall.mrr >= theirs.mrr + BASELINE_MARGIN, name
    assert ours.overall.recall[1] >= floors["recall@1"]
    assert ours.overall.recall[5] >= floors["recall@5"]
    assert ours.overall.mrr >= floors["mrr@10"]
    for style, metrics in ours.by_style.items():
        assert metrics.recall[5] >= floors["style recall@5"], style


@pytest.mark.slow
def test_the_query_encoder_beats_reading_queries_with_the_passage_encoder(
    catalog: Catalog, artefacts: Artefacts
) -> None:
    """The query side tuned against the index (`train_query_tuning`) ranks the written queries it
    never saw better than the shared bias-tuned encoder does, in the same engine (both on PyTorch
    fp32: only the query encoder has an ONNX graph)."""
    full = SearchEngine.from_artefacts(catalog, artefacts.root.parent, encoder="torch-fp32")
    assert isinstance(full.dense, EncodedDense)
    passage_encoder = EncodedDense(
        artefacts.load_encoder(), full.dense.index, descriptions=full.dense.descriptions
    )
    shared = SearchEngine(catalog, lexical=full.lexical, dense=passage_encoder)
    rows = [row for row in load_eval_queries(WRITTEN_QUERIES) if is_held_out(row)]
    ours, theirs = (
        evaluate(name, rows, lambda q, engine=engine: [h.code for h in engine.search(q)]).overall
        for name, engine in (("query encoder", full), ("passage encoder", shared))
    )
    # Measured: MRR@10 0.927 against 0.918, R@1 0.871 against 0.858 (980 queries); before the
    # everyday descriptions indexed the dense side too, 0.801 against 0.783.
    assert ours.mrr > theirs.mrr and ours.recall[1] >= theirs.recall[1]


@pytest.mark.slow
def test_everyday_descriptions_find_what_titles_do_not_say(catalog: Catalog, artefacts: Artefacts) -> None:
    """Document expansion: the same engine without the descriptions (lexical field weight 0, no
    description vectors) ranks the held-out written queries far worse, on either side alone."""
    full = SearchEngine.from_artefacts(catalog, artefacts.root.parent)
    assert isinstance(full.dense, EncodedDense)
    without_field = LexicalWeights().model_copy(
        update={"fields": {**LexicalWeights().fields, "everyday": 0.0}}
    )
    without_vectors = EncodedDense(full.dense.encoder, full.dense.index)
    rows = [row for row in load_eval_queries(WRITTEN_QUERIES) if is_held_out(row)]

    def quality(engine: SearchEngine) -> float:
        return evaluate("", rows, lambda q: [h.code for h in engine.search(q)]).overall.mrr

    ours = quality(full)
    lexical_only = quality(SearchEngine(catalog, lexical=full.lexical, dense=without_vectors))
    dense_only = quality(
        SearchEngine(catalog, lexical=full.lexical, dense=full.dense, lexical_weights=without_field)
    )
    neither = quality(
        SearchEngine(catalog, lexical=full.lexical, dense=without_vectors, lexical_weights=without_field)
    )
    # Measured MRR@10: 0.926 with both, 0.896 with the vectors only, 0.847 with the field only, 0.798
    # with neither.
    assert (
        ours >= neither + 0.08
        and ours > max(lexical_only, dense_only)
        and min(lexical_only, dense_only) > neither
    )


def test_written_queries_name_catalog_procedures_in_every_style(catalog: Catalog) -> None:
    rows = load_eval_queries(WRITTEN_QUERIES)
    assert len(rows) == 2660 and len({r.id for r in rows}) == len(rows)
    assert all(catalog.get(code=code) is not None for r in rows for code in r.relevant)
    styles = Counter(r.style for r in rows)
    assert styles["colloquial"] == 1330
    others = {"no_diacritics", "typo", "counter_keyword", "acronym_slang", "english"}
    assert set(styles) == {"colloquial", *others} and all(styles[s] == 266 for s in others)
    assert all(not has_diacritics(r.query) for r in rows if r.style == "no_diacritics")
    assert sum(is_held_out(r) for r in rows) == 980  # seven writers' batches


def test_every_procedure_has_everyday_descriptions_of_its_own(catalog: Catalog) -> None:
    """Three situations, a question and a search phrase in Vietnamese (marked, NFC) and two English
    sentences per procedure, two more situations and questions for the everyday procedures of
    citizens and businesses, in words of their own: not copies of the title, of another
    procedure's descriptions or of an evaluation or written query."""
    descriptions = load_descriptions()
    assert set(descriptions) == set(catalog.codes())
    shapes: Counter[tuple[int, ...]] = Counter()
    for procedure in catalog:
        description = descriptions[procedure.code]
        shape = (len(description.situations), len(description.questions), len(description.phrases))
        shapes[shape] += 1
        assert shape in {(3, 1, 1), (5, 3, 1)} and len(description.english) == 2
        assert all(has_diacritics(text) for text in description.vietnamese())
        assert all(unicodedata.normalize("NFC", text) == text for text in description.sentences())
        title = core_title(procedure.title)
        assert title not in {core_title(text) for text in [*description.situations, *description.questions]}
    assert shapes[(5, 3, 1)] >= 500
    # The search phrase may be the title itself when the title is what people say (130 of 2,849);
    # an English sentence may quote a Vietnamese term ("bailiff (thừa phát lại)").
    titles = sum(
        core_title(d.phrases[0]) == core_title(catalog.get_or_raise(code=d.code).title)
        for d in descriptions.values()
    )
    assert titles <= 0.1 * len(descriptions)
    english = [text for d in descriptions.values() for text in d.english]
    assert sum(map(has_diacritics, english)) <= 0.01 * len(english)
    # Twins of one procedure at several levels may share a phrase; nothing more.
    counts = Counter(text for d in descriptions.values() for text in d.sentences())
    assert sum(count > 1 for count in counts.values()) <= 0.01 * len(counts)
    queries = {
        row.query for path in (WRITTEN_QUERIES, EVAL / "search_dev.jsonl") for row in load_eval_queries(path)
    }
    sentences = {text for d in descriptions.values() for text in [*d.situations, *d.questions, *d.english]}
    assert not queries & sentences
    # A short counter phrase can coincide with a query written apart ("chấm dứt giám hộ"): 23 of
    # 2,788 queries.
    phrases = {text for d in descriptions.values() for text in d.phrases}
    assert len(queries & phrases) <= 0.01 * len(queries)


def test_hard_negatives_are_wrong_siblings_of_the_answer(engine: SearchEngine, catalog: Catalog) -> None:
    rows = [r for r in load_eval_queries(WRITTEN_QUERIES) if not is_held_out(r)][:200]
    examples = tuning_examples(catalog, rows, engine=engine, seed=3)
    assert [e.query for e in examples] == [r.query for r in rows]
    mined = sharing = 0
    for row, example in zip(rows, examples, strict=True):
        answer = catalog.get_or_raise(code=row.relevant[0])
        assert example.passage.startswith(answer.title)
        if example.hard_negative is None:
            continue
        mined += 1
        negative = next(p for p in catalog if example.hard_negative == procedure_passage(p))
        assert negative.code not in row.relevant and core_title(negative.title) != core_title(answer.title)
        # A sibling: it shares words with the query, the reason lexical search ranked it high
        # (or it shares the meaning of an acronym, or of English words, which the title lacks).
        words = {fold_diacritics(w) for w in tokenize(row.query)} - VIETNAMESE_STOPWORDS
        sharing += bool(words & {fold_diacritics(w) for w in tokenize(negative.title)})
    assert mined >= 190 and sharing >= 0.8 * mined
    # Reproducible for a seed, different across seeds.
    assert tuning_examples(catalog, rows[:20], engine=engine, seed=3) == examples[:20]
    assert tuning_examples(catalog, rows[:20], engine=engine, seed=4) != examples[:20]


def test_a_query_is_never_trained_against_its_own_passage() -> None:
    batch = [
        TuningExample("q1", "p1", "p2"),  # a hard negative that is the next query's positive
        TuningExample("q2", "p2", "p3"),
        TuningExample("q3", "p3", None),
    ]
    columns, ignore = batch_columns(batch)
    assert columns == ["p1", "p2", "p3", "p2", "p3"]
    # Row i keeps its own column i; copies of its passage elsewhere are ignored, nothing else.
    assert ignore.tolist() == [
        [False, False, False, False, False],
        [False, False, False, True, False],
        [False, False, False, False, True],
    ]


@pytest.mark.parametrize(
    ("typed", "repaired"),
    [
        ("cap lai giay phep lai xe", "cấp lại giấy phép lái xe"),
        ("dang ky ket hon", "đăng kí kết hôn"),
        ("giấy phép lái se", "giấy phép lái xe"),
        ("thay đổi họ tên trong giấy khai xinh", "thay đổi họ tên trong giấy khai sinh"),
        ("đài", "đài"),  # a known word typed alone is kept
        ("cấp dấy chứng nhận", "cấp giấy chứng nhận"),  # d/gi, though "day" has many marked forms
    ],
)
def test_query_repair_restores_marks_and_known_misspellings(
    engine: SearchEngine, typed: str, repaired: str
) -> None:
    assert " ".join(engine.repairer.repair(tokenize(typed))) == repaired


@pytest.mark.parametrize(
    ("typed", "repaired"),
    [
        ("lam so do bi mat", "làm sổ đỏ bị mất"),  # a lexicon term fixes its own spelling (not "sơ đồ")
        ("cà vẹt xe bị mất", "cà vẹt xe bị mất"),  # a lexicon term typed with marks is kept
        ("khách ở nhà mấy hôm", "khách ở nhà mấy hôm"),  # a function word with marks is kept (not "máy")
        ("hợp đồng ra ủy ban chứng thực", "hợp đồng ra ủy ban chứng thực"),  # bare on purpose (not "đã")
        ("chứng thưc hợp đồng", "chứng thực hợp đồng"),  # a stop final takes only sắc or nặng
        # everyday words the catalog never writes, known from the lexicon (not "chống", "cuối")
        ("chuyen ho khau ve nha chong sau khi cuoi", "chuyển hộ khẩu về nhà chồng sau khi cưới"),
    ],
)
def test_query_repair_keeps_what_the_writer_meant(engine: SearchEngine, typed: str, repaired: str) -> None:
    assert " ".join(engine.analyse(typed).repaired) == repaired


def test_everyday_requests_teach_the_repair_to_restore_marks(engine: SearchEngine, catalog: Catalog) -> None:
    """Held-out written queries with their marks stripped get them back: the catalog alone knows
    too few everyday words, the training batches' requests and the everyday descriptions teach them."""
    held_out = [
        [s for s in tokenize(r.query) if s.isalpha()]
        for r in load_eval_queries(WRITTEN_QUERIES)
        if is_held_out(r) and r.style == "colloquial"
    ]
    assert len(held_out) == 490

    def restored(repairer: QueryRepairer) -> float:
        right = sum(
            a == b
            for words in held_out
            for a, b in zip(repairer.repair([fold_diacritics(w) for w in words]), words, strict=True)
        )
        return right / sum(map(len, held_out))

    procedures = [catalog.get_or_raise(code=c) for c in engine.codes]
    catalog_only = QueryRepairer(procedures, keep=VIETNAMESE_STOPWORDS)
    everyday = [t for e in engine.lexicon.entries if e.kind != "english" for t in e.terms]
    requests_only = QueryRepairer(
        procedures, keep=VIETNAMESE_STOPWORDS, everyday=everyday, sentences=everyday_sentences()
    )
    # Measured: 0.86 from the catalog alone, 0.95 with the requests, 0.986 with the descriptions too.
    assert restored(catalog_only) + 0.05 < restored(requests_only) < restored(engine.repairer) - 0.02
    assert restored(engine.repairer) >= 0.975
    held_out_queries = {r.query for r in load_eval_queries(WRITTEN_QUERIES) if is_held_out(r)}
    assert not set(everyday_sentences()) & held_out_queries


@pytest.mark.slow
def test_a_stale_lexical_index_is_rebuilt_in_memory(
    catalog: Catalog, artefacts: Artefacts, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """After a lexicon edit the saved index no longer matches: search still answers, and says how
    to persist the rebuilt index, instead of failing until `tthc build` runs."""
    import models.search.lexical as lexical
    from models.artefacts import STEP_INPUTS

    edited = {**lexical.index_fingerprint(), "lexicon_sha256": "edited"}
    monkeypatch.setattr(lexical, "index_fingerprint", lambda: edited)  # checked by the saved index
    monkeypatch.setitem(STEP_INPUTS, "lexical", lambda: edited)  # checked by the build manifest
    engine = SearchEngine.from_artefacts(catalog, artefacts.root.parent)
    assert "run `tthc build`" in caplog.text
    assert engine.search("đăng ký khai sinh")[0].code == "1.001193"


def test_a_saved_index_built_with_other_parameters_is_stale(catalog: Catalog, tmp_path) -> None:
    from models.search.lexical import BM25Params, LexicalIndex, StaleIndexError
    from models.text.lexicon import default_lexicon

    procedures = list(catalog)[:20]
    LexicalIndex.build(procedures, progress=False).save(tmp_path / "default")
    assert LexicalIndex.load(tmp_path / "default").codes == [p.code for p in procedures]
    tuned = BM25Params().model_copy(update={"k1": BM25Params().k1 + 0.5})
    LexicalIndex.build(procedures, params=tuned, progress=False).save(tmp_path / "tuned")
    LexicalIndex.build(procedures, lexicon=default_lexicon(), progress=False).save(tmp_path / "lexicon")
    described = load_descriptions()
    LexicalIndex.build(procedures, descriptions=described, progress=False).save(tmp_path / "descriptions")
    for name in ("tuned", "lexicon", "descriptions"):
        with pytest.raises(StaleIndexError, match="BM25 parameters, lexicon or descriptions"):
            LexicalIndex.load(tmp_path / name)
