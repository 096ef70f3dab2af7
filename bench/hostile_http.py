"""Memory and time of `coachbot serve` under hostile bodies: four concurrent 50 MB requests, unsigned
and then wrongly signed, streamed at the server; prints each answer, how long it took and the
server's resident memory before and after. Target: every answer 401 or 413 without reading the
body, and the server's memory grows by less than 10 MB.

    python bench/hostile_http.py [--megabytes 50] [--clients 4]
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ack_latency import SECRET, TOKEN, free_port, start  # noqa: E402
from bot.emulator import SlackEmulator  # noqa: E402

CHUNK = b"x" * 65_536


def rss_mb(pid: int) -> float:
    """The process's resident memory in MB, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def send(port: int, megabytes: int, headers: dict[str, str], out: list[tuple[int | str, float]]) -> None:
    """POST a body of `megabytes` MB, streamed; record the status (or the error) and the seconds taken."""
    size = megabytes * 1_048_576
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest("POST", "/slack/events")
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        conn.putheader("Content-Length", str(size))
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        sent = 0
        try:
            while sent < size:
                conn.send(CHUNK[: min(len(CHUNK), size - sent)])
                sent += len(CHUNK)
        except OSError:
            pass  # the server answered and closed before the body was all sent: it did not read it
        reply = conn.getresponse()
        reply.read()
        out.append((reply.status, time.perf_counter() - started))
    except OSError as error:
        out.append((type(error).__name__, time.perf_counter() - started))
    finally:
        conn.close()


def wave(port: int, clients: int, megabytes: int, headers: dict[str, str]) -> list[tuple[int | str, float]]:
    out: list[tuple[int | str, float]] = []
    threads = [threading.Thread(target=send, args=(port, megabytes, headers, out)) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    emulator = SlackEmulator().start()
    tmp = tempfile.mkdtemp(prefix="coachbot-hostile-")
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": emulator.url,
        "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
        "PYTHONPATH": str(ROOT),
    }
    port = free_port()
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process: subprocess.Popen[bytes] = start([*command, "--no-scheduler"], env, port, "/healthz")
    try:
        now = str(int(time.time()))
        cases = {
            "unsigned": {},
            "wrongly signed": {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + "0" * 64},
        }
        baseline = rss_mb(process.pid)
        print(f"server RSS at rest: {baseline:.1f} MB")
        for name, headers in cases.items():
            answers = wave(port, args.clients, args.megabytes, headers)
            time.sleep(0.5)
            after = rss_mb(process.pid)
            statuses = sorted(str(status) for status, _ in answers)
            slowest = max(seconds for _, seconds in answers)
            print(
                f"{args.clients} x {args.megabytes} MB {name}: answers {statuses}, slowest {slowest:.2f} s, "
                f"RSS {after:.1f} MB ({after - baseline:+.1f} MB)"
            )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/healthz")
        print(f"healthz afterwards: {conn.getresponse().status}")
    finally:
        process.terminate()
        process.wait(timeout=10)
        emulator.stop()


if __name__ == "__main__":
    main()
