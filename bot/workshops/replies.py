"""`/workshop` from parsed command to reply: which service to call and which view answers."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.platform import roles
from bot.platform.dates import Reader, read_moment, read_repeat
from bot.platform.errors import UserError
from bot.platform.form_state import number_from_metadata
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from bot.platform.text import escape_mrkdwn
from bot.platform.when import Repeat, WhenError, named_zone, parse_duration
from bot.workshops import service as workshops
from bot.workshops.commands import (
    WORKSHOP_HELP,
    CancelWorkshop,
    EditWorkshop,
    ListWorkshops,
    OpenWorkshopForm,
    QuickWorkshop,
    ShowWorkshopHelp,
    WorkshopCommand,
)
from bot.workshops.forms import FIELD_BLOCKS, workshop_draft_from_state
from bot.workshops.ids import WorkshopField
from bot.workshops.messages import check_channel
from bot.workshops.modal import saved_workshop_modal
from bot.workshops.service import WorkshopDraft, WorkshopError, creator_zone
from bot.workshops.views import (
    read_as_text,
    saved_text,
    time_question,
    workshop_list_blocks,
    workshop_list_text,
)


@dataclass(frozen=True)
class WorkshopReply:
    """The ephemeral answer, and the workshop the lazy follow-up works on (if any)."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    workshop_id: int | None = None
    announce_now: bool = False


def help_text(services: Services) -> str:
    """The `/workshop help` text, naming the program's time zone."""
    return WORKSHOP_HELP.format(tz=services.settings.program_tz)


class TimeInDoubt(Exception):
    """The quick form's time could mean something else: it is asked about, nothing is saved."""

    def __init__(self, start: datetime, read_in: ZoneInfo, doubt: str) -> None:
        super().__init__(doubt)
        self.start, self.read_in, self.doubt = start, read_in, doubt


def quick_draft(services: Services, actor: Actor, command: QuickWorkshop) -> tuple[WorkshopDraft, ZoneInfo]:
    """The quick form's words as a draft in the program's zone, and the zone the time was read in:
    the one named after it (`5pm ET`), else the creator's own."""
    when, named = named_zone(command.when)
    read_in = named or creator_zone(services, actor)
    reader = Reader.of(
        read_in.key, services.now(), locale=actor.locale, term_ends=services.settings.term_ends
    )
    try:
        reading = read_moment(when, reader)
        start = reading.value
        duration = parse_duration(command.duration) if command.duration else timedelta(hours=1)
        # The repeat's end is read from the first session on, as people count it.
        series = read_repeat(command.repeat, replace(reader, now=start)).value if command.repeat else None
    except WhenError as error:
        raise WorkshopError(str(error)) from None
    if series is not None and series.until is None and series.count is None:
        raise WorkshopError(f"Say when a {series.every} workshop ends, e.g. `… {series.every} until Feb 25`.")
    if reading.doubt:  # everything else is right: only the time is asked about
        raise TimeInDoubt(start, read_in, reading.doubt)
    # Repeats run on the program's wall clock, where the workshop happens.
    draft = WorkshopDraft(
        title=command.title,
        channel_id=command.channel_id,
        start=start.astimezone(ZoneInfo(services.settings.program_tz)),
        duration=duration,
        repeat=Repeat(series.every) if series else Repeat.NONE,
        until=series.until if series else None,
        count=series.count if series else None,
    )
    return draft, read_in


def answer_workshop_command(
    services: Services, slack: SlackGateway, actor: Actor, command: WorkshopCommand, request_key: str
) -> WorkshopReply:
    """Carry out a `/workshop` command; UserError propagates for the handler to show."""
    match command:
        case ShowWorkshopHelp(problem):
            return WorkshopReply(f"{problem}\n\n{help_text(services)}" if problem else help_text(services))
        case OpenWorkshopForm():
            roles.require_admin_or_lead(services, actor, "announce workshops")
            return WorkshopReply("")  # the modal is the answer
        case EditWorkshop(number):
            workshops.get_workshop(services, actor, number)  # refuses what they may not edit
            return WorkshopReply("")
        case ListWorkshops():
            can_manage = roles.is_admin(services, actor) or roles.is_lead(services, actor)
            items = [
                (workshop, session)
                for workshop, session in workshops.upcoming_occurrences(services, actor.team_id)
                # A private channel's workshops are listed to its members only, admins and leads included
                # (they may still edit or cancel one by its number).
                if services.channels.can_see(slack, actor.team_id, workshop.draft.channel_id, actor.user_id)
            ]
            return WorkshopReply(
                workshop_list_text(items), workshop_list_blocks(items, can_manage=can_manage)
            )
        case QuickWorkshop():
            roles.require_admin_or_lead(services, actor, "announce workshops")
            try:
                draft, read_in = quick_draft(services, actor, command)
            except TimeInDoubt as asked:
                return WorkshopReply(*time_question(command, asked.start, asked.read_in, asked.doubt))
            check_channel(slack, draft.channel_id)
            info, created = workshops.create_workshop(services, actor, draft, request_key)
            first = info.upcoming(services.now())[0] if info.upcoming(services.now()) else info.sessions[0]
            read = read_as_text(
                first.starts_at, read_in, creator_zone(services, actor) if actor.tz_known else None
            )
            return WorkshopReply(
                f"{saved_text(info, first)}\n{read}", workshop_id=info.id, announce_now=created
            )
        case CancelWorkshop(number):
            info = workshops.cancel_workshop(services, actor, number)
            told = "Everyone who said Going or Maybe is being told." if info.announcement_ts else ""
            return WorkshopReply(
                f"Workshop #{number} ({escape_mrkdwn(info.draft.title)}) is cancelled. {told}".strip(),
                workshop_id=info.id,
            )
    raise AssertionError(f"unhandled workshop command {command!r}")


@dataclass(frozen=True)
class FormOutcome:
    """Errors by block_id for `response_action: errors`, or the view the form turns into."""

    errors: dict[str, str] = field(default_factory=dict)
    view: View | None = None
    number: int | None = None


def submit_workshop_form(
    services: Services, slack: SlackGateway, actor: Actor, view: dict[str, Any], request_key: str
) -> FormOutcome:
    """Validate the form, check the channel, then save; every refusal lands on its field."""
    number = number_from_metadata(view.get("private_metadata", ""))
    channel_id: str | None = None
    # An edit keeps the zone the workshop was created in, even if the program's setting changed.
    zone, entered_in = ZoneInfo(services.settings.program_tz), creator_zone(services, actor)
    try:
        if number is not None:
            existing = workshops.get_workshop(services, actor, number)
            channel_id, zone = existing.draft.channel_id, existing.zone
        draft, errors = workshop_draft_from_state(view["state"]["values"], entered_in, channel_id)
        if draft is None:
            return FormOutcome(errors)
        draft = replace(draft, start=draft.start.astimezone(zone))  # repeats run on the program's clock
        if number is None:
            check_channel(slack, draft.channel_id)
            info, _ = workshops.create_workshop(services, actor, draft, request_key)
        else:
            info = workshops.update_workshop(services, actor, number, draft)
    except UserError as error:
        field_name = error.field if isinstance(error, WorkshopError) else None
        block = FIELD_BLOCKS.get(field_name or "", WorkshopField.TITLE)
        if number is not None and block in {WorkshopField.CHANNEL, WorkshopField.ANNOUNCE_DATE}:
            block = WorkshopField.DATE  # not on the edit form
        return FormOutcome({block: error.message})
    first = (info.upcoming(services.now()) or info.sessions)[0]
    creator = creator_zone(services, actor) if actor.tz_known else None
    text = f"{saved_text(info, first, edited=number is not None)}\n{read_as_text(first.starts_at, entered_in, creator)}"
    return FormOutcome(view=saved_workshop_modal(text, edited=number is not None), number=info.number)
