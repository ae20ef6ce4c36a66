"""The remote backend's own behaviour on real engines: the generation shared by two workers, errors
that name their cause (engine down, credentials, a datatype Virtuoso cannot hold), digest
authentication, settings refused at start, and `kg load` over an engine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from conftest import WRITE_TOKEN, Engine, free_port
from kg.config import Settings
from kg.errors import UpdateFailedError
from kg.store.remote import RemoteStore
from kg.store.sparql_http import EngineFailedError, EngineUnavailableError
from kg.terms import iri, literal

pytestmark = pytest.mark.slow
G2 = "http://example.org/graph/remote-quirks"


def test_a_write_through_one_worker_is_seen_by_another_within_a_second(oxigraph_engine: Engine) -> None:
    settings = oxigraph_engine.settings()
    one, other = RemoteStore.open(settings), RemoteStore.open(settings)
    try:
        seen = other.generation
        one.add_triples([(iri("http://example.org/a"), iri("http://example.org/p"), literal("x"))],
                        graph=G2)
        assert one.generation != seen
        deadline = time.monotonic() + 1.0
        while other.generation == seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert other.generation == one.generation
        assert G2 in other.named_graphs()
    finally:
        one.clear_graph(G2)
        one.close()
        other.close()


def test_an_engine_that_is_down_is_a_503_naming_its_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EngineUnavailableError, match=url):
        RemoteStore.open(Settings(backend="sparql", sparql_query_url=url))


def test_virtuoso_refuses_durations_with_an_error_naming_the_limit(virtuoso_engine: Engine) -> None:
    store = RemoteStore.open(virtuoso_engine.settings())
    try:
        body = (b'@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                b'<http://example.org/b> <http://example.org/every> "P1M"^^xsd:duration .\n')
        with pytest.raises(UpdateFailedError, match="xsd:duration") as caught:
            store.load_bytes(body, fmt="turtle", graph=G2)
        assert caught.value.code == "unsupported_by_engine"
        assert G2 not in store.named_graphs()
    finally:
        store.close()


def test_virtuoso_digest_authentication(virtuoso_engine: Engine) -> None:
    auth = virtuoso_engine.query_url.replace("/sparql", "/sparql-auth")
    good = virtuoso_engine.settings(sparql_query_url=auth, sparql_update_url=auth, sparql_user="dba",
                                    sparql_password="dba", sparql_auth="digest")
    store = RemoteStore.open(good)
    try:
        store.add_triples([(iri("http://example.org/d"), iri("http://example.org/p"), literal("y"))],
                          graph=G2)
        assert G2 in store.named_graphs()
        store.clear_graph(G2)
    finally:
        store.close()
    bad = good.model_copy(update={"sparql_password": SecretStr("wrong")})
    with pytest.raises(EngineFailedError, match="credentials"):
        RemoteStore.open(bad)


@pytest.mark.parametrize(("values", "message"), [
    ({"backend": "sparql"}, "needs KG_SPARQL_QUERY_URL"),
    ({"sparql_query_url": "http://127.0.0.1:1/q"}, "KG_BACKEND=embedded"),
    ({"backend": "sparql", "sparql_query_url": "ftp://x/q"}, "not an http"),
    ({"backend": "sparql", "sparql_query_url": "http://x/q", "sparql_user": "u"}, "go together"),
])
def test_bad_engine_settings_are_refused_at_start(values: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**values)  # type: ignore[arg-type]


def test_kg_load_over_an_engine_reports_the_quads_it_added(oxigraph_engine: Engine,
                                                           tmp_path: Path) -> None:
    data = tmp_path / "extra.ttl"
    data.write_text('<http://example.org/s> <http://example.org/p> "one", "two" ; '
                    '<http://example.org/q> [ <http://example.org/r> 1 ] .\n', encoding="utf-8")
    env = {**os.environ, "KG_BACKEND": "sparql", "KG_SPARQL_QUERY_URL": oxigraph_engine.query_url,
           "KG_SPARQL_UPDATE_URL": oxigraph_engine.update_url, "KG_WARM_UP": "false"}
    kg = str(Path(sys.executable).parent / "kg")
    done = subprocess.run([kg, "load", str(data), "--graph", G2, "--quiet"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "4 quads added" in done.stdout
    store = RemoteStore.open(oxigraph_engine.settings())
    try:
        assert len(list(store.triples(graph=G2))) == 4
        store.clear_graph(G2)
    finally:
        store.close()


def test_a_read_only_engine_serves_reads_and_refuses_writes(oxigraph_engine: Engine) -> None:
    from fastapi.testclient import TestClient

    from kg.api.app import create_app

    RemoteStore.open(oxigraph_engine.settings()).close()  # the bundled graph, loaded once per engine
    settings = oxigraph_engine.settings(sparql_update_url=None, sparql_gsp_url=None)
    with TestClient(create_app(settings)) as client:  # opening writes nothing (no report text, no quote)
        hits = client.get("/entities", params={"q": "科创办"}).json()["results"]
        assert hits and hits[0]["id"] == "shanghai-stc-office"
        refused = client.put("/rdf-graphs", params={"graph": "https://example.org/g"}, content=b"",
                             headers={"Content-Type": "application/n-triples",
                                      "Authorization": f"Bearer {WRITE_TOKEN}"})
        assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
