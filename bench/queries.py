"""The fixed query mix, lookup strings and path pairs, picked from the generated data with a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pyoxigraph as ox
from pypinyin import lazy_pinyin

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX ikg: <https://w3id.org/innokg/ontology#>
"""
#: Rows any mix query returns at most: below the service's default max_rows (10,000), so every
#: engine does the same work and no answer is truncated.
ROW_CAP = 5000

#: name -> (what it exercises, SPARQL template with {label}, {term}, {regex}, {office}, {hub}).
QUERY_MIX: dict[str, tuple[str, str]] = {
    "exact_label": ("exact prefLabel match", """SELECT ?s WHERE {{ ?s skos:prefLabel "{label}"@zh }}"""),
    "contains_label": ("CONTAINS scan of all labels (rare term)", """SELECT ?s ?l WHERE {{
  ?s skos:prefLabel|skos:altLabel ?l FILTER(CONTAINS(STR(?l), "{term}")) }} LIMIT {cap}"""),
    "regex_label": ("case-insensitive REGEX scan of English labels", """SELECT ?s ?l WHERE {{
  ?s skos:prefLabel ?l FILTER(REGEX(STR(?l), "{regex}", "i")) }} LIMIT {cap}"""),
    "one_hop": ("1-hop neighbourhood of an office, both directions", """SELECT ?p ?n WHERE {{
  {{ <{office}> ?p ?n }} UNION {{ ?n ?p <{office}> }} }} LIMIT {cap}"""),
    "two_hop": ("2-hop neighbourhood of an office (rdf:type not followed)", """SELECT DISTINCT ?n2
WHERE {{
  {{ <{office}> ?p1 ?n1 }} UNION {{ ?n1 ?p1 <{office}> }}
  FILTER(?p1 != rdf:type && isIRI(?n1))
  {{ ?n1 ?p2 ?n2 }} UNION {{ ?n2 ?p2 ?n1 }}
  FILTER(?p2 != rdf:type && isIRI(?n2))
}} LIMIT {cap}"""),
    "hub_one_hop": ("1-hop neighbourhood of a national ministry (hub)", """SELECT ?p ?n WHERE {{
  {{ <{hub}> ?p ?n }} UNION {{ ?n ?p <{hub}> }} }} LIMIT {cap}"""),
    "unit_org_path": ("org:unitOf+/org:subOrganizationOf+ from every unit", """SELECT
  (COUNT(*) AS ?n) WHERE {{ ?unit org:unitOf+/org:subOrganizationOf+ ?top }}"""),
    "group_by": ("instances per class", """SELECT ?type (COUNT(?s) AS ?n) WHERE {{ ?s a ?type }}
GROUP BY ?type ORDER BY DESC(?n) ?type"""),
    "optional_filter": ("offices with an optional English abbreviation", """SELECT ?o ?zh ?abbr
WHERE {{
  ?o a ikg:CoordinationOffice ; skos:prefLabel ?zh FILTER(lang(?zh) = "zh")
  OPTIONAL {{ ?o skos:altLabel ?abbr FILTER(lang(?abbr) = "en") }}
  FILTER(!BOUND(?abbr) || STRLEN(?abbr) > 4)
}} LIMIT {cap}"""),
    "order_limit": ("latest 20 events by ikg:sortDate", """SELECT ?e ?d WHERE {{ ?e ikg:sortDate ?d }}
ORDER BY DESC(?d) ?e LIMIT 20"""),
}


@dataclass(frozen=True)
class Targets:
    """Entities and strings the queries are about, picked from the loaded data."""

    label: str
    term: str
    regex: str
    office: str
    hub: str
    hubs: tuple[str, ...]
    entities: tuple[str, ...]  # a sample of entity IRIs (path pairs)
    labels: tuple[tuple[str, str, str], ...]  # (iri, zh, en) samples for lookup strings
    hidden: tuple[str, ...]  # typo/spaced spellings present in the data
    names: tuple[str, ...] = ()  # every synthetic entity's Chinese name (distinct lookup strings)


def _values(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    rows = store.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in rows.variables]  # type: ignore[union-attr]
    return [tuple(row[n].value for n in names) for row in rows]  # type: ignore[union-attr]


def pick_targets(store: ox.Store, rng: random.Random) -> Targets:
    """Deterministic picks (for a given seed and data) of everything the queries need."""
    offices = _values(store, """SELECT ?o ?zh ?en WHERE { ?o a ikg:CoordinationOffice ;
        skos:prefLabel ?zh, ?en FILTER(lang(?zh) = "zh" && lang(?en) = "en") } ORDER BY ?o""")
    office, zh, en = rng.choice(offices)
    hubs = [r[0] for r in _values(store, """SELECT ?h WHERE { ?h a ikg:GovernmentBody
        FILTER(STRSTARTS(STR(?h), "https://w3id.org/innokg/id/syn-ministry-")) } ORDER BY ?h""")]
    named = _values(store, """SELECT ?s ?zh ?en WHERE { ?s skos:prefLabel ?zh, ?en
        FILTER(lang(?zh) = "zh" && lang(?en) = "en" && STRSTARTS(STR(?s),
        "https://w3id.org/innokg/id/syn-") && !CONTAINS(STR(?s), "syn-post-")) } ORDER BY ?s""")
    hidden = [r[0] for r in _values(store, "SELECT ?l WHERE { ?s skos:hiddenLabel ?l } ORDER BY ?l")]
    region = en.split()[0]
    return Targets(
        label=zh, term=zh[: max(4, len(zh) - 7)], regex=f"^{region} .* office$",
        office=office, hub=hubs[0], hubs=tuple(hubs),
        entities=tuple(r[0] for r in rng.sample(named, min(200, len(named)))),
        labels=tuple(rng.sample(named, min(400, len(named)))), hidden=tuple(hidden),
        names=tuple(r[1] for r in named),
    )


def query_mix(targets: Targets) -> dict[str, str]:
    """The mix as runnable SPARQL, name -> query."""
    values = {"label": targets.label, "term": targets.term, "regex": targets.regex,
              "office": targets.office, "hub": targets.hub, "cap": ROW_CAP}
    return {name: PREFIXES + template.format(**values) for name, (_, template) in QUERY_MIX.items()}


def _english_typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def lookup_strings(targets: Targets, rng: random.Random, per_kind: int) -> dict[str, list[str]]:
    """Lookup inputs by kind: Chinese substrings, pinyin, English words, typos (zh and en)."""
    kinds: dict[str, list[str]] = {"zh_substring": [], "pinyin": [], "english": [], "typo": []}
    labels = list(targets.labels)
    for _, zh, en in labels[:per_kind]:
        start = rng.randrange(0, max(1, len(zh) - 4))
        kinds["zh_substring"].append(zh[start:start + rng.randint(2, 6)])
        kinds["pinyin"].append("".join(lazy_pinyin(zh[: rng.randint(2, 4)])))
        words = [w for w in en.replace(",", "").split() if len(w) > 3]
        picked = sorted(rng.sample(range(len(words)), min(2, len(words))))
        kinds["english"].append(" ".join(words[i] for i in picked))  # in reading order
    for n, (_, _, en) in enumerate(labels[per_kind: 2 * per_kind]):
        if n % 2 == 0 and targets.hidden:
            kinds["typo"].append(rng.choice(targets.hidden))  # typo spellings the data records
        else:
            long_words = [w for w in en.split() if len(w) >= 6] or [en.split()[0] + "xx"]
            kinds["typo"].append(_english_typo(rng.choice(long_words), rng))
    return kinds


def distinct_lookups(targets: Targets, rng: random.Random, count: int) -> list[str]:
    """`count` different Chinese substrings (2 to 6 characters) of the entities' names: a load in
    which no query repeats, so no answer comes from the lookup cache."""
    found: dict[str, None] = {}
    for _ in range(count * 20):
        if len(found) >= count:
            break
        name = rng.choice(targets.names)
        start = rng.randrange(0, max(1, len(name) - 2))
        found[name[start:start + rng.randint(2, 6)]] = None
    return list(found)


def contains_lookup_query(text: str) -> str:
    """The peer's way to look up a string: a case-insensitive CONTAINS scan of all labels."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return PREFIXES + f"""SELECT ?s ?l WHERE {{
  ?s skos:prefLabel|skos:altLabel|skos:hiddenLabel ?l
  FILTER(CONTAINS(LCASE(STR(?l)), LCASE("{escaped}"))) }} LIMIT 10"""


def path_pairs(targets: Targets, rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Random entity pairs; a third of them start at a hub (the hard case for path search)."""
    pairs: list[tuple[str, str]] = []
    for n in range(count):
        source = rng.choice(targets.hubs) if n % 3 == 0 else rng.choice(targets.entities)
        target = rng.choice([e for e in targets.entities if e != source])
        pairs.append((source, target))
    return pairs
