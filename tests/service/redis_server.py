"""A real `redis-server` process for tests and benchmarks: start, kill -9, restart on the same port.

Append-only file with `appendfsync always`: Redis syncs each write before replying, so whatever the
service was told is written survives a kill, as in the shipped compose file.
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_cluster_port() -> int:
    """A free port whose cluster-bus port (+10000) is free too; Redis needs both under 65536."""
    rng = random.Random()
    while True:
        port = rng.randint(20_000, 55_000)
        try:
            with socket.socket() as data, socket.socket() as bus:
                data.bind(("127.0.0.1", port))
                bus.bind(("127.0.0.1", port + 10_000))
                return port
        except OSError:
            continue


class RedisServer:
    """One redis-server child process owned by the caller."""

    def __init__(self, directory: Path, port: int | None = None, *, cluster: bool = False) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server)")
        self.binary, self.directory = binary, directory
        self.port = port or (free_cluster_port() if cluster else free_port())
        self.cluster = cluster
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--protected-mode",
                "no",
                *(["--cluster-enabled", "yes", "--cluster-node-timeout", "2000"] if self.cluster else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.kill()
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final save; only what was synced survives."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2)


class RedisClusterServers:
    """Three redis-server nodes joined into a Redis Cluster (no replicas) by `redis-cli --cluster`."""

    def __init__(self, directory: Path, nodes: int = 3) -> None:
        self.nodes = [RedisServer(directory / f"node{i}", cluster=True) for i in range(nodes)]

    @property
    def url(self) -> str:
        return self.nodes[0].url

    def start(self) -> None:
        """Start every node; create the cluster the first time, else let it re-form from nodes.conf.

        A failed start kills the nodes it started: no redis-server outlives the test.
        """
        try:
            self._start()
        except BaseException:
            self.kill()
            raise

    def _start(self) -> None:
        first_time = not (self.nodes[0].directory / "nodes.conf").exists()
        for node in self.nodes:
            node.start()
        if first_time:
            addresses = [f"127.0.0.1:{node.port}" for node in self.nodes]
            subprocess.run(
                ["redis-cli", "--cluster", "create", *addresses, "--cluster-replicas", "0", "--cluster-yes"],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=60,
            )
        deadline = time.monotonic() + 30
        while not all(node.client().cluster("info")["cluster_state"] == "ok" for node in self.nodes):
            if time.monotonic() > deadline:
                raise RuntimeError("the Redis Cluster did not reach cluster_state:ok")
            time.sleep(0.1)

    def kill(self) -> None:
        for node in self.nodes:
            node.kill()

    def client(self) -> redis.RedisCluster:
        return redis.RedisCluster.from_url(self.url, socket_timeout=2)
