"""Before and after a session: prep checklist, coach's brief, the coaching agreement, follow-up and the next booking."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from bot.platform.slack import SlackGateway, make_web_client
from storage.models import Goal
from storage.models.meetings import Meeting, Pairing
from tests.conftest import FixedClock
from tests.harness import BOT_TOKEN, RunningApp, Slack, block_texts, find_button, run_due


def slack_gateway(slack: Slack) -> SlackGateway:
    return SlackGateway(make_web_client(BOT_TOKEN, slack.emulator.url))


def meeting(app: RunningApp, number: int = 1) -> Meeting:
    with app.services.db.transaction() as session:
        found = session.get(Meeting, number)
        assert found is not None
        return found


def pairing(app: RunningApp) -> Pairing:
    with app.services.db.transaction() as session:
        return session.scalars(select(Pairing)).one()


def book_tomorrow(slack: Slack, coach: str, coachee: str) -> None:
    """A session sooner than 48 hours: the prep and the brief go out at booking time."""
    slack.goal("add Pass Step 1 by 2027-06-01", user=coachee)
    assert "booked" in slack.meeting("@priya tomorrow 9am", user=coach).text


def the_session_on_dec_3_ends(slack: Slack, app: RunningApp, clock: FixedClock) -> None:
    """Time moves to 15 minutes after a 30-minute session on Dec 3 at 1:00 PM New York: its follow-ups go."""
    app.wait_idle()  # what the last request set off finishes before time moves
    clock.now = clock.now.replace(month=12, day=3, hour=18, minute=45)
    run_due(app, slack.emulator)


def test_a_session_sooner_than_two_days_gets_its_prep_and_brief_at_booking(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    book_tomorrow(slack, coach, coachee)
    prep = slack.wait_for_dm(coachee, "Getting ready")
    text = block_texts(prep.blocks)
    for item in ("Review your upcoming deadlines", "Review your goals", "Update your portfolio"):
        assert item in str(prep.blocks)
    assert "#1 Pass Step 1" in text and "What would make this session most useful for you?" in text
    assert "Our coaching agreement" in text and "differs from *advising*" in text  # the first session
    brief = slack.wait_for_dm(coach, "Prep brief")
    brief_text = block_texts(brief.blocks)
    assert "Review new portfolio data" in brief_text and "Review the goals set last time" in brief_text
    assert "#1 Pass Step 1" in brief_text and "0/5 done" in brief_text
    assert "Check-ins since the last session" in brief_text


def test_the_brief_shows_the_coachees_check_ins_but_never_a_private_notes_words(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    from bot.checkins import service as checkins

    coach, coachee = paired
    assert "Noted" in slack.checkin("Finished the cardio block, feeling steadier", user=coachee).text
    actor = app.services.actor(slack_gateway(slack), slack.ws.team_id, coachee)
    checkins.add_note(
        app.services, actor, "Worried about my family", private=True, request_key="k", now=app.services.now()
    )
    book_tomorrow(slack, coach, coachee)
    brief = block_texts(slack.wait_for_dm(coach, "Prep brief").blocks)
    assert ": a note — Finished the cardio block, feeling steadier" in brief
    assert "Worried about my family" not in brief
    assert brief.count(": a note") == 2  # the private note is there, without its words


def test_ticking_the_checklist_saves_each_click_and_updates_the_brief_and_home(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    book_tomorrow(slack, coach, coachee)
    prep = slack.wait_for_dm(coachee, "Getting ready")
    brief = slack.wait_for_dm(coach, "Prep brief")
    assert slack.tick(coachee, prep, ["deadlines"]).status == 200
    assert meeting(app).checklist == "deadlines"
    assert slack.tick(coachee, prep, ["deadlines", "goals"]).status == 200
    assert slack.tick(coachee, prep, ["deadlines", "goals"]).status == 200  # a replayed click
    assert meeting(app).checklist == "deadlines,goals"
    slack.emulator.wait_for(lambda _c: "2/5 done" in block_texts(brief.blocks))
    assert "✓ Review your goals" in block_texts(brief.blocks)
    slack.driver.open_home(coach)
    home = block_texts(slack.home(coach)["blocks"])
    assert f"<@{coachee}>" in home and "prep 2/5" in home and "agreement not yet accepted" in home


def test_someone_else_ticking_a_checklist_changes_nothing(
    slack: Slack, app: RunningApp, paired: tuple[str, str], randy: str
) -> None:
    coach, coachee = paired
    book_tomorrow(slack, coach, coachee)
    prep = slack.wait_for_dm(coachee, "Getting ready")
    assert slack.tick(randy, prep, ["deadlines"]).status == 200
    assert meeting(app).checklist == ""


def test_an_agenda_item_added_from_the_prep_reaches_the_coachs_brief(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    book_tomorrow(slack, coach, coachee)
    prep = slack.wait_for_dm(coachee, "Getting ready")
    brief = slack.wait_for_dm(coach, "Prep brief")
    slack.click_in_message(coachee, prep, "Add an agenda item")
    modal = slack.open_modal(coachee)
    empty = slack.submit(coachee, modal, {"agenda_text": {"type": "plain_text_input", "value": " "}})
    assert "Write a few words" in empty.json["errors"]["agenda_text"]
    saved = slack.submit(
        coachee, modal, {"agenda_text": {"type": "plain_text_input", "value": "Choosing electives"}}
    )
    assert saved.status == 200 and saved.body == ""
    slack.emulator.wait_for(lambda _c: "Choosing electives" in block_texts(brief.blocks))


def test_agreeing_stores_the_time_tells_the_coach_and_shows_in_the_roster(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    book_tomorrow(slack, coach, coachee)
    prep = slack.wait_for_dm(coachee, "Getting ready")
    as_shown = replace(prep, blocks=copy.deepcopy(prep.blocks))  # before the answer replaces the buttons
    slack.click_in_message(coachee, prep, "I agree")
    slack.wait_for_dm(coach, "agreed to the coaching agreement")
    assert pairing(app).agreed_at == clock.now
    slack.click_in_message(coachee, as_shown, "I agree")  # a double click tells the coach nothing new
    roster = slack.coach("roster", user=coach).text
    assert "agreed Mon Nov 23, 10:00 AM" in roster
    slack.emulator.wait_for(
        lambda _c: any(
            "let your coach know you agree" in r.get("text", "") for r in slack.emulator.response_urls
        )
    )
    assert len([m for m in slack.dms(coach) if "agreed to" in m.text]) == 1


def test_asking_to_discuss_the_agreement_tells_the_coach(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    book_tomorrow(slack, coach, coachee)
    prep = slack.wait_for_dm(coachee, "Getting ready")
    slack.click_in_message(coachee, prep, "I'd like to discuss this")
    assert "would like to discuss the coaching agreement" in slack.wait_for_dm(coach, "discuss").text
    assert pairing(app).agreed_at is None


def test_agreeing_replaces_the_agreement_buttons_and_keeps_the_ticked_checklist(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    book_tomorrow(slack, coach, coachee)
    prep = slack.wait_for_dm(coachee, "Getting ready")
    ticked = slack.tick(coachee, prep, ["deadlines"])  # Slack keeps the tick in the click's state
    assert ticked.status == 200
    block = next(
        b for b in prep.blocks if b["type"] == "actions" and b["elements"][0]["type"] == "checkboxes"
    )
    chosen = [o for o in block["elements"][0]["options"] if o["value"] == "deadlines"]
    state = {
        block["block_id"]: {
            block["elements"][0]["action_id"]: {"type": "checkboxes", "selected_options": chosen}
        }
    }
    block_id, agree = find_button(prep.blocks, "I agree", 0)
    slack.driver.click(coachee, agree, block_id=block_id, message=prep, state=state)
    slack.wait_for_edit(prep)
    assert "You agreed to the coaching agreement" in block_texts(prep.blocks)
    labels = [
        e.get("text", {}).get("text") for b in prep.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert "I agree" not in labels and "I'd like to discuss this" not in labels
    assert "Add an agenda item" in labels  # the rest of the message still works
    checklist = next(
        b for b in prep.blocks if b["type"] == "actions" and b["elements"][0]["type"] == "checkboxes"
    )
    assert [o["value"] for o in checklist["elements"][0]["initial_options"]] == ["deadlines"]


def test_asking_to_discuss_leaves_only_i_agree_for_later(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    book_tomorrow(slack, coach, coachee)
    prep = slack.wait_for_dm(coachee, "Getting ready")
    slack.click_in_message(coachee, prep, "I'd like to discuss this")
    slack.wait_for_edit(prep)
    assert "You asked to talk the agreement through" in block_texts(prep.blocks)
    labels = [
        e.get("text", {}).get("text") for b in prep.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert "I'd like to discuss this" not in labels and "I agree" in labels
    slack.click_in_message(coachee, prep, "I agree")
    slack.wait_for_edit(prep, edits=2)
    assert "You agreed to the coaching agreement" in block_texts(prep.blocks)
    assert pairing(app).agreed_at == clock.now


def test_a_coach_resends_the_agreement_and_others_cannot(
    slack: Slack, app: RunningApp, paired: tuple[str, str], randy: str
) -> None:
    coach, coachee = paired
    assert "sending" in slack.coach("agreement @priya", user=coach).text
    resent = slack.wait_for_dm(coachee, "read the coaching agreement again")
    assert "Our coaching agreement" in block_texts(resent.blocks)
    assert "not one of your coachees" in slack.coach("agreement @priya", user=randy).text


def test_the_programs_own_agreement_text_replaces_the_default(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    from bot.meetings.agreement import set_agreement_text

    coach, coachee = paired
    set_agreement_text(
        app.services, slack.ws.team_id, "*The St Elsewhere coaching compact*\n\nWe meet monthly."
    )
    slack.coach("agreement @priya", user=coach)
    assert "St Elsewhere coaching compact" in block_texts(slack.wait_for_dm(coachee, "again").blocks)


def test_prep_comes_two_days_ahead_and_a_second_session_has_no_agreement(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    slack.meeting("@priya 2026-12-17 13:00", user=coach)
    slack.wait_for_dm(coachee, "Session booked")
    app.wait_idle()  # what the last request set off finishes before time moves
    clock.now = clock.now.replace(month=12, day=1, hour=17, minute=59)
    run_due(app, slack.emulator)
    assert not [m for m in slack.dms(coachee) if "Getting ready" in m.text]
    clock.advance(minutes=1)  # 48 hours before 18:00 UTC on Dec 3
    run_due(app, slack.emulator)
    assert "Our coaching agreement" in block_texts(slack.wait_for_dm(coachee, "Getting ready").blocks)
    app.wait_idle()  # what the last request set off finishes before time moves
    clock.now = clock.now.replace(day=15)
    run_due(app, slack.emulator)
    second = [m for m in slack.dms(coachee) if "Getting ready" in m.text][-1]
    assert "Dec 17" in second.text and "Our coaching agreement" not in block_texts(second.blocks)


def test_a_cancelled_session_never_sends_its_checklist(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    slack.meeting("cancel 1", user=coach)
    app.wait_idle()  # what the last request set off finishes before time moves
    clock.now = clock.now.replace(month=12, day=2)
    run_due(app, slack.emulator)
    assert not [
        m
        for m in slack.dms(coachee) + slack.dms(coach)
        if "Getting ready" in m.text or "Prep brief" in m.text
    ]


def test_the_follow_up_asks_reflections_and_books_the_next_session_four_weeks_on(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    slack.meeting("@priya 2026-12-03 13:00 for 45m", user=coach)
    app.wait_idle()  # what the last request set off finishes before time moves
    clock.now = clock.now.replace(month=12, day=3, hour=18, minute=59)
    run_due(app, slack.emulator)
    assert not [m for m in slack.dms(coachee) if "What did you take away?" in m.text]
    clock.advance(minutes=1)  # the end (18:45 UTC) plus 15 minutes
    run_due(app, slack.emulator)
    follow_up = slack.wait_for_dm(coachee, "What did you take away? What will you do before next time?")
    slack.click_in_message(coachee, follow_up, "Share my reflections")
    modal = slack.open_modal(coachee, callback="follow_up_modal")
    slack.submit(
        coachee,
        modal,
        {
            "follow_up_takeaways": {"type": "plain_text_input", "value": "Spaced repetition works for me"},
            "follow_up_actions": {"type": "plain_text_input", "value": "Two question blocks a day"},
        },
    )
    assert meeting(app).takeaways == "Spaced repetition works for me"
    slack.click_in_message(coachee, follow_up, "Book the next session")
    booking = slack.open_modal(coachee, callback="meeting_modal")
    assert booking["callback_id"] == "meeting_modal"
    assert booking["blocks"][0]["element"]["initial_user"] == coach
    assert booking["blocks"][1]["element"]["initial_date"] == "2026-12-31"  # four weeks on, in Kolkata
    assert booking["blocks"][2]["element"]["initial_time"] == "23:30"
    slack.submit(
        coachee,
        booking,
        {
            "meeting_person": {"type": "users_select", "selected_user": coach},
            "meeting_date": {"type": "datepicker", "selected_date": "2026-12-31"},
            "meeting_time": {"type": "timepicker", "selected_time": "23:30"},
            "meeting_duration": {"type": "static_select", "selected_option": {"value": "45"}},
        },
    )
    assert meeting(app, 2).starts_at == meeting(app, 1).starts_at + timedelta(weeks=4)
    app.wait_idle()  # what the last request set off finishes before time moves
    clock.now = clock.now.replace(day=29, hour=18)
    run_due(app, slack.emulator)
    brief = block_texts(slack.wait_for_dm(coach, "Prep brief for your session with", timeout=5).blocks)
    assert "Dec 31" in brief and "Took away: Spaced repetition works for me" in brief
    assert "Will do before next time: Two question blocks a day" in brief


def test_the_coach_gets_the_booking_button_and_a_private_note(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    the_session_on_dec_3_ends(slack, app, clock)
    follow_up = slack.wait_for_dm(coach, "has ended")
    slack.click_in_message(coach, follow_up, "Book the next session")
    booking = slack.open_modal(coach, callback="meeting_modal")
    assert booking["blocks"][1]["element"]["initial_date"] == "2026-12-31"
    assert booking["blocks"][2]["element"]["initial_time"] == "13:00"
    slack.click_in_message(coach, follow_up, "Add a private note")
    note = slack.open_modal(coach, callback="coach_note_modal")
    slack.submit(
        coach,
        note,
        {"coach_note_text": {"type": "plain_text_input", "value": "Seemed tired; ask about sleep"}},
    )
    assert meeting(app).coach_note == "Seemed tired; ask about sleep"
    assert not [m for m in slack.dms(coachee) if "tired" in m.text or "tired" in str(m.blocks)]
    slack.click_in_message(coachee, follow_up, "Add a private note")  # not theirs: no form opens
    assert coachee not in slack.ws.open_modals


def test_the_brief_names_each_check_ins_goal_and_lists_shared_progress_notes_never_private_words(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    from bot.checkins import service as checkins

    coach, coachee = paired
    slack.goal("add Pass Step 1 by 2027-06-01", user=coachee)
    slack.goal("add Sleep 7 hours", user=coachee)
    slack.goal("progress 1 Finished the cardiology <bank>", user=coachee)
    actor = app.services.actor(slack_gateway(slack), slack.ws.team_id, coachee)
    with app.services.db.read() as session:
        goal_ids = dict(
            session.execute(select(Goal.number, Goal.id).where(Goal.person_id == actor.person_id)).all()
        )
    now = app.services.now()
    checkins.add_note(
        app.services, actor, "Half way there", private=False, request_key="a", now=now, goal_id=goal_ids[1]
    )
    checkins.add_note(
        app.services, actor, "Scared I will fail", private=True, request_key="b", now=now, goal_id=goal_ids[2]
    )
    assert "booked" in slack.meeting("@priya tomorrow 9am", user=coach).text
    brief = block_texts(slack.wait_for_dm(coach, "Prep brief").blocks)
    assert ": a note on #1 Pass Step 1 — Half way there" in brief
    # A private note: that there was one, never its words, nor which goal it was about.
    assert (
        "Scared" not in brief and "Sleep 7 hours" not in brief.split("*Check-ins since the last session*")[1]
    )
    assert "*Progress notes since the last session*" in brief
    assert "#1 Pass Step 1: Finished the cardiology &lt;bank&gt;" in brief  # escaped: the coachee typed it


def test_book_the_next_session_is_not_offered_when_the_next_one_is_already_booked(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    slack.meeting("@priya 2026-12-17 13:00", user=coach)
    the_session_on_dec_3_ends(slack, app, clock)
    for person, asked in ((coach, "has ended"), (coachee, "What did you take away?")):
        follow_up = slack.wait_for_dm(person, asked)
        assert "Book the next session" not in str(follow_up.blocks)
        assert "Your next session, #2, is booked:" in block_texts(follow_up.blocks)
    assert "Add a private note" in str(slack.wait_for_dm(coach, "has ended").blocks)


def test_a_booking_button_from_before_the_next_booking_opens_the_form_saying_which_is_booked(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    the_session_on_dec_3_ends(slack, app, clock)
    follow_up = slack.wait_for_dm(coachee, "What did you take away?")
    slack.meeting("@priya 2026-12-17 13:00", user=coach)
    slack.click_in_message(coachee, follow_up, "Book the next session")
    booking = slack.open_modal(coachee, callback="meeting_modal")
    assert "Your next session, #2, is already booked: Thu Dec 17, 11:30 PM." in block_texts(booking["blocks"])


def test_the_next_session_is_never_prefilled_inside_a_program_quiet_period(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock, dean: str
) -> None:
    coach, _coachee = paired
    # Four weeks after Dec 3 is Dec 31, inside the winter break: the form offers the day after it.
    assert "Winter break" in slack.coachbot("quiet add 2026-12-21 2027-01-03 Winter break", user=dean).text
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    the_session_on_dec_3_ends(slack, app, clock)
    slack.click_in_message(coach, slack.wait_for_dm(coach, "has ended"), "Book the next session")
    booking = slack.open_modal(coach, callback="meeting_modal")
    assert booking["blocks"][1]["element"]["initial_date"] == "2027-01-04"
    assert booking["blocks"][2]["element"]["initial_time"] == "13:00"
    # An exam block right after the break: the first day after both.
    slack.coachbot("quiet add 2027-01-04 2027-01-08 Exam block", user=dean)
    slack.ws.open_modals.pop(coach, None)  # the coach closed the form
    slack.click_in_message(coach, slack.wait_for_dm(coach, "has ended"), "Book the next session")
    again = slack.open_modal(coach, callback="meeting_modal")
    assert again["blocks"][1]["element"]["initial_date"] == "2027-01-09"
