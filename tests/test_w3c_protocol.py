"""The W3C SPARQL 1.1 Protocol tests (`protocol/manifest.ttl`), sent over HTTP to a real `kg serve`.

Each mf:ProtocolTest lists ht:Requests, sent in order as the manifest writes them: its method, its
ht:absolutePath with the manifest's `/sparql/` replaced by this service's `/sparql` (as the
manifest's comment asks), its headers (and no others: the client's default Accept is dropped), and
its body encoded in its cnt:characterEncoding. The server is started for this module with updates on
and a write token, which every request carries, as a client configured with a token does. Before
each test the store is emptied (DROP ALL) and each ut:graphData file is loaded into the graph its
rdfs:label names (Graph Store Protocol PUT). Each answer is checked against its ht:resp:
mf:expectedStatus (hts:StatusCode2xx...), mf:expectedFormat (the body parses as a SPARQL boolean,
SPARQL results or RDF, in a media type the test admits: see EXPECTED_MEDIA) and mf:expectedBoolean.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import rdflib
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg.auth import token_digest
from live import serve_live
from w3c_manifest import (
    DAWGT,
    MF,
    W3C_DIR,
    Solutions,
    csv_solutions,
    parse_json_answer,
    parse_tsv_answer,
    parse_xml_answer,
    path_of,
    url_of,
)

PROTOCOL_DIR = W3C_DIR / "protocol"
if not PROTOCOL_DIR.exists():
    pytest.skip(f"{PROTOCOL_DIR} is absent (../shared is not next to this checkout)", allow_module_level=True)

HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
MANIFEST = url_of(PROTOCOL_DIR / "manifest.ttl")
#: The tests' namespace (the manifest's `:` prefix).
TEST = Namespace("http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest#")
#: The manifest's endpoint path, and this service's.
MANIFEST_PATH, ENDPOINT_PATH = "/sparql/", "/sparql"
TOKEN = "w3c-protocol-writer"
_STATUS_CLASS = re.compile(r"http://www\.w3\.org/2011/http-statusCodes#StatusCode([1-5])xx")

#: The media types each mf:expectedFormat admits, and how the answer is read. The manifest says only
#: "boolean", "tabular" or "RDF"; which media types those are is in the tests' prose names (TEST:
#: the tests' namespace): TEST:query_content_type_ask "expect one of: XML, JSON";
#: TEST:query_content_type_select "expect one of: XML, JSON, CSV, TSV";
#: TEST:query_content_type_describe and TEST:query_content_type_construct "expect one of: RDF/XML,
#: Turtle, N-Triples, RDFa" (RDFa is left out: rdflib 7 has no RDFa parser, and this service writes
#: none).
EXPECTED_MEDIA: dict[str, dict[str, str]] = {
    "boolean": {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml"},
    "tabular": {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
                "text/csv": "csv", "text/tab-separated-values": "tsv"},
    "RDF": {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"},
}

_USING_PARAMETERS = (
    "using-graph-uri / using-named-graph-uri are refused (400): SPARQL 1.1 Protocol §2.2.3 says an "
    "update processor 'should' treat them as USING / USING NAMED in every operation, but "
    "pyoxigraph 0.5.13's Store.update takes no dataset and this service does not rewrite client text"
)
#: Tests of a feature the service lacks, by test IRI, with the reason: strict, so support shows.
GAPS: dict[str, str] = {
    str(TEST.update_dataset_default_graph): _USING_PARAMETERS,
    str(TEST.update_dataset_default_graphs): _USING_PARAMETERS,
    str(TEST.update_dataset_named_graphs): _USING_PARAMETERS,
    str(TEST.update_dataset_full): _USING_PARAMETERS,
}


@dataclass(frozen=True)
class Expected:
    """An ht:resp: the status classes (2 for 2xx...), the format and the boolean expected."""

    status_classes: frozenset[int]
    format: str | None
    boolean: bool | None


@dataclass(frozen=True)
class HttpRequest:
    """One ht:Request, ready to send to this service."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected


@dataclass(frozen=True)
class ProtocolTest:
    """One mf:ProtocolTest: its IRI, name, approval, the graphs to load, and its requests in order."""

    iri: str
    name: str
    approved: bool
    graph_data: tuple[tuple[Path, str], ...]  # (file, graph name)
    requests: tuple[HttpRequest, ...]

    @property
    def id(self) -> str:
        """The test's local name, e.g. query_post_form."""
        return self.iri.rpartition("#")[2]


def _text(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    value = graph.value(node, predicate)
    return None if value is None else str(value)


def _status_class(term: Node) -> int:
    match = _STATUS_CLASS.fullmatch(str(term))
    if match is None:
        raise ValueError(f"mf:expectedStatus {term} is not a status class this harness reads")
    return int(match.group(1))


def _expected(graph: Graph, response: Node) -> Expected:
    boolean = graph.value(response, MF.expectedBoolean)
    return Expected(
        status_classes=frozenset(_status_class(s) for s in graph.objects(response, MF.expectedStatus)),
        format=_text(graph, response, MF.expectedFormat),
        boolean=boolean.toPython() if isinstance(boolean, Literal) else None,
    )


def _request(graph: Graph, node: Node) -> HttpRequest:
    path = _text(graph, node, HT.absolutePath) or ""
    if not path.startswith(MANIFEST_PATH):
        raise ValueError(f"ht:absolutePath {path!r} does not start with {MANIFEST_PATH}")
    headers_list = graph.value(node, HT.headers)
    headers = tuple(
        (_text(graph, header, HT.fieldName) or "", _text(graph, header, HT.fieldValue) or "")
        for header in (Collection(graph, headers_list) if headers_list is not None else ())
    )
    content = graph.value(node, HT.body)
    body = None
    if content is not None:
        encoding = _text(graph, content, CNT.characterEncoding) or "UTF-8"
        body = (_text(graph, content, CNT.chars) or "").encode(encoding)
    return HttpRequest(
        method=_text(graph, node, HT.methodName) or "",
        path=ENDPOINT_PATH + path[len(MANIFEST_PATH):],
        headers=headers, body=body,
        expected=_expected(graph, graph.value(node, HT.resp)),  # type: ignore[arg-type]
    )


def _test(graph: Graph, entry: Node) -> ProtocolTest:
    action = graph.value(entry, MF.action)
    requests = graph.value(action, HT.requests)
    graph_data = tuple(sorted(
        (path_of(graph.value(data, UT.graph)), _text(graph, data, RDFS.label) or "")  # type: ignore[arg-type]
        for data in graph.objects(entry, UT.graphData)
    ))
    return ProtocolTest(
        iri=str(entry), name=_text(graph, entry, MF.name) or "",
        approved=graph.value(entry, DAWGT.approval) == DAWGT.Approved,
        graph_data=graph_data,
        requests=tuple(_request(graph, r) for r in Collection(graph, requests)),  # type: ignore[arg-type]
    )


def read_protocol_manifest() -> list[ProtocolTest]:
    """The manifest's mf:ProtocolTest entries, in manifest order."""
    path = PROTOCOL_DIR / "manifest.ttl"
    graph = Graph().parse(path, format="turtle", publicID=MANIFEST)
    entries = graph.value(URIRef(MANIFEST), MF.entries)
    return [_test(graph, entry) for entry in Collection(graph, entries)  # type: ignore[arg-type]
            if (entry, RDF.type, MF.ProtocolTest) in graph]


TESTS = read_protocol_manifest()


def _param(test: ProtocolTest) -> object:
    marks = []
    if not test.approved:
        marks.append(pytest.mark.skip(reason="not approved by the SPARQL working group (dawgt:approval)"))
    if test.iri in GAPS:
        marks.append(pytest.mark.xfail(strict=True, raises=AssertionError, reason=GAPS[test.iri]))
    return pytest.param(test, id=test.id, marks=marks)


# -- the server --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def protocol_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A client of a writable `kg serve` (updates on, TOKEN allowed to write)."""
    env = {"KG_ALLOW_UPDATES": "true", "KG_WRITE_TOKENS": token_digest(TOKEN)}
    with serve_live(tmp_path_factory.mktemp("w3c_protocol"), env=env) as server, \
            httpx.Client(base_url=server.url, timeout=30.0,
                         headers={"authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def _load(client: httpx.Client, test: ProtocolTest) -> None:
    """Empty the store, then load the test's ut:graphData into the graphs they name."""
    dropped = client.post(ENDPOINT_PATH, content=b"DROP ALL",
                          headers={"content-type": "application/sparql-update"})
    assert dropped.status_code == 204, dropped.text
    for path, name in test.graph_data:
        assert path.suffix == ".nt", f"{path} is not N-Triples"
        loaded = client.put("/rdf-graphs", params={"graph": name}, content=path.read_bytes(),
                            headers={"content-type": "application/n-triples"})
        assert loaded.status_code in (201, 204), loaded.text


def _send(client: httpx.Client, request: HttpRequest) -> httpx.Response:
    built = client.build_request(request.method, request.path, content=request.body,
                                 headers=dict(request.headers))
    if not any(name.lower() == "accept" for name, _ in request.headers):
        del built.headers["accept"]  # the manifest's request has none: let the server choose
    return client.send(built)


# -- checking an answer ------------------------------------------------------------------------

def _read_results(body: bytes, syntax: str) -> Solutions | bool:
    if syntax == "json":
        return parse_json_answer(body)
    if syntax == "xml":
        return parse_xml_answer(body)
    return csv_solutions(body) if syntax == "csv" else parse_tsv_answer(body)


def _check(response: httpx.Response, expected: Expected) -> None:
    assert response.status_code // 100 in expected.status_classes, (
        f"status {response.status_code}, expected {sorted(expected.status_classes)}xx: {response.text[:300]}")
    if expected.format is None:
        return
    media = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    admitted = EXPECTED_MEDIA[expected.format]
    assert media in admitted, f"{media!r} is not one of {sorted(admitted)} ({expected.format})"
    if expected.format == "RDF":
        rdflib.Graph().parse(io.BytesIO(response.content), format=admitted[media])
        return
    answer = _read_results(response.content, admitted[media])
    if expected.format == "boolean":
        assert isinstance(answer, bool), f"not a boolean answer: {response.text[:300]}"
        if expected.boolean is not None:
            assert answer is expected.boolean
    else:
        assert isinstance(answer, Solutions), f"not a table of solutions: {response.text[:300]}"


@pytest.mark.parametrize("test", [_param(t) for t in TESTS])
def test_w3c_protocol(test: ProtocolTest, protocol_client: httpx.Client) -> None:
    _load(protocol_client, test)
    for number, request in enumerate(test.requests, 1):
        response = _send(protocol_client, request)
        try:
            _check(response, request.expected)
        except AssertionError as failure:
            raise AssertionError(f"{test.name}, request {number} ({request.method} "
                                 f"{request.path[:80]}): {failure}") from None


def test_manifest_is_read_whole() -> None:
    # Every entry of the manifest is a protocol test with at least one request and an expected status.
    graph = Graph().parse(PROTOCOL_DIR / "manifest.ttl", format="turtle", publicID=MANIFEST)
    entries = list(Collection(graph, graph.value(URIRef(MANIFEST), MF.entries)))  # type: ignore[arg-type]
    assert len(TESTS) == len(entries) == 34
    assert all(t.requests and all(r.expected.status_classes for r in t.requests) for t in TESTS)
    assert set(GAPS) <= {t.iri for t in TESTS}
