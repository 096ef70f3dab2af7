"""A pairing starts and ends with a word: a welcome to each side, and a notice when it ends."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from sqlalchemy.orm import Session

from bot.meetings.agreement import agreement_text
from bot.meetings.prep_views import agreement_blocks
from bot.platform.delivery.planning import plan_one
from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing, Skip
from bot.platform.services import Services
from storage import meetings as queries
from storage.models.meetings import Pairing

# Kind names and dedupe keys are stored: never change them once released.
WELCOME = "pairing_welcome"
ENDED = "pairing_ended"
_WHAT_COACHING_IS = "*What coaching is.*"


def plan_welcome(session: Session, pairing: Pairing, now: datetime) -> None:
    """One welcome to the coach and one to the coachee, inside the pairing's transaction."""
    _plan_both(session, pairing, WELCOME, now)


def plan_ended(session: Session, pairing: Pairing, now: datetime) -> None:
    """Tell both people the pairing has ended, inside the transaction that closes it."""
    _plan_both(session, pairing, ENDED, now)


def _plan_both(session: Session, pairing: Pairing, kind: str, now: datetime) -> None:
    coach, coachee = queries.person(session, pairing.coach_id), queries.person(session, pairing.coachee_id)
    for role, person, other in (("coach", coach, coachee), ("coachee", coachee, coach)):
        payload = {"pairing_id": pairing.id, "role": role, "other": other.slack_user_id}
        plan_one(session, person, kind=kind, key=f"{kind}:{pairing.id}:{role}", now=now, payload=payload)


def what_coaching_is(agreement: str) -> str:
    """The agreement's paragraph on what coaching is (and is not), or its first paragraph."""
    paragraphs = [p.strip() for p in agreement.split("\n\n") if p.strip()]
    found = next((p for p in paragraphs if p.startswith(_WHAT_COACHING_IS)), None)
    return found or (paragraphs[0] if paragraphs else "")


def render_welcome(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    other, pairing_id = str(delivery.payload["other"]), int(delivery.payload["pairing_id"])
    text = agreement_text(services, delivery.team_id)
    if delivery.payload.get("role") == "coachee":
        intro = (
            f"*Welcome to coaching!* Your coach is <@{other}>.\n\n{what_coaching_is(text)}\n\n"
            f"*Your first session:* book it with `/meeting`, their name and a time "
            f"(for example: /meeting <@{other}> next Tuesday 2pm), or wait to hear from your coach. "
            "Before it, please read the coaching agreement below."
        )
        blocks = [SectionBlock(text=MarkdownTextObject(text=intro)), *agreement_blocks(text, pairing_id)]
        return Outgoing(f"Welcome to coaching! Your coach is <@{other}>.", blocks)
    intro = (
        f"*You are now <@{other}>'s coach.*\n\n{what_coaching_is(text)}\n\n"
        f"*Your first session:* book it with `/meeting`, their name and a time (for example: /meeting "
        f"<@{other}> next Tuesday 2pm). They have been sent the coaching "
        "agreement to read before it; you will hear when they agree."
    )
    return Outgoing(f"You are now <@{other}>'s coach.", [SectionBlock(text=MarkdownTextObject(text=intro))])


def render_ended(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    other = str(delivery.payload["other"])
    relation = "your coach" if delivery.payload.get("role") == "coachee" else "your coachee"
    return Outgoing(
        f"Your coaching pairing with <@{other}> ({relation}) has ended. Sessions you had booked "
        "together are cancelled; your goals and notes stay yours."
    )


KINDS = {WELCOME: Kind(render_welcome), ENDED: Kind(render_ended)}
