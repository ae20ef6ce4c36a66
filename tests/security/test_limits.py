"""Deep nesting against a real server: refused fast and cleanly, and never fatal to the web process.

The engine's parsers recurse: 10,000 nested groups, blank nodes, lists or JSON-LD objects overflow the
stack of the process that parses them (docs/engine-notes.md §4.2). The service checks the depth before
any parser (KG_MAX_NESTING, 256) and parses client input only in sandboxed processes. These tests send
such input every way the service takes it (query by GET and POST, update, Graph Store PUT and POST in Turtle,
JSON-LD and RDF/XML) and check: 400 nesting_too_deep in under a second, nothing changed, the server
still serving; input just under the limit still works; and input built to slip past the check (its
brackets behind a `#` or a quote inside an IRI, which the check reads as a comment or a string) may
kill a worker but never the web process.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import httpx
import psutil
import pytest

from kg.auth import token_digest
from live import LiveServer, serve_live
from security.conftest import auth_headers
from security.http_checks import assert_error_shape, graph_content, triple_count

pytestmark = pytest.mark.e2e  # real server processes

TIMEOUT = 60.0
DEEP = 10_000
FAST = 1.0  # seconds a refusal of deep input may take
EX = "http://example.org/limits/"
UPDATE = "application/sparql-update"
OLD_TRIPLE = f"<{EX}s> <{EX}p> \"old\" ."
TOKEN = "limits-own-token"


def timed(send: object) -> tuple[httpx.Response, float]:
    start = time.perf_counter()
    response = send()  # type: ignore[operator]
    return response, time.perf_counter() - start


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def assert_serving(server: LiveServer) -> None:
    """The web process is alive, /health answers, and a query runs (a killed worker is replaced)."""
    assert alive(server.pid), f"the web process died:\n{server.log.read_text()[-2000:]}"
    assert httpx.get(f"{server.url}/health", timeout=10.0).status_code == 200
    deadline = time.monotonic() + 10.0
    while True:  # a worker killed by the input is replaced in the background (~0.4 s)
        response = httpx.get(f"{server.url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10.0)
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert response.status_code == 200 and response.json()["boolean"] is True, response.text[:300]


def put_old(url: str, graph: str) -> None:
    response = httpx.put(f"{url}/rdf-graphs", params={"graph": graph}, content=OLD_TRIPLE.encode(),
                         headers={"content-type": "text/turtle", **auth_headers()}, timeout=TIMEOUT)
    assert response.status_code in (201, 204), response.text


# -- deep input, every way in ------------------------------------------------------------------

def nested_query(kind: str, depth: int) -> str:
    if kind == "groups":
        return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth + " LIMIT 1"
    if kind == "blank_nodes":
        return "SELECT * WHERE { ?s ?p " + "[ ?p " * depth + "?o" + " ]" * depth + " } LIMIT 1"
    if kind == "parentheses":
        return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "?o" + ")" * depth + ") } LIMIT 1"
    if kind == "triple_terms":
        return "SELECT * WHERE { ?s ?p " + "<<( ?a ?b " * depth + "?c" + " )>>" * depth + " } LIMIT 1"
    raise AssertionError(kind)


def long_get(url: str, path: str, params: dict[str, str]) -> httpx.Response:
    """A GET whose URL may be longer than httpx accepts (64 KiB of query string)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=TIMEOUT)
    try:
        connection.request("GET", f"{path}?{urlencode(params)}")
        answer = connection.getresponse()
        return httpx.Response(answer.status, headers=answer.getheaders(), content=answer.read())
    finally:
        connection.close()


def send_query(url: str, query: str, method: str) -> httpx.Response:
    if method == "GET":
        return long_get(url, "/sparql", {"query": query})
    if method == "POST-form":
        return httpx.post(f"{url}/sparql", data={"query": query}, timeout=TIMEOUT)
    return httpx.post(f"{url}/sparql", content=query.encode(),
                      headers={"content-type": "application/sparql-query"}, timeout=TIMEOUT)


@pytest.mark.parametrize("method", ["GET", "POST-form", "POST-direct"])
@pytest.mark.parametrize("kind", ["groups", "blank_nodes", "parentheses", "triple_terms"])
def test_deep_query_is_refused_fast(writable_server: LiveServer, kind: str, method: str) -> None:
    query = nested_query(kind, DEEP)
    response, seconds = timed(lambda: send_query(writable_server.url, query, method))
    if method == "GET" and response.status_code == 431:
        # Past 64 KiB of URL the server refuses the request head itself, as clearly.
        assert_error_shape(response, 431, "request_header_too_large")
    else:
        assert_error_shape(response, 400, "nesting_too_deep")
    assert seconds < FAST, f"{seconds:.2f} s"
    assert_serving(writable_server)


def test_three_thousand_nested_groups_are_a_400_not_a_500(writable_server: LiveServer) -> None:
    # 3,000 nested groups kill a query worker (docs/engine-notes.md §4.2): the check must answer before.
    for method in ("GET", "POST-form"):
        response = send_query(writable_server.url, nested_query("groups", 3_000), method)
        assert_error_shape(response, 400, "nesting_too_deep")
    assert_serving(writable_server)


@pytest.mark.parametrize("kind", ["groups", "blank_nodes", "parentheses"])
def test_query_just_under_the_limit_still_runs(writable_server: LiveServer, kind: str) -> None:
    query = nested_query(kind, 200)
    if kind == "blank_nodes":  # a chain of 200 patterns with a variable predicate is a huge join
        query = query.replace("[ ?p ", f"[ <{EX}none> ")
    response = send_query(writable_server.url, query, "POST-form")
    assert response.status_code == 200, response.text[:300]
    if kind != "blank_nodes":
        assert response.json()["results"]["bindings"], "the query found no solution"


UPDATES = {
    "where_groups": lambda g: f"INSERT {{ GRAPH <{g}> {{ <{EX}s> <{EX}p> 'new' }} }} WHERE "
                              + "{" * DEEP + "}" * DEEP,
    "data_blank_nodes": lambda g: f"INSERT DATA {{ GRAPH <{g}> {{ <{EX}s> <{EX}p> "
                                  + f"[ <{EX}p> " * DEEP + "1" + " ]" * DEEP + " } }",
    "data_lists": lambda g: f"INSERT DATA {{ GRAPH <{g}> {{ <{EX}s> <{EX}p> " + "( " * DEEP + "1"
                            + " )" * DEEP + " } }",
}


@pytest.mark.parametrize("how", ["direct", "form"])
@pytest.mark.parametrize("name", sorted(UPDATES))
def test_deep_update_is_refused_fast_and_changes_nothing(writable_server: LiveServer, name: str,
                                                         how: str) -> None:
    url, graph = writable_server.url, f"{EX}update/{name}/{how}"
    put_old(url, graph)
    before = triple_count(url)
    text = UPDATES[name](graph)
    if how == "direct":
        response, seconds = timed(lambda: httpx.post(
            f"{url}/sparql", content=text.encode(), headers={"content-type": UPDATE, **auth_headers()},
            timeout=TIMEOUT))
    else:
        response, seconds = timed(lambda: httpx.post(f"{url}/sparql", data={"update": text},
                                                     headers=auth_headers(), timeout=TIMEOUT))
    assert_error_shape(response, 400, "nesting_too_deep")
    assert seconds < FAST, f"{seconds:.2f} s"
    assert graph_content(url, graph) == {OLD_TRIPLE}
    assert triple_count(url) == before
    assert_serving(writable_server)


def _turtle_blank_nodes(depth: int) -> bytes:
    return (f"<{EX}s> <{EX}p> " + f"[ <{EX}p> " * depth + f"<{EX}o>" + " ]" * depth + " .").encode()


def _turtle_lists(depth: int) -> bytes:
    return (f"<{EX}s> <{EX}p> " + "( " * depth + f"<{EX}o>" + " )" * depth + " .").encode()


def _jsonld_objects(depth: int) -> bytes:
    return (f'{{"@id": "{EX}s", "{EX}p": ' * depth + '"x"' + "}" * depth).encode()


def _jsonld_lists(depth: int) -> bytes:
    return (f'{{"@id": "{EX}s", "{EX}p": {{"@list": ' + "[" * depth + '"x"' + "]" * depth + "}}").encode()


def _rdfxml_elements(depth: int) -> bytes:
    # Every level is a property element holding a node element: two XML levels per level.
    return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="' + EX + '">'
            + f'<rdf:Description rdf:about="{EX}s"><e:p>' * depth
            + "x" + "</e:p></rdf:Description>" * depth + "</rdf:RDF>").encode()


BODIES = {
    "turtle_blank_nodes": ("text/turtle", _turtle_blank_nodes),
    "turtle_lists": ("text/turtle", _turtle_lists),
    "jsonld_objects": ("application/ld+json", _jsonld_objects),
    "jsonld_lists": ("application/ld+json", _jsonld_lists),
    "rdfxml_elements": ("application/rdf+xml", _rdfxml_elements),
}


@pytest.mark.parametrize("method", ["PUT", "POST"])
@pytest.mark.parametrize("name", sorted(BODIES))
def test_deep_upload_is_refused_fast_and_changes_nothing(writable_server: LiveServer, name: str,
                                                         method: str) -> None:
    url = writable_server.url
    existing, fresh = f"{EX}upload/{name}/{method}/existing", f"{EX}upload/{name}/{method}/fresh"
    put_old(url, existing)
    before = triple_count(url)
    media_type, build = BODIES[name]
    body = build(DEEP)
    for graph in (existing, fresh):
        response, seconds = timed(lambda g=graph: httpx.request(
            method, f"{url}/rdf-graphs", params={"graph": g}, content=body,
            headers={"content-type": media_type, **auth_headers()}, timeout=TIMEOUT))
        found = assert_error_shape(response, 400)
        # nesting_too_deep, or the format's own clear refusal of the document.
        assert found["code"] in {"nesting_too_deep", "load_error"}, found
        assert seconds < FAST, f"{seconds:.2f} s"
    assert graph_content(url, existing) == {OLD_TRIPLE}
    assert graph_content(url, fresh) is None
    assert triple_count(url) == before
    assert_serving(writable_server)


@pytest.mark.parametrize("name", sorted(BODIES))
def test_upload_just_under_the_limit_is_stored(writable_server: LiveServer, name: str) -> None:
    url, graph = writable_server.url, f"{EX}upload-ok/{name}"
    media_type, build = BODIES[name]
    depth = 100 if name.startswith("rdfxml") else 200  # RDF/XML: two XML levels per level
    response = httpx.put(f"{url}/rdf-graphs", params={"graph": graph}, content=build(depth),
                         headers={"content-type": media_type, **auth_headers()}, timeout=TIMEOUT)
    assert response.status_code == 201, response.text[:300]
    assert graph_content(url, graph)


# -- input built to slip past the check --------------------------------------------------------

#: Objects that make a check read the rest of the line (or text) as a comment or a string: `#` and
#: `'` are legal inside a SPARQL and Turtle IRI.
HIDERS = {"hash": f"<{EX}#>", "quote": f"<{EX}'>", "long_quote": f"<{EX}'''>"}
#: A less-than operator glued to what follows reads like an IRI (`<?s&&((((...?o>`) to a lexer that
#: takes `<...>` without spaces for an IRI; the engine reads `?o < ?s && ((((... ?o > 1))))`.
LESS_THAN = "less_than"
EVASIONS = sorted([*HIDERS, LESS_THAN])


def evading_query(evasion: str) -> str:
    if evasion == LESS_THAN:
        return ("SELECT * WHERE { ?s ?p ?o FILTER(?o<?s&&" + "(" * DEEP + "?o>1" + ")" * DEEP
                + ") } LIMIT 1")
    return f"SELECT * WHERE {{ ?s ?p {HIDERS[evasion]} . " + "{" * DEEP + " ?s ?p ?o " + "}" * DEEP + " }"


def evading_update(evasion: str, graph: str) -> str:
    if evasion == LESS_THAN:
        return (f"INSERT {{ GRAPH <{graph}> {{ ?s <{EX}p> 'new' }} }} WHERE {{ ?s ?p ?o FILTER(?o<?s&&"
                + "(" * DEEP + "?o>1" + ")" * DEEP + ") }")
    return (f"INSERT DATA {{ GRAPH <{graph}> {{ <{EX}s> <{EX}p> {HIDERS[evasion]} , "
            + f"[ <{EX}p> " * DEEP + "1" + " ]" * DEEP + " } }")


@pytest.mark.parametrize("method", ["GET", "POST-form"])
@pytest.mark.parametrize("evasion", EVASIONS)
def test_query_that_fools_the_check_cannot_kill_the_web_process(writable_server: LiveServer,
                                                                evasion: str, method: str) -> None:
    response = send_query(writable_server.url, evading_query(evasion), method)
    if response.status_code >= 400:  # at worst: an error in the JSON shape (the worker died)
        assert_error_shape(response)
    assert_serving(writable_server)


@pytest.mark.parametrize("evasion", EVASIONS)
def test_update_and_upload_that_fool_the_check_cannot_kill_the_web_process(writable_server: LiveServer,
                                                                           evasion: str) -> None:
    url, graph = writable_server.url, f"{EX}fooled/{evasion}"
    put_old(url, graph)
    response = httpx.post(f"{url}/sparql", content=evading_update(evasion, graph).encode(),
                          headers={"content-type": UPDATE, **auth_headers()}, timeout=TIMEOUT)
    if response.status_code >= 400:
        assert_error_shape(response)
        assert graph_content(url, graph) == {OLD_TRIPLE}
    assert_serving(writable_server)
    if evasion == LESS_THAN:
        return  # Turtle has no operators
    turtle = (f"<{EX}s> <{EX}p> {HIDERS[evasion]} ; <{EX}q> " + f"[ <{EX}p> " * DEEP + f"<{EX}o>"
              + " ]" * DEEP + " .").encode()
    for method in ("PUT", "POST"):
        response = httpx.request(method, f"{url}/rdf-graphs", params={"graph": graph}, content=turtle,
                                 headers={"content-type": "text/turtle", **auth_headers()}, timeout=TIMEOUT)
        if response.status_code >= 400:
            assert_error_shape(response)
        assert_serving(writable_server)


@pytest.mark.parametrize("evasion", EVASIONS)
def test_brackets_the_check_could_misread_still_count(writable_server: LiveServer, evasion: str) -> None:
    # A bracket the engine nests must count whatever the text around it looks like: the refusal of
    # such a query or update is then the same clear 400, not a dead worker (500) or update process.
    response = send_query(writable_server.url, evading_query(evasion), "POST-form")
    assert_error_shape(response, 400, "nesting_too_deep")
    url, graph = writable_server.url, f"{EX}fooled-update/{evasion}"
    response = httpx.post(f"{url}/sparql", content=evading_update(evasion, graph).encode(),
                          headers={"content-type": UPDATE, **auth_headers()}, timeout=TIMEOUT)
    assert_error_shape(response, 400, "nesting_too_deep")


def test_health_answers_while_a_slow_update_runs(writable_server: LiveServer) -> None:
    # An update of an on-disk store takes the store away from the web process while it runs (up to
    # KG_QUERY_TIMEOUT, 3 s here). A liveness probe must not wait for it, also right after a write.
    url = writable_server.url
    small = f"INSERT DATA {{ GRAPH <{EX}slow/first> {{ <{EX}s> <{EX}p> 'first' }} }}"
    first = httpx.post(f"{url}/sparql", content=small.encode(),
                       headers={"content-type": UPDATE, **auth_headers()}, timeout=TIMEOUT)
    assert first.status_code == 204, first.text[:300]
    # A cross join of the stored graphs with no solution (~6 s here), stopped at the time limit.
    slow = (f"INSERT {{ GRAPH <{EX}slow/none> {{ ?a <{EX}p> ?f }} }} WHERE {{ GRAPH ?g {{ ?a ?b ?c }} "
            "GRAPH ?h { ?d ?e ?f } FILTER(CONTAINS(STR(?c), CONCAT(STR(?f), 'no such'))) }")
    outcome: dict[str, object] = {}

    def send() -> None:
        response, seconds = timed(lambda: httpx.post(
            f"{url}/sparql", content=slow.encode(), headers={"content-type": UPDATE, **auth_headers()},
            timeout=TIMEOUT))
        outcome["status"], outcome["seconds"] = response.status_code, seconds

    writer = threading.Thread(target=send)
    writer.start()
    try:
        time.sleep(0.5)  # the update process is running by now
        latencies: list[float] = []
        while writer.is_alive() and len(latencies) < 20:
            response, seconds = timed(lambda: httpx.get(f"{url}/health", timeout=TIMEOUT))
            assert response.status_code == 200
            latencies.append(seconds)
    finally:
        writer.join(TIMEOUT)
    print(f"update: {outcome}; /health latencies during it: {[round(s, 2) for s in latencies]}")
    assert latencies, f"the update ended too soon to measure anything: {outcome}"
    assert max(latencies) < FAST, (
        f"/health took {max(latencies):.1f} s while one update ran ({outcome})")
    assert_serving(writable_server)


# -- a deep RDF 1.2 triple term smuggled past the check ----------------------------------------

@pytest.fixture
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A writable on-disk server of this test alone (these tests may take it down)."""
    workdir = tmp_path_factory.mktemp("limits-own")
    with serve_live(workdir, env=_own_env(warm_up=False), data_dir=workdir / "store") as server:
        yield server


def _own_env(*, warm_up: bool) -> dict[str, str]:
    return {"KG_ALLOW_UPDATES": "true", "KG_WRITE_TOKENS": token_digest(TOKEN),
            "KG_WARM_UP": "true" if warm_up else "false"}


def _deep_triple_term() -> bytes:
    # The `#` hides the triple terms from the check; the sandboxed parser still reads 10,000 levels.
    return (f"<{EX}s> <{EX}p> <{EX}#> . <{EX}s> <{EX}p> " + f"<<( <{EX}a> <{EX}b> " * DEEP
            + f"<{EX}c>" + " )>>" * DEEP + " .").encode()


def _store_deep_term(server: LiveServer) -> int:
    response = httpx.put(f"{server.url}/rdf-graphs", params={"graph": f"{EX}deep-term"},
                         content=_deep_triple_term(),
                         headers={"content-type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
                         timeout=TIMEOUT)
    if response.status_code >= 400:
        assert_error_shape(response)
    return response.status_code


def test_deep_triple_term_cannot_kill_the_web_process_on_export(own_server: LiveServer) -> None:
    _store_deep_term(own_server)
    for fmt in ("turtle", "ntriples", "graphml"):
        try:
            response = httpx.get(f"{own_server.url}/export", params={"format": fmt}, timeout=TIMEOUT)
        except httpx.TransportError as exc:
            pytest.fail(f"/export?format={fmt} got no answer ({exc!r}); the web process is "
                        f"{'alive' if alive(own_server.pid) else 'gone'}")
        if response.status_code >= 400:
            assert_error_shape(response)
        assert_serving(own_server)


def test_deep_triple_term_in_the_store_does_not_crash_the_next_start(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    workdir = tmp_path_factory.mktemp("limits-restart")
    store = workdir / "store"
    with serve_live(workdir, env=_own_env(warm_up=False), data_dir=store) as server:
        status = _store_deep_term(server)
    if status >= 400:
        return  # refused: nothing deep is in the store
    # Started again with the default warm-up, which reads the whole graph in the web process.
    with serve_live(workdir, env=_own_env(warm_up=True), data_dir=store) as server:
        for _ in range(10):
            time.sleep(0.5)
            try:
                response = httpx.get(f"{server.url}/health", timeout=10.0)
            except httpx.TransportError as exc:
                pytest.fail(f"the restarted server stopped answering ({exc!r}):\n"
                            f"{server.log.read_text()[-1500:]}")
            assert response.status_code == 200
        assert_serving(server)
