"""Time to load the shipped catalog, beside the floor of reading the same file without models.

Rows: `gzip + json.loads` (baseline: decompress and decode only), `load_catalog` (what every command
and the service do: sha256 of the file, checked against its manifest, decode + pydantic validation
of every procedure), and `load_catalog(verify=False)` (the manifest left unread). Wall and CPU
seconds, best and median of N rounds, run in rotating order so machine load (2 shared cores) hits
them alike; the figures are noisy while other jobs run.

    .venv/bin/python benchmarks/catalog_load.py [--rounds 5] [--catalog PATH]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from catalog.store import SHIPPED_CATALOG, load_catalog


def _decode_only(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return len([json.loads(line) for line in lines])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--catalog", type=Path, default=SHIPPED_CATALOG)
    args = parser.parse_args()
    variants: dict[str, Callable[[], object]] = {
        "baseline gzip + json.loads": lambda: _decode_only(args.catalog),
        "load_catalog": lambda: load_catalog(args.catalog),
        "load_catalog(verify=False)": lambda: load_catalog(args.catalog, verify=False),
    }
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    names = list(variants)
    for round_index in range(args.rounds):
        for name in names[round_index % len(names) :] + names[: round_index % len(names)]:
            wall, cpu = time.perf_counter(), time.process_time()
            variants[name]()
            timings[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    procedures = len(load_catalog(args.catalog))
    print(f"{args.catalog.name}: {procedures} procedures, {args.catalog.stat().st_size / 1e6:.1f} MB gzip")
    print(f"{'variant':<30} {'wall best':>10} {'wall median':>12} {'cpu best':>9}")
    for name, rows in timings.items():
        walls, cpus = [w for w, _ in rows], [c for _, c in rows]
        print(f"{name:<30} {min(walls):>9.3f}s {statistics.median(walls):>11.3f}s {min(cpus):>8.3f}s")


if __name__ == "__main__":
    main()
