"""Intercom's rate limit shared by the threads of one pull.

Intercom enforces a per-minute limit in 10-second windows and reports it on every response:
`X-RateLimit-Limit`, `X-RateLimit-Remaining` (left in the current window) and `X-RateLimit-Reset`
(unix seconds when the window resets); past it, 429 with the error code `rate_limit_exceeded`.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping

# At most this much jitter after a reset, so the threads do not all fire in its first instant.
RESET_JITTER_SECONDS = 0.25


class RatePacer:
    """Waits for the window's reset before the requests in flight could exhaust it, and counts the time
    spent waiting on rate limits (these waits and those after a 429): wall-clock time during which some
    thread waited, so threads waiting together count once."""

    def __init__(
        self,
        requests_in_flight: int,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._reserve = requests_in_flight
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._remaining: int | None = None
        self._reset_at: float | None = None
        self.seconds_waited = 0.0
        self._waited_through = 0.0

    def take_turn(self) -> None:
        """Before a request: wait for the reset when this window's budget is down to the requests in flight."""
        with self._lock:
            delay, now = 0.0, self._clock()
            if self._reset_at is not None and self._reset_at <= now:
                self._remaining = None  # a new window: unknown until a response reports it
            if self._remaining is not None and self._remaining <= self._reserve:
                delay = self._reset_at - now + random.uniform(0, RESET_JITTER_SECONDS)
                self._count_wait(delay)
            elif self._remaining is not None:
                self._remaining -= 1
        if delay > 0:
            self._sleep(delay)

    def observe(self, headers: Mapping[str, str]) -> None:
        """After a response: the budget it reports, unless a later window has already been seen."""
        remaining, reset_at = (
            whole_number(headers.get("x-ratelimit-remaining")),
            whole_number(headers.get("x-ratelimit-reset")),
        )
        if remaining is None or reset_at is None:
            return
        with self._lock:
            if self._reset_at is None or reset_at > self._reset_at:
                self._remaining, self._reset_at = remaining, reset_at
            elif reset_at == self._reset_at:
                self._remaining = min(remaining, self._remaining if self._remaining is not None else remaining)

    def wait_after_429(self, reset_at: int | None, backoff: float) -> float:
        """Seconds to wait after a 429: until the reset it names, and never less than the backoff (a clock
        ahead of Intercom's would otherwise retry at once); counted as time waited on rate limits."""
        until_reset = reset_at - self._clock() + random.uniform(0, RESET_JITTER_SECONDS) if reset_at else 0.0
        delay = max(until_reset, backoff)
        with self._lock:
            self._count_wait(delay)
        return delay

    def _count_wait(self, delay: float) -> None:
        now = self._clock()
        end = now + delay
        self.seconds_waited += max(0.0, end - max(now, self._waited_through))
        self._waited_through = max(self._waited_through, end)


def whole_number(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
