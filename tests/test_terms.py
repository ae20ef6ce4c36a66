"""Engine-neutral terms: N-Triples output that a caller's value can never break out of."""

from __future__ import annotations

import pytest

from kg.errors import BadRequestError
from kg.terms import Term, iri, literal


def test_term_writes_iri_literal_and_language_in_ntriples() -> None:
    assert iri("https://w3id.org/innokg/id/ndrc").to_ntriples() == "<https://w3id.org/innokg/id/ndrc>"
    assert literal('a "b"\n', lang="zh-Hans").to_ntriples() == '"a \\"b\\"\\n"@zh-Hans'
    assert literal("5", datatype="http://www.w3.org/2001/XMLSchema#integer").to_ntriples() == (
        '"5"^^<http://www.w3.org/2001/XMLSchema#integer>')


@pytest.mark.parametrize("value", [
    "http://x> a ?k } UNION { SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } } } #",
    "http://x/a b", "http://x/{a}", 'http://x/"', "http://x/\\u003E", "http://x/\n",
])
def test_term_refuses_an_iri_that_would_not_stay_one_term(value: str) -> None:
    with pytest.raises(BadRequestError, match="not a valid IRI"):
        iri(value).to_ntriples()
    with pytest.raises(BadRequestError, match="not a valid IRI"):
        literal("x", datatype=value).to_ntriples()


def test_term_refuses_a_language_tag_that_would_not_stay_one_term() -> None:
    with pytest.raises(BadRequestError, match="language tag"):
        Term("literal", "x", lang="en . } SERVICE <http://x/> {").to_ntriples()
