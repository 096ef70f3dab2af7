"""Our processes writing one SQLite file take turns through the writer queue: a second process
waits for the first's transaction and then writes, a forked worker queues behind its parent, and a
request past its deadline is told "busy" with nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database, DatabaseBusy, request_deadline
from storage.writer_queue import WriterQueue

# Another coachbot process keeps a write transaction open for a while, then ends it.
HOLDER = """
import sys, time
from sqlalchemy import text
from storage.db import Database
db = Database(f"sqlite:///{sys.argv[1]}")
with db.transaction() as session:
    session.execute(text("INSERT INTO t VALUES (1)"))
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'queue.db'}")
    with database.transaction() as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    return database


def hold(db: Database, seconds: float) -> subprocess.Popen[str]:
    path = db.url.removeprefix("sqlite:///")
    root = Path(__file__).resolve().parents[2]
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, path, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def rows(db: Database) -> int:
    with db.read() as session:
        return int(session.execute(text("SELECT count(*) FROM t")).scalar_one())


def test_a_second_process_waits_its_turn_and_then_writes(db: Database) -> None:
    holder = hold(db, 0.5)
    started = time.monotonic()
    with db.transaction() as session:
        session.execute(text("INSERT INTO t VALUES (2)"))
    waited = time.monotonic() - started
    holder.wait()
    assert rows(db) == 2
    assert waited > 0.3, waited  # how soon it goes on is bench/ack_latency.py's to measure (two workers)


def test_a_request_past_its_deadline_behind_another_process_is_busy_and_writes_nothing(db: Database) -> None:
    holder = hold(db, 3)
    started = time.monotonic()
    with pytest.raises(DatabaseBusy), request_deadline(0.3), db.transaction() as session:
        session.execute(text("INSERT INTO t VALUES (2)"))
    assert time.monotonic() - started < 1.0
    holder.wait()
    assert rows(db) == 1


def test_a_forked_child_queues_behind_its_parent(tmp_path: Path) -> None:
    """A child shares its parent's open files, and a flock with them: the queue reopens its own."""
    queue = WriterQueue(str(tmp_path / "fork.db"))
    assert queue.acquire(0.1)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: can it write while the parent holds the turn? then after?
        os.close(read)
        during = queue.acquire(0.2)
        time.sleep(0.3)  # the parent releases meanwhile
        after = queue.acquire(1.0)
        os.write(write, f"{int(during)}{int(after)}".encode())
        os._exit(0)
    os.close(write)
    time.sleep(0.3)
    queue.release()
    answer = os.read(read, 2).decode()
    os.waitpid(child, 0)
    assert answer == "01", answer
