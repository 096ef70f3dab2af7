"""Block Kit ids of a person's data: views set them, handlers route on them (values live on in sent messages)."""

from __future__ import annotations

import enum


class PrivacyAction(enum.StrEnum):
    """action_id of the delete-my-data confirmation's buttons."""

    PRIVACY_DELETE = "privacy_delete_confirm"
    PRIVACY_KEEP = "privacy_delete_cancel"
