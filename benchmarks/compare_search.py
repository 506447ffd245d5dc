"""New-query search of two versions of the service, measured in alternating short phases.

On the shared 2-core machine one load run's figures swing two- to three-fold within minutes
(other jobs, and CPU time itself gets dearer when the host is busy), so two runs one after the
other compare the load, not the code. Here both versions serve at once (`tthc serve`, one worker,
in-process store, rate limit off) and closed-loop clients drive them in turns of `--seconds`
(order alternating every round), so drift hits both alike. Every query is new to both (the same
sequence of random title spans as `load_service.py`). Also printed: CPU per request of each
server and of this load client, which shares the cores.

A version is a git ref (exported with `git archive` into a scratch folder) or `.` (the working
tree). Both use this repository's virtualenv and artefacts (`TTHC_ARTEFACTS_DIR` if set, else
`<repo>/artefacts`); a version whose artefacts do not match starts degraded, which is printed.

    .venv/bin/python benchmarks/compare_search.py REF_A REF_B [--clients 1,10] [--rounds 8] [--seconds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.load_service import QueryMaker, Run, drive  # noqa: E402
from benchmarks.service_process import start_service  # noqa: E402
from catalog.store import load_catalog  # noqa: E402
from tests.service.redis_server import free_port  # noqa: E402


def export_tree(ref: str, scratch: Path) -> Path:
    """The source tree of `ref` (`.` = the working tree itself), runnable with this virtualenv."""
    if ref == ".":
        return REPO
    tree = scratch / ref.replace("/", "_")
    tree.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / ".venv").symlink_to(REPO / ".venv")
    return tree


def server_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(tree: Path, port: int) -> tuple[subprocess.Popen[bytes], float]:
    """`tthc serve` from `tree` (its packages first on the path) until `/readyz` answers 200."""
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "TTHC_ARTEFACTS_DIR": os.environ.get("TTHC_ARTEFACTS_DIR", str(REPO / "artefacts")),
        "TTHC_RATE_LIMIT_PER_SECOND": "0",
        "TTHC_LOG_LEVEL": "warning",
    }
    env.pop("TTHC_REDIS_URL", None)
    return start_service(port, env, cwd=tree)


async def compare(refs: list[str], clients: list[int], rounds: int, seconds: float) -> None:
    titles = [p.title for p in load_catalog()]
    with tempfile.TemporaryDirectory() as scratch:
        servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
        try:
            for ref in refs:
                port = free_port()
                process, ready = start(export_tree(ref, Path(scratch)), port)
                servers[ref] = (process, port)
                status = httpx.get(f"http://127.0.0.1:{port}/readyz").json()
                print(f"{ref}: ready in {ready:.1f} s, {status['status']} {status['degraded'] or ''}")
            await _drive_in_turns(servers, titles, clients, rounds, seconds)
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=30)


async def _drive_in_turns(
    servers: dict[str, tuple[subprocess.Popen[bytes], int]],
    titles: list[str],
    clients: list[int],
    rounds: int,
    seconds: float,
) -> None:
    refs = list(servers)
    queries = {ref: QueryMaker(titles) for ref in refs}  # same sequence for each version
    runs = {(ref, n): Run(ref, n) for ref in refs for n in clients}
    cpu = {key: [0.0, 0.0] for key in runs}  # server, load client
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    http = {
        ref: httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10, limits=limits)
        for ref, (_, port) in servers.items()
    }
    try:
        for ref in refs:  # first calls allocate and load lazily
            for _ in range(20):
                await http[ref].get("/v1/search", params={"q": queries[ref]()})
        for round_ in range(rounds):
            for n in clients:
                for ref in refs if round_ % 2 == 0 else refs[::-1]:

                    async def new_query(
                        client: httpx.AsyncClient, ref: str = ref
                    ) -> tuple[str, httpx.Response]:
                        return "search", await client.get("/v1/search", params={"q": queries[ref]()})

                    turn = Run(ref, n)
                    pid = servers[ref][0].pid
                    server_before, client_before = server_cpu_seconds(pid), time.process_time()
                    await drive(http[ref], {"search": turn}, n, seconds, new_query)
                    cpu[ref, n][0] += server_cpu_seconds(pid) - server_before
                    cpu[ref, n][1] += time.process_time() - client_before
                    total = runs[ref, n]
                    total.latencies += turn.latencies
                    total.seconds += turn.seconds
                    total.cache_hits += turn.cache_hits
                    for status, count in turn.statuses.items():
                        total.statuses[status] = total.statuses.get(status, 0) + count
    finally:
        for client in http.values():
            await client.aclose()
    print(f"new-query search, {rounds} rounds × {seconds:g} s per version and client count, in turns")
    print(
        f"{'version':<16}{'cl.':>4}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'cpu/req server':>16}{'client':>8}  statuses"
    )
    for (ref, n), run in runs.items():
        latency = np.array(run.latencies) * 1000
        count = len(latency)
        server, client = (seconds_ / count * 1000 for seconds_ in cpu[ref, n])
        print(
            f"{ref:<16}{n:>4}{count / run.seconds:>8.1f}{np.percentile(latency, 50):>8.1f}"
            f"{np.percentile(latency, 99):>8.1f}{server:>13.2f} ms{client:>5.2f} ms  {run.statuses}"
            + (f" cache hits {run.cache_hits}" if run.cache_hits else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("refs", nargs=2, help="two git refs, or . for the working tree")
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 10])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one turn")
    args = parser.parse_args()
    asyncio.run(compare(args.refs, args.clients, args.rounds, args.seconds))


if __name__ == "__main__":
    main()
