"""The server-rendered HTML pages: every value is escaped (markup in a label, alias, quote, IRI or
identifier stays text, and an IRI in an href stays inside its attribute), and every template fails
loudly when a variable it uses is missing."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import jinja2
import pytest
from fastapi.testclient import TestClient

from kg.entities import Alias, EntityView, Fact, Name, Value
from kg.linked_data import entity_html, not_found_html, ontology_html
from kg.namespaces import ID, IKG, RDFS
from kg.pages import environment, render
from kg.provenance import Citation
from kg.reconcile import Preview, PreviewFact
from kg.terms import iri, literal
from support import SOURCE_REPORT, require_shared

#: Markup, a double quote and an ampersand: shown as text when escaped, an element when not.
EVIL = '<script>alert(1)</script> "quoted" & co'
#: A local name that closes a double-quoted attribute, adds a handler, then opens a script element.
BREAKOUT = 'x" onmouseover="alert(1)"><script>alert(1)</script><a href="y'
#: The attributes the templates write; anything else would come from a value breaking out.
ATTRIBUTES = {"lang", "charset", "rel", "type", "href", "class", "colspan"}
DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


class _Page(HTMLParser):
    """The elements (tag, attributes) and the visible text of a page, entities decoded."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._in_style = False
        self._text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self._text.append(data)

    @property
    def text(self) -> str:
        return "".join(self._text)

    def attribute(self, tag: str, name: str) -> list[str | None]:
        return [attrs.get(name) for t, attrs in self.elements if t == tag and name in attrs]


def _inert(page: str) -> _Page:
    """The parsed page, after checking no value became an element or an attribute."""
    assert "<script" not in page
    parsed = _Page(page)
    assert "script" not in {tag for tag, _ in parsed.elements}
    assert {name for _, attrs in parsed.elements for name in attrs} <= ATTRIBUTES
    return parsed


def _citation() -> Citation:
    return Citation(evidence=str(ID) + "ev/" + BREAKOUT, document=str(ID) + BREAKOUT, document_title=EVIL,
                    section=EVIL, section_title=EVIL, start=1, end=2, text=EVIL)


def _hostile_view() -> EntityView:
    node = Name(str(ID) + BREAKOUT, EVIL, EVIL)
    prop = Name(str(IKG.locatedIn), EVIL, None)
    return EntityView(
        name=Name(str(ID) + BREAKOUT, EVIL, EVIL),
        aliases=(Alias(EVIL, 'en" onclick="alert(1)', "alt"), Alias(EVIL, None, "hidden")),
        types=(Name("http://example.org/" + BREAKOUT, EVIL, None),),
        outgoing=(
            Fact(prop, Value(node=node), (_citation(),)),
            Fact(prop, Value(literal=EVIL, lang="en"), ()),
            Fact(prop, Value(literal=EVIL, datatype=DECIMAL, currency=EVIL), ()),
        ),
        incoming=(Fact(prop, Value(node=node), (_citation(),)),),
        citations=(_citation(),),
    )


# -- autoescaping ------------------------------------------------------------------------------------

def test_entity_page_shows_hostile_labels_aliases_and_quotes_as_text() -> None:
    page = _inert(entity_html(_hostile_view()))
    # title, heading, English label, alias, type, property, literal, currency, section, quote
    assert page.text.count(EVIL) >= 10
    assert str(ID) + BREAKOUT in page.text


def test_entity_page_hrefs_from_iris_stay_inside_their_attributes() -> None:
    page = _inert(entity_html(_hostile_view()))
    hrefs = page.attribute("a", "href")
    assert hrefs.count("/id/" + BREAKOUT) == 2  # the outgoing and the incoming node link
    assert all(href and href.startswith(("/id/", "/ui/#/entity/")) for href in hrefs)
    assert all(href and href.startswith("/id/") for href in page.attribute("link", "href"))
    assert 'en" onclick="alert(1)' in page.attribute("span", "lang")


def test_entity_page_keeps_alternate_links_lang_and_citations() -> None:
    page = _inert(entity_html(_hostile_view()))
    assert page.attribute("link", "type") == ["text/turtle", "application/ld+json", "application/n-triples",
                                              "application/rdf+xml"]
    assert page.attribute("html", "lang") == ["zh"]
    assert page.text.count(f"[1, 2){EVIL}") == 3  # the entity's citation, and each fact's


# -- quotes ---------------------------------------------------------------------------------------------

def _quotes(page: str) -> list[str]:
    """The texts of a page's quotes (blockquote elements), entities decoded."""
    return [_Page(quote).text for quote in re.findall(r"<blockquote>(.*?)</blockquote>", page, re.S)]


def test_entity_page_shows_quotes_without_the_reports_stray_spaces(client: TestClient) -> None:
    require_shared(SOURCE_REPORT)  # the quotes are cut from the report, which stays in ../shared
    answer = client.get("/id/stc-office-science-platform-division", headers={"Accept": "text/html"})
    assert answer.status_code == 200
    citations = client.get("/entities/stc-office-science-platform-division").json()["citations"]
    exact = {c["text"] for c in citations}
    assert "科 学平台处" in exact  # the JSON answer keeps the report's text: its span points into it
    quotes = _quotes(answer.text)
    assert "科学平台处" in quotes and "科学平台处胥喆处长" in quotes
    assert [q for q in quotes if re.search("[\u4e00-\u9fff] [\u4e00-\u9fff]", q)] == []
    # A source spelling is a name, shown as the report spells it (search finds it so), not a quote.
    assert '<span lang="zh">科 学平台处</span> (zh) <small>source spelling</small>' in answer.text


def test_a_normalised_quote_is_still_escaped() -> None:
    citation = Citation(evidence=str(ID) + "ev/x", document=str(ID) + "report", document_title=None,
                        section="一.1", section_title=None, start=1, end=2, text=f"科 学{EVIL}平\n\n台")
    view = EntityView(name=Name(str(ID) + "x", "某", None), aliases=(), types=(), outgoing=(), incoming=(),
                      citations=(citation,))
    page = _inert(entity_html(view))
    assert _quotes(entity_html(view)) == [f"科学{EVIL}平台"]
    assert f"科学{EVIL}平台" in page.text


def test_not_found_page_shows_a_hostile_identifier_as_text() -> None:
    page = _inert(not_found_html(BREAKOUT + EVIL))
    assert BREAKOUT + EVIL in page.text
    assert page.attribute("a", "href") == ["/ui/"]


def test_ontology_page_shows_hostile_terms_labels_and_comments_as_text() -> None:
    term = iri("http://example.org/" + BREAKOUT)
    page = _inert(ontology_html([
        (term, iri(str(RDFS.label)), literal(EVIL + " zh", lang="zh")),
        (term, iri(str(RDFS.label)), literal(EVIL + " en", lang="en")),
        (term, iri(str(RDFS.comment)), literal(EVIL + " comment", lang="en")),
    ]))
    assert all(EVIL + suffix in page.text for suffix in (" zh", " en", " comment"))
    assert "http://example.org/" + BREAKOUT in page.text
    assert page.attribute("a", "href") == ["?format=turtle", "?format=jsonld", "?format=ntriples",
                                           "?format=rdfxml"]


def test_preview_card_shows_hostile_values_as_text() -> None:
    preview = Preview(iri=str(ID) + BREAKOUT, label_zh=EVIL, label_en=EVIL + " en", aliases=(EVIL, EVIL),
                      types=(EVIL,), facts=(PreviewFact(EVIL, EVIL),), more_facts=2)
    page = _inert(preview.to_html())
    assert f"{EVIL}; {EVIL}" in page.text and f"{EVIL}: {EVIL}" in page.text
    assert EVIL + " en" in page.text and f"· {EVIL}" in page.text and "… 2" in page.text


# -- strict templates ----------------------------------------------------------------------------------

#: The least each template needs: every name here is used on every rendering.
MINIMAL: dict[str, dict[str, object]] = {
    "base.html": {},
    "macros.html": {},
    "entity.html": {"title": "t", "heading": "h", "label_en": "", "iri": "i", "slug": "s", "formats": [],
                    "types": [], "aliases": [], "citations": [], "outgoing": [], "incoming": []},
    "not_found.html": {"identifier": "x"},
    "ontology.html": {"terms": []},
    "preview.html": {"title": "t", "subtitle": None, "curie": "c", "types": [], "aliases": [],
                     "facts": [], "more_facts": 0},
}


def test_every_template_has_a_minimal_context() -> None:
    assert set(environment().list_templates()) == set(MINIMAL)


@pytest.mark.parametrize("name", sorted(MINIMAL))
def test_template_renders_with_its_minimal_context(name: str) -> None:
    page = render(name, **MINIMAL[name])
    assert name == "macros.html" or page.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(("name", "variable"), [(n, v) for n, context in MINIMAL.items() for v in context])
def test_template_without_one_variable_fails(name: str, variable: str) -> None:
    context = {k: v for k, v in MINIMAL[name].items() if k != variable}
    with pytest.raises(jinja2.UndefinedError, match=variable):
        render(name, **context)


def test_a_missing_attribute_of_a_row_fails_too() -> None:
    context = {**MINIMAL["entity.html"], "types": [{"text": "no href or curie"}]}
    with pytest.raises(jinja2.UndefinedError):
        render("entity.html", **context)
