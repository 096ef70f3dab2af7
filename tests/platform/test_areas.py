"""The house: what the areas contribute is complete, and the ids Slack echoes back are unambiguous."""

from __future__ import annotations

import ast
import enum
import importlib
from pathlib import Path

import pytest

from bot.app import AREAS
from bot.platform.areas import Area, Registry
from bot.platform.delivery.registry import Kind, Outgoing

ROOT = Path(__file__).resolve().parents[2]
AREA_NAMES = [area.name for area in AREAS]


def _planned_kinds() -> dict[str, str]:
    """Every delivery kind the code passes as `kind=` by name, resolved to its value: {value: where}."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if {"emulator", "sandbox"} & set(path.parts) or path.name == "__main__.py":
            continue
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            kinds = [keyword.value for keyword in node.keywords if keyword.arg == "kind"]
            # plan_one(session, to, kind, key, now, ...): the kind is its third argument.
            if getattr(node.func, "id", None) == "plan_one" and len(node.args) > 2:
                kinds.append(node.args[2])
            for kind in kinds:
                value: object = None
                if isinstance(kind, ast.Name):
                    value = getattr(module, kind.id, None)
                elif isinstance(kind, ast.Attribute):
                    owner = getattr(module, getattr(kind.value, "id", ""), None)
                    value = getattr(owner, kind.attr, None)
                if isinstance(value, str):
                    found[value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_kind_any_area_plans_has_a_renderer() -> None:
    from bot.summaries.schedule import WEEKLY_KINDS  # planned through a variable: summary, digest

    registry = Registry.of(AREAS)
    planned = _planned_kinds() | {kind: "bot/summaries/schedule.py" for kind in WEEKLY_KINDS}
    assert len(planned) >= 18, sorted(planned)
    missing = {kind: where for kind, where in planned.items() if kind not in registry.kinds}
    assert missing == {}, f"planned but nobody renders them: {missing}"


def test_a_kind_contributed_twice_stops_the_app_from_being_built() -> None:
    hello = Kind(lambda services, delivery, now: Outgoing(text="hi"))
    with pytest.raises(ValueError, match="'nudge' is contributed twice"):
        Registry.of([*AREAS, Area("impostor", kinds={"nudge": hello})])


def test_action_callback_and_block_ids_are_unique_across_areas() -> None:
    seen: dict[str, str] = {}
    for name in AREA_NAMES:
        try:
            ids = importlib.import_module(f"bot.{name}.ids")
        except ModuleNotFoundError:
            continue
        for enum_class in vars(ids).values():
            if not (isinstance(enum_class, type) and issubclass(enum_class, enum.StrEnum)):
                continue
            if enum_class.__module__ != ids.__name__:
                continue
            for member in enum_class:
                where = f"{name}.{enum_class.__name__}.{member.name}"
                assert member.value not in seen, f"{member.value!r} is both {seen[member.value]} and {where}"
                seen[member.value] = where
    assert len(seen) > 60


def test_handler_modules_are_named_after_the_areas() -> None:
    shared = {"__init__", "common", "coachbot"}  # helpers, and /coachbot's router over every area
    modules = {path.stem for path in (ROOT / "handlers").glob("*.py")} - shared
    assert modules <= set(AREA_NAMES), modules - set(AREA_NAMES)
    assert len(modules) >= 6
