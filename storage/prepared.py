"""The hot path's few statements, compiled once and run on SQLite's own cursor.

SQLAlchemy's per-execution machinery (parameter processing, the execution context, the result
object) costs about 30 µs a statement here, four to five times SQLite's own work for the `/goal
add` and nudge-click statements. A Prepared statement pays for it once: it compiles the Core
statement for the dialect, notes each parameter's place and each column's type processors, and from
then on binds, runs and reads on the driver's cursor. Values pass through the very processors
SQLAlchemy itself would use, so what is stored and read back is what the ORM stores and reads.

PostgreSQL statements run as plain Core: there the round trip to the server, not Python, is the cost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import BindParameter

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # For each `?` in order: (the caller's parameter name, its processor or None), or (None, a
    # constant of the statement, already processed).
    places: tuple[tuple[str, Processor] | tuple[None, Any], ...]
    results: tuple[Processor, ...]


class Prepared:
    """A Core statement run on SQLite's cursor (see the module's doc). Every parameter is bound by
    name; no expanding (IN) parameters, no column defaults left for SQLAlchemy to fill in."""

    def __init__(
        self, statement: Select[Any] | UpdateBase, column_keys: tuple[str, ...] | None = None
    ) -> None:
        """`column_keys`: an INSERT's or UPDATE's columns given as parameters, as at execution."""
        self.statement = statement
        self._column_keys = list(column_keys) if column_keys is not None else None
        self._sqlite: _Compiled | None = None

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row the statement returns (none for a plain UPDATE), as tuples."""
        if connection.dialect.name != "sqlite":
            result = connection.execute(self.statement, dict(params))
            return [tuple(row) for row in result] if result.returns_rows else []
        compiled = self._sqlite or self._compile(connection.dialect)
        values = [
            held if name is None else held(params[name]) if held else params[name]
            for name, held in compiled.places
        ]
        try:
            found = connection.connection.driver_connection.execute(compiled.sql, values).fetchall()  # type: ignore[union-attr]
        except sqlite3.Error as error:
            # As SQLAlchemy raises it (a lock wait is told apart the same way); never the values.
            raise DBAPIError.instance(compiled.sql, None, error, sqlite3.Error) from error
        if not any(compiled.results):
            return found
        return [
            tuple(
                value if process is None else process(value)
                for process, value in zip(compiled.results, row, strict=True)
            )
            for row in found
        ]

    def scalar(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        """The first column of the one row the statement returns."""
        [row] = self.rows(connection, params)
        return row[0]

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect, column_keys=self._column_keys)
        assert isinstance(compiled, SQLCompiler) and compiled.positiontup is not None
        filled_in = [column.key for column in [*compiled.insert_prefetch, *compiled.update_prefetch]]
        if filled_in:
            raise ValueError(f"give {filled_in} as parameters: SQLAlchemy would fill in their defaults")
        given = set(self._column_keys or ())
        places: list[tuple[str, Processor] | tuple[None, Any]] = []
        for name in compiled.positiontup:
            bind: BindParameter[Any] = compiled.binds[name]
            if bind.expanding:
                raise ValueError(f"{name}: a Prepared statement takes no expanding (IN) parameter")
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.required or bind.key in given:
                places.append((bind.key, process))
            else:  # a constant of the statement
                value = bind.effective_value
                places.append((None, process(value) if process else value))
        columns = (
            self.statement.selected_columns
            if isinstance(self.statement, Select)
            else self.statement.exported_columns
        )
        results = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        )
        self._sqlite = _Compiled(str(compiled), tuple(places), results)
        return self._sqlite
