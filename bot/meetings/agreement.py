"""The coaching agreement: the program's text (or the default), sending it, and the coachee's answer."""

from __future__ import annotations

from importlib.resources import files

from bot.meetings.schedule import AGREEMENT, AGREEMENT_NOTICE
from bot.platform.delivery.planning import plan_one
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from storage import meetings as queries
from storage.models.meetings import Pairing

TEXT_NAME = "agreement"
TEXT_MAX = 20_000


def default_text() -> str:
    return files("bot.meetings").joinpath("agreement_default.md").read_text(encoding="utf-8").strip()


def agreement_text(services: Services, team_id: str) -> str:
    """The program's own agreement, or the one that ships with coachbot."""
    with services.db.read() as session:
        return queries.program_text(session, team_id, TEXT_NAME) or default_text()


def set_agreement_text(services: Services, team_id: str, body: str) -> None:
    """`coachbot agreement set FILE.md`: the program's own text from now on."""
    body = body.strip()
    if not body:
        raise UserError("The agreement file is empty; nothing was changed.")
    if len(body) > TEXT_MAX:
        raise UserError(f"The agreement is {len(body)} characters; please keep it to {TEXT_MAX}.")
    with services.db.transaction() as session:
        queries.set_program_text(session, team_id, TEXT_NAME, body, services.now())


def send_agreement(services: Services, coach: Actor, coachee: Actor, request_key: str) -> None:
    """`/coach agreement @coachee`: plan the agreement for the coachee now (one per request)."""
    now = services.now()
    with services.db.transaction() as session:
        pairing = queries.open_pairing_of_coachee(session, coachee.person_id)
        if pairing is None or pairing.coach_id != coach.person_id:
            raise UserError(
                f"<@{coachee.user_id}> is not one of your coachees, so I can't send them the agreement."
            )
        key = f"pairing:{pairing.id}:agreement:{request_key}"
        plan_one(session, coachee, kind=AGREEMENT, key=key, now=now, payload={"pairing_id": pairing.id})


def answer_agreement(services: Services, coachee: Actor, pairing_id: int, agreed: bool) -> bool:
    """**I agree** (stored with its time) or **I'd like to discuss this**; the coach is told once.

    Returns False when the button is not the clicker's to press (an old pairing, someone else).
    """
    now = services.now()
    with services.db.transaction() as session:
        pairing = session.get(Pairing, pairing_id)
        if pairing is None or pairing.coachee_id != coachee.person_id or pairing.closed_at is not None:
            return False
        if agreed:
            pairing.agreed_at = pairing.agreed_at or now
            stamp = pairing.agreed_at
        else:
            pairing.discuss_requested_at = now
            stamp = now
        event = "agreed" if agreed else "discuss"
        coach = queries.person(session, pairing.coach_id)
        # Agreeing is told once; each request to discuss is its own message.
        key = f"pairing:{pairing.id}:{event}:{'' if agreed else stamp.isoformat()}"
        plan_one(
            session,
            coach,
            kind=AGREEMENT_NOTICE,
            key=key,
            now=now,
            payload={"event": event, "coachee": coachee.user_id},
        )
        return True
