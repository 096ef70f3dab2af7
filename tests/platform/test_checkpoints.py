"""SQLite's write-ahead log is copied back by a long-running process's own thread, not by the
request whose commit happens to fill it (that request, and every writer queued behind it, would
wait for the copy and its fsync)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.checkpoints import RESTART_PAGES, Checkpointer, checkpoint
from storage.db import Database, make_engine
from tests.harness import wait_until

PAGE = 4096


def rows_in_the_file_alone(path: Path, table: str) -> int:
    """Rows the database file holds by itself, without what its write-ahead log still keeps."""
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        if not connection.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
            return 0
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def write_pages(engine: Engine, commits: int) -> None:
    """`commits` commits of about two fresh pages each: past SQLite's default 1,000-page threshold."""
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS scratch (blob BLOB)")
    for _ in range(commits):
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO scratch VALUES (zeroblob(?))", (PAGE,))


def test_by_default_the_commit_that_fills_the_log_copies_it_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    write_pages(engine, 600)
    engine.dispose()
    assert rows_in_the_file_alone(tmp_path / "plain.db", "scratch") > 0


def test_with_background_checkpoints_no_commit_copies_the_log_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'served.db'}", background_checkpoints=True)
    write_pages(engine, 600)
    # Still all in the log: the commits left the copy to the checkpointer (not running here).
    assert rows_in_the_file_alone(tmp_path / "served.db", "scratch") == 0
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM scratch").scalar() == 600
    engine.dispose()


def test_the_checkpointer_copies_the_log_back_soon_and_stops_with_the_database(
    tmp_path: Path,
) -> None:
    path = tmp_path / "served.db"
    db = Database(f"sqlite:///{path}", background_checkpoints=True)
    write_pages(db.engine, 20)  # far below any automatic threshold
    wait_until(lambda: rows_in_the_file_alone(path, "scratch") == 20, 5, "the log copied back")
    db.dispose()
    assert not [t for t in threading.enumerate() if t.name == "coachbot-wal-checkpoint" and t.is_alive()]


def log_pages(path: Path) -> int:
    """The write-ahead log's length in pages."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        return int(connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
    finally:
        connection.close()


def test_a_long_log_is_finished_under_the_writer_lock_so_the_next_write_starts_it_over(
    tmp_path: Path,
) -> None:
    path = tmp_path / "served.db"
    engine = make_engine(f"sqlite:///{path}", background_checkpoints=True)
    write_pages(engine, RESTART_PAGES)  # a log past RESTART_PAGES, as steady writes leave it
    held: list[int] = []

    @contextmanager
    def writer() -> Iterator[None]:
        held.append(1)
        yield

    checkpointer = Checkpointer(str(path), writer, every=0.01).start()
    wait_until(lambda: held, 5, "the long log finished under the writer lock")
    checkpointer.stop()
    write_pages(engine, 1)
    assert log_pages(path) < 10  # started over: not appended after 2,000 pages
    engine.dispose()


def test_a_failed_checkpoint_is_one_line_naming_its_kind_not_a_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    connection = sqlite3.connect(tmp_path / "gone.db")
    connection.close()  # every statement on it now fails
    checkpoint(connection)  # and the checkpointer's loop goes on
    [record] = caplog.records
    assert record.getMessage() == "write-ahead log checkpoint failed (ProgrammingError); trying again"
    assert record.exc_info is None
