"""Coalescing Home publishes and nudge redraws: bursts fold into few runs, and the last run follows
the last change."""

from __future__ import annotations

import threading
import time

from bot.platform.coalesce import Coalescer


def test_a_request_covered_by_a_later_run_is_dropped() -> None:
    runs: list[float] = []
    coalescer = Coalescer(0.0)
    changed = time.monotonic()
    assert coalescer.run("k", lambda: runs.append(time.monotonic()), changed) is True
    assert coalescer.run("k", lambda: runs.append(time.monotonic()), changed) is False
    assert len(runs) == 1


def test_requests_during_a_run_fold_into_one_more_run_that_sees_the_last_change() -> None:
    started, release = threading.Event(), threading.Event()
    seen: list[tuple[int, int]] = []
    state = {"value": 0}

    def slow() -> None:
        # What a publish reads is the state as of its start; and on which thread it runs.
        seen.append((state["value"], threading.get_ident()))
        started.set()
        release.wait(2)

    coalescer = Coalescer(0.0)
    first = threading.Thread(target=coalescer.run, args=("k", slow))
    first.start()
    started.wait(2)
    for value in range(1, 6):
        state["value"] = value
        assert coalescer.run("k", slow, time.monotonic()) is False
    release.set()
    first.join(2)
    # With no interval, the folded run follows at once on the same thread: it is done when the
    # first caller returns (a lazy listener's own work, which tests can wait for).
    assert seen == [(0, first.ident), (5, first.ident)]


def test_keys_not_run_for_a_long_time_are_forgotten_once_there_are_many() -> None:
    runs: list[str] = []
    coalescer = Coalescer(0.0)
    coalescer.MAX_KEYS, coalescer.FORGET_AFTER = 2, 0.0
    changed = time.monotonic()
    for key in "abcd":
        coalescer.run(key, lambda key=key: runs.append(key))
    # Remembered, "a"'s run would cover this change; forgotten, the request runs.
    assert coalescer.run("a", lambda: runs.append("a again"), changed) is True
    assert runs == ["a", "b", "c", "d", "a again"]


def test_runs_for_one_key_are_spaced_by_the_interval_and_others_are_not_held_up() -> None:
    times: dict[str, list[float]] = {"a": [], "b": []}
    coalescer = Coalescer(0.3)
    coalescer.run("a", lambda: times["a"].append(time.monotonic()))
    assert coalescer.run("a", lambda: times["a"].append(time.monotonic()), time.monotonic()) is False
    assert coalescer.run("b", lambda: times["b"].append(time.monotonic())) is True
    deadline = time.monotonic() + 2
    while len(times["a"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(times["a"]) == 2 and times["a"][1] - times["a"][0] >= 0.29
    assert len(times["b"]) == 1


def test_closing_cancels_deferred_runs() -> None:
    runs: list[int] = []
    coalescer = Coalescer(0.2)
    coalescer.run("k", lambda: runs.append(1))
    coalescer.run("k", lambda: runs.append(2), time.monotonic())
    coalescer.close()
    time.sleep(0.3)
    assert runs == [1]
