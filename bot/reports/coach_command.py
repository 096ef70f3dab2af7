"""`/coach report`: an admin asks for the program report, which comes into their DM as a CSV file."""

from __future__ import annotations

from bot.platform.people import Actor
from bot.platform.replies import Reply
from bot.platform.services import Services
from bot.reports.service import request_report


def answer_coach_verb(
    services: Services, actor: Actor, verb: str, rest: str, request_key: str
) -> Reply | None:
    """This area's `/coach` verbs; None for a verb it does not own. UserError propagates."""
    if verb == "report":
        return Reply(request_report(services, actor, rest, request_key))
    return None
