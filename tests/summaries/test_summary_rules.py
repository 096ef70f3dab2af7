"""Each flag's rule at its edges, attention order, private notes, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bench.program import SECRET, build_program
from bot.summaries.digest import build_digest, digest_messages
from bot.summaries.flags import Flag
from bot.summaries.service import CoacheeSummary, coach_summary
from bot.summaries.views import MAX_BLOCKS, SECTION_MAX, summary_messages
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, Goal, GoalStatus, Person
from storage.models.checkins import CheckIn, NudgeAnswer
from storage.models.meetings import Pairing

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday 08:00 in Chicago
TEAM = "T1"


class Roster:
    """A coach and coachees written straight to the database, with check-ins at chosen times."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.seq = 0
        self.coach = self._person("coach")

    def _person(self, name: str) -> int:
        with self.db.transaction() as session:
            person = Person(
                team_id=TEAM,
                slack_user_id=f"U_{name}",
                display_name=name,
                tz="America/Chicago",
                created_at=NOW,
            )
            session.add(person)
            session.flush()
            return person.id

    def coachee(self, name: str, paired_days_ago: int = 60) -> int:
        person = self._person(name)
        with self.db.transaction() as session:
            session.add(
                Pairing(team_id=TEAM, coach_id=self.coach, coachee_id=person, created_by="U_dean",
                        created_at=NOW - timedelta(days=paired_days_ago))
            )  # fmt: skip
        return person

    def checkin(
        self, person: int, days_ago: float, answer: NudgeAnswer = NudgeAnswer.CHECKIN, **values: Any
    ) -> None:
        self.seq += 1
        with self.db.transaction() as session:
            session.add(
                CheckIn(team_id=TEAM, person_id=person, answer=answer, created_at=NOW - timedelta(days=days_ago),
                        request_key=f"r{self.seq}", **values)
            )  # fmt: skip

    def nudge(self, person: int, days_ago: float, answer: NudgeAnswer | None, **values: Any) -> None:
        self.seq += 1
        ts = f"{self.seq}.0001"
        sent = NOW - timedelta(days=days_ago)
        with self.db.transaction() as session:
            session.add(
                Delivery(team_id=TEAM, kind="nudge", recipient="U", person_id=person, due_at=sent, sent_at=sent,
                         dedupe_key=f"n{self.seq}", status=DeliveryStatus.SENT, message_ts=ts, created_at=sent)
            )  # fmt: skip
        if answer is not None:
            self.checkin(person, days_ago - 0.01, answer, message_ts=ts, **values)

    def goals_done(self, person: int, count: int, days_ago: float = 1) -> None:
        with self.db.transaction() as session:
            for n in range(count):
                self.seq += 1
                session.add(
                    Goal(team_id=TEAM, person_id=person, number=self.seq, title=f"goal {n}", created_at=NOW,
                         updated_at=NOW, status=GoalStatus.DONE, closed_at=NOW - timedelta(days=days_ago))
                )  # fmt: skip

    def summaries(self) -> dict[int, CoacheeSummary]:
        with self.db.read() as session:
            return {s.person_id: s for s in coach_summary(session, TEAM, self.coach, NOW, "America/Chicago")}

    def flags(self, person: int) -> list[Flag]:
        return self.summaries()[person].flags


@pytest.fixture
def roster(sqlite_db: Database) -> Roster:
    return Roster(sqlite_db)


def test_thirteen_days_of_silence_is_not_yet_gone_quiet_but_fourteen_is(roster: Roster) -> None:
    thirteen, fourteen = roster.coachee("thirteen"), roster.coachee("fourteen")
    roster.checkin(thirteen, 13)
    roster.checkin(fourteen, 14)
    assert Flag.GONE_QUIET not in roster.flags(thirteen)
    assert Flag.GONE_QUIET in roster.flags(fourteen)


def test_a_coachee_who_never_checked_in_goes_quiet_fourteen_days_after_pairing(roster: Roster) -> None:
    new, older = roster.coachee("new", paired_days_ago=13), roster.coachee("older", paired_days_ago=14)
    assert roster.flags(new) == []
    assert roster.flags(older) == [Flag.GONE_QUIET]


def test_one_unanswered_nudge_is_not_gone_quiet_but_the_last_two_are(roster: Roster) -> None:
    one, two = roster.coachee("one"), roster.coachee("two")
    for person in (one, two):
        roster.checkin(person, 1, note="busy week")  # heard from recently: only the nudges count
    roster.nudge(one, 3, NudgeAnswer.ON_TRACK)
    roster.nudge(one, 2, None)
    roster.nudge(two, 3, None)
    roster.nudge(two, 2, None)
    assert Flag.GONE_QUIET not in roster.flags(one)
    assert Flag.GONE_QUIET in roster.flags(two)
    assert roster.summaries()[two].unanswered_nudges == 2


def test_a_shared_wellbeing_of_two_asks_for_help_but_three_does_not(roster: Roster) -> None:
    three, two = roster.coachee("three"), roster.coachee("two")
    roster.checkin(three, 1, wellbeing=3)
    roster.checkin(two, 1, wellbeing=2, coach_consent=True)
    assert Flag.ASKED_FOR_HELP not in roster.flags(three)
    assert Flag.ASKED_FOR_HELP in roster.flags(two)


def test_need_help_this_week_asks_for_help_but_eight_days_ago_does_not(roster: Roster) -> None:
    now, before = roster.coachee("now"), roster.coachee("before")
    roster.nudge(now, 6.5, NudgeAnswer.NEED_HELP)
    roster.nudge(before, 8, NudgeAnswer.NEED_HELP)
    roster.checkin(before, 1)
    assert Flag.ASKED_FOR_HELP in roster.flags(now)
    assert Flag.ASKED_FOR_HELP not in roster.flags(before)


def test_a_low_wellbeing_the_coachee_did_not_agree_to_share_raises_no_flag(roster: Roster) -> None:
    kept, unanswered = roster.coachee("kept"), roster.coachee("unanswered")
    roster.checkin(kept, 1, wellbeing=1, coach_consent=False)
    roster.checkin(unanswered, 1, wellbeing=2)  # the question left unanswered: no is no
    for person in (kept, unanswered):
        assert Flag.ASKED_FOR_HELP not in roster.flags(person)
        assert roster.summaries()[person].wellbeing == []


def test_two_goals_done_this_week_is_on_a_roll_but_one_is_not(roster: Roster) -> None:
    one, two = roster.coachee("one"), roster.coachee("two")
    roster.goals_done(one, 1)
    roster.goals_done(two, 2)
    roster.checkin(one, 1)
    roster.checkin(two, 1)
    assert Flag.ON_A_ROLL not in roster.flags(one)
    assert roster.flags(two) == [Flag.ON_A_ROLL]


def test_every_nudge_on_track_is_on_a_roll_but_one_snoozed_is_not(roster: Roster) -> None:
    steady, snoozed = roster.coachee("steady"), roster.coachee("snoozed")
    for person in (steady, snoozed):
        roster.nudge(person, 5, NudgeAnswer.ON_TRACK)
    roster.nudge(steady, 2, NudgeAnswer.ON_TRACK)
    roster.nudge(snoozed, 2, NudgeAnswer.SNOOZED)
    assert roster.flags(steady) == [Flag.ON_A_ROLL]
    assert roster.flags(snoozed) == []


def test_coachees_needing_attention_come_first(roster: Roster) -> None:
    rolling = roster.coachee("a_rolling")
    fine = roster.coachee("b_fine")
    quiet = roster.coachee("c_quiet")
    helped = roster.coachee("d_help")
    roster.goals_done(rolling, 2)
    roster.checkin(rolling, 1)
    roster.checkin(fine, 1)
    roster.checkin(quiet, 20)
    roster.nudge(helped, 1, NudgeAnswer.NEED_HELP)
    with roster.db.read() as session:
        order = [s.person_id for s in coach_summary(session, TEAM, roster.coach, NOW, "UTC")]
    assert order == [helped, quiet, fine, rolling]


def test_a_coachee_with_nothing_to_report_still_appears_briefly(roster: Roster) -> None:
    silent = roster.coachee("silent", paired_days_ago=3)
    summary = roster.summaries()[silent]
    [message] = summary_messages([summary], NOW.date(), "America/Chicago")
    text = str([b.to_dict() for b in message.blocks])
    assert "<@U_silent>" in text and "Nothing to report this week" in text


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_summary_takes_the_same_number_of_queries_for_5_or_50_coachees(any_db: Database) -> None:
    with any_db.transaction() as session:
        small = build_program(session, NOW, coaches=1, coachees=5, weeks=4, tag="s", team=TEAM)
        large = build_program(session, NOW, coaches=1, coachees=50, weeks=4, tag="l", team=TEAM)
    counts = []
    for program, size in ((small, 5), (large, 50)):
        with counting(any_db) as statements, any_db.read() as session:
            assert len(coach_summary(session, TEAM, program.coach_ids[0], NOW, "UTC")) == size
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 10


def test_private_notes_appear_nowhere_in_a_summary_or_the_digest(any_db: Database) -> None:
    with any_db.transaction() as session:
        program = build_program(session, NOW, coaches=2, coachees=10, weeks=3, team=TEAM)
    with any_db.read() as session:
        summaries = coach_summary(session, TEAM, program.coach_ids[0], NOW, "UTC")
        messages = summary_messages(summaries, NOW.date(), "UTC") + digest_messages(
            build_digest(session, TEAM, NOW)
        )
    sent = str([block.to_dict() for message in messages for block in message.blocks])
    assert "went fine" in sent  # shared notes are shown …
    assert SECRET not in sent and "private worry" not in sent  # … private ones never


def test_a_long_roster_is_split_into_messages_that_fit_and_nobody_is_cut(sqlite_db: Database) -> None:
    with sqlite_db.transaction() as session:
        program = build_program(session, NOW, coaches=1, coachees=60, weeks=2, team=TEAM)
        coachees = session.query(Person.slack_user_id).filter(Person.slack_user_id.like("U%E%")).all()
    with sqlite_db.read() as session:
        summaries = coach_summary(session, TEAM, program.coach_ids[0], NOW, "UTC")
    messages = summary_messages(summaries, NOW.date(), "UTC")
    assert len(messages) > 1
    for message in messages:
        assert len(message.blocks) <= MAX_BLOCKS
        for block in message.blocks:
            text = block.to_dict().get("text", {}).get("text", "")
            assert len(text) <= SECTION_MAX
    sent = " ".join(str([b.to_dict() for b in m.blocks]) for m in messages)
    for (user,) in coachees:
        assert sent.count(f"<@{user}>") == 1


def test_the_digest_counts_flags_and_names_coaches_with_a_need_help_and_no_session(roster: Roster) -> None:
    helped, quiet = roster.coachee("helped"), roster.coachee("quiet")
    roster.nudge(helped, 2, NudgeAnswer.NEED_HELP, note="I am drowning in exams")
    roster.nudge(helped, 1, None)
    roster.checkin(quiet, 30)
    with roster.db.read() as session:
        digest = build_digest(session, TEAM, NOW)
    assert digest.active_pairings == 2
    assert digest.flags[Flag.ASKED_FOR_HELP] == 1 and digest.flags[Flag.GONE_QUIET] == 1
    assert digest.coaches_to_follow_up == ["U_coach"]
    assert digest.answer_rate == "50% (1 of 2 nudges answered)"
    shown = str([b.to_dict() for m in digest_messages(digest) for b in m.blocks])
    assert "<@U_coach>" in shown and "drowning" not in shown
