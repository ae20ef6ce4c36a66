"""Exports read back by independent readers: networkx (GraphML, GEXF, node-link), lxml + the GEXF XSD,
Graphviz (`dot -Tjson`), csv, rdflib; counts and contents must match the source subgraph."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kg.config import Settings
from kg.errors import ExportScopeError, UnknownExportFormatError
from kg.exports import FORMATS, Exporter, ExportRequest, ExportScope
from kg.exports.gexf import write_gexf
from kg.exports.graphml import write_graphml
from kg.exports.graphviz import write_dot
from kg.exports.jsongraph import write_cytoscape, write_nodelink
from kg.exports.palette import colour_of
from kg.exports.presentation import present
from kg.exports.tables import write_csv_edges, write_csv_nodes
from kg.graphview import PropertyFilter, Subgraph, TypeFilter
from kg.store import GraphStore
from support import services_over

GEXF_XSD = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "gexf-1.3" / "gexf.xsd"
GEXF_NS, VIZ_NS = "http://gexf.net/1.3", "http://gexf.net/1.3/viz"
REPORT_GRAPH = "https://w3id.org/innokg/graph/fixture-report"
IKG = "https://w3id.org/innokg/ontology#"

#: A small graph in the project's model: entities with zh/en labels, relations with evidence nodes,
#: and awkward names (quotes, backslashes, line breaks, markup) that every writer must escape.
FIXTURE_TRIG = r"""
@prefix ikg: <https://w3id.org/innokg/ontology#> .
@prefix id: <https://w3id.org/innokg/id/> .
@prefix ev: <https://w3id.org/innokg/id/ev/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/innokg/graph/ontology> {
  ikg:GovernmentBody rdfs:subClassOf org:Organization ; rdfs:label "政府机构"@zh, "government body"@en .
  ikg:LeadingGroup rdfs:subClassOf org:Organization ; rdfs:label "领导小组"@zh, "leading group"@en .
  ikg:CoordinationOffice rdfs:subClassOf org:Organization ;
    rdfs:label "推进办公室"@zh, "coordination office"@en .
  ikg:leads rdfs:label "牵头"@zh, "leads"@en .
  ikg:handlesDailyWorkOf rdfs:label "承担日常工作"@zh, "handles daily work of"@en .
}

<https://w3id.org/innokg/graph/fixture-report> {
  id:report a ikg:Report ; dcterms:title "测试报告"@zh .
  id:sec-1 a ikg:Section ; ikg:sectionNumber "一.1" ; dcterms:title "领导体制" .

  id:ndrc a ikg:GovernmentBody ; skos:prefLabel "国家发改委"@zh, "NDRC"@en .
  id:lg a ikg:LeadingGroup ; skos:prefLabel "推进\"科创中心\"领导小组"@zh, "Leading group \\ \"STC\""@en ;
     skos:altLabel "领导小组"@zh .
  id:office a ikg:CoordinationOffice ; skos:prefLabel "科创办"@zh, "STC Office <&>"@en .
  id:office.b a ikg:CoordinationOffice ; skos:prefLabel "第二\n办公室"@zh .
  id:office_b a ikg:CoordinationOffice ; skos:prefLabel "Office B"@en .

  id:ndrc ikg:leads id:lg .
  id:office ikg:handlesDailyWorkOf id:lg .
  id:office.b ikg:handlesDailyWorkOf id:lg .
  id:office_b org:subOrganizationOf id:office .

  ev:e1 a ikg:Evidence ; rdf:subject id:ndrc ; rdf:predicate ikg:leads ; rdf:object id:lg ;
    prov:wasDerivedFrom id:report ; ikg:inSection id:sec-1 ; oa:start 10 ; oa:end 20 .
  ev:e2 a ikg:Evidence ; rdf:subject id:office ; rdf:predicate ikg:handlesDailyWorkOf ; rdf:object id:lg ;
    prov:wasDerivedFrom id:report ; ikg:inSection id:sec-1 ; oa:start 30 ; oa:end 44 .
  ev:e3 a ikg:Evidence ; rdf:subject id:office ; rdf:predicate rdf:type ; rdf:object ikg:CoordinationOffice ;
    prov:wasDerivedFrom id:report ; oa:start 30 ; oa:end 33 .
}
"""


def load_fixture_store() -> GraphStore:
    """A fresh in-memory store holding the fixture graph (one query worker, started on first use)."""
    store = GraphStore.in_memory(Settings(in_memory=True, query_workers=1, warm_up=False))
    store.load_bytes(FIXTURE_TRIG.encode("utf-8"), fmt="trig", name="fixture.trig")
    return store


def make_exporter(store: GraphStore, max_nodes: int = 500) -> Exporter:
    """An exporter over `store` holding at most `max_nodes` nodes per export."""
    return services_over(store, max_export_nodes=max_nodes).exporter


@pytest.fixture(scope="module")
def store() -> Iterator[GraphStore]:
    graph_store = load_fixture_store()
    yield graph_store
    graph_store.close()  # its query worker


@pytest.fixture(scope="module")
def exporter(store: GraphStore) -> Exporter:
    """An exporter whose CONSTRUCT scope runs in a real (sandboxed) query worker, as on the server."""
    return make_exporter(store)


@pytest.fixture(scope="module")
def whole(exporter: Exporter) -> Subgraph:
    return exporter.select(ExportScope("all")).subgraph


def export(exporter: Exporter, fmt: str, scope: ExportScope | None = None, **options: object) -> bytes:
    return exporter.export(ExportRequest(fmt, scope or ExportScope(), **options)).content  # type: ignore[arg-type]


def test_fixture_whole_graph_has_entities_but_no_structural_nodes(whole: Subgraph) -> None:
    ids = {n.iri.rsplit("/", 1)[-1] for n in whole.nodes}
    assert {"ndrc", "lg", "office", "office.b", "office_b"} <= ids
    assert not ids & {"e1", "e2", "sec-1"}
    assert len(whole.edges) == 4


def test_graphml_read_by_networkx_keeps_counts_labels_and_colours(exporter: Exporter,
                                                                   whole: Subgraph) -> None:
    graph = nx.read_graphml(io.BytesIO(export(exporter, "graphml", lang="en")))
    assert graph.number_of_nodes() == len(whole.nodes)
    assert graph.number_of_edges() == len(whole.edges)
    assert graph.nodes["lg"]["label"] == 'Leading group \\ "STC"'
    assert graph.nodes["lg"]["label_zh"] == '推进"科创中心"领导小组'
    assert graph.nodes["office"]["type"] == "CoordinationOffice"
    assert graph.nodes["office"]["colour"] == colour_of("CoordinationOffice")
    edge = next(d for _, _, d in graph.edges(data=True) if d.get("property") == "ikg:leads")
    assert edge["label"] == "leads"
    assert "一.1 [10,20)" in edge["citations"]


def test_graphml_carries_yed_graphics_with_fill_colour(exporter: Exporter) -> None:
    text = export(exporter, "graphml").decode("utf-8")
    assert 'yfiles.type="nodegraphics"' in text
    assert f'<y:Fill color="{colour_of("GovernmentBody").upper()}"' in text
    assert "<y:NodeLabel" in text and "国家发改委</y:NodeLabel>" in text


def _viz_in_the_xsd_namespace(document: bytes) -> Any:
    """The GEXF document with its viz elements moved into the namespace the official 1.3 XSD declares
    them in (the GEXF namespace: the XSD lost the viz module's own, see kg.exports.gexf)."""
    etree = pytest.importorskip("lxml.etree")
    root = etree.fromstring(document)
    for item in root.iter(f"{{{VIZ_NS}}}*"):
        item.tag = f"{{{GEXF_NS}}}{etree.QName(item).localname}"
    etree.cleanup_namespaces(root)
    return root


@pytest.mark.parametrize("options", [{}, {"layout": "spring"}], ids=["plain", "laid-out"])
def test_gexf_is_valid_against_the_gexf_13_xsd(exporter: Exporter, options: dict[str, str]) -> None:
    etree = pytest.importorskip("lxml.etree")
    if not GEXF_XSD.exists():
        pytest.skip(f"{GEXF_XSD} is absent (../shared is not next to this checkout)")
    schema = etree.XMLSchema(etree.parse(str(GEXF_XSD)))
    document = _viz_in_the_xsd_namespace(export(exporter, "gexf", **options))
    assert schema.validate(document), schema.error_log


def test_gexf_writes_the_viz_module_in_its_13_namespace(exporter: Exporter) -> None:
    etree = pytest.importorskip("lxml.etree")
    document = etree.fromstring(export(exporter, "gexf", layout="spring"))
    assert document.nsmap["viz"] == "http://gexf.net/1.3/viz"
    node = document.find(f".//{{{GEXF_NS}}}node")
    assert {etree.QName(c).namespace for c in node if etree.QName(c).localname != "attvalues"} == {VIZ_NS}
    assert document.find(f".//{{{GEXF_NS}}}color") is None  # nothing left in the GEXF namespace


def test_gexf_colours_and_positions_read_back_by_networkx(exporter: Exporter, whole: Subgraph) -> None:
    graph = nx.read_gexf(io.BytesIO(export(exporter, "gexf", layout="spring")))
    for node in whole.nodes:
        viz = graph.nodes[node.iri.rsplit("/", 1)[-1]]["viz"]
        r, g, b = (int(colour_of(node.category)[i:i + 2], 16) for i in (1, 3, 5))
        assert (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == (r, g, b)
        assert set(viz["position"]) == {"x", "y", "z"}


def test_gexf_read_by_networkx_keeps_counts_and_attributes(exporter: Exporter, whole: Subgraph) -> None:
    graph = nx.read_gexf(io.BytesIO(export(exporter, "gexf", lang="zh")))
    assert graph.number_of_nodes() == len(whole.nodes)
    assert graph.number_of_edges() == len(whole.edges)
    assert graph.nodes["office"]["label"] == "科创办"
    assert graph.nodes["office"]["colour"] == colour_of("CoordinationOffice")
    assert graph.nodes["office_b"]["label"] == "Office B"  # no zh label: falls back to en


def test_gexf_gives_each_node_a_viz_colour_of_its_category(exporter: Exporter, whole: Subgraph) -> None:
    etree = pytest.importorskip("lxml.etree")
    document = etree.fromstring(export(exporter, "gexf"))
    ns = {"g": GEXF_NS, "viz": VIZ_NS}
    colours = {n.get("id"): n.find("viz:color", ns).get("hex") for n in document.iterfind(".//g:node", ns)}
    assert colours == {n.iri.rsplit("/", 1)[-1]: colour_of(n.category) for n in whole.nodes}
    assert all(c.prefix == "viz" for c in document.iterfind(".//viz:color", ns))


def test_dot_read_by_graphviz_keeps_every_node_and_edge(whole: Subgraph) -> None:
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("Graphviz `dot` is not installed (scripts/setup-debian installs it)")
    source = write_dot(present(whole, "zh"))
    done = subprocess.run([dot, "-Tjson"], input=source, capture_output=True, check=True, timeout=60)
    drawn = json.loads(done.stdout)
    names = {o["name"] for o in drawn.get("objects", [])}
    assert len(names) == len(whole.nodes) == len(drawn["objects"])
    assert len(drawn.get("edges", [])) == len(whole.edges)
    labels = {o["name"]: o["label"] for o in drawn["objects"]}
    assert labels["lg"] == '推进"科创中心"领导小组'
    assert labels["office.b"] == "第二\\n办公室"  # Graphviz keeps the escape; it draws a line break


def test_dot_quotes_ids_that_graphviz_would_otherwise_split() -> None:
    from kg.graphview import Edge, Node

    nodes = (
        Node("https://example.org/a:b", "甲", None, (), "GovernmentBody"),
        Node("https://example.org/a", "乙", None, (), "GovernmentBody"),
        Node('https://example.org/q"x', 'x"\\', None, (), "Person"),
    )
    edges = (Edge(nodes[0].iri, nodes[2].iri, "https://example.org/p", 'p"', None, ()),)
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("Graphviz `dot` is not installed (scripts/setup-debian installs it)")
    source = write_dot(present(Subgraph(nodes, edges), "zh"))
    drawn = json.loads(subprocess.run([dot, "-Tjson"], input=source, capture_output=True,
                                      check=True, timeout=60).stdout)
    assert len(drawn["objects"]) == 3
    assert len(drawn["edges"]) == 1


def test_cytoscape_json_loads_in_the_real_cytoscape_package(exporter: Exporter, whole: Subgraph,
                                                            tmp_path: Path) -> None:
    node = shutil.which("node")
    reader = Path(__file__).parent / "js" / "read_cytoscape.mjs"
    package = Path(__file__).resolve().parents[1] / "node_modules" / "cytoscape"
    if node is None or not package.exists():
        pytest.skip("node or node_modules/cytoscape is missing; run scripts/setup-web")
    path = tmp_path / "graph.cyjs"
    path.write_bytes(export(exporter, "cytoscape"))
    done = subprocess.run([node, str(reader), str(path)], capture_output=True, check=True, timeout=60)
    counts = json.loads(done.stdout)
    assert counts["nodes"] == len(whole.nodes)
    assert counts["edges"] == len(whole.edges)
    assert counts["dangling_edges"] == 0
    assert counts["colours"]["office"] == colour_of("CoordinationOffice")


def test_cytoscape_elements_carry_id_label_type_colour(exporter: Exporter) -> None:
    document = json.loads(export(exporter, "cytoscape", lang="en"))
    nodes = {n["data"]["id"]: n["data"] for n in document["elements"]["nodes"]}
    assert nodes["ndrc"]["label"] == "NDRC"
    assert nodes["ndrc"]["type"] == "GovernmentBody"
    assert nodes["ndrc"]["colour"] == colour_of("GovernmentBody")
    edges = document["elements"]["edges"]
    assert {e["data"]["label"] for e in edges} >= {"leads", "handles daily work of"}


def test_nodelink_read_by_networkx_keeps_counts(exporter: Exporter, whole: Subgraph) -> None:
    graph = nx.node_link_graph(json.loads(export(exporter, "nodelink")), edges="links")
    assert graph.number_of_nodes() == len(whole.nodes)
    assert graph.number_of_edges() == len(whole.edges)


def test_csv_node_and_edge_lists_match_the_subgraph(exporter: Exporter, whole: Subgraph) -> None:
    nodes = list(csv.DictReader(io.StringIO(export(exporter, "csv-nodes").decode("utf-8"))))
    edges = list(csv.DictReader(io.StringIO(export(exporter, "csv-edges").decode("utf-8"))))
    assert len(nodes) == len(whole.nodes)
    assert len(edges) == len(whole.edges)
    by_id = {row["id"]: row for row in nodes}
    assert by_id["office.b"]["label"] == "第二\n办公室"
    assert {row["source"] for row in edges} <= set(by_id)
    leads = next(row for row in edges if row["property"] == "ikg:leads")
    assert leads["citations"] == "一.1 [10,20)"


def test_csv_with_bom_starts_with_the_utf8_byte_order_mark(exporter: Exporter) -> None:
    assert export(exporter, "csv-nodes", bom=True).startswith(b"\xef\xbb\xbf")
    assert not export(exporter, "csv-nodes").startswith(b"\xef\xbb\xbf")


def _expected_rdf(store: GraphStore, whole: Subgraph) -> Graph:
    """The subgraph's statements and evidence, gathered independently with SPARQL."""
    expected = Graph()
    values = " ".join(f"<{n.iri}>" for n in whole.nodes)
    rows = store.select(f"""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }}
          VALUES ?p {{ <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> skos:prefLabel skos:altLabel }}
          ?s ?p ?o }}""")
    rows += store.select(f"""
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX ikg: <https://w3id.org/innokg/ontology#>
        SELECT ?s ?p ?o WHERE {{
          ?ev a ikg:Evidence ; rdf:subject ?x ; rdf:predicate ?y ; rdf:object ?z . VALUES ?x {{ {values} }}
          {{ ?x ?y ?z }} BIND(?ev AS ?s) ?s ?p ?o }}""")
    rows += store.select(f"""SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?o {{ {values} }}
          ?s ?p ?o FILTER(?p != <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>) }}""")
    from kg.exports.rdf import to_rdflib

    for row in rows:
        expected.add((to_rdflib(row["s"]), to_rdflib(row["p"]), to_rdflib(row["o"])))
    return expected


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("jsonld", "json-ld"),
                                        ("ntriples", "nt")])
def test_rdf_exports_are_isomorphic_to_the_subgraph_with_evidence(
        exporter: Exporter, store: GraphStore, whole: Subgraph, fmt: str, parser: str) -> None:
    parsed = Graph().parse(data=export(exporter, fmt), format=parser)
    assert isomorphic(parsed, _expected_rdf(store, whole))


def test_trig_export_keeps_statements_in_their_source_graph(exporter: Exporter, store: GraphStore,
                                                            whole: Subgraph) -> None:
    dataset = Dataset()
    dataset.parse(data=export(exporter, "trig"), format="trig")
    report = dataset.graph(URIRef(REPORT_GRAPH))
    assert isomorphic(Graph() + report, _expected_rdf(store, whole))


def test_neighbourhood_scope_exports_the_entity_and_its_neighbours(exporter: Exporter) -> None:
    scope = ExportScope("neighbourhood", entity="office", depth=1)
    result = exporter.export(ExportRequest("csv-nodes", scope))
    ids = {row["id"] for row in csv.DictReader(io.StringIO(result.content.decode("utf-8")))}
    assert ids == {"office", "lg", "office_b"}
    assert result.filename == "innokg-neighbourhood-office.nodes.csv"


def test_path_scope_exports_the_hops_between_two_entities(exporter: Exporter) -> None:
    scope = ExportScope("path", source="ndrc", target="office", k=3)
    result = exporter.export(ExportRequest("nodelink", scope))
    graph = nx.node_link_graph(json.loads(result.content), edges="links")
    assert sorted(graph.nodes) == ["lg", "ndrc", "office"]
    assert {(u, v) for u, v in graph.edges()} == {("ndrc", "lg"), ("office", "lg")}
    assert result.filename == "innokg-path-ndrc-office.json"


def test_trace_down_scope_follows_governance_relations(exporter: Exporter) -> None:
    scope = ExportScope("trace", entity="ndrc", direction="down")
    result = exporter.export(ExportRequest("csv-nodes", scope))
    ids = {row["id"] for row in csv.DictReader(io.StringIO(result.content.decode("utf-8")))}
    assert {"ndrc", "lg", "office", "office.b"} <= ids
    assert result.filename == "innokg-trace-down-ndrc.nodes.csv"


def test_construct_scope_draws_the_query_result_and_cites_its_evidence(exporter: Exporter) -> None:
    query = ("PREFIX ikg: <https://w3id.org/innokg/ontology#> "
             "CONSTRUCT { ?a ikg:leads ?b } WHERE { ?a ikg:leads ?b }")
    scope = ExportScope("construct", query=query)
    graph = nx.read_graphml(io.BytesIO(exporter.export(ExportRequest("graphml", scope)).content))
    assert sorted(graph.nodes) == ["lg", "ndrc"]
    turtle = exporter.export(ExportRequest("turtle", scope)).content
    parsed = Graph().parse(data=turtle, format="turtle")
    assert (None, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"),
            URIRef("https://w3id.org/innokg/id/ndrc")) in parsed


def test_construct_scope_refuses_a_select_and_a_service_call(exporter: Exporter) -> None:
    from kg.errors import QueryRefusedError

    with pytest.raises(ExportScopeError):
        exporter.export(ExportRequest("turtle", ExportScope("construct", query="SELECT * WHERE {?s ?p ?o}")))
    with pytest.raises(QueryRefusedError):
        exporter.export(ExportRequest("turtle", ExportScope(
            "construct", query="CONSTRUCT {?s ?p ?o} WHERE { SERVICE <http://x.invalid/> {?s ?p ?o} }")))


def test_unknown_format_scope_and_missing_entity_are_refused(exporter: Exporter) -> None:
    from kg.errors import EntityNotFoundError

    with pytest.raises(UnknownExportFormatError):
        exporter.export(ExportRequest("xlsx"))
    with pytest.raises(ExportScopeError):
        exporter.export(ExportRequest("gexf", ExportScope("galaxy")))
    with pytest.raises(ExportScopeError):
        exporter.export(ExportRequest("gexf", ExportScope("neighbourhood")))
    with pytest.raises(EntityNotFoundError):
        exporter.export(ExportRequest("gexf", ExportScope("neighbourhood", entity="no-such-body")))


def test_every_format_has_a_distinct_file_extension() -> None:
    extensions = [f.extension for f in FORMATS.values()]
    assert len(set(extensions)) == len(extensions)


def test_whole_graph_export_is_cut_at_the_node_limit_and_says_so(store: GraphStore) -> None:
    small = make_exporter(store, max_nodes=2)
    result = small.export(ExportRequest("cytoscape"))
    document = json.loads(result.content)
    assert result.truncated and document["data"]["truncated"] is True
    assert len(document["elements"]["nodes"]) == 2


def test_writers_share_one_colour_per_category(whole: Subgraph) -> None:
    view = present(whole, "zh")
    cy = json.loads(write_cytoscape(view))
    nl = json.loads(write_nodelink(view))
    gexf_text = write_gexf(view).decode()
    graphml_text = write_graphml(view).decode()
    csv_rows = list(csv.DictReader(io.StringIO(write_csv_nodes(view).decode())))
    for node in view.nodes:
        cy_colours = {n["data"]["colour"] for n in cy["elements"]["nodes"] if n["data"]["id"] == node.id}
        assert cy_colours == {node.colour}
        assert {n["colour"] for n in nl["nodes"] if n["id"] == node.id} == {node.colour}
        assert node.colour in gexf_text and node.colour in graphml_text
    assert {r["colour"] for r in csv_rows} == {n.colour for n in view.nodes}
    assert write_csv_edges(view)


# -- positions ---------------------------------------------------------------------------------------

def _cytoscape_positions(content: bytes) -> dict[str, dict[str, float]]:
    return {n["data"]["id"]: n["position"] for n in json.loads(content)["elements"]["nodes"]}


def test_spring_layout_places_every_node_the_same_way_every_time(exporter: Exporter,
                                                                 whole: Subgraph) -> None:
    first = _cytoscape_positions(export(exporter, "cytoscape", layout="spring"))
    assert first == _cytoscape_positions(export(exporter, "cytoscape", layout="spring"))
    assert len(first) == len(whole.nodes)
    assert all(p["x"] >= 0 and p["y"] >= 0 for p in first.values())
    assert len({(p["x"], p["y"]) for p in first.values()}) == len(first)  # no two nodes on one spot


def test_every_positioned_format_carries_the_same_positions(exporter: Exporter) -> None:
    expected = {i: (p["x"], p["y"]) for i, p in
                _cytoscape_positions(export(exporter, "cytoscape", layout="spring")).items()}
    etree = pytest.importorskip("lxml.etree")
    # Read with lxml: networkx takes a node's x and y from yEd's geometry (its top-left corner) instead.
    graphml = etree.fromstring(export(exporter, "graphml", layout="spring"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert {n.get("id"): (float(n.findtext("g:data[@key='n_x']", namespaces=ns)),
                          float(n.findtext("g:data[@key='n_y']", namespaces=ns)))
            for n in graphml.iterfind(".//g:node", ns)} == expected
    assert graphml.find("g:key[@id='n_x']", ns).get("attr.name") == "x"  # the name Gephi reads
    nodelink = json.loads(export(exporter, "nodelink", layout="spring"))
    assert {n["id"]: (n["x"], n["y"]) for n in nodelink["nodes"]} == expected
    gexf = nx.read_gexf(io.BytesIO(export(exporter, "gexf", layout="spring")))
    # Gephi's y axis points up: the file says -y.
    drawn = {i: (d["viz"]["position"]["x"], -d["viz"]["position"]["y"]) for i, d in gexf.nodes(data=True)}
    assert drawn == expected
    dot = export(exporter, "dot", layout="spring").decode("utf-8")
    x, y = expected["ndrc"]
    assert f'pos="{x},{-y}!"' in next(line for line in dot.splitlines() if line.startswith('  "ndrc" ['))


def test_dot_layout_takes_graphvizs_positions_and_draws_images_at_them(exporter: Exporter) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed (scripts/setup-debian installs it)")
    dot = _cytoscape_positions(export(exporter, "cytoscape", layout="dot"))
    assert dot != _cytoscape_positions(export(exporter, "cytoscape", layout="spring"))
    # rankdir=LR: a relation reads left to right, so the subject is left of its object.
    assert dot["ndrc"]["x"] < dot["lg"]["x"]
    assert export(exporter, "svg", layout="spring").lstrip().startswith(b"<?xml")


def test_layout_is_refused_where_a_format_has_no_positions_or_the_name_is_unknown(
        exporter: Exporter) -> None:
    from kg.errors import BadRequestError

    for fmt in ("csv-nodes", "turtle"):
        with pytest.raises(BadRequestError, match=f"layout=spring: format={fmt} carries no positions"):
            export(exporter, fmt, layout="spring")
    with pytest.raises(BadRequestError, match="Unknown layout='circle'"):
        export(exporter, "gexf", layout="circle")


def test_an_export_without_layout_carries_no_positions(exporter: Exporter) -> None:
    document = json.loads(export(exporter, "cytoscape"))
    assert all("position" not in n for n in document["elements"]["nodes"])
    assert b"n_x" not in export(exporter, "graphml")


# -- the node cap --------------------------------------------------------------------------------

def test_a_cut_export_says_so_inside_every_format_with_room_for_it(store: GraphStore) -> None:
    small = make_exporter(store, max_nodes=500)

    def cut(fmt: str) -> bytes:
        result = small.export(ExportRequest(fmt, max_nodes=2))
        assert result.truncated and result.total_nodes == 6 and result.max_nodes == 2
        return result.content

    graphml = nx.read_graphml(io.BytesIO(cut("graphml")))
    assert graphml.graph["truncated"] is True and graphml.graph["total_nodes"] == 6
    assert "max_nodes=2" in graphml.graph["note"]
    for fmt in ("cytoscape", "nodelink"):
        document = json.loads(cut(fmt))
        assert document["truncated"] is True and document["total_nodes"] == 6
        assert "holds 2 of 6 nodes" in document["note"]
    etree = pytest.importorskip("lxml.etree")
    meta = etree.fromstring(cut("gexf")).find(f"{{{GEXF_NS}}}meta")
    assert meta.findtext(f"{{{GEXF_NS}}}keywords") == "truncated"
    assert "Truncated: this export holds 2 of 6 nodes" in meta.findtext(f"{{{GEXF_NS}}}description")
    assert cut("dot").decode("utf-8").startswith("// Truncated: this export holds 2 of 6 nodes")


def test_an_uncut_export_says_it_is_whole(exporter: Exporter) -> None:
    document = json.loads(export(exporter, "nodelink"))
    assert document["truncated"] is False and document["total_nodes"] == 6 and "note" not in document
    assert nx.read_graphml(io.BytesIO(export(exporter, "graphml"))).graph["truncated"] is False


def test_the_whole_graph_cut_keeps_the_most_connected_entities(exporter: Exporter) -> None:
    # lg has three neighbours (ndrc, office, office.b); every other entity fewer.
    result = exporter.export(ExportRequest("csv-nodes", max_nodes=1))
    assert [row["id"] for row in csv.DictReader(io.StringIO(result.content.decode("utf-8")))] == ["lg"]


def test_max_nodes_past_the_ceiling_is_refused(exporter: Exporter) -> None:
    from kg.errors import BadRequestError

    with pytest.raises(BadRequestError, match=r"max_nodes=501 is out of range; use 1 to 500"):
        exporter.export(ExportRequest("gexf", max_nodes=501))


# -- chosen nodes (what a page shows) ------------------------------------------------------------

def test_nodes_scope_exports_the_chosen_nodes_and_every_relation_among_them(exporter: Exporter) -> None:
    scope = ExportScope("nodes", nodes=("ndrc", "id:lg", "https://w3id.org/innokg/id/office", "ndrc"))
    result = exporter.export(ExportRequest("nodelink", scope))
    graph = nx.node_link_graph(json.loads(result.content), edges="links")
    assert sorted(graph.nodes) == ["lg", "ndrc", "office"]
    assert sorted(graph.edges()) == [("ndrc", "lg"), ("office", "lg")]
    assert result.filename == "innokg-nodes-lg-ndrc-office.json"
    assert not result.truncated


def test_nodes_scope_in_rdf_carries_the_statements_and_their_evidence(exporter: Exporter) -> None:
    scope = ExportScope("nodes", nodes=("ndrc", "lg"))
    parsed = Graph().parse(data=exporter.export(ExportRequest("turtle", scope)).content, format="turtle")
    ikg, ids = "https://w3id.org/innokg/ontology#", "https://w3id.org/innokg/id/"
    assert (URIRef(ids + "ndrc"), URIRef(ikg + "leads"), URIRef(ids + "lg")) in parsed
    assert (URIRef(ids + "ev/e1"), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"),
            URIRef(ids + "ndrc")) in parsed
    assert (URIRef(ids + "office"), None, None) not in parsed


def test_nodes_scope_refuses_an_unknown_node_too_many_nodes_and_none(exporter: Exporter) -> None:
    from kg.errors import EntityNotFoundError

    with pytest.raises(EntityNotFoundError):
        exporter.export(ExportRequest("gexf", ExportScope("nodes", nodes=("ndrc", "no-such-body"))))
    with pytest.raises(ExportScopeError, match="names 3 entities; an export holds at most 2"):
        exporter.export(ExportRequest("gexf", ExportScope("nodes", nodes=("ndrc", "lg", "office")),
                                      max_nodes=2))
    with pytest.raises(ExportScopeError, match="scope=nodes needs the parameter"):
        exporter.export(ExportRequest("gexf", ExportScope("nodes")))
    with pytest.raises(ExportScopeError, match="empty node= value"):
        exporter.export(ExportRequest("gexf", ExportScope("nodes", nodes=("ndrc", " "))))


def test_nodes_scope_names_many_nodes_by_count_and_digest(exporter: Exporter) -> None:
    scope = ExportScope("nodes", nodes=("ndrc", "lg", "office", "office_b"))
    assert re.fullmatch(r"innokg-nodes-4-[0-9a-f]{10}\.gexf",
                        exporter.export(ExportRequest("gexf", scope)).filename)


# -- the bundled graph: only entities, each inverse pair once ------------------------------------

def test_the_whole_bundled_graph_holds_only_labelled_domain_entities(client: TestClient) -> None:
    document = client.get("/export", params={"format": "nodelink"}).json()
    assert len(document["nodes"]) > 100
    assert [n["id"] for n in document["nodes"] if any(t.startswith("sh:") for t in n["types"])] == []
    assert [n["id"] for n in document["nodes"] if not (n["label_zh"] or n["label_en"])] == []
    assert document["truncated"] is False and document["total_nodes"] == len(document["nodes"])


def test_graph_formats_draw_each_inverse_pair_once_in_its_primary_direction(
        client: TestClient, bundled_store: GraphStore) -> None:
    links = client.get("/export", params={"format": "nodelink"}).json()["links"]
    drawn = Counter(link["property"] for link in links)
    assert drawn["org:hasUnit"] == drawn["org:changedBy"] == drawn["org:resultedFrom"] == 0
    facts = bundled_store.select("""PREFIX org: <http://www.w3.org/ns/org#>
        SELECT DISTINCT ?unit ?org WHERE { { ?unit org:unitOf ?org } UNION { ?org org:hasUnit ?unit } }""")
    units = {(link["source"], link["target"]) for link in links if link["property"] == "org:unitOf"}
    assert len(units) == drawn["org:unitOf"] == len(facts)
    assert ("stc-office-industry-promotion-division", "shanghai-stc-office") in units
    # The drawn fact cites the evidence of both statements.
    link = next(link for link in links if link["property"] == "org:unitOf"
                and link["source"] == "stc-office-industry-promotion-division")
    assert link["citations"].count("[") == 2


def test_rdf_exports_keep_both_statements_of_an_inverse_pair(client: TestClient) -> None:
    response = client.get("/export", params={"format": "ntriples", "scope": "nodes",
                                             "node": ["shanghai-stc-office",
                                                      "stc-office-industry-promotion-division"]})
    parsed = Graph().parse(data=response.content, format="nt")
    org, ids = "http://www.w3.org/ns/org#", "https://w3id.org/innokg/id/"
    office = URIRef(ids + "shanghai-stc-office")
    division = URIRef(ids + "stc-office-industry-promotion-division")
    assert (office, URIRef(org + "hasUnit"), division) in parsed
    assert (division, URIRef(org + "unitOf"), office) in parsed


# -- the HTTP contract ---------------------------------------------------------------------------

def test_export_api_exports_what_a_page_shows_by_repeated_node_parameters(client: TestClient) -> None:
    response = client.get("/export?scope=nodes&node=shanghai-stc-office&node=id:ndrc"
                          "&node=%E7%A7%91%E5%88%9B%E5%8A%9E&format=cytoscape&layout=spring")
    assert response.status_code == 200, response.text
    assert response.headers["KG-Truncated"] == "false"
    assert "innokg-nodes-ndrc-shanghai-stc-office.cyjs" in response.headers["Content-Disposition"]
    document = response.json()
    assert sorted(n["data"]["id"] for n in document["elements"]["nodes"]) == ["ndrc", "shanghai-stc-office"]
    assert all("position" in n for n in document["elements"]["nodes"])


@pytest.mark.parametrize("query,status,says", [
    ("scope=nodes&format=gexf", 400, "needs the parameter(s) node"),
    ("scope=nodes&node=no-such-body&format=gexf", 404, "no-such-body"),
    ("format=gexf&layout=circle", 400, "layout='circle'"),
    ("format=csv-edges&layout=dot", 400, "layout=dot: format=csv-edges carries no positions"),
    ("format=gexf&max_nodes=5001", 400, "max_nodes=5001 is out of range"),
    ("format=gexf&max_nodes=0", 400, "max_nodes: must be at least 1"),
    ("scope=path&source=ndrc&target=most&format=gexf&max_hops=99", 400, "max_hops=99 is out of range"),
    ("scope=path&source=ndrc&target=most&format=gexf&avoid_property=leads", 400, "avoid_property 'leads'"),
    ("scope=all&format=gexf&max_hops=2", 400, "max_hops does not apply to scope=all"),
    ("scope=trace&entity=ndrc&format=gexf&avoid_property=ikg:leads", 400,
     "avoid_property does not apply to scope=trace"),
    ("scope=nodes&node=ndrc&format=gexf&directed=true", 400, "directed does not apply to scope=nodes"),
])
def test_export_api_refuses_bad_parameters_naming_them(client: TestClient, query: str, status: int,
                                                        says: str) -> None:
    response = client.get(f"/export?{query}")
    assert response.status_code == status
    assert says in response.json()["detail"]


def test_export_api_cuts_at_max_nodes_and_says_so(client: TestClient) -> None:
    response = client.get("/export", params={"format": "nodelink", "max_nodes": 10})
    assert response.headers["KG-Truncated"] == "true"
    document = response.json()
    assert len(document["nodes"]) == 10 and document["truncated"] is True
    assert document["total_nodes"] > 100


def test_export_formats_lists_scopes_layouts_and_the_node_cap(client: TestClient) -> None:
    listing = client.get("/export/formats").json()
    assert "nodes" in listing["scopes"]
    assert listing["layouts"] == ["none", "dot", "spring"]
    assert listing["max_nodes"] == 5000
    assert "gexf" in listing["positioned_formats"] and "turtle" not in listing["positioned_formats"]


DECLARED_INVERSES = """
@prefix ex: <https://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix org: <http://www.w3.org/ns/org#> .
<https://example.org/g> {
  ex:oversees owl:inverseOf ex:overseenBy .
  ex:a a ex:Body . ex:b a ex:Body . ex:c a ex:Body .
  ex:a ex:oversees ex:b . ex:b ex:overseenBy ex:a .
  ex:c ex:overseenBy ex:b .
  ex:b org:hasUnit ex:c .
}
"""


def test_a_pair_the_store_declares_inverse_is_drawn_from_its_subject() -> None:
    from kg.graphview import GraphView

    store = GraphStore.in_memory()
    store.load_bytes(DECLARED_INVERSES.encode(), fmt="trig", name="inverses.trig")
    view = GraphView(store)
    drawn = {(e.source.rsplit("/", 1)[-1], e.property.rsplit("/", 1)[-1].rsplit("#", 1)[-1],
              e.target.rsplit("/", 1)[-1]) for e in view.folded(view.whole()).edges}
    # Two statements of one fact are one edge; a statement stated only the other way is turned;
    # org:hasUnit (ORG's pair, decided by the table) is drawn as org:unitOf.
    assert drawn == {("a", "oversees", "b"), ("b", "oversees", "c"), ("c", "unitOf", "b")}


# -- walk options: what a page hides stays out, paths as GET /paths finds them ---------------------

def _nodelink(exporter: Exporter, scope: ExportScope) -> nx.MultiDiGraph:
    return nx.node_link_graph(json.loads(export(exporter, "nodelink", scope)), edges="links")


def test_nodes_scope_leaves_out_the_relations_a_filter_leaves_out(exporter: Exporter) -> None:
    chosen = ("ndrc", "lg", "office")
    avoided = _nodelink(exporter, ExportScope("nodes", nodes=chosen,
                                              relations=PropertyFilter(avoid=frozenset({IKG + "leads"}))))
    assert sorted(avoided.nodes) == ["lg", "ndrc", "office"]  # a hidden relation hides no node
    assert sorted(avoided.edges()) == [("office", "lg")]
    only = _nodelink(exporter, ExportScope("nodes", nodes=chosen,
                                           relations=PropertyFilter(follow=frozenset({IKG + "leads"}))))
    assert sorted(only.edges()) == [("ndrc", "lg")]
    turtle = Graph().parse(data=export(exporter, "turtle", ExportScope(
        "nodes", nodes=chosen, relations=PropertyFilter(avoid=frozenset({IKG + "leads"})))), format="turtle")
    assert (None, URIRef(IKG + "leads"), None) not in turtle
    assert (None, URIRef(IKG + "handlesDailyWorkOf"), None) in turtle


def test_neighbourhood_scope_walks_with_the_relation_and_type_filters(exporter: Exporter) -> None:
    def ids(**options: Any) -> list[str]:
        return sorted(_nodelink(exporter, ExportScope("neighbourhood", entity="lg", **options)).nodes)

    assert ids() == ["lg", "ndrc", "office", "office.b"]
    assert ids(relations=PropertyFilter(avoid=frozenset({IKG + "leads"}))) == ["lg", "office", "office.b"]
    assert ids(types=TypeFilter(avoid=frozenset({IKG + "CoordinationOffice"}))) == ["lg", "ndrc"]


@pytest.mark.parametrize(("options", "edges"), [
    ({}, [("ndrc", "lg"), ("office", "lg")]),
    ({"k": 1, "max_hops": 2}, [("ndrc", "lg"), ("office", "lg")]),
    ({"max_hops": 1}, []),  # the only path has two hops
    ({"directed": True}, []),  # it walks office → lg backwards
    ({"relations": PropertyFilter(avoid=frozenset({IKG + "handlesDailyWorkOf"}))}, []),
    ({"types": TypeFilter(avoid=frozenset({IKG + "LeadingGroup"}))}, []),
], ids=["default", "k-and-hops", "too-few-hops", "directed", "avoid-property", "avoid-type"])
def test_path_scope_searches_with_the_options_of_get_paths(exporter: Exporter, options: dict[str, Any],
                                                            edges: list[tuple[str, str]]) -> None:
    graph = _nodelink(exporter, ExportScope("path", source="ndrc", target="office", **options))
    assert sorted(graph.edges()) == edges
    assert {"ndrc", "office"} <= set(graph.nodes)  # the ends are there even when no path joins them


@pytest.mark.parametrize(("scope", "option"), [
    (ExportScope("all", max_hops=2), "max_hops"),
    (ExportScope("neighbourhood", entity="ndrc", directed=True), "directed"),
    (ExportScope("nodes", nodes=("ndrc",), types=TypeFilter(through=frozenset({IKG + "LeadingGroup"}))),
     "type"),
    (ExportScope("construct", query="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                 relations=PropertyFilter(avoid=frozenset({IKG + "leads"}))), "avoid_property"),
])
def test_a_walk_option_a_scope_cannot_use_is_refused(exporter: Exporter, scope: ExportScope,
                                                     option: str) -> None:
    with pytest.raises(ExportScopeError, match=f"{option} does not apply to scope={scope.kind}"):
        exporter.export(ExportRequest("gexf", scope))


SCREEN = ["shanghai-stc-office", "stc-office-science-platform-division",
          "stc-office-industry-promotion-division", "ndrc", "zjnsc-council"]


def _edge_keys(client: TestClient, **params: Any) -> list[str]:
    answer = client.get("/export", params={"scope": "nodes", "node": SCREEN, "format": "cytoscape", **params})
    assert answer.status_code == 200, answer.text
    return sorted(f"{e['data']['source']}|{e['data']['property']}|{e['data']['target']}"
                  for e in answer.json()["elements"]["edges"])


def test_a_download_of_the_screen_leaves_out_a_hidden_relation_both_ways(client: TestClient) -> None:
    shown = _edge_keys(client)
    assert any("|org:unitOf|" in key for key in shown)
    hidden = _edge_keys(client, avoid_property="org:unitOf")
    assert hidden == [key for key in shown if "|org:unitOf|" not in key] and hidden
    # org:hasUnit and org:unitOf are one relation: hiding either direction hides the pair.
    assert _edge_keys(client, avoid_property="org:hasUnit") == hidden
    statements = Graph().parse(data=client.get("/export", params={
        "scope": "nodes", "node": SCREEN, "format": "ntriples", "avoid_property": "org:unitOf"}).content,
        format="nt")
    org = "http://www.w3.org/ns/org#"
    assert (None, URIRef(org + "unitOf"), None) not in statements
    assert (None, URIRef(org + "hasUnit"), None) not in statements


@pytest.mark.parametrize("options", [
    {"source": "ndrc", "target": "shanghai-stc-office"},
    {"source": "ndrc", "target": "shanghai-stc-office", "k": 5, "max_hops": 4},
    {"source": "ndrc", "target": "shanghai-stc-office", "avoid_property": ["ikg:coLeads"]},
    {"source": "shanghai-stc-office", "target": "xi-2014-directive", "directed": "true"},
    {"source": "ndrc", "target": "shanghai-stc-office", "max_hops": 1},
], ids=["default", "k-and-hops", "avoid", "directed", "no-path"])
def test_a_path_export_holds_the_paths_get_paths_finds(client: TestClient, options: dict[str, Any]) -> None:
    found = client.get("/paths", params=options).json()
    hops = [(h["from"]["id"], h["to"]["id"]) for p in found["paths"] for h in p["hops"]]
    answer = client.get("/export", params={"scope": "path", "format": "nodelink", **options})
    assert answer.status_code == 200, answer.text
    document = answer.json()
    ends = {found["source"]["id"], found["target"]["id"]}
    assert {n["id"] for n in document["nodes"]} == {i for hop in hops for i in hop} | ends
    joined = {frozenset((link["source"], link["target"])) for link in document["links"]}
    assert joined == {frozenset(hop) for hop in hops}


def test_kg_export_takes_the_path_options_of_kg_path(client: TestClient, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from kg.cli import main

    out = tmp_path / "paths.json"
    options = {"k": 2, "max_hops": 4, "avoid_property": "ikg:coLeads"}
    assert main(["export", "nodelink", "--scope", "path", "--source", "ndrc", "--target", "科创办",
                 "-k", "2", "--max-hops", "4", "--avoid-property", "ikg:coLeads",
                 "-o", str(out), "--memory"]) == 0
    served = client.get("/export", params={"scope": "path", "source": "ndrc", "target": "科创办",
                                           "format": "nodelink", **options}).json()
    assert json.loads(out.read_text(encoding="utf-8")) == served
    plain = client.get("/export", params={"scope": "path", "source": "ndrc", "target": "科创办",
                                          "format": "nodelink"}).json()
    assert served["links"] and "national-stc-leading-group" in {n["id"] for n in plain["nodes"]}
    assert "national-stc-leading-group" not in {n["id"] for n in served["nodes"]}  # reached by ikg:coLeads
    capsys.readouterr()
    assert main(["export", "nodelink", "--scope", "path", "--source", "ndrc", "--target", "科创办",
                 "--max-hops", "99", "-o", str(out), "--memory"]) != 0
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "max_hops=99 is out of range" in error


def test_kg_export_exports_chosen_nodes_less_a_hidden_relation(client: TestClient, tmp_path: Path) -> None:
    from kg.cli import main

    out = tmp_path / "screen.cyjs"
    nodes = [arg for node in SCREEN for arg in ("--node", node)]
    assert main(["export", "cytoscape", "--scope", "nodes", *nodes, "--avoid-property", "org:unitOf",
                 "-o", str(out), "--memory"]) == 0
    edges = sorted(f"{e['data']['source']}|{e['data']['property']}|{e['data']['target']}"
                   for e in json.loads(out.read_text(encoding="utf-8"))["elements"]["edges"])
    assert edges == _edge_keys(client, avoid_property="org:unitOf")
