"""Cost of reading a date: p50/p99 per parse of the app's reader over the date corpus, and its accuracy.

    python bench/parsing.py            # the app's reader
    python bench/parsing.py --compare  # also dateparser and parsedatetime, if installed (not dependencies)

The corpus is tests/platform/date_corpus.yaml; what "right" means is tests/platform/corpus.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.platform.corpus import Case, Outcome, judge, load_cases, read_case

ROUNDS = 20


def measure(name: str, reader: Callable[[Case], Outcome], cases: list[Case], rounds: int) -> None:
    right = sum(judge(case, reader(case)) for case in cases)
    # The same reading, whether or not the reader asked about it: libraries never ask.
    values = sum(
        judge(replace(case, ask=outcome.asked), outcome) for case in cases for outcome in [reader(case)]
    )
    costs, best = [], [float("inf")] * len(cases)
    for _ in range(rounds):
        for index, case in enumerate(cases):
            started = time.perf_counter()
            reader(case)
            cost = time.perf_counter() - started
            costs.append(cost)
            best[index] = min(best[index], cost)
    costs.sort()
    slowest = max(range(len(cases)), key=best.__getitem__)
    p50, p99 = statistics.median(costs), costs[int(len(costs) * 0.99)]
    print(
        f"{name:<14} {right:>3}/{len(cases)} = {right / len(cases):6.1%} right "
        f"({values / len(cases):6.1%} ignoring questions)   p50 {p50 * 1e3:6.3f} ms   p99 {p99 * 1e3:6.3f} ms"
    )
    # On a busy machine p99 is mostly the scheduler; the slowest phrasing's best run is the parser's own worst.
    print(
        f"{'':<14} slowest phrasing, best of {rounds}: {best[slowest] * 1e3:.3f} ms ({cases[slowest].text!r})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also measure dateparser and parsedatetime")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    cases = load_cases()
    read_case(cases[0])  # imports and compiled patterns are a one-off, not a per-parse cost
    print(f"{len(cases)} phrasings x {args.rounds} rounds")
    measure("coachbot", read_case, cases, args.rounds)
    if args.compare:
        from parsing_candidates import candidates  # bench/ is on the path when run as a script

        for name, reader in candidates():
            reader(cases[0])
            measure(name, reader, cases, max(1, args.rounds // 4))


if __name__ == "__main__":
    main()
