"""The report text kept in the store (issue 15, part 3): loaded once from ../shared with the bundled graph,
named by its checksum in graph:sources, and read from there first: quotes and reading in context work
with KG_SOURCES_DIR pointing nowhere."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.config import Settings
from kg.namespaces import IKG
from kg.quotes import SOURCES_GRAPH, add_source_texts
from kg.services import Services, open_store
from kg.store import Engine
from kg.terms import iri
from support import SOURCE_REPORT, require_shared

REPORT = "https://w3id.org/innokg/id/report-xixian-2020-12"
EVIDENCE = "ev:zj2020-2750cfd396b8"  # the report's date, in the masthead


@pytest.fixture(scope="module")
def loaded() -> Engine:
    """The bundled graph as first loaded while ../shared was at hand (`open_store`, as every start does)."""
    source = require_shared(SOURCE_REPORT)
    return open_store(Settings(in_memory=True, sources_dir=source.parent, warm_up=False, query_workers=1))


@pytest.fixture
def services(loaded: Engine, tmp_path: Path) -> Iterator[Services]:
    """Services over that store whose KG_SOURCES_DIR points nowhere."""
    settings = Settings(in_memory=True, sources_dir=tmp_path / "no-such-dir", warm_up=False, query_workers=1)
    with Services(settings, loaded) as built:
        yield built


def test_the_bundled_reports_text_is_in_the_store_named_by_its_checksum(services: Services) -> None:
    text = SOURCE_REPORT.read_text(encoding="utf-8")
    node = f"urn:sha256:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"
    store = services.store
    contents = [o.value for _, _, o in store.triples(iri(node), iri(str(IKG.content)), graph=SOURCES_GRAPH)]
    assert contents == [text]
    assert [o.value for _, _, o in store.triples(iri(REPORT), iri(str(IKG.sourceText)))] == [node]


def test_quotes_and_reading_in_context_need_no_sources_dir_once_loaded(services: Services) -> None:
    text = SOURCE_REPORT.read_text(encoding="utf-8")
    reading = services.reader.read(EVIDENCE, base_url="http://x/")
    assert reading.citation.text == text[32:42] and reading.citation.text
    assert reading.paragraph is not None and text[32:42] in reading.paragraph.text
    assert reading.notes == ()
    cited = [c for cs in services.provenance.statements().values() for c in cs]
    assert len(cited) > 300 and all(c.text == text[c.start:c.end] for c in cited)


def test_storing_the_texts_again_adds_nothing(loaded: Engine) -> None:
    before = len(loaded)
    assert add_source_texts(loaded, SOURCE_REPORT.parent) == 0
    assert len(loaded) == before


def test_without_the_text_anywhere_the_reading_says_why(tmp_path: Path) -> None:
    settings = Settings(in_memory=True, sources_dir=tmp_path / "no-such-dir", warm_up=False, query_workers=1)
    with Services(settings, open_store(settings), owns_store=True) as services:
        reading = services.reader.read(EVIDENCE, base_url="http://x/")
        assert reading.paragraph is None and "KG_SOURCES_DIR" in reading.notes[0]
