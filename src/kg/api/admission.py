"""Admission control as pure ASGI middleware: a per-client rate limit and a deadline on request bodies.

- `RateLimitMiddleware` gives every client address (scope["client"]) a token bucket of
  Settings.rate_burst tokens refilled at Settings.rate_limit per second; a request that finds the
  bucket empty is answered 429 `too_many_requests` with Retry-After at once, without reaching the app.
- `BodyDeadlineMiddleware` bounds how long the app may wait for a request body: a body not complete
  Settings.request_timeout seconds after the request reached the app is answered 408
  `request_timeout` and the connection is closed, so a slow upload holds no handler. (The request
  head has its own deadline of the same length in the server's protocol, kg.api.server.)
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.api.errors import error_response
from kg.config import Settings
from kg.errors import TooManyRequestsError

#: Most clients the rate limiter remembers; past it the least recently seen one is forgotten (its
#: next request starts with a full bucket), so a flood of addresses cannot grow memory without end.
MAX_CLIENTS = 100_000

#: The error code of a request whose body did not arrive in time.
REQUEST_TIMEOUT_CODE = "request_timeout"


class TokenBuckets:
    """One token bucket per client key, in bounded memory (see MAX_CLIENTS)."""

    def __init__(self, *, rate: float, burst: int, max_clients: int = MAX_CLIENTS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self._clock = clock
        # Seconds after which an idle client's bucket is full again, the same as forgetting it.
        self._refill_seconds = burst / rate
        #: key -> (tokens, time of last use); ordered from least to most recently used.
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str) -> float:
        """Take a token for `key`: 0.0 when there was one, else the seconds until there will be."""
        now = self._clock()
        self._forget_idle(now)
        tokens, last = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens - 1.0 if wait == 0.0 else tokens, now)
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait

    def _forget_idle(self, now: float) -> None:
        while self._buckets:
            key, (_, last) = next(iter(self._buckets.items()))
            if now - last < self._refill_seconds:
                return
            del self._buckets[key]


def retry_after(wait: float) -> int:
    """Whole seconds for a Retry-After header: `wait` rounded up, at least 1."""
    return max(1, math.ceil(wait))


class RateLimitMiddleware:
    """Answer 429 with Retry-After to a client past `rate` requests per second (bursts of `burst`)."""

    def __init__(self, app: ASGIApp, *, rate: float, burst: int, max_clients: int = MAX_CLIENTS) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate=rate, burst=burst, max_clients=max_clients)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "")
        if not wait:
            await self.app(scope, receive, send)
            return
        error = TooManyRequestsError(
            f"More than {self.buckets.rate:g} requests per second (bursts of {self.buckets.burst}) from "
            "this address (KG_RATE_LIMIT, KG_RATE_BURST); wait Retry-After seconds and slow down.",
            retry_after=retry_after(wait))
        response = error_response(error.status, error.code, error.detail)
        response.headers.update(error.headers)
        await response(scope, receive, send)


class _BodyTimeoutError(Exception):
    """Raised into the app from `receive` when the request body missed its deadline."""


class BodyDeadlineMiddleware:
    """Answer 408 and close the connection when a body is not complete `timeout` s into the request."""

    def __init__(self, app: ASGIApp, *, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.timeout
        body_complete = False
        response_started = False
        timed_out = False

        async def receive_by_deadline() -> Message:
            nonlocal body_complete, timed_out
            if timed_out:
                return {"type": "http.disconnect"}  # the 408 is sent: nothing more will be read
            if body_complete:
                return await receive()  # only http.disconnect is left to wait for
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                timed_out = True
                raise _BodyTimeoutError from None
            body_complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def send_unless_timed_out(message: Message) -> None:
            nonlocal response_started
            if timed_out:
                return  # the 408 (or the closed connection) is the answer
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive_by_deadline, send_unless_timed_out)
        except _BodyTimeoutError:
            if response_started:
                raise  # too late for a 408: the server closes the connection
        if timed_out and not response_started:  # also when the app swallowed _BodyTimeoutError
            await self._answer_timeout(scope, receive, send)

    async def _answer_timeout(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            408, REQUEST_TIMEOUT_CODE, f"The request body did not arrive within {self.timeout:g} s "
            "(KG_REQUEST_TIMEOUT); send it faster, or send less at once.")
        response.headers["Connection"] = "close"  # uvicorn closes the connection after this answer
        await response(scope, receive, send)


def install_admission(app: Starlette, settings: Settings) -> None:
    """Add the body deadline, and the rate limit when Settings.rate_limit is above 0 (outermost)."""
    app.add_middleware(BodyDeadlineMiddleware, timeout=settings.request_timeout)
    if settings.rate_limit > 0:
        app.add_middleware(RateLimitMiddleware, rate=settings.rate_limit, burst=settings.rate_burst)
