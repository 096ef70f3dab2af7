"""The hand-off from a listener's ack to its lazy listeners: cheaper, and behind the writer.

Bolt parses the raw body again and deep-copies the whole request for every lazy listener: for a
click on a long nudge that costs as much as the ack itself. Our listeners never change a request's
body, so a lazy listener shares it and gets its own shallow copy of the context (whose values are
clients, ids and the resolved Actor, none changed in place).

A lazy listener starts once a write under way in this process is done (Database.yield_to_writer).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.listener.thread_runner import ThreadListenerRunner

from storage.db import Database

P = ParamSpec("P")
T = TypeVar("T")


class WriterFirstExecutor(ThreadPoolExecutor):
    """The lazy listeners' threads; each job lets this process's write under way finish first."""

    def __init__(self, db: Database, max_workers: int) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="lazy")
        self._db = db

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        def after_writer() -> T:
            self._db.yield_to_writer()
            return fn(*args, **kwargs)

        return super().submit(after_writer)


class SharedBodyRunner(ThreadListenerRunner):
    def _build_lazy_request(self, request: BoltRequest, lazy_func_name: str) -> BoltRequest:
        copied = copy.copy(request)
        copied.context = BoltContext(dict(request.context))
        copied.context["listener_runner"] = self
        copied.lazy_only = True
        copied.lazy_function_name = lazy_func_name
        return copied


def share_bodies_with_lazy_listeners(app: App) -> None:
    runner = app.listener_runner
    app._listener_runner = SharedBodyRunner(  # Bolt builds its runner in App.__init__, with no hook
        logger=runner.logger,
        process_before_response=runner.process_before_response,
        listener_error_handler=runner.listener_error_handler,
        listener_start_handler=runner.listener_start_handler,
        listener_completion_handler=runner.listener_completion_handler,
        listener_executor=runner.listener_executor,
        lazy_listener_runner=runner.lazy_listener_runner,
    )
