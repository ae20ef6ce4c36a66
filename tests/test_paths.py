"""Paths over a small hand-written graph (tests/fixtures/tracing.trig): projection, search, bounds."""

from __future__ import annotations

import pytest

from kg.config import Settings
from kg.errors import BadRequestError, EntityNotFoundError
from kg.graphview import GraphView, PropertyFilter, TypeFilter
from kg.lookup.service import EntityLookup
from kg.namespaces import GRAPH, ID, IKG, ORG
from kg.naming import EntityResolver
from kg.paths import PathFinder, PathQuery
from kg.provenance import Provenance
from kg.store import GraphStore
from kg.terms import iri
from support import FIXTURES, tracing_store


@pytest.fixture(scope="module")
def view() -> GraphView:
    store = tracing_store()
    return GraphView(store, Provenance(store, FIXTURES))


def finder_over(view: GraphView, settings: Settings | None = None, **options: int) -> PathFinder:
    """A path finder over `view`, resolving names through its store's lookup (as kg.services does)."""
    resolver = EntityResolver(view.store, EntityLookup(view.store))
    return PathFinder(view, settings or Settings(in_memory=True), resolver, **options)


@pytest.fixture(scope="module")
def finder(view: GraphView) -> PathFinder:
    return finder_over(view)


def slugs(path: object) -> list[str]:
    return [i.removeprefix(str(ID)) for i in path.iris()]  # type: ignore[attr-defined]


NO_PLACES = PropertyFilter(avoid=frozenset({str(IKG.locatedIn)}))


def test_projection_keeps_entities_and_events_but_not_structural_nodes(view: GraphView) -> None:
    index = view.projection().index
    for kept in ("agency", "office", "person", "post-director", "approval-2016", "renaming-2018"):
        assert str(ID[kept]) in index
    for structural in ("fund-amount", "sec-1"):
        assert str(ID[structural]) not in index
    assert not any("/ev/" in i for i in index)
    assert str(IKG.LeadingGroup) not in index  # ontology classes are not entities


def test_path_hops_give_relation_direction_and_cited_text(finder: PathFinder) -> None:
    result = finder.find_paths(PathQuery("agency", "division", k=1, properties=NO_PLACES))
    (path,) = result.paths
    assert slugs(path) == ["agency", "group", "office", "division"]
    first, second, third = path.hops
    assert (first.property, first.direction) == (str(IKG.coLeads), "forward")
    assert (second.property, second.direction) == (str(IKG.executiveBodyOf), "backward")
    assert (third.property, third.direction) == (str(ORG.unitOf), "backward")
    assert [c.text for c in first.citations] == ["某部委共同牵头推进领导小组"]
    assert first.citations[0].section == "一.1"
    assert (first.label_zh, first.label_en) == ("共同牵头", "co-leads")
    assert second.also == ((str(IKG.handlesDailyWorkOf), "backward"),)


def test_k_paths_are_distinct_simple_and_shortest_first(finder: PathFinder) -> None:
    result = finder.find_paths(PathQuery("agency", "division", k=3))
    sequences = [tuple(slugs(p)) for p in result.paths]
    assert len(sequences) == 3 and len(set(sequences)) == 3
    assert sequences[0] == ("agency", "city", "division")
    assert [len(p.hops) for p in result.paths] == sorted(len(p.hops) for p in result.paths)
    assert all(len(set(s)) == len(s) for s in sequences)
    assert not result.truncated


def test_hub_is_not_passed_through_and_the_answer_says_so(view: GraphView) -> None:
    finder = finder_over(view, hub_degree=8)
    result = finder.find_paths(PathQuery("agency", "division", k=3))
    assert result.paths, "a path avoiding the hub exists"
    assert all("city" not in slugs(p) for p in result.paths)
    assert result.truncated
    assert "hub" in (result.reason or "") and "city" in (result.reason or "")


def test_hub_may_still_be_an_endpoint(view: GraphView) -> None:
    finder = finder_over(view, hub_degree=8)
    result = finder.find_paths(PathQuery("city", "agency", k=1))
    assert slugs(result.paths[0]) == ["city", "agency"]


def test_directed_search_refuses_steps_against_the_statements(finder: PathFinder) -> None:
    result = finder.find_paths(PathQuery("agency", "division", directed=True))
    assert result.paths == ()
    assert not result.truncated
    assert "no directed path" in (result.reason or "")
    forward = finder.find_paths(PathQuery("division", "directive", directed=True))
    assert [h.direction for h in forward.paths[0].hops] == ["forward"] * 3


def test_relation_filters_choose_the_statements_walked(finder: PathFinder) -> None:
    only_places = PropertyFilter(follow=frozenset({str(IKG.locatedIn)}))
    result = finder.find_paths(PathQuery("agency", "division", k=3, properties=only_places))
    assert [slugs(p) for p in result.paths] == [["agency", "city", "division"]]
    avoid = PropertyFilter(avoid=frozenset({str(IKG.locatedIn), str(IKG.executiveBodyOf)}))
    hops = finder.find_paths(PathQuery("agency", "division", k=1, properties=avoid)).paths[0].hops
    assert hops[1].property == str(IKG.handlesDailyWorkOf)


def test_type_filter_keeps_paths_out_of_avoided_classes(finder: PathFinder) -> None:
    avoid_groups = TypeFilter(avoid=frozenset({str(IKG.LeadingGroup)}))
    result = finder.find_paths(PathQuery("agency", "division", properties=NO_PLACES, types=avoid_groups))
    assert result.paths == ()
    assert "filters" in (result.reason or "")


def test_unconnected_entities_have_no_path_and_a_reason(finder: PathFinder) -> None:
    result = finder.find_paths(PathQuery("lonely", "agency"))
    assert result.paths == ()
    assert result.reason and "no path of at most 6 hops" in result.reason


def test_unknown_entity_is_not_found(finder: PathFinder) -> None:
    with pytest.raises(EntityNotFoundError):
        finder.find_paths(PathQuery("no-such-body", "agency"))


def test_limits_past_the_settings_are_refused(finder: PathFinder) -> None:
    with pytest.raises(BadRequestError, match="KG_MAX_PATHS"):
        finder.find_paths(PathQuery("agency", "office", k=11))
    with pytest.raises(BadRequestError, match="KG_MAX_HOPS"):
        finder.find_paths(PathQuery("agency", "office", max_hops=7))


def test_entities_resolve_from_curie_iri_and_label(finder: PathFinder) -> None:
    for name in ("id:agency", str(ID.agency), f"<{ID.agency}>", "某部委", "Agency"):
        result = finder.find_paths(PathQuery(name, "group", k=1))
        assert result.source.node.iri == str(ID.agency), name


def test_ambiguous_label_takes_the_best_hit_and_says_which(finder: PathFinder) -> None:
    result = finder.find_paths(PathQuery("办公室", "group", k=1))
    assert result.source.node.iri in {str(ID.office), str(ID["office-old"])}
    assert result.source.note and "ambiguous" in result.source.note
    assert result.to_dict()["notes"] == [result.source.note]


def test_event_hop_reads_as_what_happened(finder: PathFinder) -> None:
    result = finder.find_paths(PathQuery("council", "science-centre", k=1, properties=NO_PLACES))
    (path,) = result.paths
    assert slugs(path) == ["council", "approval-2016", "science-centre"]
    event = path.hops[0].to
    assert event.summary_en == "Science centre approved in 2016-02 by State Council"
    assert event.summary_zh == "2016-02国务院批复科学中心"
    assert all(h.dates == ("2016-02",) for h in path.hops)
    assert path.to_dict()["hops"][0]["to"]["event"]["date"] == "2016-02"


def test_relation_derived_from_an_event_carries_its_date(finder: PathFinder) -> None:
    hop = finder.find_paths(PathQuery("office-old", "office", k=1)).paths[0].hops[0]
    assert hop.property == str(IKG.renamedTo)
    assert hop.dates == ("2018-05",)
    assert hop.citations[0].derived_via == str(ID["renaming-2018"])


def test_time_budget_stops_the_search_and_is_reported() -> None:
    store = GraphStore.in_memory()
    side = 7  # a grid: 924 equally short corner-to-corner paths keep Yen busy
    triples = [(iri(f"{ID}n{x}-{y}"), iri(str(IKG.leads)), iri(f"{ID}n{x + dx}-{y + dy}"))
               for x in range(side) for y in range(side) for dx, dy in ((1, 0), (0, 1))
               if x + dx < side and y + dy < side]
    types = [(iri(f"{ID}n{x}-{y}"), iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
              iri(str(IKG.GovernmentBody))) for x in range(side) for y in range(side)]
    store.add_triples(triples + types, graph=str(GRAPH.grid))
    finder = finder_over(GraphView(store), Settings(in_memory=True, path_time_budget=1e-6, max_hops=12))
    result = finder.find_paths(PathQuery("n0-0", f"n{side - 1}-{side - 1}", k=10, max_hops=12))
    assert result.truncated
    assert "time budget" in (result.reason or "")


def test_same_request_gives_the_same_answer(view: GraphView, finder: PathFinder) -> None:
    query = PathQuery("council", "division", k=5)
    first = finder.find_paths(query).to_dict()
    assert finder.find_paths(query).to_dict() == first
    rebuilt = finder_over(GraphView(view.store, view.provenance), finder.settings)
    assert rebuilt.find_paths(query).to_dict() == first


def test_projection_follows_store_changes() -> None:
    store = tracing_store()
    finder = finder_over(GraphView(store))
    assert finder.find_paths(PathQuery("lonely", "agency")).paths == ()
    store.add_triples([(iri(str(ID.lonely)), iri(str(IKG.funds)), iri(str(ID.agency)))],
                      graph=str(GRAPH.extra))
    result = finder.find_paths(PathQuery("lonely", "agency"))
    assert slugs(result.paths[0]) == ["lonely", "agency"]


def test_neighbourhood_is_capped_and_says_truncated(view: GraphView) -> None:
    whole = view.neighbourhood(str(ID.office), 1, limit=100)
    assert not whole.truncated
    ids = {n.iri.removeprefix(str(ID)) for n in whole.nodes}
    assert {"office", "group", "group2", "division", "city", "office-old"} <= ids
    assert all(e.source in {n.iri for n in whole.nodes} for e in whole.edges)
    capped = view.neighbourhood(str(ID.office), 2, limit=4)
    assert capped.truncated and len(capped.nodes) == 4
    assert [n.iri for n in capped.nodes] == sorted(n.iri for n in capped.nodes)


def test_neighbourhood_filters_relations(view: GraphView) -> None:
    keep = PropertyFilter(follow=frozenset({str(IKG.locatedIn)}))
    sub = view.neighbourhood(str(ID.office), 1, keep=keep)
    assert {n.iri.removeprefix(str(ID)) for n in sub.nodes} == {"office", "city"}
    assert {e.property for e in sub.edges} == {str(IKG.locatedIn)}


def test_subgraph_json_uses_ids_and_citations(view: GraphView) -> None:
    data = view.path_subgraph([[str(ID.agency), str(ID.group)]]).to_dict()
    assert [n["id"] for n in data["nodes"]] == ["agency", "group"]
    (edge,) = data["edges"]
    assert (edge["source"], edge["target"], edge["property"]["curie"]) == ("agency", "group",
                                                                           "ikg:coLeads")
    assert edge["citations"][0]["text"] == "某部委共同牵头推进领导小组"


def test_concurrent_searches_during_writes_stay_consistent() -> None:
    import threading

    store = tracing_store()
    finder = finder_over(GraphView(store))
    errors: list[BaseException] = []

    def search() -> None:
        try:
            for _ in range(20):
                result = finder.find_paths(PathQuery("agency", "division", k=2))
                assert result.paths and slugs(result.paths[0])[0] == "agency"
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(20):
        store.add_triples([(iri(f"{ID}extra-{n}"), iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                            iri(str(IKG.Enterprise)))], graph=str(GRAPH.extra))
    for thread in threads:
        thread.join()
    assert errors == []
    assert str(ID["extra-19"]) in finder.view.projection().index
