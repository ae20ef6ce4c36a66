"""Uploads are all-or-nothing in every format: a body that fails anywhere changes nothing.

Each bad body starts with good triples and fails later (cut off, a bad last line, a DOCTYPE after
70 KB of comments...). Sent by Graph Store PUT (replace: the graph's old content must survive) and
POST (merge: nothing may be added), to a graph that exists and to one that does not (it must not be
created), against a real `kg serve` over an on-disk store. Every refusal is a 400 in the JSON error
shape, with the line (and column) where the format tells one.
"""

from __future__ import annotations

import httpx
import pytest

from live import LiveServer
from security.conftest import auth_headers
from security.http_checks import ERROR_EXTRAS, graph_content, triple_count

pytestmark = pytest.mark.e2e  # a real server process

TIMEOUT = 60.0
EX = "http://example.org/uploads/"
OLD = f'<{EX}old> <{EX}p> "old content" .'
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

TRUNCATED_RDFXML = (
    f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:e="http://e/">'
    '<rdf:Description rdf:about="http://e/x"><e:p>v</e:p></rdf:Description>'
    '<rdf:Description rdf:about="http://e/y"><e:p>'
).encode()

GOOD_TURTLE_LINES = "".join(f'<{EX}s{i}> <{EX}p> "value {i}" .\n' for i in range(200))

#: name -> (content type, body, whether the answer must name a line).
BAD_BODIES: dict[str, tuple[str, bytes, bool]] = {
    "rdfxml_truncated": ("application/rdf+xml", TRUNCATED_RDFXML, True),
    "rdfxml_bad_iri_at_the_end": ("application/rdf+xml", (
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:e="http://e/">'
        '<rdf:Description rdf:about="http://e/x"><e:p>v</e:p></rdf:Description>'
        '<rdf:Description rdf:about="http://e/y"><e:p rdf:resource="http://e/ bad iri"/></rdf:Description>'
        "</rdf:RDF>").encode(), False),
    "rdfxml_doctype_after_70kb_of_comments": ("application/rdf+xml", (
        b'<?xml version="1.0"?>\n' + b"<!-- " + b"x" * 70_000 + b" -->\n"
        + b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        + b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
        + f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:e="http://e/">'.encode()
        + b'<rdf:Description rdf:about="http://e/x"><e:p>&c;</e:p></rdf:Description></rdf:RDF>'), False),
    "turtle_truncated": ("text/turtle", (GOOD_TURTLE_LINES + f'<{EX}last> <{EX}p> "unfinish').encode(),
                         True),
    "turtle_truncated_in_a_blank_node": ("text/turtle", (
        GOOD_TURTLE_LINES + f"<{EX}last> <{EX}p> [ <{EX}q> <{EX}o> ;").encode(), True),
    "turtle_undeclared_prefix_at_the_end": ("text/turtle", (GOOD_TURTLE_LINES + "nope:s nope:p nope:o .\n")
                                            .encode(), True),
    "turtle_invalid_utf8_at_the_end": ("text/turtle", GOOD_TURTLE_LINES.encode()
                                       + f'<{EX}last> <{EX}p> "'.encode() + b"\xff\xfe" + b'" .\n', False),
    "ntriples_bad_last_line": ("application/n-triples", (GOOD_TURTLE_LINES + f"<{EX}last> <{EX}p> oops .\n")
                               .encode(), True),
    "ntriples_relative_iri_at_the_end": ("application/n-triples", (GOOD_TURTLE_LINES
                                         + f"<{EX}last> <{EX}p> <relative> .\n").encode(), True),
    "jsonld_cut_in_the_middle": ("application/ld+json", (
        '[{"@id": "' + EX + 'a", "' + EX + 'p": "new"}, {"@id": "' + EX + 'b", "' + EX + 'p": "ne').encode(),
        False),
    "jsonld_bad_value_at_the_end": ("application/ld+json", (
        '[{"@id": "' + EX + 'a", "' + EX + 'p": "new"}, {"@id": "' + EX + 'b", "@type": 5}]').encode(),
        False),
}


def assert_load_error(response: httpx.Response, *, needs_line: bool) -> dict[str, object]:
    assert response.status_code == 400, (response.status_code, response.text[:300])
    body = response.json()
    assert {"status", "code", "detail"} <= set(body), body
    assert set(body) - {"status", "code", "detail"} <= ERROR_EXTRAS, body
    assert body["status"] == 400 and body["code"] in {"load_error", "nesting_too_deep"}, body
    assert isinstance(body["detail"], str) and body["detail"], body
    if needs_line:
        assert isinstance(body.get("line"), int) and body["line"] >= 1, body
    return body


def send(url: str, method: str, graph: str, content_type: str, body: bytes) -> httpx.Response:
    return httpx.request(method, f"{url}/rdf-graphs", params={"graph": graph}, content=body,
                         headers={"content-type": content_type, **auth_headers()}, timeout=TIMEOUT)


@pytest.mark.parametrize("method", ["PUT", "POST"])
@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_bad_upload_changes_nothing(writable_server: LiveServer, name: str, method: str) -> None:
    url = writable_server.url
    content_type, body, needs_line = BAD_BODIES[name]
    existing, fresh = f"{EX}{name}/{method}/existing", f"{EX}{name}/{method}/fresh"
    created = send(url, "PUT", existing, "application/n-triples", OLD.encode())
    assert created.status_code in (201, 204), created.text
    before = triple_count(url)

    assert_load_error(send(url, method, existing, content_type, body), needs_line=needs_line)
    assert_load_error(send(url, method, fresh, content_type, body), needs_line=needs_line)

    assert graph_content(url, existing) == {OLD}, "the old content did not survive a bad body"
    assert graph_content(url, fresh) is None, "a bad body created its graph"
    assert triple_count(url) == before
    assert httpx.get(f"{url}/health", timeout=TIMEOUT).status_code == 200


def test_truncated_rdfxml_names_line_and_column(writable_server: LiveServer) -> None:
    response = send(writable_server.url, "PUT", f"{EX}rdfxml-position", "application/rdf+xml",
                    TRUNCATED_RDFXML)
    body = assert_load_error(response, needs_line=True)
    assert body["line"] == 1, body
    column = body.get("column")
    assert isinstance(column, int) and column >= 1, body
    assert "line 1" in str(body["detail"]) and "column" in str(body["detail"]), body


def test_doctype_refusal_names_the_entity_risk(writable_server: LiveServer) -> None:
    _, body, _ = BAD_BODIES["rdfxml_doctype_after_70kb_of_comments"]
    found = assert_load_error(send(writable_server.url, "PUT", f"{EX}doctype", "application/rdf+xml", body),
                              needs_line=False)
    assert "DOCTYPE" in str(found["detail"]), found


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_good_prefix_of_every_bad_body_would_have_loaded(writable_server: LiveServer, name: str) -> None:
    # The control: the part before the failure is valid, so "nothing stored" above really means
    # the store kept nothing of a body it had begun to read.
    content_type, _, _ = BAD_BODIES[name]
    if content_type == "application/rdf+xml":
        good = (f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:e="http://e/">'
                '<rdf:Description rdf:about="http://e/x"><e:p>v</e:p></rdf:Description></rdf:RDF>').encode()
    elif content_type == "application/ld+json":
        good = ('[{"@id": "' + EX + 'a", "' + EX + 'p": "new"}]').encode()
    else:
        good = GOOD_TURTLE_LINES.encode()
    graph = f"{EX}control/{name}"
    response = send(writable_server.url, "PUT", graph, content_type, good)
    assert response.status_code == 201, response.text[:300]
    assert graph_content(writable_server.url, graph)
