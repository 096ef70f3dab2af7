"""Text from one person, shown to another, is shown as text: no ping, no disguised link."""

from __future__ import annotations

from tests.harness import RunningApp, Slack, block_texts

HOSTILE_GOAL = "<!channel> Pass <https://evil.example|Step 1>"
HOSTILE_NOTE = "<@U00000001> <!here> feeling ok"


def test_the_coachs_prep_brief_shows_the_coachees_words_literally(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    slack.goal(f"add {HOSTILE_GOAL}", user=coachee)
    assert "Noted" in slack.command("/checkin", HOSTILE_NOTE, user=coachee).text
    assert "booked" in slack.command("/meeting", "@priya tomorrow 9am", user=coach).text
    brief = block_texts(slack.wait_for_dm(coach, "Prep brief").blocks)
    assert "&lt;!channel&gt; Pass &lt;https://evil.example|Step 1&gt;" in brief
    assert "&lt;@U00000001&gt; &lt;!here&gt; feeling ok" in brief
    for raw in ("<!channel>", "<!here>", "<https://evil", "<@U00000001>"):
        assert raw not in brief, raw


def test_a_workshops_cancel_reply_shows_its_title_literally(slack: Slack, app: RunningApp) -> None:
    dean = slack.person("dean", "America/New_York", is_admin=True)
    slack.channel("m1-coaching", [dean])
    slack.workshop('#m1-coaching "<!channel> free pizza" 2026-12-10 17:00 for 90m', user=dean)
    reply = slack.command("/workshop", "cancel 1", user=dean).text
    assert "&lt;!channel&gt; free pizza" in reply and "<!channel>" not in reply
