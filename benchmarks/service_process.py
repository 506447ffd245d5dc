"""Start `tthc serve` in a child process for a benchmark and wait until `/readyz` answers 200."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 300


def start_service(
    port: int, env: dict[str, str], *, cwd: Path = REPO, workers: int = 1
) -> tuple[subprocess.Popen[bytes], float]:
    """The running service and the seconds it took to become ready (exits the benchmark when it
    does not start: a figure measured on a half-started service would mislead)."""
    started = time.perf_counter()
    command = [str(REPO / ".venv/bin/tthc"), "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, env=env, cwd=cwd, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"the service from {cwd} exited during start-up")
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the service from {cwd} did not become ready in {READY_TIMEOUT_SECONDS} s")
