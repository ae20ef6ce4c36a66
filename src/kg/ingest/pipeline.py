"""`kg ingest` as one call: read a report, extract, link, and write its candidate graph as TriG."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import kg
from kg.ingest.candidates import CandidateInput, Known, Linker, ReportIds, build_candidates, to_trig
from kg.ingest.extraction import Extraction, extract
from kg.ingest.source import ReportSource, load_report


@dataclass(frozen=True)
class Ingested:
    """One ingested report: its source, what was extracted, and the candidate graph (TriG)."""

    source: ReportSource
    extraction: Extraction
    trig: str

    @property
    def graph(self) -> str:
        """IRI of the named graph of its candidates."""
        return ReportIds(self.source.key).graph


def started_at(path: Path) -> datetime:
    """When the ingest counts as started: SOURCE_DATE_EPOCH when set (reproducible builds), else the
    time the report file was last changed, so re-ingesting the same file gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else int(path.stat().st_mtime)
    return datetime.fromtimestamp(seconds, UTC)


def ingest_source(source: ReportSource, started: datetime, *, linker: Linker | None = None,
                  known: Known | None = None) -> Ingested:
    """The candidate graph of a report's text (linked through `linker` when given)."""
    extraction = extract(source.text)
    given = CandidateInput(source.file_name, source.checksum, kg.__version__, started)
    triples = build_candidates(extraction, given, linker=linker, known=known)
    return Ingested(source, extraction, to_trig(triples, ReportIds(source.key).graph))


def ingest_file(path: Path, *, max_bytes: int, linker: Linker | None = None,
                known: Known | None = None) -> Ingested:
    """The candidate graph of the report at `path`; raises ReportInputError for bad input."""
    source = load_report(path, max_bytes=max_bytes)
    return ingest_source(source, started_at(path), linker=linker, known=known)
