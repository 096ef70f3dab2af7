"""`/coach`: pairing and cohorts (admins), program leads (admins) and resending the agreement; the help for every verb."""

from __future__ import annotations

from collections.abc import Callable

from bot.meetings import pairings
from bot.meetings.agreement import send_agreement
from bot.meetings.cohorts import assign_cohort
from bot.platform import roles
from bot.platform.errors import UserError
from bot.platform.mentions import leading_mentions
from bot.platform.people import Actor, resolve_all
from bot.platform.replies import Reply
from bot.platform.services import Services

COACH_HELP = """*Coaching pairs with coachbot*
• `/coach roster` — your coachees (admins see every pair), who has agreed to the coaching agreement, next sessions
• `/coach agreement @coachee` — send your coachee the coaching agreement again
• `/coach summary` — your weekly summary of your coachees, now
• `/coach summary-time Monday 08:00` — when your weekly summary (and digest) comes, in your time zone
Program admins:
• `/coach assign @coach @coachee [@coachee …]` — pair a coach with one or more coachees (a coachee has one coach at a time)
• `/coach unassign @coach @coachee` — end a pairing (its history is kept)
• `/coach lead @person` — make someone a program lead (they can announce workshops)
• `/coach digest` — the weekly program digest, now
• `/coach cohort @person M1 2030` — put someone in a cohort (`none` takes them out)
• `/coach report [2026-09-01 2026-12-31] [cohort]` — the program's figures per cohort and week, as a CSV file
Pick people from Slack's @ suggestions so they turn into mentions."""

Resolve = Callable[[str], Actor]


def _people(text: str, verb: str, count: str) -> tuple[list[str], str]:
    users, rest = leading_mentions(text)
    if rest:
        raise UserError(
            f"I didn't understand “{rest}”. Write `/coach {verb} {count}`, picking people with @."
        )
    return users, rest


def answer_coach_verb(
    services: Services, actor: Actor, verb: str, rest: str, resolve: Resolve, request_key: str
) -> Reply | None:
    """This area's `/coach` verbs (and help); None for a verb it does not own. UserError propagates."""
    if verb in {"", "help"}:
        return Reply(COACH_HELP)
    if verb == "assign":
        roles.require_admin(services, actor, "pair coaches and coachees")
        users, _ = _people(rest, "assign", "@coach @coachee [@coachee …]")
        if len(users) < 2:
            raise UserError("Name the coach, then one or more coachees: `/coach assign @coach @coachee`.")
        coach, *coachees = resolve_all(resolve, users)
        return Reply("\n".join(pairings.assign(services, actor, coach, coachees)))
    if verb == "unassign":
        roles.require_admin(services, actor, "end a pairing")
        users, _ = _people(rest, "unassign", "@coach @coachee")
        if len(users) != 2:
            raise UserError("Name the coach and the coachee: `/coach unassign @coach @coachee`.")
        return Reply(pairings.unassign(services, actor, resolve(users[0]), resolve(users[1])))
    if verb == "lead":
        roles.require_admin(services, actor, "make someone a program lead")
        users, _ = _people(rest, "lead", "@person")
        if len(users) != 1:
            raise UserError("Name one person: `/coach lead @person`.")
        person = resolve(users[0])
        if roles.grant_lead(services, actor, person):
            return Reply(f"<@{person.user_id}> is now a program lead.")
        return Reply(f"<@{person.user_id}> was already a program lead.")
    if verb == "agreement":
        users, _ = _people(rest, "agreement", "@coachee")
        if len(users) != 1:
            raise UserError("Name your coachee: `/coach agreement @coachee`.")
        coachee = resolve(users[0])
        send_agreement(services, actor, coachee, request_key)
        return Reply(f"I'm sending <@{coachee.user_id}> the coaching agreement now.")
    if verb == "cohort":
        roles.require_admin(services, actor, "set cohorts")
        users, name = leading_mentions(rest)
        if len(users) != 1 or not name:
            raise UserError("Name one person and the cohort: `/coach cohort @person M1 2030`.")
        return Reply(assign_cohort(services, actor, resolve(users[0]), name))
    return None
