"""`/workshop` quick form, list and refusals, end to end over signed HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from bot.emulator.driver import escape_entities
from storage.models.workshops import Occurrence, Workshop
from tests.harness import RunningApp, Slack, block_texts
from tests.workshops.workshop_helpers import QUICK, buttons, context_text, count, make_lead


@pytest.fixture
def dean(slack: Slack) -> str:
    return slack.person("dean", "America/New_York", is_admin=True)


@pytest.fixture
def channel(slack: Slack, dean: str, randy: str) -> str:
    return slack.channel("m1-coaching", [dean, randy])


def test_the_quick_form_saves_the_workshop_and_announces_it_with_rsvp_buttons(
    slack: Slack, dean: str, channel: str
) -> None:
    reply = slack.workshop(QUICK, user=dean)
    assert reply.text.startswith(f"Workshop #1 saved: *Appreciative inquiry* in <#{channel}>")
    assert "I'm announcing it now" in reply.text
    [post] = slack.wait_for_post(channel)
    start = int(datetime(2026, 12, 10, 22, 0, tzinfo=UTC).timestamp())
    text = block_texts(post.blocks)
    assert "*Appreciative inquiry*" in text
    assert f"<!date^{start}^{{date_short_pretty}} at {{time}}|Thu Dec 10, 2026 5:00 PM EST> · 1h 30m" in text
    assert buttons(post.blocks) == ["Going", "Maybe", "Can't make it", "Who's coming", "Add to calendar"]
    assert "0 going · 🤔 0 maybe · 🙅 0 can't make it" in context_text(post.blocks)


def test_a_recurring_workshop_says_how_it_repeats_and_list_shows_it_once_with_its_next_dates(
    slack: Slack, dean: str, channel: str, randy: str
) -> None:
    reply = slack.workshop('#m1-coaching "Study skills" Jan 7 5pm for 1h weekly until Jan 21', user=dean)
    assert "(every week on Thursday until Jan 21, 2027)" in reply.text
    [post] = slack.wait_for_post(channel)
    assert "🔁 Every week on Thursday until Jan 21, 2027" in block_texts(post.blocks)
    listed = slack.workshop("list", user=randy)
    lines = listed.text.splitlines()
    assert [line for line in lines if line.startswith("*#")] == ["*#1* Study skills in <#" + channel + ">"]
    assert lines[1].startswith("<!date^") and "|Thu Jan 7, 2027 5:00 PM EST>" in lines[1]
    [repeat] = lines[2:]
    assert repeat.startswith("🔁 Every week on Thursday until Jan 21, 2027 · then <!date^")
    assert repeat.endswith("|Jan 14, 2027>, <!date^1800568800^{date_short}|Jan 21, 2027>")
    assert "`/workshop cancel N`" not in block_texts(listed.json["blocks"])  # randy cannot manage


def test_list_shows_each_workshop_once_soonest_first_with_three_next_dates_and_how_many_more(
    slack: Slack, dean: str, channel: str, randy: str
) -> None:
    slack.workshop('#m1-coaching "Study skills" Jan 7 5pm for 1h weekly, 6 times', user=dean)
    slack.workshop(QUICK, user=dean)  # Dec 10, once: it comes first
    blocks = slack.workshop("list", user=randy).json["blocks"]
    sections = [block_texts([b]) for b in blocks if b["type"] == "section"][1:]
    assert [s.splitlines()[0] for s in sections] == [
        f"*#2* Appreciative inquiry in <#{channel}>",
        f"*#1* Study skills in <#{channel}>",
    ]
    assert "🔁" not in sections[0]  # a single session has no dates to follow
    repeat = sections[1].splitlines()[2]
    assert repeat.startswith("🔁 Every week on Thursday, 6 sessions · then ")
    assert [d.split("|")[1] for d in repeat.split("then ")[1].split(" and ")[0].split(", <")] == [
        "Jan 14, 2027>",
        "Jan 21, 2027>",
        "Jan 28, 2027>",
    ]
    assert repeat.endswith(" and 2 more")


def test_the_same_command_delivered_twice_makes_one_workshop_and_one_announcement(
    slack: Slack, dean: str, channel: str, app: RunningApp
) -> None:
    form = slack.driver.command_form(dean, "/workshop", escape_entities(QUICK, slack.emulator))
    first = slack.driver.post(urlencode(form))
    second = slack.driver.post(urlencode(form))
    assert first.text == second.text
    slack.wait_for_post(channel)
    app.wait_idle()
    assert count(app, Workshop) == 1 and len(slack.posts(channel)) == 1


def test_only_admins_and_program_leads_can_create_edit_or_cancel(
    slack: Slack, dean: str, randy: str, channel: str, app: RunningApp
) -> None:
    for text in ("", QUICK):
        assert "Only program admins and program leads" in slack.workshop(text, user=randy).text
    slack.workshop(QUICK, user=dean)
    for text in ("edit 1", "cancel 1"):
        assert "Only program admins and program leads" in slack.workshop(text, user=randy).text
    app.wait_idle()
    assert count(app, Workshop) == 1 and slack.ws.open_modals.get(randy) is None
    make_lead(app, slack, dean, randy)
    assert slack.workshop(QUICK.replace("Appreciative", "Curious"), user=randy).text.startswith(
        "Workshop #2 saved"
    )


def test_a_channel_the_bot_is_not_in_is_refused_with_how_to_invite_it(
    slack: Slack, dean: str, app: RunningApp
) -> None:
    slack.channel("m1-coaching", [dean], bot_member=False)
    reply = slack.workshop(QUICK, user=dean)
    assert "I'm not a member of" in reply.text and "`/invite @coachbot`" in reply.text
    app.wait_idle()
    assert count(app, Workshop) == 0 and slack.emulator.calls_to("chat.postMessage") == []


def test_an_archived_channel_is_refused(slack: Slack, dean: str, channel: str, app: RunningApp) -> None:
    slack.ws.channels[channel]["is_archived"] = True
    assert "is archived" in slack.workshop(QUICK, user=dean).text
    assert count(app, Workshop) == 0


def test_past_times_and_repeats_ending_before_they_start_are_refused(
    slack: Slack, dean: str, channel: str, app: RunningApp
) -> None:
    past = slack.workshop('#m1-coaching "Too late" 2026-11-20 17:00', user=dean).text
    assert "has already passed" in past
    backwards = slack.workshop('#m1-coaching "Backwards" 2026-12-10 17:00 weekly until 2026-12-01', user=dean)
    assert "before the first session" in backwards.text
    assert count(app, Workshop) == 0 and count(app, Occurrence) == 0


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ('"No channel" Dec 10 5pm', "Start with the channel"),
        ("#m1-coaching Untitled Dec 10 5pm", "Put the title in quotes"),
        ('#m1-coaching "No time" Dec 10', "“Dec 10” has no time of day. Try “Dec 10 at 3pm”"),
        ('#m1-coaching "Long" Dec 10 5pm for ages', "I couldn't read “ages” as a length of time"),
        ('#m1-coaching "Forever" Dec 10 5pm weekly', "until Feb 25"),
        ("cancel first", "needs a workshop number"),
    ],
)
def test_malformed_commands_say_how_to_write_them(
    slack: Slack, dean: str, channel: str, text: str, hint: str
) -> None:
    reply = slack.workshop(text, user=dean).text
    assert hint in reply, reply


def test_help_lists_the_forms_with_examples_and_the_program_zone(slack: Slack, randy: str) -> None:
    text = slack.workshop("help", user=randy).text
    assert "/workshop #m1-coaching" in text and "America/New_York" in text


def test_a_title_cannot_ping_the_channel_and_keeps_its_ampersand(
    slack: Slack, dean: str, channel: str
) -> None:
    slack.workshop('#m1-coaching "Q&A <!channel>" 2026-12-10 17:00', user=dean)
    [post] = slack.wait_for_post(channel)
    assert "*Q&amp;A &lt;!channel&gt;*" in block_texts(post.blocks)
    assert "<!channel>" not in post.text


def test_when_the_channel_check_is_unavailable_a_refused_announcement_withdraws_the_workshop(
    slack: Slack, dean: str, app: RunningApp
) -> None:
    slack.channel("m1-coaching", [dean], bot_member=False)
    slack.emulator.fail("conversations.info", 500, times=None)
    assert slack.workshop(QUICK, user=dean).text.startswith("Workshop #1 saved")
    slack.emulator.wait_for(lambda _calls: slack.emulator.response_urls)
    [told] = slack.emulator.response_urls
    assert "`/invite @coachbot`" in told["text"] and "withdrawn" in told["text"]
    assert "No workshops are coming up" in slack.workshop("list", user=dean).text
