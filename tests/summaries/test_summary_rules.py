"""Each flag's rule at its edges, attention order, private notes, and a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bench.program import SECRET, build_program
from bot.summaries.digest import build_digest, digest_messages
from bot.summaries.flags import Flag
from bot.summaries.service import CoacheeSummary, coach_summary
from bot.summaries.views import MAX_BLOCKS, SECTION_MAX, summary_messages
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, Goal, GoalStatus, Person, ProgressNote
from storage.models.checkins import CheckIn, NudgeAnswer, NudgePrefs, QuietPeriod
from storage.models.meetings import Pairing
from tests.statements import counting

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

    def goals_done(
        self, person: int, count: int, days_ago: float = 1, status: GoalStatus = GoalStatus.DONE
    ) -> None:
        with self.db.transaction() as session:
            for n in range(count):
                self.seq += 1
                session.add(
                    Goal(team_id=TEAM, person_id=person, number=self.seq, title=f"goal {n}", created_at=NOW,
                         updated_at=NOW, status=status, closed_at=NOW - timedelta(days=days_ago))
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


def test_three_unanswered_nudges_and_nothing_else_since_is_gone_quiet(roster: Roster) -> None:
    two, three, engaged = roster.coachee("two"), roster.coachee("three"), roster.coachee("engaged")
    for person in (two, three, engaged):
        roster.checkin(person, 10)  # heard from within 14 days: only the nudges count
    roster.nudge(two, 3, None)
    roster.nudge(two, 2, None)
    for person in (three, engaged):
        roster.nudge(person, 5, None)
        roster.nudge(person, 3, None)
        roster.nudge(person, 2, None)
    roster.checkin(engaged, 4, note="logged from /checkin, not the nudge")
    assert Flag.GONE_QUIET not in roster.flags(two)
    assert roster.summaries()[three].why == {Flag.GONE_QUIET: "no answer to 3 nudges since Nov 18"}
    assert Flag.GONE_QUIET not in roster.flags(engaged)  # a check-in after the first nudge counts
    assert roster.summaries()[three].unanswered_nudges == 3


def test_any_sign_of_engagement_keeps_a_coachee_from_gone_quiet(roster: Roster) -> None:
    noted, changed = roster.coachee("noted"), roster.coachee("changed")
    roster.checkin(noted, 20)
    roster.checkin(changed, 20)
    with roster.db.transaction() as session:
        goal = Goal(team_id=TEAM, person_id=changed, number=1, title="t", created_at=NOW - timedelta(days=30),
                    updated_at=NOW - timedelta(days=3), status=GoalStatus.ACTIVE)  # fmt: skip
        session.add(goal)
        note_goal = Goal(team_id=TEAM, person_id=noted, number=1, title="t", created_at=NOW - timedelta(days=30),
                         updated_at=NOW - timedelta(days=30), status=GoalStatus.ACTIVE)  # fmt: skip
        session.add(note_goal)
        session.flush()
        session.add(
            ProgressNote(team_id=TEAM, goal_id=note_goal.id, text="n", created_at=NOW - timedelta(days=2))
        )
    assert Flag.GONE_QUIET not in roster.flags(noted)
    assert Flag.GONE_QUIET not in roster.flags(changed)


def test_quiet_periods_and_the_persons_pause_do_not_count_as_silence(roster: Roster) -> None:
    exams, paused, silent = roster.coachee("exams"), roster.coachee("paused"), roster.coachee("silent")
    for person in (exams, paused, silent):
        roster.checkin(person, 20)
    with roster.db.transaction() as session:
        session.add(
            QuietPeriod(
                team_id=TEAM,
                starts_on=(NOW - timedelta(days=12)).date(),
                ends_on=(NOW - timedelta(days=8)).date(),
                created_by="U_dean",
                created_at=NOW,
            )
        )
        session.add(
            NudgePrefs(
                team_id=TEAM,
                person_id=paused,
                updated_at=NOW - timedelta(days=30),
                paused_until=(NOW - timedelta(days=1)).date(),
            )
        )
    # 20 days since, 5 of them a program quiet period: 15 days count, still gone quiet …
    assert roster.summaries()[silent].why[Flag.GONE_QUIET] == "nothing heard for 20 days, since Nov 3"
    assert Flag.GONE_QUIET in roster.flags(exams)
    # … but their own pause covers all but the last day.
    assert Flag.GONE_QUIET not in roster.flags(paused)
    roster.checkin(exams, 10)  # 10 days, 3 of them in the quiet period: 7 count
    assert Flag.GONE_QUIET not in roster.flags(exams)


def test_a_quiet_period_turns_fourteen_days_into_not_yet_gone_quiet(roster: Roster) -> None:
    person = roster.coachee("person")
    roster.checkin(person, 14)
    assert Flag.GONE_QUIET in roster.flags(person)
    with roster.db.transaction() as session:
        day = (NOW - timedelta(days=5)).date()
        session.add(
            QuietPeriod(team_id=TEAM, starts_on=day, ends_on=day, created_by="U_dean", created_at=NOW)
        )
    assert Flag.GONE_QUIET not in roster.flags(person)


def test_gone_quiet_is_never_shown_with_on_a_roll(roster: Roster) -> None:
    person = roster.coachee("person")
    roster.goals_done(person, 2, days_ago=1)
    with roster.db.transaction() as session:  # closed long ago as far as activity goes
        for goal in session.query(Goal).filter(Goal.person_id == person):
            goal.updated_at = NOW - timedelta(days=20)
    roster.checkin(person, 20)
    assert roster.flags(person) == [Flag.GONE_QUIET]


def test_each_flag_says_why(roster: Roster) -> None:
    helped, rolling = roster.coachee("helped"), roster.coachee("rolling")
    roster.nudge(helped, 2, NudgeAnswer.NEED_HELP)
    roster.nudge(helped, 1, NudgeAnswer.NEED_HELP)
    roster.goals_done(rolling, 2)
    roster.checkin(rolling, 1)
    summaries = roster.summaries()
    assert summaries[helped].why[Flag.ASKED_FOR_HELP] == "answered “need help” 2 times this week"
    assert summaries[rolling].why == {Flag.ON_A_ROLL: "2 goals completed this week"}
    [message] = summary_messages(list(summaries.values()), NOW.date(), "America/Chicago")
    assert "🆘 asked for help (answered “need help” 2 times this week)" in str(
        [b.to_dict() for b in message.blocks]
    )


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


def test_a_summary_takes_the_same_number_of_queries_for_5_or_50_coachees(any_db: Database) -> None:
    with any_db.transaction() as session:
        small = build_program(session, NOW, coaches=1, coachees=5, weeks=4, tag="s", team=TEAM)
        large = build_program(session, NOW, coaches=1, coachees=50, weeks=4, tag="l", team=TEAM)
    counts = []
    for program, size in ((small, 5), (large, 50)):
        with counting(any_db) as statements, any_db.read() as session:
            assert len(coach_summary(session, TEAM, program.coach_ids[0], NOW, "UTC")) == size
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 9


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


def test_each_outcome_is_counted_as_itself_in_the_summary_and_the_digest(roster: Roster) -> None:
    person = roster.coachee("closer")
    roster.goals_done(person, 1)
    roster.goals_done(person, 2, status=GoalStatus.NOT_ACHIEVED)
    roster.goals_done(person, 1, status=GoalStatus.DROPPED)
    summary = roster.summaries()[person]
    assert len(summary.goals_done) == 1 and len(summary.goals_not_achieved) == 2
    assert len(summary.goals_dropped) == 1
    assert Flag.ON_A_ROLL not in summary.flags  # two goals closed, but only one completed
    [message] = summary_messages([summary], NOW.date(), "America/Chicago")
    text = str([b.to_dict() for b in message.blocks])
    assert "Completed this week: 1. goal 0" in text
    assert "Closed, not achieved this week: 2. goal 0; 3. goal 1" in text
    assert "Dropped this week: 4. goal 0" in text
    with roster.db.read() as session:
        digest = build_digest(session, TEAM, NOW)
    assert (digest.counts.goals_done, digest.counts.goals_not_achieved, digest.counts.goals_dropped) == (
        1,
        2,
        1,
    )
