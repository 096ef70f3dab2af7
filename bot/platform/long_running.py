"""What a long-running process (`coachbot serve`, `coachbot worker`) sets once, before its work."""

from __future__ import annotations

import gc
import sys

# The thread holding SQLite's one writer gives up the GIL at every statement, then waits up to the
# switch interval (5 ms by default) behind threads doing Python work, and every other writer waits
# with it. A short interval keeps a write transaction about as long as its own work.
GIL_SWITCH_SECONDS = 0.0005


def share_the_gil_often() -> None:
    sys.setswitchinterval(GIL_SWITCH_SECONDS)


def freeze_start_up_objects() -> None:
    """Once started: what start-up made (modules, the app, the engine) lives as long as the process.
    Frozen, a full garbage collection no longer walks it: in bench/ack_latency.py's load a serving
    worker's full collection stopped every thread for about 120 ms, and 5 ms after."""
    gc.collect()
    gc.freeze()
