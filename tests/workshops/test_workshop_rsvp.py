"""RSVPs on the announcement: answers, counts under concurrent clicks, Who's coming, reminders."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.emulator.workspace import Message
from bot.workshops.schedule import REMINDER
from storage.models.workshops import Rsvp
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack
from tests.workshops.workshop_helpers import (
    QUICK,
    announced,
    context_text,
    count,
    notes,
    pending,
    run_clock_to,
)

START = datetime(2026, 12, 10, 22, 0, tzinfo=UTC)  # Dec 10, 17:00 in New York


@pytest.fixture
def dean(slack: Slack) -> str:
    return slack.person("dean", "America/New_York", is_admin=True)


@pytest.fixture
def people(slack: Slack) -> list[str]:
    return [slack.person(name) for name in ("ana", "ben", "cho", "dev")]


@pytest.fixture
def channel(slack: Slack, dean: str, people: list[str]) -> str:
    return slack.channel("m1-coaching", [dean, *people])


@pytest.fixture
def announcement(slack: Slack, dean: str, channel: str, app: RunningApp) -> Message:
    slack.workshop(QUICK, user=dean)
    return announced(app, slack, channel)


def counts_shown(message: Message) -> str:
    return context_text(message.blocks)


def wait_for_counts(slack: Slack, message: Message, expected: str) -> None:
    slack.emulator.wait_for(lambda _calls: expected in counts_shown(message))


def test_each_click_records_or_changes_that_persons_answer_and_updates_the_counts(
    slack: Slack, people: list[str], announcement: Message, app: RunningApp
) -> None:
    ana, ben, _, _ = people
    slack.click_message(ana, announcement, "Going")
    wait_for_counts(slack, announcement, "✅ 1 going · 🤔 0 maybe · 🙅 0 can't make it")
    slack.click_message(ben, announcement, "Maybe")
    wait_for_counts(slack, announcement, "✅ 1 going · 🤔 1 maybe")
    slack.click_message(ana, announcement, "Can't make it")
    wait_for_counts(slack, announcement, "✅ 0 going · 🤔 1 maybe · 🙅 1 can't make it")
    assert count(app, Rsvp) == 2
    [confirmation, *_] = slack.wait_for_ephemeral(ana, 2)
    assert "You're going for *Appreciative inquiry*" in confirmation.text
    assert "reminder 1 day and 1 hour before" in confirmation.text


def test_concurrent_clicks_count_each_person_once(
    slack: Slack, people: list[str], announcement: Message, app: RunningApp
) -> None:
    clicks = [(person, "Going") for person in people] * 3 + [(people[0], "Maybe")]
    errors: list[BaseException] = []

    def click(person: str, label: str) -> None:
        try:
            slack.click_message(person, announcement, label)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=click, args=pair) for pair in clicks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert count(app, Rsvp) == 4
    with app.services.db.transaction() as s:
        answers = {r.person_id: r.answer for r in s.query(Rsvp)}
    going = sum(1 for a in answers.values() if a == "going")
    maybe = len(answers) - going
    # Whatever order the clicks landed in, the message ends up showing what the database holds.
    wait_for_counts(slack, announcement, f"✅ {going} going · 🤔 {maybe} maybe · 🙅 0 can't make it")
    slack.emulator.wait_for_call("chat.postEphemeral", len(clicks))
    assert f"✅ {going} going · 🤔 {maybe} maybe" in counts_shown(announcement)


def test_who_is_coming_shows_names_to_the_clicker_only(
    slack: Slack, people: list[str], announcement: Message
) -> None:
    ana, ben, cho, dev = people
    slack.click_message(ana, announcement, "Going")
    slack.click_message(ben, announcement, "Maybe")
    slack.click_message(cho, announcement, "Can't make it")
    slack.wait_for_ephemeral(cho)
    slack.click_message(dev, announcement, "Who's coming")
    [answer] = slack.wait_for_ephemeral(dev)
    assert "✅ Going (1): ana" in answer.text and "🤔 Maybe (1): ben" in answer.text
    assert "cho" not in answer.text
    assert all("Who's coming" not in m.text for p in (ana, ben, cho) for m in slack.ephemerals(p))


def test_reminders_go_to_going_and_maybe_a_day_and_an_hour_before(
    slack: Slack, people: list[str], announcement: Message, app: RunningApp, clock: FixedClock
) -> None:
    ana, ben, cho, _ = people
    slack.click_message(ana, announcement, "Going")
    slack.click_message(ben, announcement, "Maybe")
    slack.click_message(cho, announcement, "Can't make it")
    slack.emulator.wait_for_call("chat.postEphemeral", 3)
    assert len(pending(app, REMINDER)) == 4
    run_clock_to(app, slack, clock, START - timedelta(days=1, minutes=1))
    assert notes(slack, ana) == [] and notes(slack, ben) == []
    run_clock_to(app, slack, clock, START - timedelta(days=1))
    assert "starts in 1 day" in notes(slack, ana)[0].text and "starts in 1 day" in notes(slack, ben)[0].text
    run_clock_to(app, slack, clock, START - timedelta(hours=1))
    assert [len(notes(slack, p)) for p in (ana, ben, cho)] == [2, 2, 0]
    assert "starts in 1 hour" in notes(slack, ana)[1].text
    assert "?" not in notes(slack, ana)[1].text  # a question nobody could answer in a reminder


def test_changing_to_cant_make_it_withdraws_the_reminders(
    slack: Slack, people: list[str], announcement: Message, app: RunningApp, clock: FixedClock
) -> None:
    ana = people[0]
    slack.click_message(ana, announcement, "Going")
    slack.click_message(ana, announcement, "Can't make it")
    slack.click_message(ana, announcement, "Maybe")
    slack.click_message(ana, announcement, "Can't make it")
    slack.emulator.wait_for_call("chat.postEphemeral", 4)
    assert pending(app, REMINDER) == []
    run_clock_to(app, slack, clock, START - timedelta(minutes=30))
    assert notes(slack, ana) == []


def test_answers_close_when_the_session_starts(
    slack: Slack, people: list[str], announcement: Message, app: RunningApp, clock: FixedClock
) -> None:
    clock.now = START + timedelta(minutes=5)
    slack.click_message(people[0], announcement, "Going")
    [notice] = slack.wait_for_ephemeral(people[0])
    assert "has already started" in notice.text
    assert count(app, Rsvp) == 0
