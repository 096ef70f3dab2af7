"""End-to-end latency of `/goal add` against `coachbot serve`, next to a bare Bolt app that only acks.

Signed slash commands over HTTP from 10 and 50 concurrent clients; prints p50, p99 and
requests/s for each server and the ratios. Targets: coachbot p99 < 100 ms at 10 clients;
at 50 clients, coachbot's throughput >= 0.8x the bare app's.

    python bench/ack_latency.py [--requests 2000] [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.emulator import SlackDriver, SlackEmulator  # noqa: E402
from bot.emulator.driver import sign  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-emulator-token"
USERS = 1000  # a school's coachees; each adds a handful of goals over the runs
HOME_OPENERS_EVERY = 5  # one in five has opened the Home tab


@dataclass
class Result:
    name: str
    clients: int
    latencies: list[float]
    seconds: float

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        return statistics.quantiles(self.latencies, n=100)[98] * 1000

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(port: int, path: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def start(cmd: list[str], env: dict[str, str], port: int, health: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_healthy(port, health, process)
    return process


def load(name: str, port: int, driver: SlackDriver, users: list[str], clients: int, total: int) -> Result:
    """`clients` threads, each on its own keep-alive connection, sending signed `/goal add`."""
    per_client = total // clients
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        barrier.wait()
        for i in range(per_client):
            form = driver.command_form(
                # each request from the next coachee in the cohort, as a class would type them
                users[(index * per_client + i) % len(users)],
                "/goal",
                f"add Practice question set {i} by Dec 20",
            )
            body = urlencode(form)
            ts = int(time.time())
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": str(ts),
                "X-Slack-Signature": sign(SECRET, ts, body),
            }
            started = time.perf_counter()
            conn.request("POST", "/slack/events", body=body, headers=headers)
            reply = conn.getresponse()
            reply.read()
            mine.append(time.perf_counter() - started)
            if reply.status != 200:
                raise RuntimeError(f"{name}: HTTP {reply.status}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    return Result(name, clients, latencies, time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="requests per run")
    parser.add_argument("--quick", action="store_true", help="500 requests per run")
    args = parser.parse_args()
    total = 500 if args.quick else args.requests

    emulator = SlackEmulator().start()
    users = [emulator.workspace.add_user(f"student{i}", "America/Chicago") for i in range(USERS)]
    tmp = tempfile.mkdtemp(prefix="coachbot-bench-")
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": emulator.url,
        "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
        "PYTHONPATH": str(ROOT),
    }
    servers = {
        "coachbot serve": lambda p: [
            sys.executable,
            "-m",
            "bot",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(p),
            "--no-scheduler",
        ],
        "bare Bolt, process_before_response": lambda p: [sys.executable, "bench/bare_app.py", str(p)],
        "bare Bolt, default mode": lambda p: [sys.executable, "bench/bare_app.py", str(p), "--default-mode"],
    }
    results: dict[tuple[str, int], Result] = {}
    for name, command in servers.items():
        port = free_port()
        health = "/healthz" if name == "coachbot serve" else "/slack/events"
        process = start(command(port), env, port, health)
        try:
            driver = SlackDriver(emulator, f"http://127.0.0.1:{port}/slack/events", SECRET)
            for user in users[::HOME_OPENERS_EVERY]:  # these keep a live Home tab, refreshed on each change
                driver.open_home(user)
            load(name, port, driver, users, 10, USERS)  # warm-up: users.info cached, connections pooled
            for clients in (10, 50):
                results[(name, clients)] = load(name, port, driver, users, clients, total)
        finally:
            process.terminate()
            process.wait(timeout=10)
    emulator.stop()

    print(f"/goal add, signed over HTTP, {total} requests per run, {os.cpu_count()} CPUs")
    print(f"{'server':38} {'clients':>7} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for (name, clients), r in results.items():
        print(f"{name:38} {clients:>7} {r.p50:>8.1f} {r.p99:>8.1f} {r.rps:>8.0f}")
    ours, bare = "coachbot serve", "bare Bolt, process_before_response"
    for clients in (10, 50):
        ratio = results[(ours, clients)].rps / results[(bare, clients)].rps
        print(f"throughput ratio coachbot/bare at {clients} clients: {ratio:.2f}")
    p99 = results[(ours, 10)].p99
    print(f"target p99 < 100 ms at 10 clients: {'met' if p99 < 100 else 'NOT met'} ({p99:.1f} ms)")
    ratio50 = results[(ours, 50)].rps / results[(bare, 50)].rps
    print(
        f"target throughput >= 0.8x bare at 50 clients: {'met' if ratio50 >= 0.8 else 'NOT met'} ({ratio50:.2f})"
    )


if __name__ == "__main__":
    main()
