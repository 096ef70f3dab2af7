"""Block Kit ids of summaries: views set them, handlers route on them (values live on in sent messages)."""

from __future__ import annotations

import enum


class SummaryAction(enum.StrEnum):
    """action_id of the summary's and digest's buttons."""

    FLAG_LEGEND = "summary_flag_legend"
