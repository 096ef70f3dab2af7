"""Who may see and touch what: a click changes only the app's own message to the clicker, admin
rights count only for the workspace's own people, private workshops stay with their channel."""

from __future__ import annotations

from dataclasses import replace

from bot.emulator import SlackDriver, SlackEmulator
from bot.emulator.workspace import Message
from bot.workshops.schedule import REMINDER
from storage.models.workshops import Rsvp
from tests.checkins.test_nudges import TUESDAY_NINE_CHICAGO, checkins, send_due_at
from tests.conftest import FixedClock
from tests.harness import SIGNING_SECRET, RunningApp, Slack, block_texts, find_button
from tests.workshops.workshop_helpers import announced, count, pending

FORGED = [
    {"type": "section", "block_id": "x", "text": {"type": "mrkdwn", "text": "<!channel> Your coach quit"}}
]


def test_a_nudge_click_naming_someone_elses_message_changes_nothing(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock, emulator: SlackEmulator
) -> None:
    sam = slack.person("sam")  # another coachee in Chicago, nudged at the same hour
    slack.goal("add Read one NEJM article a week", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    slack.goal("add Finish the renal block", user=sam)
    slack.goal("cadence 1 daily", user=sam)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    [own] = slack.dms(randy)
    [theirs] = slack.dms(sam)
    block_id, button = find_button(own.blocks, "On track")
    # Randy's own goal button, but the click names Sam's nudge (and then a message that never was).
    for channel, ts in ((theirs.channel, theirs.ts), (own.channel, "1234567890.000100")):
        forged = Message(channel, ts, "Check-in", FORGED)
        assert slack.driver.click(randy, button, block_id=block_id, message=forged).status == 200
    app.wait_idle()
    assert theirs.edited == 0 and "Your coach quit" not in block_texts(theirs.blocks)
    assert not emulator.calls_to("chat.update")
    assert checkins(app) == []  # nothing recorded from a message that was not Randy's nudge
    # Randy's click on his own nudge still counts and updates it.
    slack.click_message(randy, replace(own), "On track")
    slack.wait_for_edit(own)
    assert "On track: noted" in block_texts(own.blocks)


def test_an_admin_of_another_organisation_is_no_admin_here(
    slack: Slack, dean: str, drlee: str, priya: str
) -> None:
    # A Slack Connect guest: users.info says is_admin, but about their own organisation's team.
    guest = slack.person("partner_admin", is_admin=True, is_owner=True, home_team="T0PARTNER")
    reply = slack.command("/coach", "assign @drlee @priya", user=guest)
    assert "Only program admins" in reply.text
    assert "now paired" in slack.command("/coach", "assign @drlee @priya", user=dean).text


PRIVATE_QUICK = '#m3-case-review "Case review with Dr Okafor" 2026-12-10 17:00 for 90m'


def test_a_private_channels_workshop_is_seen_and_answered_only_by_its_members(
    slack: Slack, app: RunningApp, emulator: SlackEmulator
) -> None:
    dean = slack.person("dean", "America/New_York", is_admin=True)
    member = slack.person("mia")
    outsider = slack.person("oscar")
    other_admin = slack.person("ada", is_admin=True)
    channel = slack.channel("m3-case-review", [dean, member], private=True)
    slack.workshop(PRIVATE_QUICK, user=dean)
    announcement = announced(app, slack, channel)
    assert "Case review" in slack.command("/workshop", "list", user=member).text
    assert "Case review" not in slack.command("/workshop", "list", user=outsider).text
    # An admin who is not in the channel does not see it listed either.
    assert "Case review" not in slack.command("/workshop", "list", user=other_admin).text
    # The outsider forges clicks on the announcement they cannot see; so does someone of another workspace.
    elsewhere = emulator.add_workspace("T0ELSEWHERE", "Elsewhere")
    stranger = elsewhere.add_user("stranger", "America/Chicago")
    stranger_driver = SlackDriver(emulator, app.url, SIGNING_SECRET, elsewhere)
    block_id, going = find_button(announcement.blocks, "Going")
    _, who = find_button(announcement.blocks, "Who's coming")
    for driver, user in ((slack.driver, outsider), (stranger_driver, stranger)):
        for button in (going, who):
            assert driver.click(user, button, block_id=block_id, message=announcement).status == 200
    app.wait_idle()
    assert count(app, Rsvp) == 0
    assert not pending(app, REMINDER)
    assert not slack.ephemerals(outsider) and "going" not in str(emulator.calls_to("chat.postEphemeral"))
    # A member's answer counts.
    slack.click_message(member, announcement, "Going")
    app.wait_idle()
    assert count(app, Rsvp) == 1
    # The unlisted admin may still cancel it by its number.
    assert "is cancelled" in slack.command("/workshop", "cancel 1", user=other_admin).text
