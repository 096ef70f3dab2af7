"""What each area of coachbot contributes to the app, and the registry the app is built from.

bot/app.py lists the areas; nothing registers itself as a side effect of being imported, so a
missing contribution fails at start-up (or in a test), not at send time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from bot.platform.delivery.registry import Kind, Planner
from bot.platform.subcommands import Subcommand

T = TypeVar("T")


@dataclass(frozen=True)
class Area:
    """One area's delivery kinds, periodic planners and `/coachbot` subcommands."""

    name: str
    kinds: Mapping[str, Kind] = field(default_factory=dict)
    planners: Mapping[str, Planner] = field(default_factory=dict)
    subcommands: Mapping[str, Subcommand] = field(default_factory=dict)


@dataclass(frozen=True)
class Registry:
    """Everything the areas contributed, merged; a name contributed twice is a start-up error."""

    kinds: Mapping[str, Kind] = field(default_factory=dict)
    planners: Mapping[str, Planner] = field(default_factory=dict)
    subcommands: Mapping[str, Subcommand] = field(default_factory=dict)

    @classmethod
    def of(cls, areas: Iterable[Area]) -> Registry:
        areas = tuple(areas)
        return cls(
            _merge("delivery kind", [(a.name, a.kinds) for a in areas]),
            _merge("planner", [(a.name, a.planners) for a in areas]),
            _merge("/coachbot subcommand", [(a.name, a.subcommands) for a in areas]),
        )


def _merge(what: str, contributions: list[tuple[str, Mapping[str, T]]]) -> Mapping[str, T]:
    merged: dict[str, T] = {}
    for area, contributed in contributions:
        for name, value in contributed.items():
            if name in merged:
                raise ValueError(f"{what} {name!r} is contributed twice (again by {area})")
            merged[name] = value
    return MappingProxyType(merged)
