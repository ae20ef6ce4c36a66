"""Backpressure: a flood of slow queries is refused fast, and cheap requests stay fast meanwhile.

A real `kg serve` with two query workers and a 5 s time limit gets ten concurrent expensive queries
(a three-way cross join over the bundled graph, which no worker finishes in 5 s). Two take the workers
until the deadline; the other eight must be refused with 503 service_busy and a Retry-After header
within a second (KG_QUERY_QUEUE_WAIT is 0.5 s). During the whole flood a second client's cheap
requests (/health, an entity lookup, an entity page) answer in well under a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from live import LiveServer, serve_live

pytestmark = pytest.mark.e2e  # a real server process

WORKERS = 2
QUERY_TIMEOUT = 5.0
FLOOD = 10
FAST = 1.0
TIMEOUT = 30.0
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = ["/health", "/entities?q=kcb", "/entities/shanghai-stc-office"]


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"KG_QUERY_WORKERS": str(WORKERS), "KG_QUERY_TIMEOUT": str(QUERY_TIMEOUT)}
    with serve_live(tmp_path_factory.mktemp("backpressure"), env=env) as server:
        # The lookup index and the entity page warm up in the background: wait for them first.
        for path in CHEAP:
            assert httpx.get(f"{server.url}{path}", timeout=TIMEOUT).status_code == 200, path
        yield server


def _expensive(url: str, barrier: threading.Barrier) -> tuple[int, dict[str, str], dict[str, object], float]:
    with httpx.Client(timeout=TIMEOUT) as client:
        barrier.wait()
        start = time.perf_counter()
        response = client.get(f"{url}/sparql", params={"query": EXPENSIVE})
        seconds = time.perf_counter() - start
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    return response.status_code, dict(response.headers), body, seconds


def test_flood_of_slow_queries_is_refused_fast_and_cheap_requests_stay_fast(busy_server: LiveServer) -> None:
    url = busy_server.url
    stop = threading.Event()
    cheap: list[tuple[str, int, float]] = []

    def cheap_client() -> None:
        with httpx.Client(timeout=TIMEOUT) as client:
            while not stop.is_set():
                for path in CHEAP:
                    start = time.perf_counter()
                    response = client.get(f"{url}{path}")
                    cheap.append((path, response.status_code, time.perf_counter() - start))

    second_client = threading.Thread(target=cheap_client, daemon=True)
    second_client.start()
    barrier = threading.Barrier(FLOOD)
    try:
        with ThreadPoolExecutor(FLOOD) as pool:
            answers = list(pool.map(lambda _: _expensive(url, barrier), range(FLOOD)))
    finally:
        stop.set()
        second_client.join(TIMEOUT)

    busy = [a for a in answers if a[0] == 503 and a[2].get("code") == "service_busy"]
    others = [a for a in answers if a not in busy]
    print("flood:", sorted((status, body.get("code"), round(seconds, 2))
                           for status, _, body, seconds in answers))
    print(f"cheap requests: {len(cheap)}, slowest {max(s for _, _, s in cheap):.3f} s")

    assert len(busy) >= FLOOD - WORKERS, [(a[0], a[2].get("code")) for a in answers]
    for status, headers, body, seconds in busy:
        assert set(body) == {"status", "code", "detail"} and body["status"] == status, body
        retry_after = {k.lower(): v for k, v in headers.items()}.get("retry-after")
        assert retry_after is not None and retry_after.isdigit() and int(retry_after) >= 1, headers
        assert seconds < FAST, f"a service_busy answer took {seconds:.2f} s"
    for status, _, body, seconds in others:  # the ones that ran: stopped at the deadline
        assert status == 503 and body.get("code") == "query_timeout", (status, body)
        assert seconds < QUERY_TIMEOUT + 2.0, seconds

    assert cheap, "the second client got no answer during the flood"
    assert all(status == 200 for _, status, _ in cheap), sorted({(p, s) for p, s, _ in cheap})
    slow = [(path, round(seconds, 2)) for path, _, seconds in cheap if seconds >= FAST]
    assert not slow, f"cheap requests were slow during the flood: {slow[:10]}"


def test_queries_run_again_after_the_flood(busy_server: LiveServer) -> None:
    # The workers killed at the deadline are replaced in the background.
    deadline = time.monotonic() + 15.0
    while True:
        response = httpx.get(f"{busy_server.url}/sparql", params={"query": "ASK { ?s ?p ?o }"},
                             timeout=TIMEOUT)
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert response.status_code == 200 and response.json()["boolean"] is True, response.text[:300]
