"""Start-up plan latency (target p99 ≤ 50 ms in process) beside a naive baseline in the same run.

Ours: `StartupPlanner.plan` on a validated profile (sector keywords, rules, catalog look-ups by
code). Baseline: what a planner without the sector table and code index would do per request —
scan every catalog title for the activity's words and the legal form's name. Both run in the same
process in rotating blocks, so machine load (2 shared cores) hits them alike; figures are noisy
while other jobs run.

    .venv/bin/python benchmarks/startup_latency.py [--rounds 30] [--catalog PATH]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from catalog.store import Catalog, load_catalog
from models.business.planner import StartupPlanner
from models.business.profile import BusinessProfile, LegalForm, parse_profile
from models.text.normalize import fold_diacritics, normalize_vietnamese

# Profiles written for this benchmark (one per legal form and common activities), not from any
# evaluation file.
PROFILES = [
    {"legal_form": "ho_kinh_doanh", "activity": "quán phở bò", "employees": "0-3"},
    {"legal_form": "ho_kinh_doanh", "activity": "tạp hóa, bán lẻ đồ uống có cồn và rượu", "employees": 1},
    {"legal_form": "dntn", "activity": "cửa hàng vật liệu xây dựng", "employees": 4},
    {"legal_form": "tnhh_1tv", "activity": "phát triển phần mềm, dịch vụ dữ liệu", "employees": 9},
    {"legal_form": "tnhh_2tv", "activity": "vận tải hàng hóa bằng xe tải", "employees": 25},
    {"legal_form": "co_phan", "activity": "xuất nhập khẩu máy móc thiết bị", "employees": 40, "trade": True},
    {"legal_form": "co_phan", "activity": "sản xuất bia và nước giải khát", "employees": 120},
    {"legal_form": "hop_tac_xa", "activity": "chăn nuôi lợn, trồng rau sạch", "employees": 12},
    {"legal_form": "tnhh_1tv", "activity": "khach san va nha hang", "employees": 15},
]


def percentile_ms(samples: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples) * 1000, q))


def title_scan_baseline(catalog: Catalog) -> Callable[[BusinessProfile], list[str]]:
    """Naive plan: every procedure whose folded title shares a word with the activity or form name."""
    titles = [(p.code, set(fold_diacritics(normalize_vietnamese(p.title)).split())) for p in catalog]

    def plan(profile: BusinessProfile) -> list[str]:
        words = set(fold_diacritics(normalize_vietnamese(profile.activity)).split())
        words |= set(fold_diacritics(LegalForm(profile.legal_form).label).split()) | {"thue", "dang", "ky"}
        return [code for code, title_words in titles if len(words & title_words) >= 3]

    return plan


def measure(run: Callable[[BusinessProfile], object], profiles: list[BusinessProfile]) -> list[float]:
    samples = []
    for profile in profiles:
        start = time.perf_counter()
        run(profile)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="rotations; each plans every profile once")
    parser.add_argument("--catalog", type=Path, default=None)
    args = parser.parse_args()

    catalog = load_catalog(args.catalog)
    profiles = [parse_profile({**p, "registered_on": date.today().isoformat()}) for p in PROFILES]
    planner = StartupPlanner(catalog)
    systems: dict[str, Callable[[BusinessProfile], object]] = {
        "ours (StartupPlanner.plan)": planner.plan,
        "baseline (title scan)": title_scan_baseline(catalog),
    }
    for run in systems.values():  # warm caches (syllable normalisation, lazy imports)
        measure(run, profiles)
    samples: dict[str, list[float]] = {name: [] for name in systems}
    for _ in range(args.rounds):
        for name, run in systems.items():
            samples[name] += measure(run, profiles)

    print(f"catalog {catalog.version} ({len(catalog)} procedures), {len(profiles)} profiles × {args.rounds}")
    print(f"{'system':<28} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, values in samples.items():
        print(
            f"{name:<28} {percentile_ms(values, 50):>8.2f} {percentile_ms(values, 99):>8.2f} "
            f"{max(values) * 1000:>8.2f}"
        )
    p99 = percentile_ms(samples["ours (StartupPlanner.plan)"], 99)
    print(f"target p99 ≤ 50 ms: {'met' if p99 <= 50 else 'NOT met'} ({p99:.2f} ms)")


if __name__ == "__main__":
    main()
