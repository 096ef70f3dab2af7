"""`/coach`: pairing (admins), program leads (admins), the roster and resending the agreement."""

from __future__ import annotations

from collections.abc import Callable

from bot import pairings, roles
from bot.agreement import send_agreement
from bot.errors import UserError
from bot.goal_replies import Reply
from bot.mentions import leading_mentions
from bot.people import Actor
from bot.reports.cohorts import assign_cohort
from bot.reports.service import request_report
from bot.services import Services
from bot.summary_schedule import DIGEST_KIND, SUMMARY_KIND, plan_now, set_summary_time
from bot.views.roster import roster_blocks, roster_text

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


def answer_coach_command(
    services: Services, actor: Actor, text: str, resolve: Resolve, request_key: str
) -> Reply:
    """Carry out `/coach …`; UserError propagates for the handler to show."""
    verb, _, rest = " ".join(text.split()).partition(" ")
    verb = verb.lower()
    if verb in {"", "help"}:
        return Reply(COACH_HELP)
    if verb == "roster":
        everyone = roles.is_admin(services, actor)
        entries = pairings.roster(services, actor, everyone=everyone)
        return Reply(
            roster_text(entries, actor.tz, everyone=everyone),
            roster_blocks(entries, actor.tz, everyone=everyone),
        )
    if verb == "assign":
        roles.require_admin(services, actor, "pair coaches and coachees")
        users, _ = _people(rest, "assign", "@coach @coachee [@coachee …]")
        if len(users) < 2:
            raise UserError("Name the coach, then one or more coachees: `/coach assign @coach @coachee`.")
        coach, *coachees = [resolve(user) for user in users]
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
    if verb == "summary":
        if not pairings.roster(services, actor):
            raise UserError("You have no coachees yet, so there is no summary to send.")
        plan_now(services, actor, SUMMARY_KIND, request_key)
        return Reply("I'm sending you your coaching summary now.")
    if verb == "summary-time":
        return Reply(set_summary_time(services, actor, rest))
    if verb == "cohort":
        roles.require_admin(services, actor, "set cohorts")
        users, name = leading_mentions(rest)
        if len(users) != 1 or not name:
            raise UserError("Name one person and the cohort: `/coach cohort @person M1 2030`.")
        return Reply(assign_cohort(services, actor, resolve(users[0]), name))
    if verb == "report":
        return Reply(request_report(services, actor, rest, request_key))
    if verb == "digest":
        roles.require_admin(services, actor, "see the program digest")
        plan_now(services, actor, DIGEST_KIND, request_key)
        return Reply("I'm sending you the program digest now.")
    return Reply(f"I don't know `/coach {verb}`.\n\n{COACH_HELP}")
