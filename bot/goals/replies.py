"""`/goal` from parsed command to reply: which service to call and which view answers."""

from __future__ import annotations

from bot.goals import service as goals
from bot.goals.commands import (
    GOAL_HELP,
    AddGoal,
    ChangeStatus,
    EditGoal,
    GoalCommand,
    ListGoals,
    LogProgress,
    OpenNewGoal,
    SetCadence,
    ShowHelp,
)
from bot.goals.views import CADENCE_LABELS, date_question, goal_list_blocks, goal_list_text, saved_reply
from bot.platform.dates import local_today
from bot.platform.people import Actor
from bot.platform.replies import Reply
from bot.platform.services import Services
from bot.platform.text import escape_mrkdwn

_STATUS_REPLIES = {
    "done": "Goal #{n} is done: {title}. Well done! What made the difference?",
    "drop": "Goal #{n} dropped: {title}. Letting go of a goal is a decision too. `/goal reopen {n}` brings it back.",
    "reopen": "Goal #{n} is active again: {title}.",
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
            return Reply(saved_reply(goal, goals.smart_questions(goal.draft), today), changed_goals=True)
        case ChangeStatus(verb, number):
            goal, changed = goals.change_status(services.db, actor, number, verb, now)
            template = _STATUS_REPLIES[verb] if changed else _UNCHANGED[verb]
            return Reply(template.format(n=number, title=goal.title), changed_goals=changed)
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
