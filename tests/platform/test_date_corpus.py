"""The corpus: hundreds of ways people write deadlines, meeting times, lengths and repeats, read as expected."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.platform.corpus import judge, load_cases, read_case

REQUIRED_SHARE = 0.98
CASES = load_cases()


def test_the_corpus_is_broad_enough() -> None:
    zones = {case.now.tz for case in CASES}
    kinds = Counter(case.kind for case in CASES)
    assert len(CASES) >= 200
    assert {"America/Chicago", "Asia/Kolkata", "Pacific/Auckland"} <= zones
    assert {"date", "moment", "duration", "repeat", "goal"} <= set(kinds)
    assert sum(case.ask for case in CASES) >= 15, "phrasings that must be asked about"
    assert {case.now.name for case in CASES} >= {"dst", "fall", "akl_dst"}, (
        "nows either side of clock changes"
    )


def test_the_reader_reads_at_least_98_percent_of_the_corpus_as_expected(
    capsys: pytest.CaptureFixture[str],
) -> None:
    wrong = [(case, outcome) for case in CASES if not judge(case, outcome := read_case(case))]
    share = 1 - len(wrong) / len(CASES)
    with capsys.disabled():
        print(f"\ndate corpus: {len(CASES) - len(wrong)}/{len(CASES)} read as expected ({share:.1%})")
        for case, outcome in wrong:
            expected = ("ask " if case.ask else "") + (case.expected or "error")
            print(f"  [{case.now.name}] {case.kind} {case.text!r}: expected {expected}, got {outcome}")
    assert share >= REQUIRED_SHARE


@pytest.mark.parametrize(
    "case", [case for case in CASES if case.ask], ids=lambda case: f"{case.now.name}:{case.text}"
)
def test_every_phrasing_in_doubt_is_asked_about_with_its_reading(case: object) -> None:
    outcome = read_case(case)  # type: ignore[arg-type]
    assert outcome.asked and judge(case, outcome)  # type: ignore[arg-type]
