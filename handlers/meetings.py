"""Coaching sessions in Slack: `/meeting` and `/coach`, the prep, agreement and follow-up buttons and modals.

The reply rides on the ack; modals, messages and refreshes follow lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.home.service import refresh_home
from bot.meetings import agreement, attendance, prep
from bot.meetings import coach_command as coach_pairing
from bot.meetings import service as meetings
from bot.meetings.commands import answer_meeting_command, opens_modal
from bot.meetings.forms import booking_from_state, meeting_id_from_metadata, state_text
from bot.meetings.ids import MeetingAction, MeetingCallback, MeetingField
from bot.meetings.prep_views import (
    ATTENDANCE_ANSWERS,
    agenda_modal,
    agreement_answered,
    coach_note_modal,
    follow_up_modal,
)
from bot.meetings.views import booked_reply, meeting_modal
from bot.platform.asking import answer_key, payload_of
from bot.platform.block_json import as_json
from bot.platform.dates import local_today
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.replies import Reply
from bot.platform.services import Services
from bot.reports import coach_command as coach_reports
from bot.summaries import coach_command as coach_reading
from handlers.common import (
    actor_of,
    gateway,
    just_ack,
    mark_changed,
    number_in,
    refresh_home_of,
    send_what_this_request_planned,
    view_key,
)

Answer = Callable[[Services, Actor, str, Callable[[str], Actor], str], Reply]


def answer_coach(
    services: Services, actor: Actor, text: str, resolve: Callable[[str], Actor], request_key: str
) -> Reply:
    """`/coach …`: the verbs of pairing (meetings), of what coaches read (summaries) and of reports."""
    verb, _, rest = " ".join(text.split()).partition(" ")
    verb = verb.lower()
    reply = coach_reading.answer_coach_verb(services, actor, verb, rest, request_key)
    reply = reply or coach_pairing.answer_coach_verb(services, actor, verb, rest, resolve, request_key)
    reply = reply or coach_reports.answer_coach_verb(services, actor, verb, rest, request_key)
    return reply or Reply(f"I don't know `/coach {verb}`.\n\n{coach_pairing.COACH_HELP}")


def register_commands(app: App, services: Services) -> None:
    def acknowledge(answer: Answer) -> Callable[..., None]:
        def ack_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
            actor = actor_of(services, client, context)
            slack = gateway(client)

            def resolve(user_id: str) -> Actor:
                return services.actor(slack, actor.team_id, user_id)

            request_key = f"{actor.team_id}:command:{command.get('trigger_id')}"
            try:
                reply = answer(services, actor, command.get("text") or "", resolve, request_key)
            except UserError as error:
                ack(text=error.message)
                return
            if reply.text:
                ack(text=reply.text, blocks=as_json(reply.blocks) or None)
            else:
                ack()

        return ack_command

    def follow_up_meeting(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if opens_modal(command.get("text") or ""):
            gateway(client).open_view(command["trigger_id"], meeting_modal())
        else:
            send_what_this_request_planned(services, client, context)

    def follow_up_coach(client: WebClient, context: BoltContext) -> None:
        # A second pass sends what the first one's sends planned (the rest of a long summary's thread).
        if send_what_this_request_planned(services, client, context):
            send_what_this_request_planned(services, client, context)

    app.command("/coach")(ack=acknowledge(answer_coach), lazy=[follow_up_coach])
    app.command("/meeting")(ack=acknowledge(answer_meeting_command), lazy=[follow_up_meeting])


def _checklist_meeting(action: dict[str, Any]) -> int:
    """The meeting a checklist belongs to, from its block_id `prep_<meeting id>` (0 when it is not one)."""
    number = str(action.get("block_id") or "").removeprefix("prep_")
    return int(number) if number.isdigit() else 0


ANSWERED_KEY = "coachbot_agreement_answered"


def register_actions(app: App, services: Services) -> None:
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
            context[ANSWERED_KEY] = agreement.answer_agreement(
                services, actor, (number_in(action) or 0), agreed
            )

        return ack_answer

    def thank_for_answer(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
    ) -> None:
        if not context.get(ANSWERED_KEY) or not respond.response_url:
            return  # not this person's agreement, or a click from somewhere with no message to answer
        agreed = action["action_id"] == MeetingAction.AGREE
        if agreed:
            respond(text="Thank you: I've let your coach know you agree.", replace_original=False)
        else:
            respond(text="I've let your coach know you'd like to talk it through.", replace_original=False)
        shown, container = body.get("message") or {}, body.get("container") or {}
        if shown.get("blocks") and container.get("channel_id") and container.get("message_ts"):
            state = (body.get("state") or {}).get("values") or {}
            blocks = agreement_answered(shown["blocks"], state, agreed)
            gateway(client).update_message(
                container["channel_id"], container["message_ts"], shown.get("text") or "", blocks
            )
        send_what_this_request_planned(services, client, context)

    def open_form(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        actor = actor_of(services, client, context)
        meeting_id = number_in(action) or 0
        try:
            if action["action_id"] == MeetingAction.ADD_AGENDA:
                view = agenda_modal(meeting_id)
            elif action["action_id"] == MeetingAction.FOLLOW_UP:
                view = follow_up_modal(prep.follow_up_of(services, actor, meeting_id))
            elif action["action_id"] == MeetingAction.COACH_NOTE:
                view = coach_note_modal(meeting_id, prep.coach_note(services, actor, meeting_id))
            else:
                prefill = prep.next_session_prefill(services, actor, meeting_id)
                view = meeting_modal(
                    person=prefill.person, day=prefill.day, time=prefill.time, booked=prefill.booked
                )
        except UserError:
            return
        gateway(client).open_view(body["trigger_id"], view)

    def submit_meeting(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        booking, errors = booking_from_state(view["state"]["values"], services.now(), actor.tz)
        if booking is None:
            ack(response_action="errors", errors=errors)
            return
        other = services.actor(gateway(client), actor.team_id, booking.person)
        try:
            meetings.book(
                services,
                actor,
                other,
                booking.starts_at,
                booking.minutes,
                agenda_note=booking.note,
                location=booking.place,
                request_key=view_key(actor.team_id, view),
                tell_booker=True,  # a form closes without a reply: the DM is the booker's confirmation
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
            if callback == MeetingCallback.AGENDA:
                prep.add_agenda_item(
                    services,
                    actor,
                    meeting_id,
                    state_text(values, MeetingField.AGENDA),
                    view_key(actor.team_id, view),
                )
            elif callback == MeetingCallback.FOLLOW_UP:
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
        if view["callback_id"] == MeetingCallback.AGENDA:
            prep.refresh_brief(
                services, gateway(client), meeting_id_from_metadata(view.get("private_metadata", "")) or 0
            )

    def after_booking(client: WebClient, context: BoltContext) -> None:
        send_what_this_request_planned(services, client, context)
        refresh_home(services, gateway(client), actor_of(services, client, context))

    app.action(MeetingAction.PREP_CHECKLIST)(ack=tick_checklist, lazy=[refresh_brief])
    app.action(MeetingAction.AGREE)(ack=answer_agreement(True), lazy=[thank_for_answer])
    app.action(MeetingAction.DISCUSS)(ack=answer_agreement(False), lazy=[thank_for_answer])
    for form_action in (
        MeetingAction.ADD_AGENDA,
        MeetingAction.FOLLOW_UP,
        MeetingAction.COACH_NOTE,
        MeetingAction.BOOK_NEXT,
    ):
        app.action(form_action)(ack=just_ack, lazy=[open_form])
    app.view(MeetingCallback.MEETING)(ack=submit_meeting, lazy=[after_booking])
    for callback in (MeetingCallback.AGENDA, MeetingCallback.FOLLOW_UP, MeetingCallback.COACH_NOTE):
        app.view(callback)(ack=submit_text, lazy=[after_text])


ATTENDANCE_KEY = "coachbot_attendance"


def register_attendance(app: App, services: Services) -> None:
    """“Did it happen?” under the coach's follow-up: Held, Didn't happen, Rescheduled (→ the booking form)."""

    def record(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        answer = ATTENDANCE_ANSWERS[MeetingAction(action["action_id"])]
        try:
            meeting = attendance.record_attendance(services, actor, number_in(action) or 0, answer)
        except UserError as error:
            context[ATTENDANCE_KEY] = error.message
        else:
            context[ATTENDANCE_KEY] = meeting.id
            mark_changed(context)
        ack()

    def show(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        outcome = context.get(ATTENDANCE_KEY)
        if isinstance(outcome, str):
            if respond.response_url:
                respond(text=outcome, replace_original=False)
            return
        meeting = meetings.get_meeting(services, int(outcome or 0))
        if meeting is None:
            return
        actor = actor_of(services, client, context)
        sent = attendance.sent_coach_follow_up(services, meeting)
        if sent is not None:  # the answer takes the buttons' place in the coach's own message
            channel, ts, text, blocks = sent
            gateway(client).update_message(channel, ts, text, blocks)
        if action["action_id"] == MeetingAction.ATTENDANCE_RESCHEDULED and body.get("trigger_id"):
            prefill = prep.next_session_prefill(services, actor, meeting.id, rescheduled=True)
            view = meeting_modal(
                person=prefill.person, time=prefill.time, minutes=prefill.minutes, booked=prefill.booked
            )
            gateway(client).open_view(body["trigger_id"], view)
        refresh_home_of(services, client, context)

    for answer in ATTENDANCE_ANSWERS:
        app.action(answer)(ack=record, lazy=[show])


ANSWER_KEY = "coachbot_meeting_answer"


def register_time_answers(app: App, services: Services) -> None:
    """“Yes, <time>” under a question about a booking or a move: do it now, as read."""

    def confirm_time(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        payload = payload_of(action) or {}
        try:
            starts_at = datetime.fromisoformat(str(payload.get("at")))
            minutes = int(payload.get("min") or 0)
            if starts_at.tzinfo is None:
                raise ValueError("a time without its zone")
            if "move" in payload:
                place = str(payload["where"]) if payload.get("where") else None
                answer = meetings.move(services, actor, int(payload["move"]), starts_at, minutes, place)
                verb = "moved"
            else:
                other = services.actor(gateway(client), actor.team_id, str(payload.get("with") or ""))
                key = answer_key(actor.team_id, actor.user_id, payload)
                location = str(payload.get("where") or "")
                answer = meetings.book(
                    services, actor, other, starts_at, minutes, location=location, request_key=key
                )
                verb = "booked"
        except (ValueError, TypeError):
            context[ANSWER_KEY] = "That question is out of date: nothing booked. Type `/meeting …` again."
        except UserError as error:
            context[ANSWER_KEY] = (
                f"{'Nothing moved' if 'move' in payload else 'Nothing booked'}: {error.message}"
            )
        else:
            today = local_today(services.now(), actor.tz)
            context[ANSWER_KEY] = booked_reply(answer, actor, verb=verb, today=today)
        ack()

    def tell_confirmed(respond: Respond, client: WebClient, context: BoltContext) -> None:
        if respond.response_url:  # the question is an ephemeral message; a forged click may have none
            respond(text=context.get(ANSWER_KEY) or "", replace_original=True)
        send_what_this_request_planned(services, client, context)

    app.action(MeetingAction.TIME_YES)(ack=confirm_time, lazy=[tell_confirmed])


def register(app: App, services: Services) -> None:
    register_commands(app, services)
    register_actions(app, services)
    register_time_answers(app, services)
    register_attendance(app, services)
