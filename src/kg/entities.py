"""The entity view: everything the graph says about one entity, both directions, each fact with its citations.

An entity is named in any form `kg.naming` reads: its slug (`shanghai-stc-office`), a CURIE
(`id:shanghai-stc-office`), its full IRI, or a name. The view holds its labels and aliases, its types
(labelled from the ontology), its outgoing and incoming relations (the other end labelled), literal
values with datatypes, monetary amounts expanded to value and currency, and the citations (document,
section, span, cited text) of every statement.
Evidence nodes are not facts: they are the citations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kg.graphview import STANDARD_PROPERTY_LABELS
from kg.namespaces import EV, IKG, RDF, RDFS, SDO, SKOS, to_curie
from kg.naming import EntityResolver, entity_id
from kg.provenance import Citation, Provenance
from kg.store import Engine
from kg.terms import Term, iri

#: Label predicates, best first: what names a node in a view.
_NAME_PREDICATES = (str(SKOS.prefLabel), str(RDFS.label))
#: Statements shown as labels, aliases and types rather than as facts.
_ALIAS_KINDS = {str(SKOS.altLabel): "alt", str(SKOS.hiddenLabel): "hidden"}
_NOT_FACTS = frozenset({str(SKOS.prefLabel), str(RDF.type), *_ALIAS_KINDS})
#: The reification properties of evidence nodes: never facts of the entity they point at.
_EVIDENCE_PREDICATES = frozenset({str(RDF.subject), str(RDF.object), str(RDF.predicate)})


@dataclass(frozen=True)
class Name:
    """A labelled IRI: an entity, a class or a property, with its Chinese and English labels."""

    iri: str
    label_zh: str | None
    label_en: str | None

    @property
    def curie(self) -> str:
        """The CURIE of the IRI (the IRI itself when no prefix applies)."""
        return to_curie(self.iri)

    def to_dict(self) -> dict[str, object]:
        """{"iri", "curie", "label": {"zh", "en"}}."""
        return {"iri": self.iri, "curie": self.curie, "label": {"zh": self.label_zh, "en": self.label_en}}


@dataclass(frozen=True)
class Alias:
    """An alternative or hidden (source-spelling) label."""

    value: str
    lang: str | None
    kind: str  # "alt" | "hidden"


@dataclass(frozen=True)
class Value:
    """The other end of a fact: a named node, or a literal (an amount carries its currency)."""

    node: Name | None = None
    literal: str | None = None
    datatype: str | None = None
    lang: str | None = None
    currency: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The contract's Value: {"iri","id","label"} or {"literal","datatype","lang"[, "currency"]}."""
        if self.node is not None:
            return {"iri": self.node.iri, "id": entity_id(self.node.iri),
                    "label": {"zh": self.node.label_zh, "en": self.node.label_en}}
        out: dict[str, object] = {"literal": self.literal, "datatype": self.datatype, "lang": self.lang}
        if self.currency is not None:
            out["currency"] = self.currency
        return out


@dataclass(frozen=True)
class Fact:
    """One statement about the entity, seen from it: property, the other end, and its citations."""

    property: Name
    value: Value
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, object]:
        """{"property", "value", "citations"}."""
        return {"property": self.property.to_dict(), "value": self.value.to_dict(),
                "citations": [c.to_dict() for c in self.citations]}


@dataclass(frozen=True)
class EntityView:
    """Everything the graph says about one entity."""

    name: Name
    aliases: tuple[Alias, ...]
    types: tuple[Name, ...]
    outgoing: tuple[Fact, ...]
    incoming: tuple[Fact, ...]
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, object]:
        """The JSON of `GET /entities/{id}` (its schema: EntityOut in /openapi.json)."""
        return {
            "id": entity_id(self.name.iri), "iri": self.name.iri, "curie": self.name.curie,
            "label": {"zh": self.name.label_zh, "en": self.name.label_en},
            "aliases": [{"value": a.value, "lang": a.lang, "kind": a.kind} for a in self.aliases],
            "types": [t.to_dict() for t in self.types],
            "outgoing": [f.to_dict() for f in self.outgoing],
            "incoming": [f.to_dict() for f in self.incoming],
            "citations": [c.to_dict() for c in self.citations],
        }


def _pick(labels: Iterable[tuple[int, str | None, str]], lang: str) -> str | None:
    ranked = sorted((rank, value) for rank, tag, value in labels
                    if tag is not None and (tag.lower() == lang or tag.lower().startswith(lang + "-")))
    return ranked[0][1] if ranked else None


def find_names(store: Engine, iris: Iterable[str]) -> dict[str, Name]:
    """The zh/en labels (prefLabel, else rdfs:label) of IRIs, in one query; unlabelled IRIs get None."""
    wanted = sorted(set(iris))
    found: dict[str, list[tuple[int, str | None, str]]] = defaultdict(list)
    if wanted:
        values = " ".join(iri(i).to_ntriples() for i in wanted)
        rows = store.select(
            f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {values} }} VALUES ?p {{ <{SKOS.prefLabel}> "
            f"<{RDFS.label}> }} ?x ?p ?l }}"
        )
        for row in rows:
            found[row["x"].value].append((_NAME_PREDICATES.index(row["p"].value), row["l"].lang,
                                          row["l"].value))
    names = {}
    for item in wanted:
        zh, en = _pick(found[item], "zh"), _pick(found[item], "en")
        if zh is None and en is None and item in STANDARD_PROPERTY_LABELS:
            zh, en = STANDARD_PROPERTY_LABELS[item]
        names[item] = Name(item, zh, en)
    return names


class EntityViews:
    """Builds entity views from a store and its provenance."""

    def __init__(self, store: Engine, provenance: Provenance, resolver: EntityResolver) -> None:
        self._store = store
        self._provenance = provenance
        self._resolver = resolver

    def resolve(self, identifier: str) -> str:
        """The IRI of the node `identifier` names (id, CURIE, IRI or name: kg.naming); raises
        EntityNotFoundError / BadRequestError."""
        return self._resolver.resolve(identifier).iri

    def get_entity(self, identifier: str) -> EntityView:
        """The view of one entity; raises EntityNotFoundError when the graph says nothing about it."""
        entity_iri = self.resolve(identifier)
        out_triples = list(self._store.triples(iri(entity_iri)))
        in_triples = self._incoming(entity_iri)
        amounts = self._amounts(o for _, p, o in out_triples if p.value == str(IKG.amount))
        linked = {o.value for _, p, o in out_triples if o.is_iri and o.value not in amounts}
        linked |= {s.value for s, _, _ in in_triples}
        linked |= {p.value for _, p, _ in out_triples} | {p.value for _, p, _ in in_triples}
        names = find_names(self._store, linked | {entity_iri})
        cited = self._provenance.for_subject(entity_iri)
        return EntityView(
            name=names[entity_iri],
            aliases=_aliases(out_triples),
            types=tuple(sorted((names[o.value] for _, p, o in out_triples
                                if p.value == str(RDF.type) and o.is_iri), key=lambda n: n.iri)),
            outgoing=tuple(sorted(
                (Fact(names[p.value], _value(o, names, amounts), tuple(cited.get((p.value, o), ())))
                 for _, p, o in out_triples if p.value not in _NOT_FACTS),
                key=_fact_order)),
            incoming=tuple(sorted(
                (Fact(names[p.value], Value(node=names[s.value]),
                      tuple(self._provenance.for_statement(s.value, p.value, iri(entity_iri))))
                 for s, p, _ in in_triples),
                key=_fact_order)),
            citations=tuple(self._provenance.for_entity(entity_iri)),
        )

    def _incoming(self, entity_iri: str) -> list[tuple[Term, Term, Term]]:
        """Statements pointing at the entity, less those made by evidence nodes."""
        triples = [t for t in self._store.triples(obj=iri(entity_iri))
                   if t[0].is_iri and t[1].value not in _EVIDENCE_PREDICATES]
        return [t for t in triples if not self._is_evidence(t[0])]

    def _is_evidence(self, node: Term) -> bool:
        return node.value.startswith(str(EV)) or next(
            self._store.triples(node, iri(str(RDF.type)), iri(str(IKG.Evidence))), None) is not None

    def _amounts(self, nodes: Iterable[Term]) -> dict[str, tuple[str, str | None, str | None]]:
        """schema:MonetaryAmount nodes as (value, datatype, currency), keyed by node IRI or bnode id."""
        amounts = {}
        for node in nodes:
            props = {p.value: o for _, p, o in self._store.triples(node)}
            value = props.get(str(SDO.value))
            if value is not None:
                currency = props.get(str(SDO.currency))
                amounts[node.value] = (value.value, value.datatype, currency.value if currency else None)
        return amounts


def _aliases(out_triples: list[tuple[Term, Term, Term]]) -> tuple[Alias, ...]:
    found = {Alias(o.value, o.lang, _ALIAS_KINDS[p.value])
             for _, p, o in out_triples if p.value in _ALIAS_KINDS and o.is_literal}
    return tuple(sorted(found, key=lambda a: (a.kind, a.lang or "", a.value)))


Amounts = dict[str, tuple[str, str | None, str | None]]


def _value(obj: Term, names: dict[str, Name], amounts: Amounts) -> Value:
    if obj.value in amounts:
        value, datatype, currency = amounts[obj.value]
        return Value(literal=value, datatype=datatype, currency=currency)
    if obj.is_literal:
        return Value(literal=obj.value, datatype=obj.datatype, lang=obj.lang)
    return Value(node=names.get(obj.value, Name(obj.value, None, None)))


def _fact_order(fact: Fact) -> tuple[str, str, str]:
    value = fact.value
    return (fact.property.curie, value.node.iri if value.node else "", value.literal or "")
