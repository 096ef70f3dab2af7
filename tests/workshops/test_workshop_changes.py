"""Cancelling, editing and repeating workshops: threads, DMs, and never a stale reminder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.emulator.workspace import Message
from bot.platform.delivery import dispatcher as dispatch
from bot.platform.delivery.registry import Outgoing
from bot.platform.slack import SlackGateway, make_web_client
from bot.workshops import service as workshops
from bot.workshops.deliveries import after_announcement, render_announcement
from bot.workshops.schedule import REMINDER
from bot.workshops.service import WorkshopDraft
from tests.conftest import FixedClock
from tests.harness import BOT_TOKEN, RunningApp, Slack, block_texts
from tests.workshops.workshop_helpers import QUICK, announced, buttons, notes, pending, run_clock_to

START = datetime(2026, 12, 10, 22, 0, tzinfo=UTC)  # Dec 10, 17:00 in New York
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def dean(slack: Slack) -> str:
    return slack.person("dean", "America/New_York", is_admin=True)


@pytest.fixture
def people(slack: Slack) -> list[str]:
    return [slack.person(name) for name in ("ana", "ben", "cho")]


@pytest.fixture
def channel(slack: Slack, dean: str, people: list[str]) -> str:
    return slack.channel("m1-coaching", [dean, *people])


def answer(slack: Slack, message: Message, answers: dict[str, str]) -> None:
    for person, label in answers.items():
        slack.click_message(person, message, label)
    slack.emulator.wait_for_call("chat.postEphemeral", len(answers))


def test_cancel_posts_in_the_thread_tells_going_and_maybe_and_sends_no_reminders(
    slack: Slack, dean: str, people: list[str], channel: str, app: RunningApp, clock: FixedClock
) -> None:
    ana, ben, cho = people
    slack.workshop(QUICK, user=dean)
    announcement = announced(app, slack, channel)
    answer(slack, announcement, {ana: "Going", ben: "Maybe", cho: "Can't make it"})
    reply = slack.workshop("cancel 1", user=dean)
    assert reply.text.startswith("Workshop #1 (Appreciative inquiry) is cancelled.")
    [note] = slack.wait_for_post(channel, thread_ts=announcement.ts)
    assert "is cancelled" in note.text
    slack.emulator.wait_for(lambda _c: notes(slack, ana) and notes(slack, ben))
    assert "is cancelled" in notes(slack, ana)[0].text and notes(slack, cho) == []
    slack.emulator.wait_for(lambda _c: "cancelled" in block_texts(announcement.blocks))
    assert buttons(announcement.blocks) == []
    assert pending(app, REMINDER) == []
    run_clock_to(app, slack, clock, START - timedelta(minutes=30))
    assert [len(notes(slack, p)) for p in people] == [1, 1, 0]
    assert "already cancelled" in slack.workshop("cancel 1", user=dean).text
    assert "There is no workshop #7" in slack.workshop("cancel 7", user=dean).text


def test_clicking_a_cancelled_announcement_explains_instead_of_counting(
    slack: Slack, dean: str, people: list[str], channel: str, app: RunningApp
) -> None:
    slack.workshop(QUICK, user=dean)
    announcement = announced(app, slack, channel)
    stale = Message(announcement.channel, announcement.ts, announcement.text, list(announcement.blocks))
    slack.workshop("cancel 1", user=dean)
    slack.wait_for_post(channel, thread_ts=announcement.ts)
    slack.click_message(people[0], stale, "Going")
    [notice] = slack.wait_for_ephemeral(people[0])
    assert "was cancelled" in notice.text


def test_a_recurring_workshop_announces_the_next_session_in_the_thread_after_the_last_one(
    slack: Slack, dean: str, people: list[str], channel: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.workshop(
        '#m1-coaching "Well-being circle" 2027-03-04 17:00 for 1h weekly until 2027-03-18', user=dean
    )
    announcement = announced(app, slack, channel)
    answer(slack, announcement, {people[0]: "Going"})
    run_clock_to(app, slack, clock, datetime(2027, 3, 4, 21, 0, tzinfo=UTC))  # an hour before the first
    run_clock_to(app, slack, clock, datetime(2027, 3, 4, 22, 59, tzinfo=UTC))
    assert slack.posts(channel, thread_ts=announcement.ts) == []
    run_clock_to(app, slack, clock, datetime(2027, 3, 4, 23, 0, tzinfo=UTC))  # the first session ends
    [second] = slack.posts(channel, thread_ts=announcement.ts)
    assert "Next session of *Well-being circle*" in block_texts(second.blocks)
    assert f"<!date^{int(datetime(2027, 3, 11, 22, 0, tzinfo=UTC).timestamp())}^" in block_texts(
        second.blocks
    )
    slack.click_message(people[1], second, "Going")
    slack.emulator.wait_for(lambda _c: "✅ 1 going" in block_texts(second.blocks))
    run_clock_to(app, slack, clock, datetime(2027, 3, 11, 21, 0, tzinfo=UTC))  # an hour before the second
    # The third session, after New York's clocks spring forward, is still at 17:00 there: 21:00 UTC.
    run_clock_to(app, slack, clock, datetime(2027, 3, 11, 23, 0, tzinfo=UTC))
    third = slack.posts(channel, thread_ts=announcement.ts)[1]
    assert f"<!date^{int(datetime(2027, 3, 18, 21, 0, tzinfo=UTC).timestamp())}^" in block_texts(third.blocks)
    assert "5:00 PM EDT" in block_texts(third.blocks)
    # Answers belong to one session: each person was reminded only before the one they chose.
    assert [len(notes(slack, p)) for p in people[:2]] == [2, 2]
    assert all("Mar 11" in m.text for m in notes(slack, people[1]))


def test_editing_moves_the_announcement_and_the_reminders_and_the_old_times_stay_silent(
    slack: Slack, dean: str, people: list[str], channel: str, app: RunningApp, clock: FixedClock
) -> None:
    ana = people[0]
    slack.workshop(QUICK, user=dean)
    announcement = announced(app, slack, channel)
    answer(slack, announcement, {ana: "Going"})
    reply = slack.workshop("edit 1", user=dean)
    assert reply.status == 200
    form = slack.open_modal(dean)
    assert form["title"]["text"] == "Edit workshop #1"
    initial = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert initial["workshop_title"]["initial_value"] == "Appreciative inquiry"
    assert initial["workshop_date"]["initial_date"] == "2026-12-10"
    assert initial["workshop_time"]["initial_time"] == "17:00"
    assert initial["workshop_duration"]["initial_value"] == "1h30m"
    assert "workshop_channel" not in initial  # the announcement stays where it is
    moved = {
        "workshop_title": {"type": "plain_text_input", "value": "Appreciative inquiry, part 1"},
        "workshop_date": {"type": "datepicker", "selected_date": "2026-12-17"},
        "workshop_time": {"type": "timepicker", "selected_time": "18:00"},
        "workshop_duration": {"type": "plain_text_input", "value": "1h"},
        "workshop_repeat": {"type": "static_select", "selected_option": {"value": "none"}},
        "workshop_reminders": {
            "type": "checkboxes",
            "selected_options": [{"value": "1440"}, {"value": "60"}],
        },
    }
    saved = slack.submit(dean, form, moved)
    assert saved.json["response_action"] == "update"
    slack.emulator.wait_for(lambda _c: "part 1" in block_texts(announcement.blocks))
    new_start = datetime(2026, 12, 17, 23, 0, tzinfo=UTC)
    assert f"<!date^{int(new_start.timestamp())}^" in block_texts(announcement.blocks)
    assert [r.due_at for r in pending(app, REMINDER)] == [
        new_start - timedelta(days=1),
        new_start - timedelta(hours=1),
    ]
    run_clock_to(app, slack, clock, START)  # the old times pass without a word
    assert notes(slack, ana) == []
    run_clock_to(app, slack, clock, new_start - timedelta(hours=1))
    assert [m.text.split(":")[0] for m in notes(slack, ana)] == [
        "⏰ *Appreciative inquiry, part 1* starts in 1 day",
        "⏰ *Appreciative inquiry, part 1* starts in 1 hour",
    ]


def test_a_workshop_cancelled_while_its_announcement_is_being_posted_still_says_so_in_the_thread(
    slack: Slack, dean: str, channel: str, app: RunningApp
) -> None:
    services = app.services
    client = make_web_client(BOT_TOKEN, slack.emulator.url)
    admin = services.actor(SlackGateway(client), slack.ws.team_id, dean)
    draft = WorkshopDraft(title="Appreciative inquiry", channel_id=channel, start=START.astimezone(NEW_YORK))
    info, _ = workshops.create_workshop(services, admin, draft, None)
    [delivery] = dispatch.claim(services, services.now(), "worker-1")
    outgoing = render_announcement(services, delivery, services.now())
    assert isinstance(outgoing, Outgoing) and outgoing.channel
    posted_channel, ts = SlackGateway(client).post_message(outgoing.channel, outgoing.text, outgoing.blocks)
    workshops.cancel_workshop(services, admin, info.number)  # before the ts is recorded
    after_announcement(services, delivery, posted_channel, ts, services.now())
    dispatch.run_due(services, client, services.now())
    [note] = slack.posts(channel, thread_ts=ts)
    assert "is cancelled" in note.text
