"""Crash points for the fault suite (tests/fault): kill this process at a named point.

Set ``COMPUTE_LIMITS_FAULT_KILL=POINT:N`` (e.g. ``load:3``) and the process sends itself SIGKILL
the N-th time it passes :func:`checkpoint` ``POINT``, as an operator's ``kill -9`` or the
kernel's OOM killer would. Points: ``fetch`` (after a PDF is in the cache), ``extract`` (after an
extraction was started, while others run), ``load`` (inside a paper's load transaction, after the
document row and before its findings), ``refit`` (inside the fits transaction). Unset (the
normal case), :func:`checkpoint` only reads one environment variable.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

#: Environment variable naming the crash point and count.
FAULT_ENV = "COMPUTE_LIMITS_FAULT_KILL"
#: The named points.
POINTS = ("fetch", "extract", "load", "refit")

_passed: Counter = Counter()


def checkpoint(point: str) -> None:
    """Pass the crash point ``point``; SIGKILL this process if ``$COMPUTE_LIMITS_FAULT_KILL`` says so.

    Raises:
        ValueError: the variable is set but malformed (names an unknown point or a bad count).
    """
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    name, _, n = spec.partition(":")
    if name not in POINTS or not (n or "1").isdigit():
        raise ValueError(f"{FAULT_ENV}={spec!r}: expected POINT[:N] with POINT one of {POINTS}")
    if name != point:
        return
    _passed[point] += 1
    if _passed[point] >= int(n or 1):
        os.kill(os.getpid(), signal.SIGKILL)
