"""Deletion deletes: after /coachbot delete my data nothing of the person's words is left in any row
(a coach's stored summary parts included), nor in the SQLite file, its free pages or its WAL."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select, update

from storage.models import Delivery, Goal, Person
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack
from tests.summaries.test_summary_slack import TEAM, big_roster


def database_bytes(app: RunningApp) -> bytes:
    path = Path(app.services.db.url.removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_a_deleted_coachees_words_are_gone_from_every_row_and_from_the_file(
    slack: Slack, app: RunningApp, clock: FixedClock
) -> None:
    [coach] = big_roster(app, slack, 1, 60, clock)
    with app.services.db.transaction() as session:
        # Every coachee's goals get words only they wrote: "Marginalia-<their id>-<n>".
        for goal in session.scalars(select(Goal)):
            session.execute(
                update(Goal)
                .where(Goal.id == goal.id)
                .values(title=f"Marginalia-{goal.person_id}-{goal.number}")
            )
    slack.command("/coach", "summary", user=coach)
    first = slack.wait_for_dm(coach, "Your weekly coaching summary (1/")
    total = int(first.text.rsplit("/", 1)[1].rstrip(")"))
    slack.emulator.wait_for(lambda _c: len(slack.posts(first.channel, thread_ts=first.ts)) >= total - 1)
    app.wait_idle()
    # A coachee whose goals the coach's stored summary parts (the thread's replies) carry.
    with app.services.db.read() as session:
        parts = " ".join(
            d.payload for d in session.scalars(select(Delivery).where(Delivery.kind == "summary_part"))
        )
        person_id = int(re.search(r"Marginalia-(\d+)-", parts).group(1))  # type: ignore[union-attr]
        coachee = session.get(Person, person_id)
        assert coachee is not None and coachee.team_id == TEAM
        user_id = coachee.slack_user_id
    phrase = f"Marginalia-{person_id}-".encode()
    assert phrase in database_bytes(app)
    slack.ws.add_user("leaving", "America/Chicago", user_id=user_id)
    reply = slack.command("/coachbot", "delete my data", user=user_id)
    slack.click_in_reply(user_id, reply, "Delete my data")
    slack.wait_for_response("everything coachbot held about you is deleted")
    app.wait_idle()
    with app.services.db.read() as session:
        payloads = " ".join(d.payload for d in session.scalars(select(Delivery)))
    assert phrase.decode() not in payloads
    assert phrase not in database_bytes(app)
    assert b"Marginalia-" in database_bytes(app)  # the other coachees' words stay
