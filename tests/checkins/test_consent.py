"""Consent means what it says: a low well-being check-in reaches the coach only after an explicit yes."""

from __future__ import annotations

import pytest

from bot.checkins.ids import CheckinField
from tests.checkins.test_checkins import open_checkin, select_value, text_value
from tests.harness import RunningApp, Slack, block_texts

NOTE = "Quillwort dread about the wards"


def low_checkin(slack: Slack, coachee: str) -> dict:
    """Priya checks in with well-being 1, a note, and says goal #1 needs help; the consent question follows."""
    slack.goal("add Pass Step 1 by 2027-06-01", user=coachee)
    modal = open_checkin(slack, coachee)
    reply = slack.submit(
        coachee,
        modal,
        {
            CheckinField.WELLBEING: select_value("1"),
            f"{CheckinField.GOAL_PREFIX}1": select_value("need_help"),
            CheckinField.NOTE: text_value(NOTE),
        },
    )
    view = {**reply.json["view"], "id": modal["id"]}
    question = block_texts(view["blocks"])
    # Before choosing, the coachee reads what the coach would and would not see.
    assert "Only if you say yes" in question and "score" in question and "note" in question
    return view


def everything_the_coach_sees(slack: Slack, app: RunningApp, coach: str) -> str:
    slack.command("/coach", "summary", user=coach)
    summary = slack.wait_for_dm(coach, "Your weekly coaching summary")
    assert "booked" in slack.command("/meeting", "@priya tomorrow 9am", user=coach).text
    brief = slack.wait_for_dm(coach, "Prep brief")
    home = slack.open_home(coach)
    app.wait_idle()
    dms = "\n".join(m.text + "\n" + block_texts(m.blocks) for m in slack.dms(coach))
    seen = "\n".join(
        [block_texts(summary.blocks), block_texts(brief.blocks), block_texts(home["blocks"]), dms]
    )
    # The summary's legend explains every flag in the same words; it says nothing about anyone.
    return "\n".join(line for line in seen.splitlines() if "*asked for help*:" not in line)


@pytest.mark.parametrize("answer", ["No, thanks", None])
def test_no_or_no_answer_keeps_the_whole_checkin_from_the_coach(
    slack: Slack, app: RunningApp, paired: tuple[str, str], answer: str | None
) -> None:
    coach, coachee = paired
    view = low_checkin(slack, coachee)
    if answer is not None:
        assert slack.click_in_view(coachee, view, answer).status == 200
    seen = everything_the_coach_sees(slack, app, coach)
    assert "Quillwort" not in seen, seen
    assert "0 may need your attention" in seen
    for trace in (
        "well-being 1/5",
        "well-being: 1",
        "asked for help",
        "needs help",
        "would like you to know",
    ):
        assert trace not in seen, (trace, seen)


def test_yes_shares_it(slack: Slack, app: RunningApp, paired: tuple[str, str]) -> None:
    coach, coachee = paired
    view = low_checkin(slack, coachee)
    assert slack.click_in_view(coachee, view, "Yes, tell my coach").status == 200
    seen = everything_the_coach_sees(slack, app, coach)
    assert "would like you to know" in seen and "Quillwort" in seen
    assert "1 may need your attention" in seen and "asked for help" in seen
