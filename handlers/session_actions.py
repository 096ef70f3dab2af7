"""Session buttons, checkboxes and modals: save on the ack; modals, messages and refreshes follow lazily."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import agreement, meetings, prep
from bot.errors import UserError
from bot.home import refresh_home
from bot.ids import MeetingField, SessionAction, SessionCallback
from bot.services import Services
from bot.session_forms import booking_from_state, meeting_id_from_metadata, state_text
from bot.views.meetings import meeting_modal
from bot.views.prep import agenda_modal, coach_note_modal, follow_up_modal
from handlers.common import actor_of, gateway, send_what_this_request_planned


def _number(action: dict[str, Any]) -> int:
    value = action.get("value") or ""
    return int(value) if value.isdigit() else 0


def _checklist_meeting(action: dict[str, Any]) -> int:
    """The meeting a checklist belongs to, from its block_id `prep_<meeting id>` (0 when it is not one)."""
    number = str(action.get("block_id") or "").removeprefix("prep_")
    return int(number) if number.isdigit() else 0


def _view_key(team_id: str, view: dict[str, Any]) -> str:
    return f"{team_id}:view:{view.get('id')}:{view.get('hash')}"


ANSWERED_KEY = "coachbot_agreement_answered"


def register(app: App, services: Services) -> None:
    def just_ack(ack: Ack) -> None:
        ack()

    def tick_checklist(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        meeting_id = _checklist_meeting(action)
        keys = [option["value"] for option in action.get("selected_options") or []]
        with suppress(UserError):  # a stale message for a session that is no longer theirs
            prep.save_checklist(services, actor_of(services, client, context), meeting_id, keys)

    def refresh_brief(action: dict[str, Any], client: WebClient) -> None:
        prep.refresh_brief(services, gateway(client), _checklist_meeting(action))

    def answer_agreement(agreed: bool) -> Any:
        def ack_answer(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
            ack()
            actor = actor_of(services, client, context)
            context[ANSWERED_KEY] = agreement.answer_agreement(services, actor, _number(action), agreed)

        return ack_answer

    def thank_for_answer(
        action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        if not context.get(ANSWERED_KEY) or not respond.response_url:
            return  # not this person's agreement, or a click from somewhere with no message to answer
        if action["action_id"] == SessionAction.AGREE:
            respond(text="Thank you: I've let your coach know you agree.", replace_original=False)
        else:
            respond(text="I've let your coach know you'd like to talk it through.", replace_original=False)
        send_what_this_request_planned(services, client, context)

    def open_form(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        actor = actor_of(services, client, context)
        meeting_id = _number(action)
        try:
            if action["action_id"] == SessionAction.ADD_AGENDA:
                view = agenda_modal(meeting_id)
            elif action["action_id"] == SessionAction.FOLLOW_UP:
                view = follow_up_modal(prep.follow_up_of(services, actor, meeting_id))
            elif action["action_id"] == SessionAction.COACH_NOTE:
                view = coach_note_modal(meeting_id, prep.coach_note(services, actor, meeting_id))
            else:
                person, day, time = prep.next_session_prefill(services, actor, meeting_id)
                view = meeting_modal(person=person, day=day, time=time)
        except UserError:
            return
        gateway(client).open_view(body["trigger_id"], view)

    def submit_meeting(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        booking, errors = booking_from_state(view["state"]["values"], services.now(), actor.tz)
        if booking is None:
            ack(response_action="errors", errors=errors)
            return
        person, starts_at, minutes, note = booking
        other = services.actor(gateway(client), actor.team_id, person)
        try:
            meetings.book(
                services,
                actor,
                other,
                starts_at,
                minutes,
                agenda_note=note,
                request_key=_view_key(actor.team_id, view),
            )
        except UserError as error:
            field = MeetingField.PERSON if "coaching pair" in error.message else MeetingField.TIME
            ack(response_action="errors", errors={field: error.message})
            return
        ack()

    def submit_text(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        values = view["state"]["values"]
        meeting_id = meeting_id_from_metadata(view.get("private_metadata", "")) or 0
        callback = view["callback_id"]
        try:
            if callback == SessionCallback.AGENDA:
                prep.add_agenda_item(
                    services,
                    actor,
                    meeting_id,
                    state_text(values, MeetingField.AGENDA),
                    _view_key(actor.team_id, view),
                )
            elif callback == SessionCallback.FOLLOW_UP:
                prep.save_follow_up(
                    services,
                    actor,
                    meeting_id,
                    state_text(values, MeetingField.TAKEAWAYS),
                    state_text(values, MeetingField.ACTIONS),
                )
            else:
                prep.save_coach_note(services, actor, meeting_id, state_text(values, MeetingField.COACH_NOTE))
        except UserError as error:
            first_field = next(iter(values), MeetingField.AGENDA)
            ack(response_action="errors", errors={first_field: error.message})
            return
        ack()

    def after_text(view: dict[str, Any], client: WebClient) -> None:
        if view["callback_id"] == SessionCallback.AGENDA:
            prep.refresh_brief(
                services, gateway(client), meeting_id_from_metadata(view.get("private_metadata", "")) or 0
            )

    def after_booking(client: WebClient, context: BoltContext) -> None:
        send_what_this_request_planned(services, client, context)
        refresh_home(services, gateway(client), actor_of(services, client, context))

    app.action(SessionAction.PREP_CHECKLIST)(ack=tick_checklist, lazy=[refresh_brief])
    app.action(SessionAction.AGREE)(ack=answer_agreement(True), lazy=[thank_for_answer])
    app.action(SessionAction.DISCUSS)(ack=answer_agreement(False), lazy=[thank_for_answer])
    for form_action in (
        SessionAction.ADD_AGENDA,
        SessionAction.FOLLOW_UP,
        SessionAction.COACH_NOTE,
        SessionAction.BOOK_NEXT,
    ):
        app.action(form_action)(ack=just_ack, lazy=[open_form])
    app.view(SessionCallback.MEETING)(ack=submit_meeting, lazy=[after_booking])
    for callback in (SessionCallback.AGENDA, SessionCallback.FOLLOW_UP, SessionCallback.COACH_NOTE):
        app.view(callback)(ack=submit_text, lazy=[after_text])
