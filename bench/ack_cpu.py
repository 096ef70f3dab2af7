"""In-process cost of one `/goal add` (no HTTP): CPU and SQL statements, next to a bare Bolt ack.

Each request is a signed `/goal add` dispatched straight into the Bolt app, lazy listeners
included (they are waited for), for people who already have 1, 10 or 50 active goals.

    python bench/ack_cpu.py [--people 30] [--database-url URL] [--profile out.html]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slack_bolt import Ack, App, BoltRequest  # noqa: E402

from bot.app import build_app, build_services  # noqa: E402
from bot.emulator import SlackDriver, SlackEmulator  # noqa: E402
from bot.emulator.driver import sign  # noqa: E402
from bot.platform.settings import Settings  # noqa: E402
from bot.platform.slack import make_web_client  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.harness import TrackingExecutor  # noqa: E402
from tests.statements import TRANSACTION_CONTROL, statements_run  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-emulator-token"
LEVELS = (1, 10, 50)
VALUES = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")  # quoted strings and numbers
ROUNDS = 5  # each adds one more goal per person: "1 active goal" is 1 to 6 in the rounds


@dataclass
class Cost:
    cpu_ms: float
    statements: float
    control: float
    lazy: float
    rounds: list[float]


class StatementCounter:
    """Counts the statements the database runs inside `watching()` (tests/statements.py: on SQLite,
    SQLite's own trace), work and transaction control apart, the ack's and the lazy listeners' apart.
    Counting costs CPU itself, so the timed rounds run without it."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.ack_thread = threading.get_ident()  # the ack runs here; lazy listeners on other threads
        self.work = self.control = self.lazy = 0
        self.texts: list[str] = []

    def watching(self) -> AbstractContextManager[None]:
        self.work = self.control = self.lazy = 0
        self.texts = []
        return statements_run(self.engine, self._seen)

    def _seen(self, statement: str) -> None:
        if threading.get_ident() != self.ack_thread:
            self.lazy += 1
        elif statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.control += 1
        else:
            self.work += 1
            # SQLite's trace shows the values bound: the sample printed keeps the statement only.
            self.texts.append(VALUES.sub("?", statement))


def signed(form: dict[str, str]) -> BoltRequest:
    body = urlencode(form)
    ts = int(time.time())
    headers = {
        "content-type": ["application/x-www-form-urlencoded"],
        "x-slack-request-timestamp": [str(ts)],
        "x-slack-signature": [sign(SECRET, ts, body)],
    }
    return BoltRequest(body=body, headers=headers)


def measure(run: Callable[[], None], settle: Callable[[], None], times: int) -> float:
    """CPU milliseconds of the whole process per call (every thread: lazy listeners count)."""
    settle()
    started = time.process_time()
    for _ in range(times):
        run()
    settle()
    return (time.process_time() - started) * 1000 / times


def bare_ack_cpu(emulator: SlackEmulator, driver: SlackDriver, user: str, times: int = 300) -> float:
    """A bare Bolt app that only acks `/goal`, dispatched the same way (Bolt's default mode)."""
    app = App(
        token=TOKEN,
        signing_secret=SECRET,
        client=make_web_client(TOKEN, emulator.url),
        token_verification_enabled=False,
    )

    @app.command("/goal")
    def ack_only(ack: Ack) -> None:
        ack(text="ok")

    def one() -> None:
        response = app.dispatch(signed(driver.command_form(user, "/goal", "add Read a chapter by Dec 20")))
        assert response.status == 200

    measure(one, lambda: None, 50)  # warm-up
    return statistics.median(measure(one, lambda: time.sleep(0.05), times) for _ in range(ROUNDS))


def coachbot_costs(url: str, people: int, profile: str | None) -> tuple[dict[int, Cost], list[str]]:
    emulator = SlackEmulator().start()
    settings = Settings(bot_token=TOKEN, signing_secret=SECRET, api_url=emulator.url, database_url=url)
    db = Database(url)
    upgrade(db.engine)
    services = build_services(settings, db=db)
    executor = TrackingExecutor(max_workers=4)
    app = build_app(services, executor=executor)
    driver = SlackDriver(emulator, "http://unused", SECRET)
    counter = StatementCounter(db.engine)

    def add(user: str, text: str) -> None:
        response = app.dispatch(signed(driver.command_form(user, "/goal", text)))
        assert response.status == 200 and "Goal #" in str(response.body), response.body

    # Warm-up: every statement of the path compiled and cached before the first level is timed.
    for user in [emulator.workspace.add_user(f"warm{n}", "America/Chicago") for n in range(10)]:
        for n in range(3):
            add(user, f"add Warm-up set {n} by Dec 20")
    executor.wait_idle(30)
    costs: dict[int, Cost] = {}
    sample: list[str] = []
    for level in LEVELS:
        users = [emulator.workspace.add_user(f"s{level}x{n}", "America/Chicago") for n in range(people)]
        for user in users:
            for n in range(level):
                add(user, f"add Practice question set {n} by Dec 20")
        executor.wait_idle(30)
        rounds = []
        for _ in range(ROUNDS):  # the median round: one round can meet a garbage collection
            turn = iter(users)
            rounds.append(
                measure(
                    lambda turn=turn: add(next(turn), "add One more practice set by Dec 20"),
                    executor.wait_idle,
                    people,
                )
            )
        with counter.watching():  # one more round, counted
            for user in users:
                add(user, "add A counted practice set by Dec 20")
            executor.wait_idle(30)
        costs[level] = Cost(
            statistics.median(rounds),
            counter.work / people,
            counter.control / people,
            counter.lazy / people,
            rounds,
        )
        if level == 10:
            with counter.watching():
                add(users[0], "add Another practice set by Dec 20")
                executor.wait_idle()
            sample = list(counter.texts)
    if profile:
        from pyinstrument import Profiler

        users = [emulator.workspace.add_user(f"p{n}", "America/Chicago") for n in range(people)]
        for user in users:
            for n in range(10):
                add(user, f"add Practice question set {n} by Dec 20")
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(10):
            for user in users:
                add(user, "add Profiled practice set by Dec 20")
        executor.wait_idle(30)
        profiler.stop()
        Path(profile).write_text(profiler.output_text(unicode=True, show_all=False))
    executor.shutdown(wait=True)
    services.home_refreshes.close()
    db.dispose()
    emulator.stop()
    return costs, sample


def report(url: str, people: int, profile: str | None = None) -> dict[str, float]:
    """Prints the in-process figures; returns them for the caller's summary."""
    costs, sample = coachbot_costs(url, people, profile)
    emulator = SlackEmulator().start()
    user = emulator.workspace.add_user("bare", "America/Chicago")
    bare = bare_ack_cpu(emulator, SlackDriver(emulator, "http://unused", SECRET), user)
    emulator.stop()
    print(
        f"in process, /goal add, {people} people per level, median of {ROUNDS} rounds ({url.split(':')[0]}):"
    )
    print(f"  bare Bolt ack (default mode): {bare:.2f} ms CPU")
    for level, cost in costs.items():
        print(
            f"  {level:>2} active goals: {cost.cpu_ms:6.2f} ms CPU ({cost.cpu_ms / bare:4.1f}x bare), "
            f"{cost.statements:.1f} statements on the ack path (+{cost.control:.1f} BEGIN/COMMIT/PRAGMA), "
            f"{cost.lazy:.1f} after it (lazy listeners); rounds {', '.join(f'{r:.2f}' for r in cost.rounds)}"
        )
    print("  the ack path's statements of one /goal add at 10 goals:")
    for text in sample:
        print("    " + " ".join(text.split())[:110])
    return {"bare_ms": bare, **{f"cpu_{k}": c.cpu_ms for k, c in costs.items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--database-url")
    parser.add_argument("--profile", help="write a pyinstrument text profile of /goal add here")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='coachbot-cpu-')}/cpu.db"
    report(url, args.people, args.profile)


if __name__ == "__main__":
    main()
