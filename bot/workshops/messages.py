"""The Slack side of workshops: checking the channel, announcing at once, and keeping posted
announcements in step with RSVPs, edits and cancellations."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.calendar.schedule import workshop_prefix
from bot.platform.delivery import dispatcher as dispatch
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from bot.workshops import rsvps, schedule
from bot.workshops.service import WorkshopError, WorkshopInfo, upcoming_occurrences, workshop_by_id
from bot.workshops.views import (
    next_occurrence_heading,
    occurrence_blocks,
    occurrence_text,
    welcome_blocks,
    welcome_text,
    who_is_coming_text,
)
from storage import deliveries as store
from storage import workshops as queries
from storage.models import Delivery
from storage.models.workshops import Occurrence, Workshop, WorkshopStatus

log = logging.getLogger(__name__)

REFRESH_ROUNDS = 5
INVITE_HINT = "Invite me first: open the channel and type `/invite @coachbot`, then try again."
CHANNEL_PROBLEMS = {
    "not_in_channel": "I'm not a member of <#{channel}>, so I can't post there. " + INVITE_HINT,
    "is_archived": "<#{channel}> is archived, so nobody can post there. Choose a channel that is in use.",
    "channel_not_found": "I can't find <#{channel}>. If it is a private channel, " + INVITE_HINT,
}


def channel_problem(code: str, channel_id: str) -> str:
    """What a channel error code means, said so a person can fix it."""
    template = CHANNEL_PROBLEMS.get(code, "Slack refused the announcement in <#{channel}> ({code}).")
    return template.format(channel=channel_id, code=code)


def check_channel(slack: SlackGateway, channel_id: str) -> None:
    """Refuse a channel coachbot cannot post in, before anything is saved.

    If Slack cannot answer in time, the workshop is saved anyway: the announcement's own error
    (not_in_channel, is_archived) is then reported and the workshop withdrawn.
    """
    try:
        channel = slack.channel(channel_id)
    except SlackApiError as error:
        code = str(error.response.get("error", ""))
        if code in CHANNEL_PROBLEMS:
            raise WorkshopError(channel_problem(code, channel_id), "channel") from None
        log.warning("conversations.info failed for %s: %s", channel_id, code)
        return
    except (SlackRequestError, OSError) as error:
        log.warning("conversations.info failed for %s: %s", channel_id, error)
        return
    if channel.is_archived:
        raise WorkshopError(channel_problem("is_archived", channel_id), "channel")
    if not channel.is_member:
        raise WorkshopError(channel_problem("not_in_channel", channel_id), "channel")


def announce_now(services: Services, client: WebClient, workshop_id: int) -> str | None:
    """Post an announcement planned for now; on a permanent refusal the workshop is withdrawn
    (nothing half-done stays behind) and the reason is returned for the person who asked."""
    now = services.now()
    dispatch.send_due_now(services, client, now, schedule.announcement_rows(workshop_id))
    with services.db.transaction() as session:
        errors = store.failures(session, schedule.announcement_rows(workshop_id))
        workshop = session.get(Workshop, workshop_id)
        if not errors or workshop is None or workshop.announcement_ts:
            return None
        code = errors[0].split(" ")[0]
        schedule.withdraw_all(session, workshop, reason=f"announcement failed: {code}")
        workshop.status = WorkshopStatus.CANCELLED
        for occurrence in workshop.occurrences:
            occurrence.status = WorkshopStatus.CANCELLED
        return (
            f"{channel_problem(code, workshop.channel_id)} Workshop #{workshop.number} was not announced "
            "and has been withdrawn."
        )


def send_cancellation_now(services: Services, client: WebClient, workshop_id: int) -> None:
    """Send the cancellation notes just planned (thread and DMs)."""
    dispatch.send_due_now(services, client, services.now(), schedule.cancellation_rows(workshop_id))


def send_calendar_files_now(services: Services, client: WebClient, workshop_id: int) -> None:
    """Send the workshop's calendar files just planned (an edit or cancel updates everyone's copy)."""
    dispatch.send_due_now(
        services, client, services.now(), Delivery.dedupe_key.startswith(workshop_prefix(workshop_id))
    )


def refresh_messages(services: Services, slack: SlackGateway, workshop_id: int) -> None:
    """Bring every posted announcement of this workshop up to date (after an edit or a cancel)."""
    workshop = workshop_by_id(services, workshop_id)
    if workshop is None:
        return
    for session in workshop.sessions:
        if session.message_channel and session.message_ts:
            _update(slack, workshop, session.id)


def refresh_occurrence_message(services: Services, slack: SlackGateway, occurrence_id: int) -> None:
    """Show the current counts on a session's announcement.

    Two clicks' refreshes can reach Slack in either order; whoever finds the counts changed
    after its update updates again, so the last word is always the latest count.
    """
    for _ in range(REFRESH_ROUNDS):
        workshop = _workshop_of(services, occurrence_id)
        if workshop is None:
            return
        seen = workshop.session(occurrence_id).rsvp_version
        _update(slack, workshop, occurrence_id)
        latest = _workshop_of(services, occurrence_id)
        if latest is None or latest.session(occurrence_id).rsvp_version == seen:
            return


def _workshop_of(services: Services, occurrence_id: int) -> WorkshopInfo | None:
    with services.db.transaction() as session:
        occurrence = session.get(Occurrence, occurrence_id)
        workshop_id = occurrence.workshop_id if occurrence else None
    return workshop_by_id(services, workshop_id) if workshop_id else None


def _update(slack: SlackGateway, workshop: WorkshopInfo, occurrence_id: int) -> None:
    session = workshop.session(occurrence_id)
    if not (session.message_channel and session.message_ts):
        return
    heading = "" if session.message_ts == workshop.announcement_ts else next_occurrence_heading()
    try:
        slack.update_message(
            session.message_channel,
            session.message_ts,
            occurrence_text(workshop, session),
            occurrence_blocks(workshop, session, heading=heading),
        )
    except (SlackApiError, SlackRequestError, OSError) as error:
        log.warning("could not update workshop message %s: %s", session.message_ts, error)


def show_attendees(services: Services, slack: SlackGateway, occurrence_id: int, user_id: str) -> None:
    """Who's coming, shown to the person who asked and nobody else."""
    workshop = _workshop_of(services, occurrence_id)
    if workshop is None:
        return
    session = workshop.session(occurrence_id)
    text = who_is_coming_text(workshop, session, rsvps.attendees(services, occurrence_id))
    _tell(slack, workshop, session.id, user_id, text)


def _tell(slack: SlackGateway, workshop: WorkshopInfo, occurrence_id: int, user_id: str, text: str) -> None:
    session = workshop.session(occurrence_id)
    channel = session.message_channel or workshop.draft.channel_id
    thread = None if session.message_ts == workshop.announcement_ts else workshop.announcement_ts
    try:
        slack.post_ephemeral(channel, user_id, text, thread_ts=thread)
    except (SlackApiError, SlackRequestError, OSError) as error:
        log.warning("could not answer %s in %s: %s", user_id, channel, error)


def confirm_rsvp(slack: SlackGateway, state: rsvps.RsvpState, user_id: str, text: str) -> None:
    """A word to the person who clicked, next to the announcement they clicked on."""
    if state.workshop is not None and state.session is not None:
        _tell(slack, state.workshop, state.session.id, user_id, text)


def welcome(
    services: Services, slack: SlackGateway, team_id: str, channel_id: str, user_id: str, event_id: str
) -> bool:
    """An ephemeral list of upcoming workshops for someone who joined a program channel.

    Channels without upcoming workshops stay quiet; a retried event is welcomed once.
    """
    items = [(w, s) for w, s in upcoming_occurrences(services, team_id, channel_id) if w.announcement_ts]
    if not items:
        return False
    with services.db.transaction() as session:
        if not queries.record_welcome(session, team_id, channel_id, user_id, event_id, services.now()):
            return False
    try:
        slack.post_ephemeral(
            channel_id, user_id, welcome_text(channel_id, items), welcome_blocks(channel_id, items)
        )
    except (SlackApiError, SlackRequestError, OSError) as error:
        log.warning("could not welcome %s in %s: %s", user_id, channel_id, error)
        return False
    return True
