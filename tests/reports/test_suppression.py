"""Small groups stay anonymous: 4 vs 5 people, the subtraction case, well-being consent, the setting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from bot.platform.settings import SettingsError, load_settings
from bot.reports.chart import alt_text
from bot.reports.measures import ALL_COHORTS, measure
from bot.reports.output import PERSON_COLUMNS, person_records, table_records
from bot.reports.suppression import Table, suppress
from bot.reports.weeks import recent_weeks
from storage.db import Database
from storage.models import CheckIn, NudgeAnswer, Pairing, Person

TEAM = "T_SMALL"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday: the last complete week is 2026-W47
IN_WEEK = NOW - timedelta(days=3)
HIDDEN = "fewer than 5 — not shown"
_ids = count(1)


def add_cohort(
    db: Database, cohort: str, size: int, *, wellbeing: list[tuple[int, bool | None]] = ()
) -> list[int]:  # type: ignore[assignment]
    """`size` paired coachees in `cohort`; the first ones check in with the given (well-being, consent)."""
    ids = []
    with db.transaction() as session:
        coach = Person(team_id=TEAM, slack_user_id=f"UCOACH{next(_ids)}", created_at=NOW - timedelta(days=90))
        session.add(coach)
        session.flush()
        for n in range(size):
            person = Person(
                team_id=TEAM,
                slack_user_id=f"U{next(_ids)}X",
                cohort=cohort,
                created_at=NOW - timedelta(days=90),
            )
            session.add(person)
            session.flush()
            session.add(Pairing(team_id=TEAM, coach_id=coach.id, coachee_id=person.id, created_by="t",
                                created_at=NOW - timedelta(days=90)))  # fmt: skip
            if n < len(wellbeing):
                score, consent = wellbeing[n]
                session.add(CheckIn(team_id=TEAM, person_id=person.id, answer=NudgeAnswer.CHECKIN, wellbeing=score,
                                    coach_consent=consent, created_at=IN_WEEK, request_key=f"k{next(_ids)}"))  # fmt: skip
            ids.append(person.id)
    return ids


def table(db: Database, min_group: int = 5) -> Table:
    with db.read() as session:
        return suppress(measure(session, TEAM, recent_weeks(NOW, "UTC", 1), NOW), min_group)


def last_week(db: Database, cohort: str, min_group: int = 5) -> dict[str, object]:
    [row] = [r for r in table_records(table(db, min_group)) if r["cohort"] == cohort]
    return row


def test_a_cohort_of_4_is_not_shown_and_a_cohort_of_5_is(sqlite_db: Database) -> None:
    add_cohort(sqlite_db, "Four", 4, wellbeing=[(4, None)] * 4)
    add_cohort(sqlite_db, "Five", 5, wellbeing=[(4, None)] * 5)
    four, five = last_week(sqlite_db, "Four"), last_week(sqlite_db, "Five")
    assert {key: value for key, value in four.items() if key not in {"cohort", "week", "week_starts"}} == {
        key: HIDDEN for key in four if key not in {"cohort", "week", "week_starts"}
    }
    assert five["coachees"] == 5 and five["wellbeing_4"] == 5 and five["wellbeing_answers"] == 5


def test_a_total_that_would_reveal_one_small_cohort_by_subtraction_is_not_shown(sqlite_db: Database) -> None:
    add_cohort(sqlite_db, "Big", 10)
    add_cohort(sqlite_db, "Small", 4)
    assert last_week(sqlite_db, "Big")["coachees"] == 10
    assert last_week(sqlite_db, "Small")["coachees"] == HIDDEN
    # 14 people would be enough on its own, but 14 − 10 would give the hidden cohort away.
    assert last_week(sqlite_db, ALL_COHORTS)["coachees"] == HIDDEN


def test_a_total_is_shown_when_the_hidden_cohorts_together_reach_the_minimum(sqlite_db: Database) -> None:
    add_cohort(sqlite_db, "Big", 10)
    add_cohort(sqlite_db, "Small", 4)
    add_cohort(sqlite_db, "Tiny", 1)
    assert last_week(sqlite_db, "Small")["coachees"] == last_week(sqlite_db, "Tiny")["coachees"] == HIDDEN
    # Subtraction now reveals only the two small cohorts together: 5 people.
    assert last_week(sqlite_db, ALL_COHORTS)["coachees"] == 15


def test_well_being_is_hidden_for_4_raters_even_in_a_cohort_large_enough_to_show(sqlite_db: Database) -> None:
    add_cohort(sqlite_db, "Ten", 10, wellbeing=[(3, None)] * 4)
    row = last_week(sqlite_db, "Ten")
    assert row["coachees"] == 10 and row["wellbeing_3"] == HIDDEN and row["wellbeing_answers"] == HIDDEN
    assert row["asked_for_help_pct"] == 0.0


def test_a_low_well_being_shared_with_nobody_counts_only_in_suppressed_or_large_aggregates(
    sqlite_db: Database,
) -> None:
    add_cohort(sqlite_db, "Four", 4, wellbeing=[(1, False)])
    add_cohort(sqlite_db, "Six", 6, wellbeing=[(1, False)] + [(4, None)] * 4)
    four, six = last_week(sqlite_db, "Four"), last_week(sqlite_db, "Six")
    assert four["wellbeing_1"] == HIDDEN and four["asked_for_help_pct"] == HIDDEN
    assert six["wellbeing_1"] == 1 and six["asked_for_help_pct"] == round(100 / 6, 1)
    shown = table(sqlite_db)
    assert "Four: fewer than 5 — not shown" in alt_text(shown, "Program")
    # The total would give Four away by subtraction: it is not shown either.
    assert last_week(sqlite_db, ALL_COHORTS)["wellbeing_1"] == HIDDEN
    with sqlite_db.read() as session:
        people = measure(session, TEAM, recent_weeks(NOW, "UTC", 1), NOW).people
    records = person_records(people)
    assert len([r for r in records if r["cohort"] == "Four"]) == 4
    assert all(list(r) == PERSON_COLUMNS for r in records)
    assert not any("wellbeing" in key or "help" in key for key in PERSON_COLUMNS)


def test_the_minimum_is_a_setting_never_below_3(sqlite_db: Database) -> None:
    assert load_settings({}).min_group == 5
    assert load_settings({"COACHBOT_MIN_GROUP": "3"}).min_group == 3
    for bad in ("2", "0", "five"):
        with pytest.raises(SettingsError, match="COACHBOT_MIN_GROUP"):
            load_settings({"COACHBOT_MIN_GROUP": bad})
    add_cohort(sqlite_db, "Three", 3)
    assert last_week(sqlite_db, "Three", min_group=3)["coachees"] == 3
    assert last_week(sqlite_db, "Three", min_group=4)["coachees"] == "fewer than 4 — not shown"
