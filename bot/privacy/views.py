"""Block Kit for a person's data: the delete-my-data confirmation."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ConfirmObject, SectionBlock

from bot.privacy.ids import PrivacyAction

DELETE_QUESTION = (
    "Delete everything coachbot holds about you? Your goals, progress notes, sessions, agenda items, "
    "RSVPs, settings and anything scheduled for you go, and your coach is told you left the program. "
    "Your coach's own session notes stay theirs. This cannot be undone: "
    "`/coachbot export` first if you'd like a copy."
)


def delete_confirmation() -> list[Block]:
    """The question, a danger button (with Slack's own are-you-sure dialog) and a way out."""
    return [
        SectionBlock(text=DELETE_QUESTION),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Delete my data",
                    action_id=PrivacyAction.PRIVACY_DELETE,
                    value="delete",
                    style="danger",
                    confirm=ConfirmObject(
                        title="Delete your data?",
                        text="Everything coachbot holds about you is deleted now.",
                        confirm="Delete it",
                        deny="Keep it",
                    ),
                ),
                ButtonElement(text="Keep my data", action_id=PrivacyAction.PRIVACY_KEEP, value="keep"),
            ]
        ),
    ]
