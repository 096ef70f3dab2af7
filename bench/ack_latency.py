"""The fast path, end to end: `/goal add` and a nudge **On track** click over signed HTTP against
`coachbot serve`, next to a bare Bolt app that only acks (Bolt's default mode, waitress, 8 threads);
then the in-process cost of `/goal add` (bench/ack_cpu.py) and the server's memory.

The Slack emulator runs in a process of its own: Slack is another machine, and its work (storing
every Home tab and message update) must not hold up the load generator's threads, which would count
Slack's time as ours.

Ours and the bare app take turns, a round each at each level (this shared machine's speed drifts by
half within minutes); each figure pools its rounds, and the ratios are printed round by round too.

Prints every figure issue 17 asks for, with the machine's load next to them:
throughput at 50 clients (target >= 0.5x bare), p99 at 10 clients (<= 3x bare), CPU per `/goal add`
(<= 3x a bare ack) and its statements at 1, 10 and 50 goals, and the server's RSS (< 150 MB).

    python bench/ack_latency.py [--requests 2000] [--rounds 4] [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import ack_cpu  # noqa: E402  (bench/ack_cpu.py, next to this file)
from sqlalchemy import func, select  # noqa: E402

from bot.app import build_services  # noqa: E402
from bot.emulator import SlackDriver, SlackEmulator  # noqa: E402
from bot.emulator.driver import sign  # noqa: E402
from bot.emulator.workspace import Message  # noqa: E402
from bot.platform.delivery.dispatcher import run_due  # noqa: E402
from bot.platform.settings import Settings  # noqa: E402
from bot.platform.slack import make_web_client  # noqa: E402
from storage.models import Delivery, DeliveryStatus  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-emulator-token"
USERS = 1000  # a school's coachees; each adds a handful of goals over the runs
HOME_OPENERS_EVERY = 5  # one in five has opened the Home tab
BARE_THREADS = 8
ROUNDS = 4
OURS, BARE = "coachbot serve", "bare Bolt (default mode, 8 threads)"


@dataclass
class Result:
    latencies: list[float]
    seconds: float
    cpu_ms: dict[str, float]  # CPU per request, by who spent it: the server, Slack, the load generator

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        return statistics.quantiles(self.latencies, n=100)[98] * 1000

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(cmd: list[str], env: dict[str, str], port: int, health: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", health)
            conn.getresponse().read()
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes have spent so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def load(
    port: int, body_of: Callable[[int], str], clients: int, total: int, who: dict[str, list[int]]
) -> Result:
    """`clients` threads, each on its own keep-alive connection, sending signed bodies in turn.
    `who`: the processes whose CPU to count, by name (this one is counted as the load generator)."""
    per_client = total // clients
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        barrier.wait()
        for i in range(per_client):
            body = body_of(index * per_client + i)
            ts = int(time.time())
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": str(ts),
                "X-Slack-Signature": sign(SECRET, ts, body),
            }
            started = time.perf_counter()
            conn.request("POST", "/slack/events", body=body, headers=headers)
            reply = conn.getresponse()
            answer = reply.read()
            mine.append(time.perf_counter() - started)
            if reply.status != 200 or b"nothing was changed" in answer:  # busy or failed: not a figure
                raise RuntimeError(f"HTTP {reply.status}: {answer[:200]!r}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    cpu_before = {name: cpu_seconds(pids) for name, pids in who.items()}
    own_before = time.process_time()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - began
    time.sleep(0.5)  # work the acks left behind (lazy listeners, Slack's side) is the request's too
    cpu = {name: cpu_seconds(pids) - cpu_before[name] for name, pids in who.items()}
    cpu["load generator"] = time.process_time() - own_before
    done = per_client * clients
    return Result(latencies, seconds, {name: 1000 * spent / done for name, spent in cpu.items()})


def send_the_nudges(settings: Settings) -> None:
    """The 9:00 wave: the dispatcher sends every pending nudge (their slot is next week's)."""
    services = build_services(settings)
    with services.db.read() as session:
        due = session.scalar(
            select(func.max(Delivery.due_at)).where(
                Delivery.kind == "nudge", Delivery.status == DeliveryStatus.PENDING
            )
        )
    assert due is not None, "no nudges planned"
    run_due(services, make_web_client(TOKEN, settings.api_url), due + timedelta(minutes=1))
    services.db.dispose()


def on_track_clicks(
    emulator: SlackEmulator, driver: SlackDriver, users: list[str], messages: list[Message]
) -> list[str]:
    """A signed-to-be body for every On track button in the nudges the users got."""
    bodies = []
    for user in users:
        channel = emulator.workspace.dm_channel(user)
        for message in [m for m in messages if m.channel == channel]:
            for block in message.blocks:
                for element in block.get("elements", []) if block.get("type") == "actions" else []:
                    if element.get("action_id") == "nudge_on_track":
                        bodies.append(
                            driver.click_body(user, element, block_id=block["block_id"], message=message)
                        )
    return bodies


class SlackElsewhere:
    """The emulator (its users made, their DMs opened) serving from a forked process; `messages()`
    asks it what it holds."""

    def __init__(self, emulator: SlackEmulator) -> None:
        self._ours, theirs = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("fork").Process(
            target=self._serve, args=(emulator, theirs), daemon=True
        )
        self._process.start()
        self.url: str = self._ours.recv()
        self.pid = int(self._process.pid or 0)

    @staticmethod
    def _serve(emulator: SlackEmulator, pipe: Any) -> None:
        emulator.serve()
        pipe.send(emulator.url)
        while pipe.recv() == "messages":
            pipe.send(list(emulator.workspace.messages))

    def messages(self) -> list[Message]:
        self._ours.send("messages")
        return list(self._ours.recv())

    def stop(self) -> None:
        self._ours.send("stop")
        self._process.join(timeout=10)


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def children_of(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in found.read_text().split()] if found.exists() else []


def merged(rounds: list[Result]) -> Result:
    """One figure from several rounds: every latency, the time and CPU summed."""
    done = [len(r.latencies) for r in rounds]
    cpu = {
        who: sum(r.cpu_ms[who] * n for r, n in zip(rounds, done, strict=True)) / sum(done)
        for who in rounds[0].cpu_ms
    }
    return Result([t for r in rounds for t in r.latencies], sum(r.seconds for r in rounds), cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="requests per figure, over all rounds")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="turns ours and the bare app take")
    parser.add_argument("--quick", action="store_true", help="500 requests per figure, 15 people in process")
    parser.add_argument("--workers", type=int, default=2, help="coachbot serve --workers (one per core)")
    args = parser.parse_args()
    total = 500 if args.quick else args.requests
    per_round = total // args.rounds
    began = time.monotonic()

    emulator = SlackEmulator().bind()  # this process builds requests; a forked one answers them
    users = [emulator.workspace.add_user(f"student{i}", "America/Chicago") for i in range(USERS)]
    for user in users:  # opened before the fork, so both processes name each DM the same
        emulator.workspace.dm_channel(user)
    slack = SlackElsewhere(emulator)
    tmp = tempfile.mkdtemp(prefix="coachbot-bench-")
    url = f"sqlite:///{tmp}/bench.db"
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    commands: dict[str, Callable[[int], list[str]]] = {
        OURS: lambda p: [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(p),
                         "--no-scheduler", "--workers", str(args.workers)],
        BARE: lambda p: [sys.executable, "bench/bare_app.py", str(p), "--default-mode",
                         "--threads", str(BARE_THREADS)],
    }  # fmt: skip
    servers: dict[str, tuple[subprocess.Popen[bytes], int, dict[str, list[int]]]] = {}
    rounds: dict[tuple[str, str, int], list[Result]] = {}
    loads: dict[tuple[str, str, int], list[str]] = {}
    clicks: list[str] = []
    memory = (0.0, 0.0)
    driver = SlackDriver(emulator, "http://unused", SECRET)

    def add_goal(i: int) -> str:
        form = driver.command_form(users[i % USERS], "/goal", f"add Practice question set {i} by Dec 20")
        return urlencode(form)

    def measure(request: str, body_of: Callable[[int], str]) -> None:
        """Rounds in turn, ours then bare at each level, so a slower minute of this shared machine
        falls on both."""
        for _ in range(args.rounds):
            for clients in (10, 50):
                for name, (_, port, who) in servers.items():
                    rounds.setdefault((request, name, clients), []).append(
                        load(port, body_of, clients, per_round, who)
                    )
                    loads.setdefault((request, name, clients), []).append(load_average())

    try:
        for name, command in commands.items():
            port = free_port()
            process = start(command(port), env, port, "/healthz" if name == OURS else "/slack/events")
            servers[name] = (
                process,
                port,
                {"server": [process.pid, *children_of(process.pid)], "Slack": [slack.pid]},
            )
        ours_port = servers[OURS][1]
        home = SlackDriver(emulator, f"http://127.0.0.1:{ours_port}/slack/events", SECRET)
        for user in users[::HOME_OPENERS_EVERY]:  # these keep a live Home tab, refreshed on each change
            home.open_home(user)
        for _, port, who in servers.values():
            load(port, add_goal, 10, USERS, who)  # warm-up: profiles cached, connections pooled
        measure("/goal add", add_goal)
        send_the_nudges(Settings(bot_token=TOKEN, signing_secret=SECRET, api_url=slack.url,
                                 database_url=url, workspace_rate=None))  # fmt: skip
        clicks = on_track_clicks(emulator, home, users, slack.messages())
        taken = iter(range(10**9))  # each click a goal not yet answered in its message, as in a 9:00 wave
        measure("On track", lambda _i: clicks[next(taken) % len(clicks)])
        time.sleep(1)  # the message updates after the acks finish
        process = servers[OURS][0]
        memory = max((rss_mb(pid) for pid in [process.pid, *children_of(process.pid)]), key=lambda m: m[1])
    finally:
        for process, _, _ in servers.values():
            process.terminate()
            process.wait(timeout=10)
        slack.stop()

    results = {key: merged(runs) for key, runs in rounds.items()}
    print(f"signed over HTTP, {per_round * args.rounds} requests per figure in {args.rounds} rounds taken in turn "
          f"with the bare app, {os.cpu_count()} CPUs, coachbot serve --workers {args.workers}, "
          f"{len(clicks)} nudge buttons")  # fmt: skip
    print(f"{'request':10} {'server':36} {'clients':>7} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7}"
          f"  CPU ms per request: server / Slack / load generator  load (first round)")  # fmt: skip
    for (request, name, clients), r in sorted(
        results.items(), key=lambda kv: (kv[0][0] != "/goal add", kv[0][1] != OURS, kv[0][2])
    ):
        line = f"{request:10} {name:36} {clients:>7} {r.p50:>8.1f} {r.p99:>8.1f} {r.rps:>7.0f}"
        cpu = " / ".join(f"{r.cpu_ms[who]:.2f}" for who in ("server", "Slack", "load generator"))
        print(f"{line}  {cpu:>48}  {loads[(request, name, clients)][0]}")
    for request in ("/goal add", "On track"):
        rps = results[(request, OURS, 50)].rps / results[(request, BARE, 50)].rps
        p99 = results[(request, OURS, 10)].p99 / results[(request, BARE, 10)].p99
        each_rps = ratios(rounds[(request, OURS, 50)], rounds[(request, BARE, 50)], lambda r: r.rps)
        each_p99 = ratios(rounds[(request, OURS, 10)], rounds[(request, BARE, 10)], lambda r: r.p99)
        print(f"{request}: throughput at 50 clients {rps:.3f}x bare (target >= 0.5: {'met' if rps >= 0.5 else 'NOT met'}); "
              f"round by round {each_rps}")  # fmt: skip
        print(f"{request}: p99 at 10 clients {p99:.3f}x bare (target <= 3: {'met' if p99 <= 3 else 'NOT met'}); "
              f"round by round {each_p99}")  # fmt: skip
    print(f"server memory after the runs (largest process): {memory[0]:.0f} MB RSS, peak {memory[1]:.0f} MB (target < 150 MB: "
          f"{'met' if memory[1] < 150 else 'NOT met'})")  # fmt: skip
    print(load_average())
    figures = ack_cpu.report(f"sqlite:///{tmp}/cpu.db", 15 if args.quick else 30)
    worst = max(figures[f"cpu_{level}"] for level in ack_cpu.LEVELS) / figures["bare_ms"]
    print(
        f"CPU per /goal add, worst level: {worst:.1f}x bare (target <= 3: {'met' if worst <= 3 else 'NOT met'})"
    )
    print(f"{load_average()}; the whole run took {time.monotonic() - began:.0f} s")


def ratios(ours: list[Result], bare: list[Result], figure: Callable[[Result], float]) -> str:
    return ", ".join(f"{figure(a) / figure(b):.2f}" for a, b in zip(ours, bare, strict=True))


if __name__ == "__main__":
    main()
