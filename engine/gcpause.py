"""A pause of the cyclic garbage collector while a big file is read (:func:`paused_gc`).

Reading a long log or a big scenario builds hundreds of thousands of small dicts and
lists that all stay alive. Each collection of the youngest generation then walks
them again, which costs as much as the parsing itself. None of them form cycles, so
the collector is paused while they are built and restored (if it was on) afterwards.
Used by the scenario loader (:mod:`detente.engine.loader`), the log reader
(:mod:`detente.engine.log`) and the recorder (:mod:`detente.engine.recorder`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause automatic garbage collection for the block; reference counting still frees memory."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
