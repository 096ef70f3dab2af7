"""The real app, running: database, Bolt over waitress, the Slack emulator and the virtual clock."""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.app import AREAS, build_app, build_services
from bot.emulator import SlackDriver, SlackEmulator
from bot.platform.areas import Area
from bot.platform.settings import Settings
from bot.platform.slack import make_web_client
from bot.sandbox import scheduler
from bot.sandbox.clock import VirtualClock
from bot.server import BackgroundServer
from storage.db import Database
from storage.migrate import upgrade

# Sandbox-internal credentials: the emulator accepts this token; nothing leaves loopback.
BOT_TOKEN = "xoxb-emulator-token"
SIGNING_SECRET = "sandbox-signing-secret-not-a-secret"
IDLE_TIMEOUT_SECONDS = 10.0
LAZY_WORKERS = 8


class CountingExecutor(ThreadPoolExecutor):
    """Bolt's lazy-listener pool, counting work in flight so we know exactly when the app is idle."""

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="sandbox-lazy")
        self._busy = 0
        self._cond = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._cond:
            self._busy += 1

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

        return super().submit(run)

    def wait_idle(self, timeout: float) -> bool:
        """True once nothing is queued or running; False if `timeout` passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: self._busy == 0, timeout)


class Runtime:
    """Starts and stops everything the sandbox plays against; `events` collects Web API changes."""

    def __init__(
        self, *, db_path: Path | None = None, start: datetime | None = None, areas: tuple[Area, ...] = AREAS
    ) -> None:
        self.areas = areas
        self.clock = VirtualClock(start)
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._events_lock = threading.Lock()
        self.emulator = SlackEmulator(clock=self.clock, on_change=self._record)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if db_path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="coachbot-sandbox-")
            db_path = Path(self._tmp.name) / "sandbox.db"
        self.db_path = db_path
        self.db = Database(f"sqlite:///{db_path}")
        self.executor = CountingExecutor(LAZY_WORKERS)
        self.server: BackgroundServer | None = None

    def _record(self, method: str, result: dict[str, Any]) -> None:
        with self._events_lock:
            self.events.append((method, result))

    def take_events(self) -> list[tuple[str, dict[str, Any]]]:
        """The Web API changes since the last call, in the order the emulator answered them."""
        with self._events_lock:
            taken, self.events = self.events, []
        return taken

    def start(self) -> Runtime:
        _quiet_logs()
        self.emulator.start()
        upgrade(self.db.engine)
        settings = Settings(
            bot_token=BOT_TOKEN,
            signing_secret=SIGNING_SECRET,
            api_url=self.emulator.url,
            database_url=self.db.url,
        )
        # One person at a keyboard: show each Home refresh at once rather than spacing them out.
        self.services = build_services(
            settings, db=self.db, clock=self.clock, home_refresh_interval=0.0, areas=self.areas
        )
        self.client: WebClient = make_web_client(BOT_TOKEN, self.emulator.url)
        app = build_app(self.services, executor=self.executor)
        self.server = BackgroundServer(app, self.services).start()
        self.driver = SlackDriver(self.emulator, self.server.url, SIGNING_SECRET)
        return self

    def wait_idle(self) -> bool:
        """Wait until every lazy listener has finished (bounded); False if the app is still busy."""
        return self.executor.wait_idle(IDLE_TIMEOUT_SECONDS)

    def next_due(self) -> datetime | None:
        return scheduler.next_due_at(self.services)

    def run_due(self, now: datetime) -> int:
        """One dispatcher pass at `now`, as the worker's tick would run it."""
        sent = scheduler.run_due(self.services, self.client, now)
        self.wait_idle()
        return sent

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        self.executor.shutdown(wait=True)  # lazy listeners finish before the emulator goes away
        self.emulator.stop()
        self.db.dispose()
        if self._tmp is not None:
            self._tmp.cleanup()


def _quiet_logs() -> None:
    """The terminal is the Slack screen: only real errors go to stderr, not Bolt's chatter."""
    for name in ("coachbot.bolt", "slack_bolt", "waitress", "slack_sdk"):
        logging.getLogger(name).setLevel(logging.ERROR)
