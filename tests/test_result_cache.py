"""The SPARQL result cache and conditional GET: exact answers, never a stale one.

The property test interleaves writes (SPARQL updates, Graph Store replacements, triples added and
graphs cleared) with queries, and compares every answer of the cached endpoint with the same query
run on the engine directly, uncached.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kg.api.app import create_app
from kg.auth import token_digest
from kg.config import Settings
from kg.sparql.cache import ResultCache, is_deterministic
from kg.sparql.endpoint import SparqlEndpoint
from kg.sparql.protocol import ProtocolRequest
from kg.store import GraphStore, QueryAnswer, QueryRequest
from kg.terms import iri, literal

GRAPH = "https://example.org/cache-test"
TOKEN = "cache-test-token-0123456789abcdef"

QUERIES = [
    f"SELECT ?s ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s <https://example.org/p> ?o }} }} ORDER BY ?s ?o",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}",
    f"ASK {{ GRAPH <{GRAPH}> {{ <https://example.org/s1> ?p ?o }} }}",
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("text", [
    "SELECT (RAND() AS ?r) {}", "SELECT (now() AS ?t) {}", "SELECT (UUID() AS ?u) {}",
    "SELECT (STRUUID() AS ?u) {}", "CONSTRUCT { ?x <p:q> 1 } WHERE { BIND(BNODE() AS ?x) }",
    "SELECT (true&&rand () AS ?r) {}",
])
def test_a_volatile_query_is_never_kept(text: str) -> None:
    assert not is_deterministic(text)
    request = QueryRequest(text)
    assert ResultCache.key(request, 0) is None


def answer(body: bytes) -> QueryAnswer:
    return QueryAnswer("solutions", "json", body, False, 1)


def test_the_cache_keeps_to_its_byte_budget_least_recently_used_first() -> None:
    cache = ResultCache(max_bytes=8 * 2000, ttl=None)
    keys = [ResultCache.key(QueryRequest(f"SELECT * {{ ?s ?p {n} }}"), 0) for n in range(40)]
    for key in keys:
        assert key is not None
        cache.put(key, answer(b"x" * 1000), generation=0)
    assert cache.stats().bytes <= 8 * 2000
    assert cache.get(keys[-1]) is not None and cache.get(keys[0]) is None


def test_an_answer_computed_across_a_write_is_not_kept() -> None:
    cache = ResultCache(max_bytes=1 << 20, ttl=None)
    key = ResultCache.key(QueryRequest("SELECT * { ?s ?p ?o }"), 3)
    assert key is not None
    cache.put(key, answer(b"old"), generation=4)
    assert cache.get(key) is None


def test_an_entry_expires_after_the_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.sparql.cache as module

    now = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    cache = ResultCache(max_bytes=1 << 20, ttl=5.0)
    key = ResultCache.key(QueryRequest("SELECT * { ?s ?p ?o }"), 0)
    assert key is not None
    cache.put(key, answer(b"a"), generation=0)
    now[0] += 4.0
    assert cache.get(key) is not None
    now[0] += 2.0
    assert cache.get(key) is None


def test_white_space_around_the_text_shares_an_entry_but_inside_it_does_not() -> None:
    a = ResultCache.key(QueryRequest("SELECT * { ?s ?p 'a  b' }"), 0)
    b = ResultCache.key(QueryRequest("\n SELECT * { ?s ?p 'a  b' }  "), 0)
    c = ResultCache.key(QueryRequest("SELECT * { ?s ?p 'a b' }"), 0)
    assert a == b and a != c


@pytest.fixture(scope="module")
def store() -> Iterator[GraphStore]:
    settings = Settings(in_memory=True, query_workers=1, query_timeout=10.0, allow_updates=True,
                        warm_up=False)
    graph_store = GraphStore.in_memory(settings)
    yield graph_store
    graph_store.close()


writes = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("delete"), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("add"), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("replace"), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("clear"), st.just(0), st.just(0)),
)
#: Answer formats by query form: (ProtocolRequest format name, QueryRequest fields).
FORMATS = {
    "SELECT": [("json", {"solutions_format": "json"}), ("csv", {"solutions_format": "csv"}),
               ("xml", {"solutions_format": "xml"})],
    "ASK": [("json", {"solutions_format": "json"}), ("xml", {"solutions_format": "xml"})],
    "CONSTRUCT": [("turtle", {"graph_format": "turtle"}), ("ntriples", {"graph_format": "ntriples"})],
}
queries = st.tuples(st.just("query"), st.integers(0, len(QUERIES) - 1), st.integers(0, 2))
steps = st.lists(st.one_of(writes, queries), min_size=4, max_size=14)


def write(store: GraphStore, endpoint: SparqlEndpoint, kind: str, s: int, o: int) -> None:
    subject, obj = f"https://example.org/s{s}", f"https://example.org/o{o}"
    if kind == "insert":
        endpoint.update(ProtocolRequest(
            update=f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <{subject}> <https://example.org/p> <{obj}> }} }}"))
    elif kind == "delete":
        endpoint.update(ProtocolRequest(
            update=f"DELETE DATA {{ GRAPH <{GRAPH}> {{ <{subject}> <https://example.org/p> <{obj}> }} }}"))
    elif kind == "add":
        store.add_triples([(iri(subject), iri("https://example.org/q"), literal(str(o)))], graph=GRAPH)
    elif kind == "replace":
        body = f"<{subject}> <https://example.org/p> <{obj}> .\n".encode()
        store.replace_graph(GRAPH, store.parse_graph(body, fmt="ntriples", graph=GRAPH))
    else:
        store.clear_graph(GRAPH)


@hypothesis_settings(max_examples=12, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_every_cached_answer_equals_an_uncached_run(store: GraphStore,
                                                    steps: list[tuple[str, int, int]]) -> None:
    endpoint = SparqlEndpoint(store, store.settings)
    store.clear_graph(GRAPH)
    compared = 0
    for kind, a, b in steps:
        if kind != "query":
            write(store, endpoint, kind, a, b)
            continue
        text = QUERIES[a]
        forms = FORMATS[text.split()[0]]
        name, fields = forms[b % len(forms)]
        for _ in range(2):  # the second time from the cache, when nothing was written in between
            cached = endpoint.query(ProtocolRequest(query=text, formats=(name,)), accept=None)
            direct = store.run(QueryRequest(text, **fields))  # type: ignore[arg-type]
            assert cached.body == direct.body, (text, name)
            compared += 1
    assert compared == 2 * sum(1 for kind, _, _ in steps if kind == "query")


def test_a_repeated_query_is_answered_from_the_cache(store: GraphStore) -> None:
    endpoint = SparqlEndpoint(store, store.settings)
    before = endpoint.cache.stats()
    for _ in range(3):
        endpoint.query(ProtocolRequest(query=QUERIES[1]), accept=None)
    after = endpoint.cache.stats()
    assert after.hits - before.hits == 2 and after.misses - before.misses == 1
    store.add_triples([(iri("https://example.org/x"), iri("https://example.org/p"), literal("1"))],
                      graph=GRAPH)
    assert endpoint.cache.stats().entries == 0  # the write emptied it


@pytest.fixture(scope="module")
def writable_client() -> Iterator[TestClient]:
    settings = Settings(in_memory=True, query_workers=1, query_timeout=10.0, allow_updates=True,
                        warm_up=False, write_tokens=token_digest(TOKEN))
    with TestClient(create_app(settings, store=GraphStore.open(settings))) as client:
        yield client


TAGGED_URLS = [
    "/sparql?query=" + "SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20a%20%3Ft%20%7D%20LIMIT%205",
    "/entities?q=%E7%A7%91%E5%88%9B%E5%8A%9E",
    "/entities/shanghai-stc-office",
    "/id/shanghai-stc-office",
    "/export?format=graphml&scope=neighbourhood&entity=shanghai-stc-office",
]


@pytest.mark.parametrize("url", TAGGED_URLS)
def test_a_read_answer_has_an_etag_and_a_304_for_it(writable_client: TestClient, url: str) -> None:
    first = writable_client.get(url)
    assert first.status_code == 200, first.text
    tag = first.headers["etag"]
    again = writable_client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert writable_client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    other_format = writable_client.get(url, headers={"Accept": "text/csv"})
    if other_format.status_code == 200:
        assert other_format.headers["etag"] != tag  # another representation, another tag


def test_a_write_changes_every_tag(writable_client: TestClient) -> None:
    url = "/sparql?query=" + "SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
    first = writable_client.get(url)
    tag = first.headers["etag"]
    body = b'<https://e.org/a> <https://e.org/b> "1" .'
    put = writable_client.put(f"/rdf-graphs?graph={GRAPH}-etag", content=body,
                              headers={"Content-Type": "application/n-triples",
                                       "Authorization": f"Bearer {TOKEN}"})
    assert put.status_code in (201, 204), put.text
    after = writable_client.get(url, headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag
    assert after.content != first.content  # the count moved: the cache did not answer the old one


@pytest.mark.parametrize("url", [
    "/sparql?query=" + "SELECT%20(RAND()%20AS%20%3Fr)%20%7B%7D",
    "/entities/no-such-entity-anywhere",
])
def test_volatile_or_failed_answers_have_no_etag(writable_client: TestClient, url: str) -> None:
    response = writable_client.get(url)
    assert "etag" not in response.headers


def test_a_post_query_has_no_etag(writable_client: TestClient) -> None:
    response = writable_client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 200 and "etag" not in response.headers
