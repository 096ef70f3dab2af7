"""Cohorts: the class year or program each person belongs to, set by admins (command or roster CSV)."""

from __future__ import annotations

from bot.platform import roles
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.text import escape_mrkdwn as esc
from storage import people as queries

CLEAR_WORDS = {"none", "-", "clear"}
COHORT_MAX = 64


def clean_cohort(text: str) -> str:
    """A cohort name as stored: spaces tidied, not too long, no control characters."""
    name = " ".join(text.split())
    if not name or len(name) > COHORT_MAX or not name.isprintable():
        raise UserError(f"A cohort name is 1 to {COHORT_MAX} characters, like “M1 2030” or “IM PGY-2”.")
    return name


def cohort_name(text: str) -> str | None:
    """The cohort a command or CSV cell names; None for “none” (no cohort)."""
    text = " ".join(text.split())
    return None if text.lower() in CLEAR_WORDS else clean_cohort(text)


def put_in_cohort(services: Services, person: Actor, cohort: str | None) -> str:
    """Without a role check (callers check): one line saying what changed."""
    with services.db.transaction() as session:
        queries.set_cohort(session, person.person_id, cohort)
    if cohort is None:
        return f"<@{person.user_id}> is no longer in a cohort."
    return f"<@{person.user_id}> is now in cohort *{esc(cohort)}*."


def assign_cohort(services: Services, admin: Actor, person: Actor, text: str) -> str:
    """`/coach cohort @person M1 2030`: admins only."""
    roles.require_admin(services, admin, "set cohorts")
    # Slack escapes &, < and > in command text (should_escape): the name is stored as typed.
    typed = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return put_in_cohort(services, person, cohort_name(typed))
