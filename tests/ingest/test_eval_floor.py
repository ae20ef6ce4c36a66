"""The bundled report, ingested from scratch (linked to nothing), scored against the curated graph:
CI fails when extraction falls below the floors, set a little under what was measured
(docs/ingestion.md, "Measured scores")."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT
from kg.ingest.evaluation import Score, evaluate, read_graph
from kg.ingest.pipeline import ingest_source
from kg.ingest.source import load_report
from support import SOURCE_REPORT, require_shared

GOLD = PROJECT_ROOT / "data" / "zhangjiang-2020.trig"
#: Sections the patterns were developed on, and the ones held out while writing them.
DEVELOPMENT = ("报头", "导语", "一", "二", "报送")
HELD_OUT = ("三", "四")
#: (sections, kind) -> (least recall, least precision): a little under the scores measured.
FLOORS = {
    (None, "entities"): (0.58, 0.75),
    (None, "relations"): (0.34, 0.70),
    (DEVELOPMENT, "entities"): (0.77, 0.85),
    (DEVELOPMENT, "relations"): (0.47, 0.70),
    (HELD_OUT, "entities"): (0.17, 0.33),
}


@pytest.fixture(scope="module")
def candidates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = load_report(require_shared(SOURCE_REPORT), max_bytes=10_000_000)
    result = ingest_source(source, datetime(2020, 6, 12, tzinfo=UTC))
    path = tmp_path_factory.mktemp("eval") / "candidates.trig"
    path.write_text(result.trig, encoding="utf-8")
    return path


@pytest.mark.parametrize(("sections", "kind"), list(FLOORS))
def test_extraction_stays_above_its_floor(candidates: Path, sections: tuple[str, ...] | None,
                                         kind: str) -> None:
    score: Score = evaluate(read_graph(GOLD), read_graph(candidates), sections=sections)[kind]
    recall, precision = FLOORS[(sections, kind)]
    assert score.recall >= recall and score.precision >= precision, score.to_dict()


def test_the_gold_scored_against_itself_is_perfect() -> None:
    gold = read_graph(GOLD)
    for kind, score in evaluate(gold, gold).items():
        assert score.recall == score.precision == 1.0, (kind, score.to_dict())
    assert len(gold.entities) > 100 and len(gold.relations) > 100
