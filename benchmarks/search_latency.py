"""Search latency and throughput on the catalog, beside SQLite FTS5 measured in the same run.

    .venv/bin/python benchmarks/search_latency.py [--queries 300] [--rebuild] [--encoder onnx-int8]

Queries are generated from catalog titles (every style of `models.search.synthetic`), so the run
needs no evaluation file. Reports, per system: p50/p99 latency per query and single-thread
throughput, cold (cache cleared before every query, query encoding included; by default with the
int8 ONNX query encoder the service runs) and warm (the same queries again, answered from the LRU
cache); the lexical index build time (and, with --rebuild, a
full artefact build into a scratch folder: encoder conversion + dense + lexical); peak RSS.
Figures on a shared machine are noisy: run it alone for numbers to quote.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import get_args

from catalog.store import load_catalog
from models.artefacts import ENCODER_DIR, build_artefacts, ensure_artefacts
from models.search.baselines import Fts5Baseline
from models.search.engine import QueryEncoderName, SearchEngine
from models.search.lexical import LexicalIndex
from models.search.synthetic import synthetic_queries
from service.settings import get_settings


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timings(run: Callable[[str], object], queries: Sequence[str], before: Callable[[], None] | None = None):
    latencies = []
    for query in queries:
        if before is not None:
            before()
        started = time.perf_counter()
        run(query)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def _row(name: str, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    throughput = 1000 * len(ordered) / sum(ordered)
    return f"{name:<46} {p50:>9.2f} {p99:>9.2f} {max(ordered):>9.2f} {throughput:>10.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--queries", type=int, default=300, help="number of generated queries")
    parser.add_argument("--rebuild", action="store_true", help="time a full build in a scratch folder")
    parser.add_argument(
        "--encoder",
        choices=get_args(QueryEncoderName),
        default="onnx-int8",
        help="query encoder (onnx-int8 is the one the service runs)",
    )
    parser.add_argument("--threads", type=int, default=1, help="threads for query encoding")
    args = parser.parse_args()

    catalog = load_catalog()
    artefacts_dir = get_settings().artefacts_dir
    ensure_artefacts(catalog, artefacts_dir)
    print(f"catalog {catalog.version}: {len(catalog)} procedures; artefacts {artefacts_dir}")

    started = time.perf_counter()
    LexicalIndex.build(catalog, progress=False)
    print(f"lexical index build: {time.perf_counter() - started:.1f} s")
    if args.rebuild:
        with tempfile.TemporaryDirectory() as scratch:
            # The converted encoder is shared by every catalog version: reuse it, time the rest.
            (Path(scratch) / ENCODER_DIR).symlink_to(artefacts_dir / ENCODER_DIR)
            started = time.perf_counter()
            built = build_artefacts(catalog, Path(scratch))
            steps = ", ".join(f"{n} {r.seconds:.1f} s" for n, r in built.manifest.steps.items())
            print(f"full artefact build: {time.perf_counter() - started:.1f} s ({steps})")

    rss_before = _rss_mb()
    started = time.perf_counter()
    engine = SearchEngine.from_artefacts(catalog, artefacts_dir, encoder=args.encoder, threads=args.threads)
    print(f"engine load: {time.perf_counter() - started:.1f} s, +{_rss_mb() - rss_before:.0f} MB RSS")
    lexical_only = SearchEngine(catalog, lexical=engine.lexical)
    fts5 = Fts5Baseline(catalog)

    queries = [q.query for q in synthetic_queries(catalog, engine.lexicon, per_style=args.queries // 6 + 1)]
    queries = queries[: args.queries]
    for query in queries[:20]:  # warm up the encoder and the allocator
        engine.search(query)
    engine.cache_clear()

    print(f"\n{len(queries)} queries, one at a time (ms)")
    print(f"{'system':<46} {'p50':>9} {'p99':>9} {'max':>9} {'queries/s':>10}")
    print(_row("sqlite-fts5 (unicode61 rd=2)", _timings(fts5.search, queries)))
    lexical_cold = _timings(lexical_only.search, queries, lexical_only.cache_clear)
    print(_row("ours lexical only, cold", lexical_cold))
    cold = _timings(engine.search, queries, engine.cache_clear)
    print(_row(f"ours lexical+dense ({args.encoder}, {args.threads} thr), cold", cold))
    weights = engine.fusion_weights.dense
    encoded = [t for q, t in zip(queries, cold, strict=True) if weights[engine.analyse(q).kind]]
    print(_row("  of which queries encoded by e5", encoded))
    for query in queries:  # fill the cache, then time answers from it
        engine.search(query)
    print(_row("ours, warm (cached)", _timings(engine.search, queries)))
    print(f"\nRSS now {_rss_mb():.0f} MB, peak {_peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
