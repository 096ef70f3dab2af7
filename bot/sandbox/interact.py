"""What a person does in Slack, played against the app: commands, clicks, modal fills and submits."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.emulator import Message
from bot.emulator.driver import escape_entities
from bot.sandbox import forms
from bot.sandbox.clicks import Clickable, action_for, clickables, pick, toggle
from bot.sandbox.render import block_lines, element_text, text_of
from bot.sandbox.runtime import Runtime
from bot.sandbox.screen import INDENT, Screen

Json = dict[str, Any]


class SandboxError(ValueError):
    """Something the person asked for that cannot be done; the message says what can."""


class Hands:
    """Acts for people in the workspace and shows what the app answered."""

    def __init__(self, rt: Runtime, screen: Screen) -> None:
        self.rt = rt
        self.ws = rt.emulator.workspace
        self.screen = screen
        self.form_state: dict[str, dict[str, forms.StateValue]] = {}
        self.form_errors: dict[str, dict[str, str]] = {}
        self.checked: dict[tuple[str, str, str], list[Json]] = {}
        self.sources: dict[str, tuple[str, str, Message | None]] = {}
        self._responses_seen = 0

    # ---- after every action --------------------------------------------------------------------
    def settle(self, viewer: str | None) -> None:
        """Wait for the app's lazy work to finish, then show everything it sent, in order."""
        if not self.rt.wait_idle():
            self.screen.hint("coachbot is still busy; what it sends next will show after your next line")
        events = self.rt.take_events()
        self._forget_forms(events)
        self.screen.show_events(events, viewer)
        self._show_responses(viewer)

    def _forget_forms(self, events: list[tuple[str, Json]]) -> None:
        """A view the app replaced starts from its new initial values, as in Slack."""
        for method, result in events:
            if method in {"views.open", "views.push", "views.update"}:
                view_id = (result.get("view") or {}).get("id", "")
                self.form_state.pop(view_id, None)
                self.form_errors.pop(view_id, None)
            if method == "chat.update":
                self._forget_checks(result.get("ts", ""))

    def _forget_checks(self, ts: str) -> None:
        for key in [k for k in self.checked if k[0] == ts]:
            del self.checked[key]

    def _show_responses(self, viewer: str | None) -> None:
        """Answers the app sent to a response_url, shown as Slack would place them."""
        responses = self.rt.emulator.response_urls[self._responses_seen :]
        self._responses_seen += len(responses)
        for payload in responses:
            user_id, channel, source = self.sources.get(payload["key"], (viewer or "", "", None))
            text, blocks = str(payload.get("text") or ""), list(payload.get("blocks") or [])
            with self.ws.lock:
                if source is not None and payload.get("delete_original"):
                    source.text, source.blocks = "(message deleted)", []
                    self.screen.show_message(source, viewer, updated=True)
                    continue
                if source is not None and payload.get("replace_original"):
                    source.text, source.blocks = text, blocks
                    source.edited += 1
                    self._forget_checks(source.ts)
                    self.screen.show_message(source, viewer, updated=True)
                    continue
                in_channel = payload.get("response_type") == "in_channel"
                message = Message(
                    channel or self.ws.dm_channel(user_id),
                    self.ws.new_ts(self.rt.clock()),
                    text,
                    blocks,
                    ephemeral_to=None if in_channel else user_id,
                )
                self.ws.messages.append(message)
            self.screen.show_message(message, viewer)

    def _new_trigger(self, before: set[str]) -> str | None:
        return next(iter(set(self.ws.triggers) - before), None)

    # ---- slash commands --------------------------------------------------------------------------
    def command(self, user_id: str, line: str, channel: str) -> None:
        """`/goal add …` typed by `user_id` in `channel`; the ack's reply shows first."""
        name, _, text = line.strip().partition(" ")
        form = self.rt.driver.command_form(
            user_id, name, escape_entities(text.strip(), self.rt.emulator), channel
        )
        self.sources[form["trigger_id"]] = (user_id, channel, None)
        reply = self.rt.driver.post(urlencode(form))
        if reply.status == 404:
            raise SandboxError(f"{name} is not a command coachbot offers. Type :help for what you can do.")
        elif reply.status != 200:
            self.screen.say(
                f'── Slack shows {self.screen.name(user_id)}: {name} failed with the error "dispatch_failed"'
            )
        else:
            self._show_ack(user_id, channel, reply.body, reply.json)
        self.settle(user_id)

    def _show_ack(self, user_id: str, channel: str, body: str, answer: Json) -> None:
        text = str(answer.get("text") or "") if answer else body.strip()
        blocks = list(answer.get("blocks") or []) if answer else []
        if not text and not blocks:
            return
        in_channel = answer.get("response_type") == "in_channel" if answer else False
        with self.ws.lock:
            message = Message(
                channel,
                self.ws.new_ts(self.rt.clock()),
                text,
                blocks,
                ephemeral_to=None if in_channel else user_id,
            )
            self.ws.messages.append(message)
        self.screen.show_message(message, user_id)

    # ---- clicking --------------------------------------------------------------------------------
    def top_modal(self, user_id: str) -> Json | None:
        with self.ws.lock:
            stack = self.ws.open_modals.get(user_id) or []
            return self.ws.views.get(stack[-1]) if stack else None

    def click(self, user_id: str, words: str) -> None:
        """`:click LABEL`, `:click #K LABEL` or `:click home LABEL` for `user_id`."""
        words = words.strip()
        if not words:
            raise SandboxError("Say what to click, e.g. `:click Done` or `:click #3 Done`.")
        head, _, rest = words.partition(" ")
        if head.startswith("#") and head[1:].isdigit():
            message = self._visible(user_id, int(head[1:]))
            target = pick(clickables(message.blocks), rest)
            if target is None:
                raise SandboxError(f"Message #{head[1:]} has nothing labelled “{rest}”.")
            self._click_message(user_id, message, target)
            return
        if head.lower() == "home" and rest:
            self._click_home(user_id, rest)
            return
        modal = self.top_modal(user_id)
        if modal is not None and (target := pick(clickables(modal.get("blocks") or []), words)):
            self._click_modal(user_id, modal, target)
            return
        if modal is not None and self._modal_button(user_id, modal, words):
            return
        for message in reversed(self.ws.visible_messages(user_id)):
            target = pick(clickables(message.blocks), words)
            if target is not None:
                self._click_message(user_id, message, target)
                return
        if user_id in self.ws.homes and pick(clickables(self.ws.homes[user_id].get("blocks") or []), words):
            self._click_home(user_id, words)
            return
        raise SandboxError(f"Nothing labelled “{words}” that {self.screen.name(user_id)} can see.")

    def _modal_button(self, user_id: str, modal: Json, words: str) -> bool:
        """The modal's own Submit and Close buttons, which live outside its blocks."""
        reader = self.screen.reader(user_id)
        wanted = words.strip().lower()
        if modal.get("submit") and text_of(modal["submit"], reader).lower() == wanted:
            self.submit(user_id)
            return True
        if text_of(modal.get("close") or {"text": "Cancel"}, reader).lower() == wanted:
            self.close(user_id)
            return True
        return False

    def _visible(self, user_id: str, number: int) -> Message:
        with self.ws.lock:
            if not 1 <= number <= len(self.ws.messages):
                raise SandboxError(f"There is no message #{number}.")
            message = self.ws.messages[number - 1]
        if message not in self.ws.visible_messages(user_id):
            raise SandboxError(f"Message #{number} is not one {self.screen.name(user_id)} can see.")
        return message

    def _click_message(self, user_id: str, message: Message, target: Clickable) -> None:
        state: Json = {}
        selected = None
        if target.element.get("type") == "checkboxes":
            key = (message.ts, target.block_id, target.element.get("action_id", ""))
            current = self.checked.get(key, list(target.element.get("initial_options") or []))
            selected = self.checked[key] = toggle(current, target.option)
            state = {target.block_id: {key[2]: {"type": "checkboxes", "selected_options": selected}}}
            shown = element_text(target.element, self.screen.reader(user_id), {"selected_options": selected})
            self.screen.say(INDENT + shown)  # Slack ticks the box at once, before the app answers
        before = set(self.ws.triggers)
        reply = self.rt.driver.click(
            user_id, action_for(target, selected), block_id=target.block_id, message=message, state=state
        )
        trigger = self._new_trigger(before)
        if trigger:
            self.sources[trigger] = (user_id, message.channel, message)
        self._after_click(user_id, reply.status)

    def _click_home(self, user_id: str, words: str) -> None:
        home = self.ws.homes.get(user_id)
        target = pick(clickables(home.get("blocks") or []), words) if home else None
        if home is None or target is None:
            raise SandboxError(
                f"{self.screen.name(user_id)}'s App Home has nothing labelled “{words}” (:home shows it)."
            )
        reply = self.rt.driver.click(user_id, action_for(target, []), block_id=target.block_id, view=home)
        if reply.status != 200:
            self._after_click(user_id, reply.status)
            return
        self._show_with_home(user_id, only_if_changed=True)  # they are looking at it: show it anew

    def _click_modal(self, user_id: str, modal: Json, target: Clickable) -> None:
        state = self.state_of(modal)
        if target.in_input:
            block = next(b for b in modal.get("blocks") or [] if b.get("block_id") == target.block_id)
            current = state.get(target.block_id) or forms.initial_value(target.element)
            if target.element.get("type") == "checkboxes":
                current = {
                    **current,
                    "selected_options": toggle(current["selected_options"], target.option),
                }
            else:
                current = {**current, "selected_option": target.option}
            state[target.block_id] = current
            if not block.get("dispatch_action"):
                for line in block_lines(block, self.screen.reader(user_id), state):
                    self.screen.say(INDENT + line)
                return
        values = forms.submission_values(forms.fields(modal), state)
        selected = (state.get(target.block_id) or {}).get("selected_options")
        reply = self.rt.driver.click(
            user_id, action_for(target, selected), block_id=target.block_id, view=modal, state=values
        )
        self._after_click(user_id, reply.status)

    def _after_click(self, user_id: str, status: int) -> None:
        if status != 200:
            self.screen.say(
                f"── Slack shows {self.screen.name(user_id)} a warning sign: the app did not answer ({status})"
            )
        self.settle(user_id)

    # ---- modals ----------------------------------------------------------------------------------
    def state_of(self, view: Json) -> dict[str, forms.StateValue]:
        return self.form_state.setdefault(view["id"], forms.initial_state(view))

    def require_modal(self, user_id: str) -> Json:
        modal = self.top_modal(user_id)
        if modal is None:
            raise SandboxError(f"{self.screen.name(user_id)} has no modal open. `/goal` opens one.")
        return modal

    def show_open(self, user_id: str) -> None:
        modal = self.require_modal(user_id)
        self.screen.show_modal(user_id, modal, self.state_of(modal), self.form_errors.get(modal["id"]))

    def fill(self, user_id: str, text: str) -> None:
        modal = self.require_modal(user_id)
        form = forms.fields(modal)
        try:
            pairs = forms.parse_fill(text, form)
            today = self.rt.clock().astimezone(ZoneInfo(self.screen.tz(user_id))).date()
            lookups = (self.ws.user_by_name, self.ws.channel_by_name)
            values = [(f, forms.value_for(f, raw, *lookups, today)) for f, raw in pairs]
        except forms.FormError as error:
            raise SandboxError(str(error)) from None
        state = self.state_of(modal)
        errors = self.form_errors.get(modal["id"], {})
        reader = self.screen.reader(user_id)
        for f, value in values:
            state[f.block_id] = value
            errors.pop(f.block_id, None)
            block = next(b for b in modal["blocks"] if b.get("block_id") == f.block_id)
            for line in block_lines(block, reader, state)[:1]:
                self.screen.say(INDENT + line)

    def submit(self, user_id: str) -> None:
        modal = self.require_modal(user_id)
        if not modal.get("submit"):
            raise SandboxError("This modal has no submit button; :close closes it.")
        state = self.state_of(modal)
        reply = self.rt.driver.submit(user_id, modal, forms.submission_values(forms.fields(modal), state))
        answer = reply.json if reply.status == 200 else {}
        action = answer.get("response_action")
        if reply.status != 200:
            self.screen.say("── Slack shows: We had some trouble connecting. Try again?")
        elif action == "errors":
            errors = self.form_errors[modal["id"]] = dict(answer.get("errors") or {})
            labels = {f.block_id: f.label for f in forms.fields(modal)}
            self.screen.say(f"── modal for {self.screen.name(user_id)} refused the form:")
            for block_id, message in errors.items():
                self.screen.say(f"{INDENT}✗ {labels.get(block_id, block_id)}: {message}")
        elif action in {"update", "push"}:
            with self.ws.lock:
                view_id = modal["id"] if action == "update" else self.ws.new_id("V")
                self.ws.views[view_id] = {**answer["view"], "id": view_id, "state": {"values": {}}}
                if action == "push":
                    self.ws.open_modals[user_id].append(view_id)
            self.form_state.pop(view_id, None)
            self.form_errors.pop(view_id, None)
            self.screen.show_modal(user_id, self.ws.views[view_id])
        else:
            self.close(user_id, everything=action == "clear", quiet=False)
        self.settle(user_id)

    def close(self, user_id: str, *, everything: bool = False, quiet: bool = False) -> None:
        modal = self.require_modal(user_id)
        with self.ws.lock:
            stack = self.ws.open_modals.get(user_id) or []
            closed = stack[:] if everything else stack[-1:]
            del stack[len(stack) - len(closed) :]
        for view_id in closed:
            self.form_state.pop(view_id, None)
            self.form_errors.pop(view_id, None)
        if not quiet:
            title = text_of(modal.get("title"), self.screen.reader(user_id))
            self.screen.say(f"── modal “{title}” closed")

    def open_home(self, user_id: str) -> None:
        """Opening the Home tab: Slack sends app_home_opened, then shows what the app published."""
        self.rt.driver.open_home(user_id)
        self._show_with_home(user_id)

    def _show_with_home(self, user_id: str, *, only_if_changed: bool = False) -> None:
        """Settle, showing the app's other changes, then the user's Home tab itself."""
        if not self.rt.wait_idle():
            self.screen.hint("coachbot is still busy publishing your Home tab")
        events = self.rt.take_events()
        own = [e for e in events if not (e[0] == "views.publish" and self._home_owner(e[1]) == user_id)]
        self._forget_forms(events)
        self.screen.show_events(own, user_id)
        self._show_responses(user_id)
        if len(own) < len(events) or not only_if_changed:
            self.screen.show_home(user_id)

    def _home_owner(self, result: Json) -> str | None:
        view_id = (result.get("view") or {}).get("id")
        return next((u for u, home in self.ws.homes.items() if home.get("id") == view_id), None)
