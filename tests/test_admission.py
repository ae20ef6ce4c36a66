"""Admission control without a server: the token buckets, the rate-limit middleware (429) and the body
deadline (408), through tiny ASGI apps and the app factory."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.types import Message, Receive, Scope, Send

from kg.api.admission import (
    BodyDeadlineMiddleware,
    RateLimitMiddleware,
    TokenBuckets,
    install_admission,
    retry_after,
)
from kg.api.app import create_app
from kg.api.request_id import RequestIdMiddleware
from kg.config import Settings
from kg.store import GraphStore


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- token buckets ----------------------------------------------------------------------------------

def test_bucket_admits_a_burst_then_says_how_long_to_wait() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=2.0, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)  # one token comes back every 1/rate s


def test_bucket_refills_at_the_rate_after_waiting() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=2.0, burst=3, clock=clock)
    for _ in range(3):
        buckets.take("a")
    clock.now += 0.5
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0.0
    clock.now += 10.0  # never more than the burst
    assert [buckets.take("a") for _ in range(4)][-1] > 0.0


def test_buckets_are_per_client() -> None:
    buckets = TokenBuckets(rate=1.0, burst=1, clock=Clock())
    assert buckets.take("10.0.0.1") == 0.0
    assert buckets.take("10.0.0.1") > 0.0
    assert buckets.take("10.0.0.2") == 0.0


def test_refused_requests_do_not_spend_tokens() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=1.0, burst=1, clock=clock)
    buckets.take("a")
    for _ in range(10):
        assert buckets.take("a") > 0.0
    clock.now += 1.0
    assert buckets.take("a") == 0.0


def test_idle_clients_are_forgotten_once_their_bucket_would_be_full() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=10.0, burst=5, clock=clock)
    for client in ("a", "b", "c"):
        buckets.take(client)
    clock.now += 0.5  # burst / rate: full again
    buckets.take("d")
    assert len(buckets) == 1


def test_the_table_is_capped_by_forgetting_the_least_recently_seen() -> None:
    buckets = TokenBuckets(rate=1.0, burst=1, max_clients=3, clock=Clock())
    for client in ("a", "b", "c", "d"):
        buckets.take(client)
    assert len(buckets) == 3
    assert buckets.take("a") == 0.0  # forgotten: a full bucket again
    assert buckets.take("d") > 0.0  # remembered


@pytest.mark.parametrize(("wait", "header"), [(0.01, 1), (1.0, 1), (1.2, 2), (59.5, 60)])
def test_retry_after_is_whole_seconds_rounded_up(wait: float, header: int) -> None:
    assert retry_after(wait) == header


# -- the rate-limit middleware ----------------------------------------------------------------------

class Counting:
    """An ASGI app that answers 200 and counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _limited(app: Counting, client: tuple[str, int]) -> TestClient:
    return TestClient(RateLimitMiddleware(app, rate=0.5, burst=2), client=client)


def test_past_the_burst_the_answer_is_429_in_the_error_shape_without_calling_the_app() -> None:
    app = Counting()
    client = _limited(app, ("192.0.2.1", 1234))
    assert [client.get("/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/")
    assert response.status_code == 429 and app.calls == 2
    body = response.json()
    assert body == {"status": 429, "code": "too_many_requests", "detail": body["detail"]}
    assert "KG_RATE_LIMIT" in body["detail"]
    assert response.headers["Retry-After"] == "2"  # one token every 2 s


def test_the_rate_limit_separates_clients_by_address() -> None:
    app = Counting()
    limiter = RateLimitMiddleware(app, rate=0.5, burst=1)
    first = TestClient(limiter, client=("192.0.2.1", 1))
    same_address = TestClient(limiter, client=("192.0.2.1", 2))
    other = TestClient(limiter, client=("192.0.2.2", 1))
    assert first.get("/").status_code == 200
    assert same_address.get("/").status_code == 429  # another port, the same client
    assert other.get("/").status_code == 200


def test_a_client_is_admitted_again_after_retry_after() -> None:
    clock = Clock()
    limiter = RateLimitMiddleware(Counting(), rate=0.5, burst=2)
    limiter.buckets = TokenBuckets(rate=0.5, burst=2, clock=clock)
    client = TestClient(limiter, client=("192.0.2.1", 1))
    client.get("/")
    client.get("/")
    refused = client.get("/")
    clock.now += int(refused.headers["Retry-After"])
    assert client.get("/").status_code == 200


def _middleware_classes(app: Any) -> list[type]:
    return [middleware.cls for middleware in app.user_middleware]


def test_no_rate_limit_middleware_at_zero(bundled_store: GraphStore) -> None:
    settings = Settings(in_memory=True, warm_up=False, rate_limit=0)
    assert RateLimitMiddleware not in _middleware_classes(create_app(settings, store=bundled_store))


def test_the_rate_limit_is_outermost_and_the_app_answers_429(bundled_store: GraphStore) -> None:
    settings = Settings(in_memory=True, warm_up=False, rate_limit=1, rate_burst=1)
    app = create_app(settings, store=bundled_store)
    # Outermost but for the request id, which every answer carries, a 429 included.
    assert _middleware_classes(app)[:2] == [RequestIdMiddleware, RateLimitMiddleware]
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/health").status_code == 429


# -- the body deadline ------------------------------------------------------------------------------

class BodyReader:
    """An ASGI app that reads the whole body, then answers 200 with its length."""

    def __init__(self) -> None:
        self.finished = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(len(body)).encode()})
        self.finished = True


def _scope() -> Scope:
    return {"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""}


async def _call(app: Any, chunks: list[Message], stall: bool) -> list[Message]:
    """Run `app` with a receive that yields `chunks`, then (when `stall`) never anything more."""
    pending = list(chunks)
    sent: list[Message] = []

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if stall:
            await asyncio.Event().wait()  # a client that stopped sending its body
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    await asyncio.wait_for(app(_scope(), receive, send), timeout=5)
    return sent


def test_a_body_that_stalls_gets_408_and_connection_close_at_the_deadline() -> None:
    inner = BodyReader()
    started = time.monotonic()
    sent = asyncio.run(_call(BodyDeadlineMiddleware(inner, timeout=0.2),
                             [{"type": "http.request", "body": b"x", "more_body": True}], stall=True))
    assert 0.2 <= time.monotonic() - started < 2.0
    start, body = sent
    assert start["status"] == 408 and (b"connection", b"close") in start["headers"]
    assert json.loads(body["body"]) == {"status": 408, "code": "request_timeout",
                                        "detail": json.loads(body["body"])["detail"]}
    assert not inner.finished  # the app was stopped, not left waiting nor allowed to answer


def test_a_body_that_arrives_in_time_passes_through() -> None:
    chunks: list[Message] = [{"type": "http.request", "body": b"ab", "more_body": True},
                             {"type": "http.request", "body": b"c", "more_body": False}]
    sent = asyncio.run(_call(BodyDeadlineMiddleware(BodyReader(), timeout=0.2), chunks, stall=False))
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"3"


def test_an_app_that_swallows_the_timeout_gets_disconnect_and_cannot_answer() -> None:
    class Stubborn:
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            with contextlib.suppress(Exception):  # an app that catches everything
                await receive()
                await receive()
            assert (await receive())["type"] == "http.disconnect"
            await send({"type": "http.response.start", "status": 500, "headers": []})
            await send({"type": "http.response.body", "body": b"too late"})

    sent = asyncio.run(_call(BodyDeadlineMiddleware(Stubborn(), timeout=0.2),
                             [{"type": "http.request", "body": b"x", "more_body": True}], stall=True))
    assert [m.get("status") for m in sent if m["type"] == "http.response.start"] == [408]


@pytest.mark.parametrize(("rate_limit", "installed"), [
    (0, [BodyDeadlineMiddleware]), (2, [RateLimitMiddleware, BodyDeadlineMiddleware])])
def test_install_admission_adds_the_deadline_and_a_rate_limit_only_when_set(
        rate_limit: float, installed: list[type]) -> None:
    app = Starlette()
    install_admission(app, Settings(in_memory=True, rate_limit=rate_limit))
    assert _middleware_classes(app) == installed
