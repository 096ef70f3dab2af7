"""Alembic, driven from code: `coachbot db upgrade` and every start-up call `upgrade`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs on `engine` (env.py picks it up from the attributes)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revisions(engine: Engine) -> set[str]:
    """The revisions the database is at (none for an empty one)."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def upgrade(engine: Engine, revision: str = "head") -> list[str]:
    """Bring the schema up to `revision`; safe to call on every start and from several processes.

    Returns what was applied, oldest first, as `revision: message` (empty when already up to date)."""
    config = alembic_config(engine)
    before = current_revisions(engine)
    command.upgrade(config, revision)
    after = current_revisions(engine)
    if after == before:
        return []
    script = ScriptDirectory.from_config(config)
    applied = script.iterate_revisions(tuple(after), tuple(before) or "base")
    return [f"{r.revision}: {r.doc}" for r in reversed(list(applied))]
