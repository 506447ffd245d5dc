"""Fuzz every operation of the service's OpenAPI schema with schemathesis: no answer may be a 5xx.

Starts the service (`tthc serve`; in-process store, or a real redis-server with `--redis`; rate
limit off so the fuzzer is not throttled) on 127.0.0.1 and runs `schemathesis run` against its
`/openapi.json` with the `not_a_server_error` check: examples from the schema, boundary cases and
random (also invalid) inputs for every path, query parameter and body. Exit status is
schemathesis's own.

    .venv/bin/python benchmarks/fuzz_openapi.py [--max-examples 60] [--max-time 300] [--redis]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the port and redis-server helpers live with the tests

from benchmarks.service_process import start_service  # noqa: E402
from tests.service.redis_server import RedisServer, free_port  # noqa: E402


def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        redis_server = RedisServer(Path(scratch) / "redis") if args.redis else None
        if redis_server is not None:
            redis_server.start()
        try:
            return fuzz(args, redis_server.url if redis_server else None)
        finally:
            if redis_server is not None:
                redis_server.kill()


def fuzz(args: argparse.Namespace, redis_url: str | None) -> int:
    port = free_port()
    env = {**os.environ, "TTHC_RATE_LIMIT_PER_SECOND": "0", "TTHC_LOG_LEVEL": "warning"}
    env.pop("TTHC_REDIS_URL", None)
    if redis_url:
        env["TTHC_REDIS_URL"] = redis_url
    service, seconds = start_service(port, env)
    base = f"http://127.0.0.1:{port}"
    try:
        print(f"service ready in {seconds:.1f} s; fuzzing {base}/openapi.json", flush=True)
        return subprocess.call(
            [
                str(REPO / ".venv/bin/schemathesis"),
                "run",
                f"{base}/openapi.json",
                "--checks",
                "not_a_server_error",
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                str(args.max_examples),
                "--max-time",
                str(args.max_time),
                "--workers",
                "2",
                "--suppress-health-check",
                "all",
            ],
            cwd=REPO,
        )
    finally:
        service.terminate()
        service.wait(timeout=30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=60, help="generated cases per operation")
    parser.add_argument("--max-time", type=int, default=300, help="time budget in seconds")
    parser.add_argument("--redis", action="store_true", help="with a real redis-server as the store")
    sys.exit(main(parser.parse_args()))
