"""A total deadline for one Hub request, retries included.

httpx's timeouts bound each network operation, not a request: a server that sends one
byte every few seconds never trips a read timeout and can hold a scan for hours.  So a
request runs in its own (daemon) thread and the caller waits at most the deadline; past
it the model gets a one-line error and the scan goes on.  The abandoned request notices
at its next chunk (`Deadline.check`) or next network timeout, and ends; being a daemon
thread it can never keep licscan from exiting.  Sleeping between attempts (a back-off,
the wait a 429 asks for) extends the deadline: the retry budget bounds those waits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class DeadlineExceeded(Exception):
    """The request did not complete within its deadline."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no complete answer within {seconds:g} s")
        self.seconds = seconds


class Deadline:
    """When a request must be done by (monotonic clock)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.abandoned = False  # the caller stopped waiting: stop at the next chance

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def extend(self, seconds: float) -> None:
        """Time asleep between attempts (a back-off, a 429's Retry-After) is not time spent
        talking to the server: the retry budget bounds it, not the deadline."""
        self.end += seconds

    def expired(self) -> bool:
        return self.abandoned or self.remaining() <= 0

    def check(self) -> None:
        """Raise DeadlineExceeded once the deadline has passed (call between chunks)."""
        if self.expired():
            raise DeadlineExceeded(self.seconds)


def run_within(seconds: float, fn: Callable[[Deadline], T]) -> T:
    """fn(deadline)'s result or exception, or DeadlineExceeded after `seconds`."""
    deadline = Deadline(seconds)
    outcome: list = []
    done = threading.Event()

    def work() -> None:
        try:
            outcome.append((True, fn(deadline)))
        except BaseException as exc:  # handed to the caller, whatever it is
            outcome.append((False, exc))
        finally:
            done.set()

    threading.Thread(target=work, name="licscan-request", daemon=True).start()
    while not done.wait(max(deadline.remaining(), 0.0)):
        if deadline.remaining() <= 0:  # (not merely extended by a wait meanwhile)
            deadline.abandoned = True
            raise DeadlineExceeded(seconds)
    ok, value = outcome[0]
    if ok:
        return value
    raise value
