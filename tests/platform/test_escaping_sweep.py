"""Every path that shows one person's words to someone: hostile mrkdwn goes in, every outgoing
message, view and reply is inspected, and none of it pings or hides a link."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, run_due
from tests.workshops.workshop_helpers import announced

RAW = ("<!channel>", "<!here>", "<@U123>", "<https://evil.example")
OUTGOING = ("chat.postMessage", "chat.update", "chat.postEphemeral", "views.publish", "views.open")
OUTGOING += ("views.update", "views.push")


def hostile(word: str) -> str:
    """Someone's words carrying every kind of mrkdwn markup, tagged with the path they take."""
    return f"<!channel> <!here> <@U123> <https://evil.example|{word}>"


def escaped(word: str) -> str:
    return f"&lt;https://evil.example|{word}&gt;"


def mrkdwn_texts(value: Any, *, top: bool = True) -> Iterator[str]:
    """The texts Slack reads as mrkdwn: a message's `text`, and every `mrkdwn` text object."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" or (top and isinstance(value.get("text"), str)):
            yield str(value.get("text", ""))
        for key, inner in value.items():
            if key == "blocks" and isinstance(inner, str):
                inner = json.loads(inner)
            yield from mrkdwn_texts(inner, top=False)
    elif isinstance(value, list):
        for inner in value:
            yield from mrkdwn_texts(inner, top=False)


def everything_sent(slack: Slack, acks: list[dict[str, Any]]) -> list[str]:
    calls = [c.args for c in list(slack.emulator.calls) if c.method in OUTGOING]
    return [
        t for payload in [*calls, *list(slack.emulator.response_urls), *acks] for t in mrkdwn_texts(payload)
    ]


def test_hostile_words_on_every_path_reach_every_reader_as_text(
    slack: Slack, app: RunningApp, clock: FixedClock, dean: str, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    acks: list[dict[str, Any]] = []

    def say(user: str, command: str, text: str) -> None:
        reply = slack.driver.command(user, command, text)
        assert reply.status == 200, reply
        acks.append({**reply.json, "text": reply.text})

    # Goals, progress, a check-in note: the coachee's own views, the coach's summary and brief.
    say(coachee, "/goal", f"add {hostile('goaltitle')}")
    say(coachee, "/goal", f"progress 1 {hostile('progressnote')}")
    say(coachee, "/goal", "list")
    say(coachee, "/checkin", hostile("checkinnote"))
    slack.open_home(coachee)
    assert "booked" in slack.meeting("@priya tomorrow 9am", user=coach).text
    prep = slack.wait_for_dm(coachee, "Getting ready")
    slack.click_in_message(coachee, prep, "Add an agenda item")
    modal = slack.open_modal(coachee)
    slack.submit(coachee, modal, {"agenda_text": {"type": "plain_text_input", "value": hostile("agenda")}})
    app.wait_idle()
    # After the session: the coachee's reflections, then the coach's summary.
    clock.now = clock.now.replace(day=24, hour=18)
    run_due(app, slack.emulator)
    follow_up = slack.wait_for_dm(coachee, "What did you take away?")
    slack.click_in_message(coachee, follow_up, "Share my reflections")
    reflections = slack.open_modal(coachee, callback="follow_up_modal")
    slack.submit(
        coachee,
        reflections,
        {
            "follow_up_takeaways": {"type": "plain_text_input", "value": hostile("takeaways")},
            "follow_up_actions": {"type": "plain_text_input", "value": hostile("nextactions")},
        },
    )
    app.wait_idle()
    say(coach, "/coach", "summary")
    # An admin's words shown to students: support resources, a quiet period, a workshop.
    say(dean, "/coachbot", f"support set {hostile('support')}")
    say(coachee, "/coachbot", "support")
    say(dean, "/coachbot", f"quiet add 2026-12-24 2026-12-27 {hostile('quietlabel')}")
    say(coachee, "/coachbot", "quiet")
    channel = slack.channel("m1-coaching", [dean, coachee])
    say(dean, "/workshop", f'<#{channel}|m1-coaching> "{hostile("workshoptitle")}" 2026-12-10 17:00 for 90m')
    announcement = announced(app, slack, channel)
    slack.click_message(coachee, announcement, "Going")
    slack.click_message(coachee, announcement, "Who's coming")
    say(coachee, "/workshop", "list")
    slack.join(coach, channel)
    app.wait_idle()
    say(dean, "/workshop", "cancel 1")
    app.wait_idle()
    run_due(app, slack.emulator)

    texts = everything_sent(slack, acks)
    for raw in RAW:
        leaked = [t for t in texts if raw in t]
        assert not leaked, (raw, leaked[:3])
    # Each path's words did reach a reader (escaped), so the sweep above looked at them.
    seen = "\n".join(texts)
    for word in (
        "goaltitle",
        "progressnote",
        "checkinnote",
        "agenda",
        "takeaways",
        "support",
        "quietlabel",
        "workshoptitle",
    ):
        assert escaped(word) in seen, word
