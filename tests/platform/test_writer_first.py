"""While one thread of a process writes to SQLite, new work in that process (a request, a lazy
listener) waits for the write to finish, for a bounded time, and never for its own write."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

import storage.db
from bot.platform.lazy_hand_off import WriterFirstExecutor
from storage.db import Database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'first.db'}")
    with database.transaction() as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    yield database
    database.dispose()


def rows(db: Database) -> int:
    with db.read() as session:
        return int(session.execute(text("SELECT count(*) FROM t")).scalar_one())


class HeldWrite:
    """A write transaction on another thread, open until `finish()`."""

    def __init__(self, db: Database) -> None:
        self._open, self._finish = threading.Event(), threading.Event()
        self.finishing_at = 0.0
        self._thread = threading.Thread(target=self._write, args=(db,))
        self._thread.start()
        assert self._open.wait(5)

    def _write(self, db: Database) -> None:
        with db.transaction() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
            self._open.set()
            self._finish.wait(10)

    def finish(self) -> None:
        self.finishing_at = time.monotonic()
        self._finish.set()
        self._thread.join(5)


def test_work_starts_after_the_write_under_way(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.db, "WRITER_FIRST_SECONDS", 30.0)
    write = HeldWrite(db)
    started: list[tuple[float, int]] = []

    def work() -> None:
        db.yield_to_writer()
        started.append((time.monotonic(), rows(db)))

    other = threading.Thread(target=work)
    other.start()
    other.join(0.3)
    assert not started, "work started while another thread of the process was writing"
    write.finish()
    other.join(5)
    assert started and started[0][0] >= write.finishing_at
    assert started[0][1] == 1  # and it sees what was written


def test_the_wait_is_bounded(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.db, "WRITER_FIRST_SECONDS", 0.05)
    write = HeldWrite(db)
    try:
        began = time.monotonic()
        db.yield_to_writer()
        assert time.monotonic() - began < 2  # a stuck write delays other work by the cap, no more
    finally:
        write.finish()


def test_a_writer_never_waits_for_itself(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.db, "WRITER_FIRST_SECONDS", 30.0)
    began = time.monotonic()
    with db.transaction() as session:
        session.execute(text("INSERT INTO t VALUES (2)"))
        db.yield_to_writer()
    assert time.monotonic() - began < 5
    db.yield_to_writer()  # nothing under way now: no wait
    assert time.monotonic() - began < 5


def test_lazy_listeners_start_after_the_write(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.db, "WRITER_FIRST_SECONDS", 30.0)
    lazy = WriterFirstExecutor(db, max_workers=2)
    try:
        write = HeldWrite(db)
        job = lazy.submit(lambda n: (n, time.monotonic()), 7)
        time.sleep(0.3)
        assert not job.done(), "a lazy listener ran while the process was writing"
        write.finish()
        value, ran_at = job.result(5)
        assert value == 7 and ran_at >= write.finishing_at
    finally:
        lazy.shutdown(wait=True)
