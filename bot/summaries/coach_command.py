"""`/coach roster`, `summary`, `summary-time` and `digest`: what a coach (or admin) reads about coachees."""

from __future__ import annotations

from bot.meetings import pairings
from bot.platform import roles
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.replies import Reply
from bot.platform.services import Services
from bot.summaries.roster_views import roster_blocks, roster_text
from bot.summaries.schedule import DIGEST_KIND, SUMMARY_KIND, plan_now, set_summary_time


def answer_coach_verb(
    services: Services, actor: Actor, verb: str, rest: str, request_key: str
) -> Reply | None:
    """This area's `/coach` verbs; None for a verb it does not own. UserError propagates."""
    if verb == "roster":
        everyone = roles.is_admin(services, actor)
        entries = pairings.roster(services, actor, everyone=everyone)
        return Reply(
            roster_text(entries, actor.tz, everyone=everyone),
            roster_blocks(entries, actor.tz, everyone=everyone),
        )
    if verb == "summary":
        if not pairings.roster(services, actor):
            raise UserError("You have no coachees yet, so there is no summary to send.")
        plan_now(services, actor, SUMMARY_KIND, request_key)
        return Reply("I'm sending you your coaching summary now.")
    if verb == "summary-time":
        return Reply(set_summary_time(services, actor, rest))
    if verb == "digest":
        roles.require_admin(services, actor, "see the program digest")
        plan_now(services, actor, DIGEST_KIND, request_key)
        return Reply("I'm sending you the program digest now.")
    return None
