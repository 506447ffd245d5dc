"""Related-service suggestion latency (target p99 ≤ 20 ms per case in process) beside a baseline.

Ours: `RelatedSuggester.suggest` (merge precomputed event, lifecycle, co-occurrence and content
edges, filter by variants and profile, render reasons). Baseline, measured in the same run: pure
content-neighbour suggestions computed per request (one sparse product of the procedure's
feature row against the whole catalog, top 10) — what a recommender without a precomputed graph
does. Both run in rotating blocks so machine load hits them alike; on the shared 2-core machine
the figures are noisy.

    .venv/bin/python benchmarks/suggest_latency.py [--rounds 5] [--catalog PATH]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np

from catalog.store import load_catalog
from models.events import EventCatalog
from models.events.features import build_features
from models.recommend import CaseProfile, build_related_suggester, synthetic_dossier_logs

PROFILES = [
    CaseProfile(),
    CaseProfile(applicant_type="citizen", situation="đang đóng bảo hiểm xã hội bắt buộc"),
    CaseProfile(applicant_type="business", has_employees=True),
    CaseProfile(applicant_type="citizen", situation="vợ là người nước ngoài"),
]


def _percentiles(samples: list[float]) -> str:
    ms = np.asarray(samples) * 1000
    return f"p50 {np.percentile(ms, 50):6.2f} ms  p99 {np.percentile(ms, 99):6.2f} ms  max {ms.max():6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--catalog", type=Path, default=None)
    args = parser.parse_args()

    catalog = load_catalog(args.catalog)
    started = time.perf_counter()
    events = EventCatalog.build(catalog)
    event_seconds = time.perf_counter() - started
    started = time.perf_counter()
    # Synthetic dossier logs stand in for real ones so the co-occurrence signal is timed too.
    logs = synthetic_dossier_logs(events.list(), noise_codes=catalog.codes())
    suggester = build_related_suggester(catalog, events=events, dossier_logs=logs)
    build_seconds = time.perf_counter() - started
    procedures = list(catalog)
    features = build_features(procedures)

    rng = random.Random(11)
    inside = sorted(events.codes_in_events())
    cases = [
        ([rng.choice(inside)] if rng.random() < 0.8 else rng.sample(inside, 2), rng.choice(PROFILES))
        for _ in range(args.cases)
    ]

    def ours(codes: list[str], profile: CaseProfile) -> None:
        suggester.suggest(codes=codes, profile=profile, limit=10)

    def baseline(codes: list[str], profile: CaseProfile) -> None:
        rows = [features.index[c] for c in codes]
        scores = np.asarray((features.matrix[rows] @ features.matrix.T).sum(axis=0)).ravel()
        scores[rows] = -1.0
        top = np.argpartition(-scores, 10)[:10]
        [procedures[i].title for i in top[np.argsort(-scores[top])]]

    timings: dict[str, list[float]] = {
        "ours (RelatedSuggester)": [],
        "baseline (content kNN per request)": [],
    }
    systems = list(zip(timings, (ours, baseline), strict=True))
    for _ in range(args.rounds):
        for name, run in systems:
            for codes, profile in cases:
                t0 = time.perf_counter()
                run(codes, profile)
                timings[name].append(time.perf_counter() - t0)
        systems.reverse()

    print(f"catalog {catalog.version}: {len(catalog)} procedures, {len(cases)} cases × {args.rounds} rounds")
    print(f"event assignment of the whole catalog: {event_seconds:.2f} s (target ≤ 120 s)")
    print(f"suggester build (graph, synthetic logs, co-occurrence): {build_seconds:.2f} s")
    for name, samples in timings.items():
        print(f"{name:<38} {_percentiles(samples)}")
    print("target: ours p99 ≤ 20 ms per case (figures are noisy on the shared machine)")


if __name__ == "__main__":
    main()
