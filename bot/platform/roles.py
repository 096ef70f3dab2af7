"""Who may do what: program admins and program leads, checked on the server every time."""

from __future__ import annotations

from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from storage import people as role_queries
from storage.models import RoleName


def is_admin(services: Services, actor: Actor) -> bool:
    """Workspace admins and owners (from users.info), and the ids in COACHBOT_ADMIN_IDS."""
    return actor.is_workspace_admin or actor.user_id in services.settings.admin_ids


def is_lead(services: Services, actor: Actor) -> bool:
    with services.db.read() as session:
        return role_queries.has_role(session, actor.person_id, RoleName.LEAD)


def require_admin(services: Services, actor: Actor, doing: str) -> None:
    """Refuse unless the actor is a program admin; `doing` names the action in the refusal."""
    if not is_admin(services, actor):
        raise UserError(
            f"Only program admins can {doing}. If you think you should be one, ask your program office."
        )


def require_admin_or_lead(services: Services, actor: Actor, doing: str) -> None:
    if not (is_admin(services, actor) or is_lead(services, actor)):
        raise UserError(
            f"Only program admins and program leads can {doing}. An admin can make you a lead with `/coach lead @you`."
        )


def grant_lead(services: Services, admin: Actor, person: Actor) -> bool:
    """An admin makes someone a program lead; True if they were not one already."""
    require_admin(services, admin, "make someone a program lead")
    with services.db.transaction() as session:
        return role_queries.grant(
            session, person.team_id, person.person_id, RoleName.LEAD, admin.user_id, services.now()
        )
