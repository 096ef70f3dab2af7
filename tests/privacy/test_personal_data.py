"""A person's data: /coachbot export, /coachbot delete my data, and the schema walk behind them."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update

from bot.privacy.service import delete_person_data
from storage.models import Delivery, DeliveryStatus, Person
from storage.models.meetings import AgendaItem, Meeting
from storage.models.privacy import AuditEntry, KeptCoachNote
from storage.personal_data import KEPT_FOR_OTHERS, REVIEWED, Subject, remaining, tables_about_people
from tests.harness import RunningApp, Slack, run_due
from tests.workshops.workshop_helpers import QUICK, announced


def test_every_table_that_can_hold_someones_data_has_been_reviewed() -> None:
    found = {table.name for table in tables_about_people()}
    unreviewed = found - set(REVIEWED) - set(KEPT_FOR_OTHERS)
    assert not unreviewed, f"say what these hold in storage/personal_data.py REVIEWED: {sorted(unreviewed)}"
    assert set(REVIEWED) <= found, "REVIEWED names a table that no longer holds anyone's data"


def subject(app: RunningApp, user_id: str) -> Subject:
    with app.services.db.read() as session:
        person = session.scalars(select(Person).where(Person.slack_user_id == user_id)).one()
        return Subject(person.id, user_id, person.team_id)


def a_coachee_with_a_bit_of_everything(slack: Slack, app: RunningApp, coach: str, coachee: str) -> None:
    """Goals and notes, a booked session with an agenda item and the coach's note, reminders, an RSVP."""
    slack.goal("add Pass Step 1 by 2027-06-01", user=coachee)
    slack.goal("progress 1 finished the cardio block", user=coachee)
    assert "booked" in slack.meeting("@priya 2026-12-03 13:00", user=coach).text
    slack.meeting("reminders 2h", user=coachee)
    with app.services.db.transaction() as session:
        session.execute(update(Meeting).values(coach_note="Seemed tired; ask about sleep"))
        meeting = session.scalars(select(Meeting)).one()
        session.add(
            AgendaItem(
                team_id=meeting.team_id,
                meeting_id=meeting.id,
                text="Electives",
                created_at=app.services.now(),
            )
        )
    channel = slack.channel("m1-coaching", [coachee])
    dean = slack.ws.user_by_name("dean")
    assert dean is not None
    slack.workshop(QUICK, user=dean)
    slack.click_message(coachee, announced(app, slack, channel), "Going")
    slack.emulator.wait_for(lambda _c: any("going" in m.text.lower() for m in slack.ephemerals(coachee)))


def exported(slack: Slack, user: str) -> dict[str, Any]:
    """The export's JSON file in the person's DM (their calendar files are there too)."""

    def json_files(_calls: object) -> list[dict[str, Any]]:
        return [
            f
            for f in slack.ws.files.values()
            if slack.ws.dm_channel(user) in f["channels"] and f["name"].endswith(".json")
        ]

    [stored] = slack.emulator.wait_for(json_files)
    document: dict[str, Any] = json.loads(stored["data"])
    return document


def test_export_sends_a_json_file_and_a_summary_in_a_dm_with_everything_about_the_person(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    a_coachee_with_a_bit_of_everything(slack, app, coach, coachee)
    reply = slack.coachbot("export", user=coachee)
    assert "arrive in our DM" in reply.text
    summary = slack.wait_for_dm(coachee, "What coachbot holds about you")
    assert "goal 1: Pass Step 1 (active)" in summary.text and "their workshop RSVPs: 1" in summary.text
    lines = summary.text.splitlines()
    goals_at = lines.index("• the goals they set: 1")
    assert lines[goals_at + 1] == "    – goal 1: Pass Step 1 (active)"  # under its own heading
    assert lines[-1] != "    – goal 1: Pass Step 1 (active)"  # not under whatever table comes last
    document = exported(slack, coachee)
    data = document["data"]
    assert document["user"] == coachee and data["goals"][0]["title"] == "Pass Step 1"
    assert data["progress_notes"][0]["text"] == "finished the cardio block"
    assert data["agenda_items"][0]["text"] == "Electives"
    assert data["reminder_preferences"] and data["workshop_rsvps"][0]["answer"] == "going"
    # The coach's private note is the coach's: never in the coachee's export.
    assert "coach_note" not in data["meetings"][0] and "tired" not in json.dumps(document)
    [thread_reply] = [m for m in slack.dms(coachee) if m.files and m.thread_ts]
    assert thread_reply.thread_ts == summary.ts


def test_a_coachs_export_holds_their_own_private_notes(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    a_coachee_with_a_bit_of_everything(slack, app, coach, coachee)
    slack.coachbot("export", user=coach)
    assert exported(slack, coach)["data"]["meetings"][0]["coach_note"] == "Seemed tired; ask about sleep"


def test_a_coachs_export_holds_what_the_coach_wrote_not_the_coachees_words(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    a_coachee_with_a_bit_of_everything(slack, app, coach, coachee)
    with app.services.db.transaction() as session:
        session.execute(
            update(Meeting).values(
                agenda_note="Quetzal worries", takeaways="Xylem insight", next_actions="Zephyr plan"
            )
        )
    slack.coachbot("export", user=coach)
    document = exported(slack, coach)
    [meeting] = document["data"]["meetings"]
    assert meeting["coach_note"] == "Seemed tired; ask about sleep" and meeting["starts_at"]
    words = json.dumps(document)
    for phrase in ("Electives", "Quetzal", "Xylem", "Zephyr", "Pass Step 1", "cardio block"):
        assert phrase not in words, phrase
    assert "agenda_items" not in document["data"]
    # They stay the coachee's: in the coachee's own export.
    slack.coachbot("export", user=coachee)
    mine = json.dumps(exported(slack, coachee))
    assert all(phrase in mine for phrase in ("Electives", "Quetzal", "Xylem", "Zephyr"))


def test_delete_my_data_asks_first_and_keeping_it_changes_nothing(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("add Read a paper a week", user=randy)
    reply = slack.coachbot("delete my data", user=randy)
    assert "cannot be undone" in reply.text and "/coachbot export" in reply.text
    slack.click_in_reply(randy, reply, "Keep my data")
    assert slack.wait_for_response("Nothing was deleted")["replace_original"] is True
    assert dict(remaining_for(app, randy))["goals"] == 1


def remaining_for(app: RunningApp, user: str) -> list[tuple[str, int]]:
    with app.services.db.read() as session:
        return list(remaining(session, subject(app, user)))


def test_delete_my_data_leaves_nothing_of_the_person_table_by_table_and_tells_the_coach(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    a_coachee_with_a_bit_of_everything(slack, app, coach, coachee)
    who = subject(app, coachee)
    with app.services.db.read() as session:
        held = dict(remaining(session, who))
    for table in (
        "people",
        "goals",
        "progress_notes",
        "pairings",
        "meetings",
        "agenda_items",
        "deliveries",
        "reminder_preferences",
        "workshop_rsvps",
    ):
        assert held.get(table), f"the set-up should have put something in {table}"
    reply = slack.coachbot("delete my data", user=coachee)
    slack.click_in_reply(coachee, reply, "Delete my data")
    told = slack.wait_for_dm(coach, "has left the coaching program")
    assert f"<@{coachee}>" in told.text
    assert (
        f"({sum(held.values())} records)"
        in slack.wait_for_response("everything coachbot held about you is deleted")["text"]
    )
    with app.services.db.read() as session:
        assert list(remaining(session, who)) == []
        assert session.scalars(select(KeptCoachNote.note)).all() == ["Seemed tired; ask about sleep"]
        pending = session.scalars(select(Delivery).where(Delivery.status == DeliveryStatus.PENDING)).all()
        assert all(coachee not in (d.recipient + d.payload) for d in pending)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.subject_user_id == coachee)).all()
        assert [a.action for a in audit][-1] == "data.deleted"
    # The coach's own data is untouched, and a replayed click finds nothing more to do.
    assert dict(remaining_for(app, coach))["people"] == 1
    assert delete_person_data(app.services, who.team_id, coachee, by=coachee).total == 0
    run_due(app, slack.emulator)
    assert len([m for m in slack.dms(coach) if "has left" in m.text]) == 1


def test_an_unknown_subcommand_says_what_there_is(slack: Slack, randy: str) -> None:
    reply = slack.coachbot("erase everything", user=randy)
    assert "I don't know `/coachbot erase everything`" in reply.text and "/coachbot export" in reply.text
