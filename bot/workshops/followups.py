"""What follows a `/workshop` command or form once Slack has its answer: modals, the
announcement, and bringing posted messages up to date."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient

from bot.platform import roles
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from bot.workshops import service as workshops
from bot.workshops.commands import (
    CancelWorkshop,
    EditWorkshop,
    OpenWorkshopForm,
    QuickWorkshop,
    WorkshopCommand,
)
from bot.workshops.messages import (
    announce_now,
    refresh_messages,
    send_calendar_files_now,
    send_cancellation_now,
)
from bot.workshops.modal import workshop_modal
from bot.workshops.service import creator_zone

Tell = Callable[[str], object]


def open_form(
    services: Services, slack: SlackGateway, actor: Actor, trigger_id: str, number: int | None
) -> None:
    """Open the new-workshop form, or the edit form filled in; refusals were already answered."""
    if number is None:
        if roles.is_admin(services, actor) or roles.is_lead(services, actor):
            tz = creator_zone(services, actor).key
            slack.open_view(trigger_id, workshop_modal(tz, program_tz=services.settings.program_tz))
        return
    try:
        workshop = workshops.get_workshop(services, actor, number)
    except UserError:
        return
    draft = workshops.edit_draft(workshop, services.now())
    tz = creator_zone(services, actor).key
    slack.open_view(trigger_id, workshop_modal(tz, draft, number, program_tz=workshop.zone.key))


def after_command(
    services: Services,
    client: WebClient,
    actor: Actor,
    command: WorkshopCommand,
    request_key: str,
    trigger_id: str,
    tell: Tell,
) -> None:
    """The slow half of `/workshop`: Web API calls that must not delay the ack."""
    slack = SlackGateway(client)
    match command:
        case OpenWorkshopForm():
            open_form(services, slack, actor, trigger_id, None)
        case EditWorkshop(number):
            open_form(services, slack, actor, trigger_id, number)
        case QuickWorkshop():
            announce_created(services, client, request_key, tell)
        case CancelWorkshop(number):
            workshop = workshops.find_workshop(services, actor.team_id, number)
            if workshop is not None and not workshop.active:
                send_cancellation_now(services, client, workshop.id)
                send_calendar_files_now(services, client, workshop.id)
                refresh_messages(services, slack, workshop.id)


def announce_created(services: Services, client: WebClient, request_key: str, tell: Tell) -> None:
    """Post the announcement of the workshop this request created, if it is due now."""
    workshop = workshops.workshop_by_request(services, request_key)
    if workshop is None or workshop.announcement_ts or workshop.draft.announce_at is not None:
        return
    problem = announce_now(services, client, workshop.id)
    if problem:
        tell(problem)


def after_edit(services: Services, client: WebClient, actor: Actor, number: int) -> None:
    """Bring the posted announcements of an edited workshop up to date."""
    workshop = workshops.find_workshop(services, actor.team_id, number)
    if workshop is not None:
        refresh_messages(services, SlackGateway(client), workshop.id)
        send_calendar_files_now(services, client, workshop.id)
