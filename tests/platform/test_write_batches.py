"""Hot writes on SQLite share a transaction when they come while another is under way: every write
lands (or fails alone), and its caller gets its own result after the commit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event, text

from storage.db import Database, DatabaseBusy, request_deadline, request_time_left
from tests.harness import wait_until


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'batches.db'}")
    with database.core_transaction() as connection:
        connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"))
    return database


def insert(body: str) -> Callable[[Connection], int]:
    def work(connection: Connection) -> int:
        statement = text("INSERT INTO notes (body) VALUES (:b) RETURNING id")
        return int(connection.execute(statement, {"b": body}).scalar_one())

    return work


def bodies(db: Database) -> list[str]:
    with db.engine.connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT body FROM notes ORDER BY id"))]


def commits(db: Database) -> list[int]:
    counted: list[int] = []
    event.listen(db.engine, "commit", lambda _connection: counted.append(1))
    return counted


class Queued:
    """Writes started on threads of their own while a first write holds the database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.release = threading.Event()
        self.results: dict[str, Any] = {}
        self.threads: list[threading.Thread] = []
        self._start("first", lambda: db.write(lambda c: (self.release.wait(10), insert("first")(c))[1]))
        wait_until(lambda: self.db._writing_thread is not None, 5, "the first write holding the database")

    def add(self, name: str, call: Callable[[], Any]) -> None:
        queued = len(self.db._batches._waiting)  # type: ignore[union-attr]
        self._start(name, call)
        wait_until(lambda: len(self.db._batches._waiting) > queued, 5, f"{name} queued")  # type: ignore[union-attr]

    def finish(self) -> dict[str, Any]:
        self.release.set()
        for thread in self.threads:
            thread.join(10)
        return self.results

    def _start(self, name: str, call: Callable[[], Any]) -> None:
        def run() -> None:
            try:
                self.results[name] = call()
            except Exception as error:
                self.results[name] = error

        thread = threading.Thread(target=run)
        thread.start()
        self.threads.append(thread)


def test_writes_that_come_while_one_is_under_way_share_the_next_commit(db: Database) -> None:
    counted = commits(db)
    queued = Queued(db)
    for name in ("a", "b", "c"):
        queued.add(name, partial(db.write, insert(name)))
    results = queued.finish()
    assert sorted(bodies(db)) == ["a", "b", "c", "first"]
    assert len(counted) == 2  # the first write's commit, then one for the three that waited
    ids = {body: i for i, body in enumerate(bodies(db), start=1)}
    assert {name: results[name] for name in ("a", "b", "c")} == {n: ids[n] for n in ("a", "b", "c")}


def test_a_write_that_fails_in_a_batch_changes_nothing_and_the_others_still_commit(db: Database) -> None:
    def fails(connection: Connection) -> None:
        insert("half done")(connection)
        raise ValueError("refused")

    queued = Queued(db)
    queued.add("a", lambda: db.write(insert("a")))
    queued.add("bad", lambda: db.write(fails))
    queued.add("c", lambda: db.write(insert("c")))
    results = queued.finish()
    assert isinstance(results["bad"], ValueError)
    assert sorted(bodies(db)) == ["a", "c", "first"]


def test_a_write_still_queued_at_its_deadline_is_withdrawn_and_changes_nothing(db: Database) -> None:
    def late() -> int:
        with request_deadline(0.2):
            return db.write(insert("late"))

    queued = Queued(db)
    queued.add("late", late)
    time.sleep(0.4)  # past the late write's deadline, the first still holds the database
    queued.add("after", lambda: db.write(insert("after")))
    results = queued.finish()
    assert isinstance(results["late"], DatabaseBusy)
    assert sorted(bodies(db)) == ["after", "first"]


def test_a_write_run_on_another_thread_keeps_its_callers_deadline(db: Database) -> None:
    def deadline_seen(connection: Connection) -> float | None:
        insert("timed")(connection)
        return request_time_left()

    def timed() -> float | None:
        with request_deadline(30):
            return db.write(deadline_seen)

    queued = Queued(db)
    queued.add("timed", timed)
    results = queued.finish()
    assert isinstance(results["timed"], float) and 20 < results["timed"] <= 30


def test_a_lone_write_that_fails_rolls_its_transaction_back(db: Database) -> None:
    def fails(connection: Connection) -> None:
        insert("half done")(connection)
        raise ValueError("refused")

    with pytest.raises(ValueError):
        db.write(fails)
    assert bodies(db) == []
    db.write(insert("next"))  # and the next write finds the database free
    assert bodies(db) == ["next"]
