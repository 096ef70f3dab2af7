"""`/goal` from parsed command to reply: which service to call and which view answers."""

from __future__ import annotations

from dataclasses import replace

from bot.goals import service as goals
from bot.goals.commands import (
    GOAL_HELP,
    AddGoal,
    ChangeStatus,
    CloseGoal,
    DeleteGoal,
    DidYouMean,
    EditGoal,
    GoalCommand,
    ListGoals,
    LogProgress,
    OpenNewGoal,
    SetCadence,
    ShowHelp,
)
from bot.goals.views import (
    CADENCE_LABELS,
    date_question,
    delete_question,
    did_you_mean,
    goal_list_blocks,
    goal_list_text,
    learned_blocks,
    outcome_question,
    saved_reply,
)
from bot.platform.dates import local_today
from bot.platform.people import Actor
from bot.platform.replies import Reply
from bot.platform.services import Services
from bot.platform.text import escape_mrkdwn
from storage.models import GoalStatus

_STATUS_REPLIES = {
    "done": "Goal #{n} is done: {title}. Well done!",
    "drop": "Goal #{n} dropped: {title}. `/goal reopen {n}` brings it back.",
    "reopen": "Goal #{n} is active again: {title}.",
}
CLOSED_AS = {
    GoalStatus.DONE: "completed",
    GoalStatus.NOT_ACHIEVED: "not achieved",
    GoalStatus.DROPPED: "dropped",
    GoalStatus.ACTIVE: "active",
}
_UNCHANGED = {
    "done": "Goal #{n} was already done.",
    "drop": "Goal #{n} was already dropped.",
    "reopen": "Goal #{n} is already active.",
}


def answer_goal_command(services: Services, actor: Actor, command: GoalCommand, request_key: str) -> Reply:
    """Carry out a `/goal` command; UserError propagates for the handler to show."""
    now = services.now()
    today = local_today(now, actor.tz)
    match command:
        case OpenNewGoal():
            return Reply("")  # the modal is the answer
        case ShowHelp(problem):
            return Reply(f"{problem}\n\n{GOAL_HELP}" if problem else GOAL_HELP)
        case ListGoals():
            overview = goals.overview(services.db, actor)
            return Reply(
                goal_list_text(overview, today, actor.tz), goal_list_blocks(overview, today, actor.tz)
            )
        case AddGoal(text):
            quick = goals.parse_quick_goal(text, services.reader(actor))
            if quick.doubt:
                return Reply(*date_question(quick, today))  # nothing is stored until they confirm
            goal, _ = goals.add_goal(services.db, actor, quick.draft, now, request_key)
            return replace(saved_reply(goal, goals.smart_questions(goal.draft), today), changed_goals=True)
        case ChangeStatus(verb, numbers):
            results = goals.change_statuses(services.db, actor, numbers, verb, now)
            lines = [
                (_STATUS_REPLIES[verb] if changed else _UNCHANGED[verb]).format(
                    n=goal.number, title=escape_mrkdwn(goal.title)
                )
                for goal, changed in results
            ]
            return Reply("\n".join(lines), changed_goals=any(changed for _, changed in results))
        case CloseGoal(number):
            goal = goals.get_goal(services.db, actor, number)
            if goal.status != GoalStatus.ACTIVE:
                return Reply(f"Goal #{number} is already closed ({CLOSED_AS[goal.status]}).")
            return Reply(f"Closing goal #{number}. Did you get there?", outcome_question(goal))
        case DeleteGoal(numbers):
            owned = goals.check_owned(services.db, actor, numbers)
            return Reply("Delete for good?", delete_question(owned))
        case DidYouMean(word, numbers, suggestions):
            return Reply(f"I don't know `{word}`. Did you mean …?", did_you_mean(word, numbers, suggestions))
        case EditGoal(number):
            goals.get_goal(services.db, actor, number)  # refuses numbers that are not theirs
            return Reply("")
        case LogProgress(number, note):
            goal = goals.log_progress(services.db, actor, number, note, now, request_key)
            return Reply(
                f"Progress noted on goal #{number} ({escape_mrkdwn(goal.title)}): {escape_mrkdwn(note)}",
                changed_goals=True,
            )
        case SetCadence(number, cadence):
            goal = goals.set_cadence(services.db, actor, number, cadence, now)
            label = CADENCE_LABELS[cadence].lower()
            return Reply(
                f"Check-ins for goal #{number} ({escape_mrkdwn(goal.title)}): {label}.", changed_goals=True
            )
    raise AssertionError(f"unhandled goal command {command!r}")


def answer_outcome(services: Services, actor: Actor, number: int, achieved: bool) -> Reply:
    """ "Yes, done" or "Not this time" on a goal being closed; a repeat click changes nothing."""
    goal, changed = goals.close_goal(services.db, actor, number, achieved, services.now())
    if not changed:
        return Reply(f"Goal #{number} is {CLOSED_AS[goal.status]}: {escape_mrkdwn(goal.title)}.")
    if achieved:
        return Reply(
            f"🎉 Goal #{number} completed: {escape_mrkdwn(goal.title)}. Well done!",
            changed_goals=True,
        )
    text = (
        f"Goal #{number} closed as not achieved this time: {escape_mrkdwn(goal.title)}. What did you learn? "
        f"A note is optional. `/goal reopen {number}` brings the goal back."
    )
    return Reply(text, learned_blocks(text, number), changed_goals=True)


def answer_delete(services: Services, actor: Actor, numbers: tuple[int, ...]) -> Reply:
    titles = goals.delete_goals(services.db, actor, numbers, services.now())
    if not titles:
        return Reply("Already deleted.")
    listed = ", ".join(f"#{n}" for n in numbers)
    return Reply(f"Deleted {listed}: {'; '.join(escape_mrkdwn(t) for t in titles)}.", changed_goals=True)
