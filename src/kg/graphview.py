"""The entity graph: entity → entity relations, events included as nodes.

`GraphView` projects the store onto a multigraph whose nodes are entities (anything typed with a class
that is not structural: evidence, sections, posts and monetary amounts are left out, and so are
ontology terms) and whose edges are the statements between two entities, keyed by property. The
statements are kept as compressed numpy rows in both directions (kg.adjacency: a networkx
MultiDiGraph of them took 158 MB at a million triples, docs/engine-notes.md §4.7); the analytics get
networkx graphs built from them on first use (`Projection.graph`, `Projection.fact_graph`).
Events are nodes like any other (an Approval links the approving body and the approved thing), so a
path through an event reads as what happened.

The projection is read with two bulk SPARQL queries (edges; types, dates and ontology labels) and
rebuilt when `store.generation` changes. Entity labels (skos:prefLabel) are read lazily, in batches,
for the nodes an answer shows (all of them at once for `whole()`): at a million triples they are the
largest part of the read, and most requests show a few dozen nodes. Nodes are integers assigned in
IRI order, so iterating a node's neighbours in insertion order is deterministic and integer order is
IRI order.
"""

from __future__ import annotations

import functools
import heapq
import re
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from kg.adjacency import Adjacency
from kg.errors import EntityNotFoundError
from kg.namespaces import IKG, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, to_curie
from kg.naming import entity_id, local_name
from kg.terms import Term
from kg.terms import iri as iri_term

if TYPE_CHECKING:
    from kg.provenance import Citation, Provenance
    from kg.store import Engine
    from kg.store.index_files import IndexFiles

#: Types whose instances are structure of the graph, not entities. Posts (org:Post) are kept as
#: nodes, like events: in the data they carry relations of their own (a post co-leads a leading
#: group, a report is sent to a post) and they are what joins people to organisations.
STRUCTURAL_TYPES = frozenset(str(t) for t in (IKG.Evidence, IKG.Section, SDO.MonetaryAmount))
#: Namespaces of meta-level types (classes, properties, ontologies, SHACL shapes): their instances are
#: not entities.
_META_NAMESPACES = (str(OWL), str(RDFS), str(RDF), str(SH))
#: Predicates never projected, even between two entities.
EXCLUDED_PREDICATES = frozenset(str(p) for p in (RDF.type, RDFS.subClassOf, RDFS.subPropertyOf))
#: Classes whose instances are events (n-ary nodes explained by type, date and participants).
EVENT_CLASSES = frozenset({str(IKG.Event), str(ORG.ChangeEvent), str(PROV.Activity)})
#: Classes that give a node a role rather than a kind (a directive, approval or plan that is a
#: deployment): a node's category is its kind whenever it has one.
ROLE_CLASSES = frozenset(str(c) for c in (IKG.Deployment, IKG.NationalDeployment, IKG.MunicipalDeployment))

#: Labels of reused standard properties the ontology does not label itself (zh, en).
STANDARD_PROPERTY_LABELS: dict[str, tuple[str, str]] = {
    str(ORG.subOrganizationOf): ("隶属于", "sub-organisation of"),
    str(ORG.hasSubOrganization): ("下属机构", "has sub-organisation"),
    str(ORG.unitOf): ("内设于", "unit of"),
    str(ORG.hasUnit): ("内设", "has unit"),
    str(ORG.memberOf): ("成员", "member of"),
    str(ORG.holds): ("担任", "holds"),
    str(ORG.postIn): ("职位所在", "post in"),
    str(ORG.headOf): ("负责人", "head of"),
    str(ORG.changedBy): ("变更于", "changed by"),
    str(ORG.originalOrganization): ("原机构", "original organisation"),
    str(ORG.resultingOrganization): ("新机构", "resulting organisation"),
    str(PROV.wasAssociatedWith): ("执行者", "carried out by"),
    str(PROV.generated): ("产生", "generated"),
    str(PROV.used): ("使用", "used"),
    str(SDO.containedInPlace): ("位于", "contained in place"),
    str(SDO.about): ("关于", "about"),
}

#: The inverse pairs of W3C ORG the data uses, as {the other direction: the primary one}.
#:
#: ORG declares owl:inverseOf both ways, so it names no primary direction itself; the project's
#: ontology does. Its shapes constrain org:unitOf and org:subOrganizationOf (GovernanceLinkShape), and
#: its relations point from the part to the whole (ikg:partOf, ikg:locatedIn, ikg:handlesDailyWorkOf,
#: ikg:executiveBodyOf): a unit points at its organisation. Its change events are told from the event
#: (ikg:Renaming: "org:originalOrganization becomes org:resultingOrganization"), as every event points at
#: who and what took part (prov:wasAssociatedWith, ikg:approvedThing): the event points at the
#: organisations it changed. A pair the store declares itself (P owl:inverseOf Q) and this table does
#: not know keeps its subject P as the primary direction.
STANDARD_INVERSES: dict[str, str] = {
    str(ORG.hasUnit): str(ORG.unitOf),
    str(ORG.hasSubOrganization): str(ORG.subOrganizationOf),
    str(ORG.hasMember): str(ORG.memberOf),
    str(ORG.heldBy): str(ORG.holds),
    str(ORG.hasPost): str(ORG.postIn),
    str(ORG.changedBy): str(ORG.originalOrganization),
    str(ORG.resultedFrom): str(ORG.resultingOrganization),
}

_LABEL_PREDICATES = (str(SKOS.prefLabel), str(RDFS.label))
#: Entity IRIs per batched label query; past BULK_LABELS missing nodes, all labels are read at once.
LABEL_BATCH = 1000
BULK_LABELS = 20_000
_DATE_PREDICATES = {
    "http://purl.org/dc/terms/date": "date",
    str(SDO.startDate): "start",
    str(SDO.endDate): "end",
    str(IKG.sortDate): "sort",
}

_EDGE_QUERY = f"""
SELECT ?s ?p ?o WHERE {{
  ?s ?p ?o .
  FILTER(isIRI(?s) && isIRI(?o))
  FILTER(?p NOT IN (<{RDF.type}>, <{RDF.subject}>, <{RDF.predicate}>, <{RDF.object}>,
                    <{IKG.inSection}>, <{IKG.derivedVia}>, <{PROV.wasDerivedFrom}>,
                    <{IKG.amount}>, <{RDFS.subClassOf}>,
                    <{RDFS.subPropertyOf}>, <{RDFS.domain}>, <{RDFS.range}>))
}}
"""
_FACT_QUERY = f"""
SELECT ?s ?p ?v (IF(isLiteral(?v), "true", "false") AS ?literal) (LANG(?v) AS ?lang) WHERE {{
  VALUES ?p {{ <{RDF.type}> <{RDFS.label}> <{RDFS.subClassOf}> <{OWL.inverseOf}>
              {" ".join(f"<{p}>" for p in _DATE_PREDICATES)} }}
  ?s ?p ?v .
  FILTER(isIRI(?s))
}}
"""
_ENTITY_LABELS = f"SELECT ?s ?l WHERE {{ {{values}} ?s <{SKOS.prefLabel}> ?l }}"


@dataclass(frozen=True)
class Node:
    """An entity of the graph with its preferred labels and classes."""

    iri: str
    label_zh: str | None
    label_en: str | None
    types: tuple[str, ...]  # class IRIs, sorted
    category: str  # local name of the most specific project class, e.g. "LeadingGroup"

    @property
    def id(self) -> str:
        """The id used in URLs: the slug under the entity base, else the CURIE or IRI."""
        return entity_id(self.iri)

    def to_dict(self) -> dict[str, object]:
        """The node as JSON-ready values (the contract's node shape)."""
        return {
            "id": self.id, "iri": self.iri,
            "label": {"zh": self.label_zh, "en": self.label_en},
            "types": [to_curie(t) for t in self.types], "category": self.category,
        }


@dataclass(frozen=True)
class Edge:
    """One statement between two entities, with its relation's labels and its citations."""

    source: str
    target: str
    property: str
    label_zh: str | None
    label_en: str | None
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, object]:
        """The edge as JSON-ready values; source and target are node ids."""
        return {
            "source": entity_id(self.source), "target": entity_id(self.target),
            "property": property_dict(self.property, self.label_zh, self.label_en),
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class Subgraph:
    """A set of nodes and the edges among them; `truncated` when a cap cut it short."""

    nodes: tuple[Node, ...]  # sorted by iri
    edges: tuple[Edge, ...]  # sorted by (source, property, target)
    truncated: bool = False

    def to_dict(self) -> dict[str, object]:
        """The subgraph as the contract's JSON."""
        return {
            "nodes": [n.to_dict() for n in self.nodes],
            "edges": [e.to_dict() for e in self.edges],
            "truncated": self.truncated,
        }


@dataclass(frozen=True)
class EventInfo:
    """What an event node carries besides its labels: its dates."""

    date: str | None  # dcterms:date, or "start/end" for an interval
    sort_date: str | None


def property_dict(iri: str, label_zh: str | None, label_en: str | None) -> dict[str, object]:
    """A relation as JSON-ready values."""
    return {"iri": iri, "curie": to_curie(iri), "label": {"zh": label_zh, "en": label_en}}


def _humanise(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


LabelReader = Callable[[Sequence[str] | None], list[tuple[str, Term]]]


@dataclass
class _Facts:
    """Types, dates and ontology labels of every subject, gathered from the fact query."""

    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    dates: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    superclasses: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    inverses: list[tuple[str, str]] = field(default_factory=list)  # (P, Q) of P owl:inverseOf Q


def _read_facts(store: Engine) -> _Facts:
    facts = _Facts()
    intern = sys.intern
    rdf_type, sub_class, inverse_of = str(RDF.type), str(RDFS.subClassOf), str(OWL.inverseOf)
    # Plain values, not Terms: this reads every typed node of the store (seconds at 1M triples).
    for s, p, v, literal, lang in store.select_values(_FACT_QUERY):
        if s is None or p is None or v is None:
            continue  # the query binds all three; this only tells the type checker
        # A string, not isLiteral()'s boolean, which Virtuoso answers with the integer 1
        # (docs/engine-notes.md §5.2).
        is_literal = literal == "true"
        if p == rdf_type and not is_literal:
            facts.types[intern(s)].add(intern(v))
        elif p == sub_class and not is_literal:
            facts.superclasses[s].add(v)
        elif p == inverse_of and not is_literal:
            facts.inverses.append((s, v))
        elif p in _DATE_PREDICATES and is_literal:
            facts.dates[s][_DATE_PREDICATES[p]] = v
        elif is_literal:
            _keep_label(facts.labels[s], p, Term("literal", v, lang=lang or None))
    return facts


def _store_labels(store: Engine) -> LabelReader:
    """Reads skos:prefLabel of the given entity IRIs (of every entity for None) in one query."""

    def read(iris: Sequence[str] | None) -> list[tuple[str, Term]]:
        values = "" if iris is None else "VALUES ?s { " + " ".join(f"<{i}>" for i in iris) + " }"
        rows = store.select(_ENTITY_LABELS.replace("{values}", values))
        return [(r["s"].value, r["l"]) for r in rows if r["s"].is_iri]

    return read


def _keep_label(labels: dict[str, str], predicate: str, value: Term) -> None:
    # skos:prefLabel wins over rdfs:label; within a kind the smallest value wins (deterministic).
    slot = _slot(value)
    if slot is None:
        return
    key = f"{slot}:{_LABEL_PREDICATES.index(predicate)}"
    if key not in labels or value.value < labels[key]:
        labels[key] = value.value


def _slot(value: Term) -> str | None:
    lang = (value.lang or "").lower()
    return "zh" if lang.startswith("zh") else "en" if lang.startswith("en") or not lang else None


def _best_label(labels: dict[str, str], slot: str) -> str | None:
    for rank in range(len(_LABEL_PREDICATES)):
        if f"{slot}:{rank}" in labels:
            return labels[f"{slot}:{rank}"]
    return None


def _ancestors(superclasses: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    """Every class's strict superclasses (transitive closure; tolerates cycles)."""
    closure: dict[str, frozenset[str]] = {}
    for cls in superclasses:
        seen: set[str] = set()
        stack = list(superclasses[cls])
        while stack:
            parent = stack.pop()
            if parent not in seen:
                seen.add(parent)
                stack.extend(superclasses.get(parent, ()))
        seen.discard(cls)
        closure[cls] = frozenset(seen)
    return closure


def primary_directions(declared: Iterable[tuple[str, str]]) -> dict[str, str]:
    """{the other direction: the primary one} of every inverse pair: STANDARD_INVERSES, and each
    declared `P owl:inverseOf Q` with P primary (the smaller IRI when both directions are declared)."""
    primary = dict(STANDARD_INVERSES)
    known = set(primary) | set(primary.values())
    for p, q in sorted(declared):
        if p == q or p in known or q in known:
            continue  # a symmetric property, or a pair already decided (by the table or declared both ways)
        primary[q] = p
        known.update((p, q))
    return primary


def _is_entity(types: set[str]) -> bool:
    if not types or types & STRUCTURAL_TYPES:
        return False
    return any(not t.startswith(_META_NAMESPACES) for t in types)


class Projection:
    """One immutable snapshot of the entity graph (for one store generation)."""

    def __init__(self, generation: int, facts: _Facts, edges: Iterable[tuple[str, str, str]],
                 read_labels: LabelReader | None = None) -> None:
        self.generation = generation
        self.iris: list[str] = sorted(s for s, ts in facts.types.items() if _is_entity(ts))
        self.index: dict[str, int] = {iri: i for i, iri in enumerate(self.iris)}
        # Per-node class tuples, interned: far smaller than the per-subject sets of the read.
        shared: dict[frozenset[str], tuple[str, ...]] = {}
        self._types: list[tuple[str, ...]] = [
            shared.setdefault(frozenset(facts.types[iri]), tuple(sorted(facts.types[iri])))
            for iri in self.iris
        ]
        self._dates = {iri: d for iri, d in facts.dates.items() if iri in self.index}
        self._ontology_labels = {iri: ls for iri, ls in facts.labels.items()}
        self._ancestors = _ancestors(facts.superclasses)
        #: {the other direction: the primary one} of every inverse pair (see STANDARD_INVERSES).
        self.primary_of: dict[str, str] = primary_directions(facts.inverses)
        self._read_labels = read_labels
        self._labels: dict[int, tuple[str | None, str | None]] = {}
        self._labels_lock = threading.Lock()
        self._event_cache: dict[tuple[str, ...], bool] = {}
        self.properties: list[str] = []
        self._property_index: dict[str, int] = {}
        # Statements as compressed rows in both directions (kg.adjacency), not a networkx graph.
        table = np.asarray(self._edge_triples(edges), dtype=np.int32).reshape(-1, 3)
        count = len(self.iris)
        self._out = Adjacency.build(count, table[:, 0], table[:, 1], table[:, 2])
        self._in = Adjacency.build(count, table[:, 1], table[:, 0], table[:, 2])
        for prop in list(self.properties):  # numbers for the primary directions fact_graph draws
            if prop in self.primary_of:
                self._intern_property(self.primary_of[prop])
        # Neighbours per node (both directions, parallel statements counted once): the hub measure.
        self.degree: list[int] = (self._out.distinct_neighbours()
                                  + self._in.distinct_neighbours()).tolist()
        self._categories: dict[tuple[str, ...], str] = {}  # per distinct type tuple (few)

    def __getstate__(self) -> dict[str, object]:
        # Kept on disk by kg.store.index_files: without the label reader (a closure over the store)
        # and the lock, which `attach` gives back after loading.
        state = dict(self.__dict__)
        del state["_read_labels"], state["_labels_lock"]
        for built in ("graph", "fact_graph"):  # networkx graphs built on use, not kept
            state.pop(built, None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._read_labels = None
        self._labels_lock = threading.Lock()

    def attach(self, generation: int, read_labels: LabelReader) -> Projection:
        """This snapshot (loaded from a file) for the store's current `generation`, reading labels
        through `read_labels`."""
        self.generation = generation
        self._read_labels = read_labels
        return self

    def _edge_triples(self, edges: Iterable[tuple[str, str, str]]) -> list[tuple[int, int, int]]:
        triples = []
        for s, p, o in edges:
            si, oi = self.index.get(s), self.index.get(o)
            if si is None or oi is None or p in EXCLUDED_PREDICATES:
                continue
            triples.append((si, oi, self._intern_property(p)))
        # (source, target, property) order makes each adjacency dict iterate in IRI order.
        triples.sort(key=lambda t: (t[0], t[1], self.properties[t[2]]))
        return triples

    def _intern_property(self, iri: str) -> int:
        if iri not in self._property_index:
            self._property_index[iri] = len(self.properties)
            self.properties.append(iri)
        return self._property_index[iri]

    # -- labels --------------------------------------------------------------------------------

    def prefetch(self, nodes: Iterable[int]) -> None:
        """Read the labels of `nodes` not read yet, in as few queries as possible."""
        missing = sorted({i for i in nodes if i not in self._labels})
        if not missing:
            return
        if self._read_labels is None:
            self._remember({i: {} for i in missing})
            return
        found: dict[int, dict[str, str]] = {i: {} for i in missing}
        if len(missing) > BULK_LABELS:
            found = {i: {} for i in range(len(self.iris)) if i not in self._labels}
            self._collect(self._read_labels(None), found)
        else:
            for start in range(0, len(missing), LABEL_BATCH):
                batch = [self.iris[i] for i in missing[start:start + LABEL_BATCH]]
                self._collect(self._read_labels(batch), found)
        self._remember(found)

    def _collect(self, rows: list[tuple[str, Term]], found: dict[int, dict[str, str]]) -> None:
        for iri, value in rows:
            i = self.index.get(iri)
            if i is not None and i in found:
                _keep_label(found[i], str(SKOS.prefLabel), value)

    def _remember(self, found: dict[int, dict[str, str]]) -> None:
        with self._labels_lock:
            for i, labels in found.items():
                fallback = self._ontology_labels.get(self.iris[i], {})
                merged = {**fallback, **labels}
                self._labels[i] = (_best_label(merged, "zh"), _best_label(merged, "en"))

    def find_index(self, iri: str) -> int | None:
        """The node number of an entity IRI, or None when it is not an entity."""
        return self.index.get(iri)

    def node(self, i: int) -> Node:
        """The Node of node number `i` (its labels read on first use, then kept; see `prefetch`).
        Nodes themselves are not kept: one is cheap to make, and a server that showed every entity
        once would otherwise hold them all."""
        if i not in self._labels:
            self.prefetch((i,))
        zh, en = self._labels[i]
        types = self._types[i]
        category = self._categories.get(types)
        if category is None:
            category = self._categories[types] = self.category(types)
        return Node(self.iris[i], zh, en, types, category)

    def category(self, types: tuple[str, ...]) -> str:
        """Local name of the most specific class among `types`, preferring the project's own."""
        candidates = [t for t in types if not t.startswith(_META_NAMESPACES)]
        specific = [t for t in candidates
                    if not any(t in self._ancestors.get(other, ()) for other in candidates)]
        own = [t for t in specific if t.startswith(str(IKG))]
        kinds = [t for t in own if t not in ROLE_CLASSES]
        chosen = sorted(kinds or own or specific or candidates or ["Thing"])
        return local_name(chosen[0])

    def is_event(self, i: int) -> bool:
        """Whether node `i` is an event (a subclass of ikg:Event or org:ChangeEvent)."""
        types = self._types[i]
        known = self._event_cache.get(types)
        if known is None:
            known = self.has_type(i, EVENT_CLASSES)
            self._event_cache[types] = known
        return known

    def types_of(self, i: int) -> tuple[str, ...]:
        """The classes node `i` is stated to be an instance of (IRIs, sorted)."""
        return self._types[i]

    def classes_of(self, i: int) -> frozenset[str]:
        """Every class node `i` is an instance of, the superclasses of its classes included (meta-level
        classes of OWL, RDFS, RDF and SHACL left out)."""
        found = {a for t in self._types[i] for a in (t, *self._ancestors.get(t, ()))}
        return frozenset(c for c in found if not c.startswith(_META_NAMESPACES))

    def has_type(self, i: int, classes: frozenset[str]) -> bool:
        """Whether node `i` is an instance of one of `classes` (subclasses count)."""
        return any(t in classes or self._ancestors.get(t, frozenset()) & classes
                   for t in self._types[i])

    def event_info(self, i: int) -> EventInfo:
        """The dates of node `i` (meaningful for events; None where absent)."""
        dates = self._dates.get(self.iris[i], {})
        date = dates.get("date")
        if date is None and "start" in dates:
            date = dates["start"] + (f"/{dates['end']}" if "end" in dates else "")
        return EventInfo(date, dates.get("sort"))

    def property_labels(self, iri: str) -> tuple[str | None, str | None]:
        """The rdfs:label @zh and @en of a relation, from the ontology or the standard table."""
        labels = self._ontology_labels.get(iri, {})
        zh, en = _best_label(labels, "zh"), _best_label(labels, "en")
        fallback = STANDARD_PROPERTY_LABELS.get(iri)
        if fallback:
            zh, en = zh or fallback[0], en or fallback[1]
        return zh, en or _humanise(local_name(iri))

    def class_labels(self, iri: str) -> tuple[str | None, str | None]:
        """The rdfs:label @zh and @en of a class."""
        labels = self._ontology_labels.get(iri, {})
        return _best_label(labels, "zh"), _best_label(labels, "en") or _humanise(local_name(iri))

    # -- edges ---------------------------------------------------------------------------------

    def out_edges(self, i: int) -> Iterator[tuple[int, int]]:
        """(target, property number) of every statement with node `i` as subject, in IRI order."""
        return self._out.pairs(i)

    def in_edges(self, i: int) -> Iterator[tuple[int, int]]:
        """(source, property number) of every statement with node `i` as object, in IRI order."""
        return self._in.pairs(i)

    def neighbours(self, i: int, *, outgoing: bool) -> Iterator[tuple[int, tuple[int, ...]]]:
        """(node, property numbers) of each node one statement away from `i`: the objects of its
        statements (`outgoing`) or their subjects, in IRI order."""
        return (self._out if outgoing else self._in).grouped(i)

    def properties_between(self, i: int, j: int) -> list[int]:
        """Property numbers of the statements i → j."""
        return self._out.keys_between(i, j)

    @functools.cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The statements as a networkx graph (nodes are numbers, keys property numbers), built on first
        use and not kept on disk: the search and the views read the compressed rows instead."""
        graph = nx.MultiDiGraph()
        graph.add_nodes_from(range(len(self.iris)))
        graph.add_edges_from(self._out.edges())
        return graph

    @functools.cached_property
    def fact_graph(self) -> nx.MultiDiGraph:
        """The relation graph with each inverse pair drawn once, in its primary direction (see
        STANDARD_INVERSES): what network statistics count, so that a fact stated both ways (内设 and
        内设于) is one link, not two. Built on first use (computing it twice by two threads is harmless)."""
        facts: set[tuple[int, int, int]] = set()
        for u, v, key in self._out.edges():
            primary = self.primary_of.get(self.properties[key])
            facts.add((v, u, self._property_index[primary]) if primary else (u, v, key))
        graph = nx.MultiDiGraph()
        graph.add_nodes_from(range(len(self.iris)))
        graph.add_edges_from(sorted(facts))
        return graph


class GraphView:
    """The entity graph of a store as networkx, rebuilt whenever the store changes."""

    def __init__(self, store: Engine, provenance: Provenance | None = None, *,
                 files: IndexFiles | None = None) -> None:
        self.store = store
        self.provenance = provenance
        self._files = files  # the relation graph of the store's state kept on disk, loaded at a restart
        self._lock = threading.Lock()
        self._projection: Projection | None = None

    def projection(self) -> Projection:
        """The current snapshot; rebuilt (once, under a lock) when the store's generation moved."""
        current = self._projection
        if current is not None and current.generation == self.store.generation:
            return current
        with self._lock:
            current = self._projection
            generation = self.store.generation
            if current is None or current.generation != generation:
                current = self._build(generation)
                self._projection = current
            return current

    def _build(self, generation: int) -> Projection:
        if self._files is None:
            return self._read(generation)
        state = self._files.state()
        found = self._files.load("relations", Projection)
        if found is not None:
            return found.attach(generation, _store_labels(self.store))
        built = self._read(generation)
        self._files.save("relations", built, state)
        return built

    def _read(self, generation: int) -> Projection:
        facts = _read_facts(self.store)
        intern = sys.intern
        # A statement asserted in two graphs is one edge: de-duplicated here, cheaper than DISTINCT.
        edges = (
            (intern(s), intern(p), intern(o))  # type: ignore[arg-type]
            for s, p, o in sorted(set(self.store.select_values(_EDGE_QUERY)))
        )
        return Projection(generation, facts, edges, _store_labels(self.store))

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The networkx graph of the current snapshot (nodes are numbers; see `projection()`)."""
        return self.projection().graph

    def find_node(self, iri: str) -> Node | None:
        """The Node of an entity IRI, or None when it is not an entity of the graph."""
        projection = self.projection()
        i = projection.find_index(iri)
        return None if i is None else projection.node(i)

    def citations(self, source: str, prop: str, target: str) -> tuple[Citation, ...]:
        """Citations of the statement (source prop target); empty without provenance."""
        if self.provenance is None:
            return ()
        found = self.provenance.for_statement(source, prop, iri_term(target))
        return tuple({c.evidence: c for c in found}.values())  # one citation per evidence node

    def edge(self, projection: Projection, i: int, j: int, key: int) -> Edge:
        """The Edge for statement i → j with property number `key`, citations included."""
        source, target, prop = projection.iris[i], projection.iris[j], projection.properties[key]
        zh, en = projection.property_labels(prop)
        return Edge(source, target, prop, zh, en, self.citations(source, prop, target))

    def subgraph(self, projection: Projection, members: Iterable[int],
                 keep: PropertyFilter | None = None, *, truncated: bool = False) -> Subgraph:
        """The nodes `members` and every (kept) statement among them."""
        chosen = set(members)
        projection.prefetch(chosen)
        nodes = sorted((projection.node(i) for i in chosen), key=lambda n: n.iri)
        edges = [
            self.edge(projection, i, j, key)
            for i in chosen for j, key in projection.out_edges(i)
            if j in chosen and (keep is None or keep.allows(projection.properties[key]))
        ]
        edges.sort(key=lambda e: (e.source, e.property, e.target))
        return Subgraph(tuple(nodes), tuple(edges), truncated)

    def whole(self, *, limit: int | None = None) -> Subgraph:
        """Every entity and every statement between entities; past `limit` entities, the `limit` with
        the most neighbours (ties by IRI) and the statements among them, marked truncated."""
        projection = self.projection()
        count = len(projection.iris)
        if limit is None or count <= limit:
            return self.subgraph(projection, range(count))
        degree = projection.degree
        members = heapq.nsmallest(limit, range(count), key=lambda i: (-degree[i], i))
        return self.subgraph(projection, members, truncated=True)

    def folded(self, subgraph: Subgraph) -> Subgraph:
        """The subgraph with each inverse pair one edge, in its primary direction (STANDARD_INVERSES),
        citing the evidence of both statements: Gephi or igraph then count a fact stated both ways once.
        A statement stated only the other way is drawn the primary way, with its own citations."""
        projection = self.projection()
        merged: dict[tuple[str, str, str], dict[str, Citation]] = {}
        for edge in subgraph.edges:
            primary = projection.primary_of.get(edge.property)
            key = (edge.target, primary, edge.source) if primary else (edge.source, edge.property,
                                                                       edge.target)
            cited = merged.setdefault(key, {})
            for citation in edge.citations:
                cited.setdefault(citation.evidence, citation)
        edges = []
        for (source, prop, target), citations in sorted(merged.items()):
            zh, en = projection.property_labels(prop)
            ordered = sorted(citations.values(), key=lambda c: (c.start, c.end, c.evidence))
            edges.append(Edge(source, target, prop, zh, en, tuple(ordered)))
        return replace(subgraph, edges=tuple(edges))

    def neighbourhood(self, iri: str, depth: int = 1, *, limit: int = 500,
                      keep: PropertyFilter | None = None,
                      types: TypeFilter | None = None) -> Subgraph:
        """The ego network of `iri` within `depth` hops, at most `limit` nodes; raises EntityNotFoundError."""
        projection = self.projection()
        start = projection.find_index(iri)
        if start is None:
            raise EntityNotFoundError(f"No entity {iri!r} in the graph; check the id or IRI.")
        members, truncated = _ego(projection, start, depth, limit, keep, types)
        return self.subgraph(projection, members, keep, truncated=truncated)

    def path_subgraph(self, paths: Iterable[Iterable[str]]) -> Subgraph:
        """The nodes of the given paths (each a sequence of IRIs) and the statements along them."""
        projection = self.projection()
        members: set[int] = set()
        pairs: set[tuple[int, int]] = set()
        for path in paths:
            numbers = [projection.find_index(i) for i in path]
            known = [n for n in numbers if n is not None]
            members.update(known)
            pairs.update(pairwise(known))
        projection.prefetch(members)
        nodes = sorted((projection.node(i) for i in members), key=lambda n: n.iri)
        edges = [
            self.edge(projection, a, b, key)
            for x, y in pairs for a, b in ((x, y), (y, x))
            for key in projection.properties_between(a, b)
        ]
        edges.sort(key=lambda e: (e.source, e.property, e.target))
        return Subgraph(tuple(nodes), tuple(dict.fromkeys(edges)))


@dataclass(frozen=True)
class PropertyFilter:
    """Which relations a search follows: only `follow` (when given), never `avoid`."""

    follow: frozenset[str] = frozenset()
    avoid: frozenset[str] = frozenset()

    def allows(self, prop: str) -> bool:
        """Whether a statement with property `prop` may be followed."""
        return prop not in self.avoid and (not self.follow or prop in self.follow)

    def paired(self, primary_of: Mapping[str, str]) -> PropertyFilter:
        """This filter with the inverse of each relation it follows or avoids added to the same side
        (`primary_of`: {the other direction: the primary one}, `Projection.primary_of`): an inverse pair
        states one fact both ways (org:hasUnit / org:unitOf), so avoiding one direction avoids the fact."""
        if not (self.follow or self.avoid):
            return self
        partners: dict[str, set[str]] = defaultdict(set)
        for other, primary in primary_of.items():
            partners[other].add(primary)
            partners[primary].add(other)

        def widen(names: Iterable[str]) -> frozenset[str]:
            return frozenset(names).union(*(partners.get(n, ()) for n in names))

        return PropertyFilter(widen(self.follow), widen(self.avoid))


@dataclass(frozen=True)
class TypeFilter:
    """Which entities a search may pass through: instances of `through` (when given), never `avoid`."""

    through: frozenset[str] = frozenset()
    avoid: frozenset[str] = frozenset()

    def allows(self, projection: Projection, i: int) -> bool:
        """Whether node `i` may be an intermediate node."""
        if self.avoid and projection.has_type(i, self.avoid):
            return False
        return not self.through or projection.has_type(i, self.through)


def _ego(projection: Projection, start: int, depth: int, limit: int,
         keep: PropertyFilter | None, types: TypeFilter | None) -> tuple[list[int], bool]:
    """Breadth-first members around `start`, in visiting order; truncated when `limit` cut it."""
    members = [start]
    seen = {start}
    frontier = [start]
    for _ in range(depth):
        following: list[int] = []
        for i in frontier:
            for j, key in _both_ways(projection, i):
                if j in seen or (keep and not keep.allows(projection.properties[key])):
                    continue
                if types and not types.allows(projection, j):
                    continue
                if len(members) >= limit:
                    return members, True
                seen.add(j)
                members.append(j)
                following.append(j)
        frontier = following
    return members, False


def _both_ways(projection: Projection, i: int) -> Iterator[tuple[int, int]]:
    yield from projection.out_edges(i)
    yield from projection.in_edges(i)
