"""The SPARQL endpoint of a real `kg serve` process, driven by real clients."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import psutil
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import JSON, XML, SPARQLWrapper

pytestmark = pytest.mark.e2e

SKOS = "http://www.w3.org/2004/02/skos/core#"
LABELS = f"PREFIX skos: <{SKOS}>\nSELECT ?s ?label WHERE {{ ?s skos:prefLabel ?label }} LIMIT 5"
#: The store crossed with itself four times: pure SPARQL, far past any time limit on the bundled graph.
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _sparql(url: str) -> str:
    return f"{url}/sparql"


# -- real clients ------------------------------------------------------------------------------

def test_sparqlwrapper_select_json(live_server: str) -> None:
    client = SPARQLWrapper(_sparql(live_server))
    client.setQuery(LABELS)
    client.setReturnFormat(JSON)
    document = client.query().convert()
    bindings = document["results"]["bindings"]  # type: ignore[index]
    assert len(bindings) == 5 and all(b["s"]["type"] == "uri" for b in bindings)


def test_sparqlwrapper_select_xml_with_post(live_server: str) -> None:
    client = SPARQLWrapper(_sparql(live_server))
    client.setQuery(LABELS)
    client.setReturnFormat(XML)
    client.setMethod("POST")
    document = client.query().convert()
    assert len(document.getElementsByTagName("result")) == 5  # type: ignore[union-attr]


def test_rdflib_sparqlstore_select_and_construct(live_server: str) -> None:
    store = SPARQLStore(query_endpoint=_sparql(live_server))
    rows = list(store.query(LABELS))
    assert len(rows) == 5 and all(isinstance(row[0], rdflib.URIRef) for row in rows)
    result = store.query(f"PREFIX skos: <{SKOS}>\n"
                         "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l } LIMIT 7")
    assert result.graph is not None and len(result.graph) == 7


# -- raw HTTP: every format and error case -----------------------------------------------------

@pytest.mark.parametrize(("accept", "fmt"), [
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
])
def test_raw_select_formats(live_server: str, accept: str, fmt: str) -> None:
    response = httpx.get(_sparql(live_server), params={"query": LABELS}, headers={"accept": accept})
    assert response.status_code == 200
    assert len(list(Result.parse(io.BytesIO(response.content), format=fmt))) == 5


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"), ("application/n-quads", "nquads"), ("application/trig", "trig"),
])
def test_raw_construct_formats(live_server: str, accept: str, fmt: str) -> None:
    query = f"PREFIX skos: <{SKOS}>\nCONSTRUCT WHERE {{ ?s skos:prefLabel ?l }} LIMIT 4"
    response = httpx.post(_sparql(live_server), content=query.encode(), headers={
        "accept": accept, "content-type": "application/sparql-query;charset=utf-8"})
    assert response.status_code == 200
    graph = rdflib.Dataset() if fmt in ("nquads", "trig") else rdflib.Graph()
    assert len(graph.parse(data=response.content, format=fmt)) == 4


@pytest.mark.parametrize(("kwargs", "status", "code"), [
    ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "bad_request"),
    ({"method": "POST", "content": b"ASK {}", "headers": {"content-type": "text/plain"}}, 415,
     "unsupported_media_type"),
    ({"method": "GET", "params": {"query": "SELECT * {"}}, 400, "query_syntax_error"),
    ({"method": "GET", "params": {"query": "DELETE WHERE { ?s ?p ?o }"}}, 400, "query_refused"),
    ({"method": "GET", "params": {"query": "ASK {}"}, "headers": {"accept": "image/gif"}}, 406,
     "not_acceptable"),
    ({"method": "POST", "content": b"CLEAR ALL",
      "headers": {"content-type": "application/sparql-update"}}, 403, "forbidden"),
])
def test_raw_error_cases(live_server: str, kwargs: dict[str, object], status: int, code: str) -> None:
    response = httpx.request(url=_sparql(live_server), **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["status"] == status


def test_service_description_lists_store_graphs(live_server: str) -> None:
    response = httpx.get(_sparql(live_server), headers={"accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    names = {str(o) for o in graph.objects(None, sd.name)}
    assert names == set(httpx.get(f"{live_server}/health").json()["graphs"])


def test_cap_hit_is_reported(live_server_process: Any) -> None:
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 5000"
    response = httpx.get(_sparql(live_server_process.url), params={"query": query})
    assert response.headers["kg-truncated"] == "true"
    assert response.json()["truncated"] is True
    assert len(response.json()["results"]["bindings"]) == live_server_process.max_rows


# -- nothing leaves the store: a canary listener counts any request --------------------------

class _Canary(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.send_header("content-type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[{}]}}')

    do_POST = do_GET  # noqa: N815 - the name http.server dispatches POST to

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture()
def canary() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_service_load_and_remote_from_never_reach_the_network(live_server: str, canary: str) -> None:
    httpx.get(canary)
    assert _Canary.hits == 1  # the canary counts what reaches it
    _Canary.hits = 0
    attempts = [
        {"query": f"SELECT * WHERE {{ SERVICE <{canary}> {{ ?s ?p ?o }} }}"},
        {"query": f"select * where {{ service silent <{canary}> {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{canary}> {{ ?s ?p ?o }} }} }}"},
        {"query": f"SELECT * WHERE {{ BIND(<{canary}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}"},
        {"query": f"PREFIX : <{canary}> SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}"},
    ]
    for params in attempts:
        response = httpx.get(_sparql(live_server), params=params)
        assert response.status_code == 400 and response.json()["code"] == "query_refused"
    # A dataset graph is only a name in the store (the engine never fetches it): one the store does
    # not hold is an empty graph, as the protocol says.
    empty = [
        {"query": f"SELECT * FROM <{canary}g> WHERE {{ ?s ?p ?o }}"},
        {"query": f"SELECT * FROM NAMED <{canary}g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "default-graph-uri": f"{canary}g"},
    ]
    for params in empty:
        response = httpx.get(_sparql(live_server), params=params,
                             headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200 and response.json()["results"]["bindings"] == []
    load = httpx.post(_sparql(live_server), data={"update": f"LOAD <{canary}data.ttl>"})
    assert load.status_code in (400, 403)
    time.sleep(0.5)
    assert _Canary.hits == 0


# -- the hard time limit -----------------------------------------------------------------------

def _worker_pids(server_pid: int) -> set[int]:
    # Workers are forked by multiprocessing's forkserver, itself a child of the server.
    workers = set()
    for child in psutil.Process(server_pid).children(recursive=True):
        try:
            if "forkserver" in " ".join(child.parent().cmdline()):  # type: ignore[union-attr]
                workers.add(child.pid)
        except (psutil.NoSuchProcess, AttributeError):
            continue
    return workers


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_slow_query_is_stopped_while_others_are_served(live_server_process: Any) -> None:
    url = _sparql(live_server_process.url)
    httpx.get(url, params={"query": "ASK {}"})  # the worker pool is started
    deadline = time.monotonic() + 10
    while len(_worker_pids(live_server_process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    before = _worker_pids(live_server_process.pid)
    assert len(before) == 2
    slow: dict[str, object] = {}

    def run_slow() -> None:
        started = time.monotonic()
        slow["response"] = httpx.get(url, params={"query": SLOW_QUERY}, timeout=30)
        slow["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    cheap = httpx.get(url, params={"query": LABELS})
    cheap_seconds = time.monotonic() - started
    assert thread.is_alive()  # the slow query was still running when the cheap one was answered
    thread.join()
    assert cheap.status_code == 200 and cheap_seconds < 1.0
    response = slow["response"]
    assert isinstance(response, httpx.Response) and response.status_code == 503
    assert response.json()["code"] == "query_timeout"
    limit = live_server_process.query_timeout
    assert f"{limit:g} s" in response.json()["detail"]
    assert limit <= float(slow["seconds"]) < limit + 2  # type: ignore[arg-type]
    killed = {pid for pid in before if not _alive(pid)}
    assert len(killed) == 1  # the worker that ran the slow query is gone, the other one lives
    deadline = time.monotonic() + 10
    while len(_worker_pids(live_server_process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(_worker_pids(live_server_process.pid) - before) == 1  # and was replaced
