"""Calling the callbacks users hand us: sync or async, and never fatal."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable

__all__ = ["call_quietly"]


async def call_quietly(
    callback: Callable[..., object], *args: object, log: logging.Logger, failure: str
) -> None:
    """Call ``callback(*args)``, awaiting it if it is a coroutine function.

    A callback's bug must not cost the caller its token or its login: an error
    is logged, with its traceback, as ``failure`` and goes no further.
    """
    try:
        result = callback(*args)
        if inspect.isawaitable(result):
            await result
    except Exception:
        log.exception("%s", failure)
