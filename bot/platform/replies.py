"""The reply a command or click answers with: text, optional blocks, and whether App Home needs a refresh."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.models.blocks import Block


@dataclass(frozen=True)
class Reply:
    text: str
    blocks: list[Block] = field(default_factory=list)
    changed_goals: bool = False
