"""Review of ingested candidates (kg.review) on a hand-written candidate graph (fixtures/review): loading
checks the contract and writes nothing when it is broken; accept moves statements with their evidence,
all or nothing, never leaving a link to an undecided entity; reject, edit and merge keep every decision
through a reload; every action is recorded and idempotent."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.config import Settings
from kg.errors import BadRequestError, LoadError, UpdateFailedError
from kg.namespaces import DCTERMS, IKG, OWL, PROV, RDF, RDFS, SKOS
from kg.provenance import Provenance
from kg.review import (
    Agent,
    CandidateGraphError,
    CandidateNotFoundError,
    Review,
    ReviewConflictError,
    candidate_graph,
    curated_graph,
    load_candidates,
)
from kg.store import GraphStore
from kg.terms import RDF_LANG_STRING, Term, Triple, iri

FIXTURE = Path(__file__).parent / "fixtures" / "review"
CANDIDATES = (FIXTURE / "candidates.trig").read_bytes()
KEY = "c3e87f27477d"
CAND, CURATED = candidate_graph(KEY), curated_graph(KEY)
ID = "https://w3id.org/innokg/id/"
CENTRE, GOV, OFFICE, XIXIAN = (f"{ID}c-{KEY}-{h}" for h in ("9eb751fe", "5c18d36b", "2bda71c3", "8205641b"))
NDRC, REPORT = f"{ID}ndrc", f"{ID}report-{KEY}"
CURATOR = Agent.for_user("curator")


@pytest.fixture
def store() -> Iterator[GraphStore]:
    """The bundled graph in memory with the fixture's candidates loaded (a fresh one per test)."""
    graph_store = GraphStore.open(Settings(in_memory=True, warm_up=False, query_workers=1))
    load_candidates(graph_store, CANDIDATES, name="candidates.trig")
    yield graph_store
    graph_store.close()


def zh(text: str, lang: str = "zh") -> Term:
    """A language-tagged literal as the store gives it back."""
    return Term("literal", text, RDF_LANG_STRING, lang)


def quads(store: GraphStore) -> dict[str, set[Triple]]:
    return {g: set(store.triples(graph=g)) for g in store.named_graphs()}


def evidence_of(triples: set[Triple]) -> set[str]:
    return {s.value for s, p, o in triples if p.value == str(RDF.type) and o.value == str(IKG.Evidence)}


def statement_of(triples: set[Triple], evidence: str) -> tuple[str, str, Term]:
    found = {p.value: o for s, p, o in triples if s.value == evidence}
    return found[str(RDF.subject)].value, found[str(RDF.predicate)].value, found[str(RDF.object)]


# -- loading ---------------------------------------------------------------------------------------


def test_loading_puts_the_candidates_in_their_graph_and_the_text_in_the_sources_graph(
        store: GraphStore) -> None:
    graphs = quads(store)
    assert len(evidence_of(graphs[CAND])) == 16 and CURATED not in graphs
    text = (FIXTURE / "hefei-2021.txt").read_text(encoding="utf-8")
    contents = {o.value for _, p, o in graphs["https://w3id.org/innokg/graph/sources"]
                if p.value == str(IKG.content)}
    assert contents == {text}
    listed = {c.iri: c for c in Review(store).candidates()}
    assert set(listed) == {CENTRE, GOV, OFFICE, XIXIAN, NDRC, REPORT}
    assert {c.status for c in listed.values()} == {"pending"}
    assert (listed[NDRC].linked_by, listed[NDRC].link_confidence) == ("alias", 0.95)


def test_a_listed_candidate_carries_its_statements_with_quote_section_and_confidence(
        store: GraphStore) -> None:
    office = Review(store).candidate("合肥科创办")
    assert office.iri == OFFICE and office.types == (str(IKG.CoordinationOffice),)
    governs = next(s for s in office.statements if s.predicate == str(IKG.governs))
    assert (governs.quote, governs.section, governs.section_title) == (
        "合肥科创办负责管理合肥综合性国家科学中心", "二", "主要做法")
    assert governs.confidence == 0.6 and not governs.curated
    # The office is also the object of the government's statement: both directions are listed.
    assert any(s.subject.value == GOV and s.predicate == str(IKG.establishes) for s in office.statements)


def test_the_list_filters_by_status_report_and_type_with_subclasses(store: GraphStore) -> None:
    review = Review(store)
    orgs = {c.iri for c in review.candidates(type_="org:Organization")}
    assert orgs == {GOV, OFFICE, XIXIAN, NDRC}
    assert review.candidates(status="accepted") == []
    assert len(review.candidates(report=KEY)) == 6
    with pytest.raises(BadRequestError, match="not a report key"):
        review.candidates(report="hefei")
    with pytest.raises(BadRequestError, match="Unknown status"):
        review.candidates(status="maybe")


def test_reloading_the_same_candidates_adds_nothing(store: GraphStore) -> None:
    before = quads(store)
    result = load_candidates(store, CANDIDATES)
    assert (result.added, result.skipped) == (0, 16)
    assert quads(store) == before


@pytest.mark.parametrize(("change", "says"), [
    (lambda t: t.replace("<https://w3id.org/innokg/graph/sources>", "<https://w3id.org/innokg/graph/x>"),
     "other than the candidate and sources graphs"),
    (lambda t: t.replace('oa:exact "合肥科创办负责', 'oa:exact "合肥 科创办负责'), "oa:exact is not text"),
    (lambda t: t.replace("ikg:reviewStatus ikg:Pending .\n", "ikg:reviewStatus ikg:Maybe .\n", 1),
     "one ikg:reviewStatus"),
    (lambda t: t.replace("oa:start 0 ; oa:end 5 ;", "oa:start 5 ; oa:end 5 ;", 1), "oa:start < oa:end"),
    (lambda t: t.replace("dcterms:extent 116", "dcterms:extent 115"), "dcterms:extent"),
    (lambda t: t.replace("id:ndrc ikg:approves", "[] ikg:approves"), "blank node"),
], ids=["extra graph", "quote of normalised text", "unknown status", "empty span", "extent",
        "blank node"])
def test_a_candidate_graph_that_breaks_the_contract_is_refused_and_nothing_is_written(
        change: object, says: str) -> None:
    graph_store = GraphStore.open(Settings(in_memory=True, warm_up=False, query_workers=1))
    before = quads(graph_store)
    broken = change(CANDIDATES.decode("utf-8"))  # type: ignore[operator]
    assert broken != CANDIDATES.decode("utf-8")
    with pytest.raises(CandidateGraphError, match=says):
        load_candidates(graph_store, broken.encode("utf-8"))
    assert quads(graph_store) == before


def test_rdf_that_is_no_candidate_graph_or_no_rdf_is_refused() -> None:
    graph_store = GraphStore.open(Settings(in_memory=True, warm_up=False, query_workers=1))
    with pytest.raises(CandidateGraphError, match="exactly one graph"):
        load_candidates(graph_store, b"<urn:a> <urn:b> <urn:c> .")
    with pytest.raises(LoadError):
        load_candidates(graph_store, b"this is not RDF")


# -- accepting ---------------------------------------------------------------------------------------


def test_accept_moves_statements_and_their_evidence_and_loses_nothing(store: GraphStore) -> None:
    before = quads(store)
    result = Review(store).accept([CENTRE], agent=CURATOR)
    after = quads(store)
    moved = after[CURATED]
    assert result.changed == (CENTRE,) and result.moved == 2
    # Exactly what left the candidate graph (its pending status aside) arrived in the curated graph;
    # the candidate graph gained only the new status and the activity record: nothing lost.
    removed, gained = before[CAND] - after[CAND], after[CAND] - before[CAND]
    pending = (iri(CENTRE), iri(str(IKG.reviewStatus)), iri(str(IKG.Pending)))
    assert removed - {pending} == moved and pending in removed
    assert {p.value for _, p, _ in gained} <= {str(IKG.reviewStatus), str(RDF.type), str(DCTERMS.type),
                                             str(PROV.wasAssociatedWith), str(PROV.endedAtTime),
                                             str(PROV.used), str(RDFS.label)}
    count = sum(len(t) for t in after.values())
    assert count == sum(len(t) for t in before.values()) - len(removed) + len(gained) + len(moved)
    # The evidence moved with its statement, and the section and report file it cites came along.
    for evidence in evidence_of(moved):
        s, p, o = statement_of(moved, evidence)
        assert s == CENTRE and (iri(s), iri(p), o) in moved
    assert (iri(f"{REPORT}-section-1"), iri(str(RDF.type)), iri(str(IKG.Section))) in moved
    assert any(p.value == str(IKG.sourceFile) for _, p, _ in moved)


def test_a_statement_waits_until_both_its_ends_are_accepted(store: GraphStore) -> None:
    review = Review(store)
    approves = (iri(NDRC), iri(str(IKG.approves)), iri(CENTRE))
    review.accept([CENTRE], agent=CURATOR)
    assert approves in set(store.triples(graph=CAND))  # NDRC is still pending
    review.accept(["ndrc"], agent=CURATOR)
    curated = set(store.triples(graph=CURATED))
    assert approves in curated and approves not in set(store.triples(graph=CAND))
    # The NDRC's type is curated already: only the new citation of it moved, not the statement again.
    assert (iri(NDRC), iri(str(RDF.type)), iri(str(IKG.GovernmentBody))) not in curated
    assert any(statement_of(curated, e)[:2] == (NDRC, str(RDF.type)) for e in evidence_of(curated))


def test_no_curated_statement_points_at_an_undecided_candidate(store: GraphStore) -> None:
    review = Review(store)
    review.reject([OFFICE], agent=CURATOR)
    review.accept([GOV, CENTRE, NDRC, REPORT, XIXIAN], agent=CURATOR)
    curated = set(store.triples(graph=CURATED))
    assert not any(OFFICE in (s.value, o.value) for s, _, o in curated)
    assert (iri(GOV), iri(str(IKG.establishes)), iri(OFFICE)) in set(store.triples(graph=CAND))


def test_accepting_twice_changes_nothing_the_second_time(store: GraphStore) -> None:
    review = Review(store)
    review.accept([CENTRE, GOV], agent=CURATOR)
    before = quads(store)
    again = review.accept([CENTRE, GOV], agent=CURATOR)
    assert again.changed == () and again.unchanged == (CENTRE, GOV) and again.activity is None
    assert quads(store) == before


def test_a_failing_accept_leaves_both_graphs_unchanged(store: GraphStore) -> None:
    before = quads(store)
    # The update is stopped at its deadline before it commits: the engine's write fails as a whole.
    store.limits = dataclasses.replace(store.limits, update_timeout=1e-6)
    with pytest.raises(UpdateFailedError):
        Review(store).accept([CENTRE, GOV, NDRC], agent=CURATOR)
    assert quads(store) == before


def test_an_unknown_id_among_several_stops_the_whole_action(store: GraphStore) -> None:
    before = quads(store)
    with pytest.raises(CandidateNotFoundError, match="no-such-candidate"):
        Review(store).accept([CENTRE, "no-such-candidate"], agent=CURATOR)
    assert quads(store) == before


def test_every_action_is_recorded_with_who_and_when(store: GraphStore) -> None:
    result = Review(store).accept([CENTRE], agent=Agent.for_token("ab" * 32))
    assert result.activity is not None
    record = {(p.value, o.value) for s, p, o in store.triples(graph=CAND) if s.value == result.activity}
    assert (str(DCTERMS.type), "accept") in record and (str(PROV.used), CENTRE) in record
    assert (str(PROV.wasAssociatedWith), "urn:innokg:agent:token-abababababab") in record
    assert any(p == str(PROV.endedAtTime) and o.startswith("20") for p, o in record)


# -- rejecting, editing, merging ---------------------------------------------------------------------


def test_a_rejected_candidate_is_kept_and_stays_rejected_after_a_reload(store: GraphStore) -> None:
    review = Review(store)
    review.reject(["合肥科创办"], agent=CURATOR)
    kept = {t for t in store.triples(graph=CAND) if t[0].value == OFFICE}
    assert (iri(OFFICE), iri(str(IKG.reviewStatus)), iri(str(IKG.Rejected))) in kept
    assert (iri(OFFICE), iri(str(RDF.type)), iri(str(IKG.CoordinationOffice))) in kept
    load_candidates(store, CANDIDATES)
    assert review.candidate(OFFICE).status == "rejected"
    assert [c.iri for c in review.candidates(status="pending")].count(OFFICE) == 0
    assert review.reject([OFFICE], agent=CURATOR).changed == ()


def test_an_accepted_candidate_cannot_be_rejected_and_a_reload_does_not_bring_it_back(
        store: GraphStore) -> None:
    review = Review(store)
    review.accept([CENTRE], agent=CURATOR)
    with pytest.raises(ReviewConflictError, match="already accepted"):
        review.reject([CENTRE], agent=CURATOR)
    curated = set(store.triples(graph=CURATED))
    load_candidates(store, CANDIDATES)
    assert review.candidate(CENTRE).status == "accepted"
    # What is curated was not added to the candidate graph again.
    assert not curated & set(store.triples(graph=CAND))


def test_editing_a_label_keeps_the_reports_wording_and_its_evidence(store: GraphStore) -> None:
    review = Review(store)
    review.edit(GOV, label="合肥市人民政府", agent=CURATOR)
    review.edit(GOV, label="Hefei Municipal People's Government", lang="en", agent=CURATOR)
    graph = set(store.triples(graph=CAND))
    assert (iri(GOV), iri(str(SKOS.prefLabel)), zh("合肥市人民政府")) in graph
    assert (iri(GOV), iri(str(SKOS.altLabel)), zh("合肥市政府")) in graph
    cited = {statement_of(graph, e) for e in evidence_of(graph)}
    assert (GOV, str(SKOS.altLabel), zh("合肥市政府")) in cited
    # Every evidence node still cites a statement the graph asserts (the shapes' rule).
    assert all((iri(s), iri(p), o) in graph or s == NDRC for s, p, o in cited)
    assert review.edit(GOV, label="合肥市人民政府", agent=CURATOR).changed == ()


def test_accepting_an_edited_candidate_curates_the_curators_label_cited(store: GraphStore) -> None:
    review = Review(store)
    review.edit(GOV, label="合肥市人民政府", agent=CURATOR)
    review.accept([GOV], agent=CURATOR)
    curated = set(store.triples(graph=CURATED))
    assert (iri(GOV), iri(str(SKOS.prefLabel)), zh("合肥市人民政府")) in curated
    assert (iri(GOV), iri(str(SKOS.altLabel)), zh("合肥市政府")) in curated
    assert not [t for t in store.triples(graph=CAND)
                if t[0].value == GOV and t[1].value == str(SKOS.prefLabel)]
    cited = {statement_of(curated, e): e for e in evidence_of(curated)}
    given = cited[(GOV, str(SKOS.prefLabel), zh("合肥市人民政府"))]
    wording = cited[(GOV, str(SKOS.altLabel), zh("合肥市政府"))]
    # The curator's label cites where the report names the body, and says whose reading it is.
    about = {p.value: o for s, p, o in curated if s.value == given}
    same = {p.value: o for s, p, o in curated if s.value == wording}
    for prop in ("http://www.w3.org/ns/oa#start", "http://www.w3.org/ns/oa#end", str(IKG.inSection)):
        assert about[prop] == same[prop]
    notes = {o.lang: o.value for s, p, o in curated
             if s.value == given and p.value == str(SKOS.editorialNote)}
    assert set(notes) == {"zh", "en"} and "curator" in notes["en"]
    view = review.candidate(GOV)
    assert view.status == "accepted" and view.label_zh == "合肥市人民政府"
    assert review.accept([GOV], agent=CURATOR).changed == ()  # nothing moves twice
    # What entity pages and exports cite: the report's span, with the note.
    shown = Provenance(store).for_statement(GOV, str(SKOS.prefLabel), zh("合肥市人民政府"))
    assert len(shown) == 1 and shown[0].note is not None and shown[0].note.zh
    assert shown[0].text == "合肥市政府"


def test_an_overlong_label_is_refused_and_changes_nothing(store: GraphStore) -> None:
    before = set(store.triples(graph=CAND))
    with pytest.raises(BadRequestError, match="past the limit of 1000"):
        Review(store).edit(GOV, label="合" * 1001, agent=CURATOR)
    assert set(store.triples(graph=CAND)) == before


def test_editing_a_type_moves_its_evidence_and_refuses_what_is_no_class(store: GraphStore) -> None:
    review = Review(store)
    review.edit(OFFICE, type_="ikg:ManagementCommittee", agent=CURATOR)
    assert review.candidate(OFFICE).types == (str(IKG.ManagementCommittee),)
    graph = set(store.triples(graph=CAND))
    assert (OFFICE, str(RDF.type), iri(str(IKG.ManagementCommittee))) in {
        statement_of(graph, e) for e in evidence_of(graph)}
    with pytest.raises(BadRequestError, match="not a class"):
        review.edit(OFFICE, type_="ikg:approves", agent=CURATOR)
    with pytest.raises(ReviewConflictError, match="type is curated"):
        review.edit(NDRC, type_="ikg:Council", agent=CURATOR)


def test_merging_rewrites_statements_records_the_replacement_and_survives_a_reload(
        store: GraphStore) -> None:
    review = Review(store)
    target = f"{ID}xixian-institute"
    review.merge(XIXIAN, into="xixian-institute", agent=CURATOR)
    graph = set(store.triples(graph=CAND))
    # Nothing names the candidate any more but its own history (what the merge activity used).
    assert not any(o.value == XIXIAN for _, p, o in graph if p.value != str(PROV.used))
    assert {p.value for s, p, _ in graph if s.value == XIXIAN} == {str(DCTERMS.isReplacedBy),
                                                                   str(OWL.deprecated)}
    assert (iri(REPORT), iri(str(DCTERMS.publisher)), iri(target)) in graph
    cited = {statement_of(graph, e)[0] for e in evidence_of(graph)}
    assert XIXIAN not in cited and target in cited
    assert review.candidate(XIXIAN).status == "merged"
    assert review.merge(XIXIAN, into="xixian-institute", agent=CURATOR).changed == ()
    load_candidates(store, CANDIDATES)
    assert review.candidate(XIXIAN).status == "merged"
    assert not any(s.value == XIXIAN and p.value == str(IKG.reviewStatus) for s, p, _ in
                   store.triples(graph=CAND))
    # The target's own preferred label is cited, not doubled.
    labels = [o for _, _, o in store.triples(iri(target), iri(str(SKOS.prefLabel))) if o.lang == "zh"]
    assert labels == [zh("西咸研究院")]


def test_a_linked_candidate_cannot_be_merged_and_the_target_must_exist(store: GraphStore) -> None:
    review = Review(store)
    with pytest.raises(ReviewConflictError, match="linked candidate"):
        review.merge(NDRC, into="most", agent=CURATOR)
    with pytest.raises(CandidateNotFoundError, match="no-such-body"):
        review.merge(GOV, into="no-such-body", agent=CURATOR)


# -- reloading a new extraction of the same report ------------------------------------------------------

OFFICE_EVIDENCE = {f"https://w3id.org/innokg/id/ev/c-{KEY}-{h}"
                   for h in ("3faec79c06b6", "a4156d8637fe", "aee69f74d793", "61d1e40f99b3")}


def extraction(*, without: str | None = None, renamed: dict[str, str] | None = None) -> bytes:
    """The fixture's extraction as TriG, without every triple that names `without` (the extractor no
    longer finds that candidate) and with evidence IRIs renamed (`renamed`: old IRI → new IRI)."""
    scratch = GraphStore.in_memory()
    scratch.load_bytes(CANDIDATES, fmt="trig", name="candidates.trig")
    parts = []
    for graph in scratch.named_graphs():
        dropped = {s.value for s, _, o in scratch.triples(graph=graph)
                   if without in (s.value, o.value) and s.value.startswith(f"{ID}ev/")}
        lines = []
        for triple in scratch.triples(graph=graph):
            if without in {t.value for t in triple} or triple[0].value in dropped:
                continue
            lines.append(" ".join(iri((renamed or {}).get(t.value, t.value)).to_ntriples()
                                  if t.is_iri else t.to_ntriples() for t in triple) + " .")
        parts.append(f"<{graph}> {{\n" + "\n".join(sorted(lines)) + "\n}")
    return "\n".join(parts).encode("utf-8")


def outside(graphs: dict[str, set[Triple]]) -> dict[str, tuple[int, set[Triple]]]:
    """The graphs other than the candidate graph: how many triples each holds and those without a blank
    node (the store names blank nodes anew after a write)."""
    return {g: (len(t), {x for x in t if all(term.kind != "bnode" for term in x)})
            for g, t in graphs.items() if g != CAND}


def test_a_reload_of_a_smaller_extraction_drops_the_pending_candidates_it_no_longer_has(
        store: GraphStore) -> None:
    before = quads(store)
    result = load_candidates(store, extraction(without=OFFICE), name="smaller.trig")
    after = quads(store)
    # Exactly the office, its evidence and the statements that evidence cited left the candidate graph.
    gone = before[CAND] - after[CAND]
    assert after[CAND] <= before[CAND] and result.added == 0
    assert all(OFFICE in {t.value for t in triple} or triple[0].value in OFFICE_EVIDENCE
               for triple in gone)
    assert evidence_of(before[CAND]) - evidence_of(after[CAND]) == OFFICE_EVIDENCE
    assert not any(OFFICE in {t.value for t in triple} for triple in after[CAND])
    assert len(after[CAND]) == len(before[CAND]) - result.removed and result.removed == len(gone)
    assert (result.skipped, result.candidates) == (12, 5)
    # Nothing outside the report's candidate graph changed.
    assert outside(after) == outside(before)
    assert OFFICE not in {c.iri for c in Review(store).candidates()}
    # Loading the full extraction again brings it back as pending: it was never decided.
    load_candidates(store, CANDIDATES)
    assert quads(store)[CAND] == before[CAND]


def test_decisions_survive_a_reload_of_a_smaller_extraction(store: GraphStore) -> None:
    review = Review(store)
    review.reject([OFFICE], agent=CURATOR)
    review.accept([CENTRE, NDRC], agent=CURATOR)
    review.edit(GOV, label="合肥市人民政府", agent=CURATOR)
    review.merge(XIXIAN, into="xixian-institute", agent=CURATOR)
    before = quads(store)
    result = load_candidates(store, extraction(without=OFFICE), name="smaller.trig")
    after = quads(store)
    assert (result.added, result.removed) == (0, 0)  # nothing pending was lost: the office is decided
    assert after[CAND] == before[CAND] and outside(after) == outside(before)
    assert review.candidate(OFFICE).status == "rejected"
    assert review.candidate(CENTRE).status == "accepted"
    assert review.candidate(XIXIAN).status == "merged"
    assert review.candidate(GOV).label_zh == "合肥市人民政府"


def test_a_reload_keeps_an_edit_against_the_new_extractions_own_evidence(store: GraphStore) -> None:
    review = Review(store)
    review.edit(GOV, label="合肥市人民政府", type_="ikg:ManagementCommittee", agent=CURATOR)
    # An improved extractor cites the old wording and type with new evidence (another span, another IRI).
    label_ev, type_ev = (f"{ID}ev/c-{KEY}-{h}" for h in ("93d153014cd4", "b747ae74b468"))
    renamed = {label_ev: f"{ID}ev/c-{KEY}-0000000000a1", type_ev: f"{ID}ev/c-{KEY}-0000000000a2"}
    before = quads(store)
    result = load_candidates(store, extraction(renamed=renamed), name="improved.trig")
    graph = quads(store)[CAND]
    prefs = {o for s, p, o in graph if s.value == GOV and p.value == str(SKOS.prefLabel)}
    assert prefs == {zh("合肥市人民政府")}
    assert {o.value for s, p, o in graph if s.value == GOV and p.value == str(RDF.type)} == {
        str(IKG.ManagementCommittee)}
    cited = {statement_of(graph, e) for e in evidence_of(graph)}
    assert (GOV, str(SKOS.altLabel), zh("合肥市政府")) in cited
    assert (GOV, str(RDF.type), iri(str(IKG.ManagementCommittee))) in cited
    # The old evidence the new extraction no longer has is replaced by its new evidence.
    assert {label_ev, type_ev}.isdisjoint(evidence_of(graph))
    assert set(renamed.values()) <= evidence_of(graph)
    assert len(graph) == len(before[CAND]) + result.added - result.removed
    assert review.candidate(GOV).status == "pending"


def test_a_reload_keeps_a_rejected_candidate_out_of_the_pending_list(store: GraphStore) -> None:
    review = Review(store)
    review.reject([OFFICE], agent=CURATOR)
    load_candidates(store, extraction(without=GOV), name="smaller.trig")
    # The government is dropped (pending, not found again); the office stays rejected, described, and
    # the statement linking it to the dropped government left with it.
    listed = {c.iri: c.status for c in review.candidates()}
    assert GOV not in listed and listed[OFFICE] == "rejected"
    graph = quads(store)[CAND]
    assert (iri(OFFICE), iri(str(RDF.type)), iri(str(IKG.CoordinationOffice))) in graph
    assert not any(GOV in {t.value for t in triple} for triple in graph
                   if triple[1].value != str(PROV.used))
    load_candidates(store, CANDIDATES)
    assert {c.iri for c in review.candidates(status="pending")} == {CENTRE, GOV, XIXIAN, NDRC, REPORT}


def test_accepted_statements_stay_curated_through_a_reload_that_no_longer_finds_them(
        store: GraphStore) -> None:
    review = Review(store)
    review.accept([CENTRE, NDRC, GOV], agent=CURATOR)
    curated = set(store.triples(graph=CURATED))
    load_candidates(store, extraction(without=CENTRE), name="smaller.trig")
    assert set(store.triples(graph=CURATED)) == curated
    assert review.candidate(CENTRE).status == "accepted"


def test_an_edited_candidate_the_new_extraction_no_longer_finds_stays_as_edited(store: GraphStore) -> None:
    review = Review(store)
    review.edit(OFFICE, label="合肥市科技创新办公室", agent=CURATOR)
    load_candidates(store, extraction(without=OFFICE), name="smaller.trig")
    office = review.candidate(OFFICE)
    assert (office.status, office.label_zh) == ("pending", "合肥市科技创新办公室")
    assert office.alt_labels == ("合肥科创办",)
    # Its own evidence stays; the statements linking it to candidates the extraction still has too.
    cited = {(s.subject.value, s.predicate) for s in office.statements}
    assert cited == {(OFFICE, str(RDF.type)), (OFFICE, str(SKOS.altLabel)), (GOV, str(IKG.establishes)),
                     (OFFICE, str(IKG.governs))}


def test_a_failing_reload_replaces_nothing(store: GraphStore) -> None:
    before = quads(store)
    store.limits = dataclasses.replace(store.limits, update_timeout=1e-6)
    with pytest.raises(UpdateFailedError):
        load_candidates(store, extraction(without=OFFICE), name="smaller.trig")
    assert quads(store) == before
