"""The program's support resources: shown at once after a low well-being answer; admins set them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.roles import require_admin
from bot.platform.services import Services
from storage import checkins as queries

SUPPORT_MAX = 2500
DEFAULT_SUPPORT_TEXT = (
    "*You don't have to carry this alone.*\n"
    "• Your school's student wellness office offers confidential counselling; your program office "
    "can tell you how to reach it today.\n"
    "• In the US, call or text *988* (Suicide & Crisis Lifeline) any time, day or night.\n"
    "• If you are in immediate danger, call your local emergency number.\n"
    "coachbot is not clinical care and nobody watches these answers in real time."
)


def support_text_for(session: Session, team_id: str) -> str:
    return queries.support_text(session, team_id) or DEFAULT_SUPPORT_TEXT


def current_support_text(services: Services, actor: Actor) -> str:
    with services.db.transaction() as session:
        return support_text_for(session, actor.team_id)


def set_support_text(services: Services, actor: Actor, text: str) -> str:
    """An admin replaces the support text for the whole workspace; returns it as saved."""
    require_admin(services, actor, "change the support resources")
    text = text.strip()
    if not text:
        raise UserError(
            "Write the support text after the command: `/coachbot support set Student Wellness: 555-0100, "
            "wellness@school.edu. In the US, call or text 988.`"
        )
    if len(text) > SUPPORT_MAX:
        raise UserError(f"That text is {len(text)} characters; please keep it to {SUPPORT_MAX} or fewer.")
    with services.db.transaction() as session:
        queries.set_support_text(session, actor.team_id, text, actor.user_id, services.now())
    return text
