"""Analytics of the governance network: centrality, communities, components; cached per generation."""

from __future__ import annotations

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from kg import analytics as analytics_module
from kg.analytics import Analytics, pagerank
from kg.errors import BadRequestError
from kg.graphview import GraphView
from kg.namespaces import GRAPH, ID, IKG
from kg.terms import iri
from support import tracing_store


@pytest.fixture(scope="module")
def analytics() -> Analytics:
    return Analytics(GraphView(tracing_store()))


def slug(node_iri: str) -> str:
    return node_iri.removeprefix(str(ID))


def test_degree_counts_statements_and_breaks_ties_by_iri(analytics: Analytics) -> None:
    ranking = analytics.centrality("degree", limit=3)
    # city: nine entities are located in it; office: 9 statements (4 out; 5 in, its post's included).
    assert [(slug(r.node.iri), r.score) for r in ranking.results[:2]] == [("city", 9.0), ("office", 9.0)]
    assert ranking.method.startswith("statements per entity")


INVERSE_PAIR = """
@prefix id: <https://w3id.org/innokg/id/> .
@prefix ikg: <https://w3id.org/innokg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
<https://w3id.org/innokg/graph/t> {
  id:office a ikg:CoordinationOffice . id:division a org:OrganizationalUnit . id:group a ikg:LeadingGroup .
  id:office org:hasUnit id:division . id:division org:unitOf id:office .
  id:office ikg:handlesDailyWorkOf id:group .
}
"""


def test_a_statement_and_its_inverse_count_once_in_every_measure() -> None:
    from kg.store import GraphStore

    store = GraphStore.in_memory()
    store.load_bytes(INVERSE_PAIR.encode(), fmt="trig", name="inverse.trig")
    numbers = Analytics(GraphView(store))
    degree = {slug(r.node.iri): r.score for r in numbers.centrality("degree").results}
    assert degree == {"office": 2.0, "division": 1.0, "group": 1.0}
    ranking = numbers.centrality("pagerank")
    assert ranking.edges == 2  # three statements, two facts
    ranks = {slug(r.node.iri): r.score for r in ranking.results}
    # unitOf is the primary direction: the division links to the office, not back.
    assert ranks["office"] > ranks["division"]


def test_betweenness_is_exact_on_small_graphs_and_sampled_on_large(
        analytics: Analytics, monkeypatch: pytest.MonkeyPatch) -> None:
    exact = analytics.centrality("betweenness", limit=1)
    assert exact.method.startswith("exact")
    assert slug(exact.results[0].node.iri) == "city"
    monkeypatch.setattr(analytics_module, "BETWEENNESS_EXACT_NODES", 5)
    monkeypatch.setattr(analytics_module, "BETWEENNESS_MIN_SAMPLES", 4)
    fresh = Analytics(analytics.view)
    sampled = fresh.centrality("betweenness", limit=5)
    assert "sampled" in sampled.method and "seed 42" in sampled.method
    assert Analytics(analytics.view).centrality("betweenness", limit=5) == sampled


def test_pagerank_is_a_distribution_favouring_linked_to_nodes() -> None:
    graph = nx.MultiDiGraph([(0, 2), (1, 2), (2, 3), (3, 2)])
    graph.add_node(4)
    ranks = pagerank(graph)
    assert sum(ranks.values()) == pytest.approx(1.0)
    assert max(ranks, key=lambda n: ranks[n]) == 2
    assert ranks[0] == pytest.approx(ranks[1]) and ranks[0] == pytest.approx(ranks[4])


def test_unknown_measure_is_refused(analytics: Analytics) -> None:
    with pytest.raises(BadRequestError, match="degree, betweenness, pagerank"):
        analytics.centrality("fame")


def test_components_put_the_isolated_entity_alone(analytics: Analytics) -> None:
    grouping = analytics.components(limit=50)
    sizes = [g.size for g in grouping.groups]
    assert sizes == sorted(sizes, reverse=True)
    singles = [slug(g.members[0].iri) for g in grouping.groups if g.size == 1]
    assert "lonely" in singles
    assert sum(sizes) == len(analytics.view.projection().iris)


def test_communities_partition_the_graph_deterministically(analytics: Analytics) -> None:
    first = analytics.communities(limit=100, members=100)
    members = [m.iri for g in first.groups for m in g.members]
    assert len(members) == len(set(members)) == len(analytics.view.projection().iris)
    assert Analytics(analytics.view).communities(limit=100, members=100) == first


def test_results_follow_store_changes() -> None:
    store = tracing_store()
    analytics = Analytics(GraphView(store))
    before = {slug(r.node.iri): r.score for r in analytics.centrality("degree", limit=100).results}
    store.add_triples([(iri(str(ID.lonely)), iri(str(IKG.funds)), iri(str(ID.agency)))],
                      graph=str(GRAPH.extra))
    after = {slug(r.node.iri): r.score for r in analytics.centrality("degree", limit=100).results}
    assert (before["lonely"], after["lonely"]) == (0.0, 1.0)


def test_analytics_routes(client: TestClient) -> None:
    data = client.get("/analytics/centrality", params={"measure": "pagerank", "limit": 5}).json()
    assert len(data["results"]) == 5 and data["results"][0]["label"]["zh"]
    assert client.get("/analytics/centrality", params={"measure": "fame"}).status_code == 400
    components = client.get("/analytics/components").json()
    assert components["groups"][0]["size"] >= components["groups"][-1]["size"]
    communities = client.get("/analytics/communities", params={"limit": 3}).json()
    assert len(communities["groups"]) <= 3 and "Louvain" in communities["method"]
