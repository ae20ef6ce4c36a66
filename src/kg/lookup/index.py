"""The lookup index: labels of entities, searchable by substring, abbreviation, English words, pinyin,
pinyin initials and one-edit typos, ranked.

Structures (built once per store generation, then read-only):
- *keys*: the distinct normalised label texts (`normalise`), each pointing at the labels that have it;
- `text` postings: CJK character unigrams and bigrams and latin trigrams of each key — a query's grams
  are a subset of any key that contains the query, so candidates are the intersection of a few
  posting lists, checked with `in`;
- `words` postings and a sorted word list (prefix search by bisection), English acronyms;
- `syllables` postings: pairs (and singles) of pinyin readings of adjacent characters, over a per-key
  lattice of readings (polyphones keep all readings); `initials` postings: letter trigrams and bigrams;
- `flat` postings: trigrams of each key's first-reading pinyin string, for typo search.
A query touches only the posting lists of its own grams: cost grows with the number of candidates,
not with the number of entities.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from kg.errors import BadRequestError
from kg.lookup import pinyin
from kg.lookup.normalise import acronyms, is_cjk, is_latin_query, normalise, strip_tones, words
from kg.lookup.postings import Postings

#: Match kinds, best first, with the base of their score; tiers are 0.1 apart and the in-tier
#: adjustments (whole label, coverage, label kind) add at most 0.09, so a tier never overtakes another
#: and the best score is 1.0. "partial": the query holds a whole label and more ("上海张江科学城").
MATCH_BASE: dict[str, float] = {
    "exact": 0.91, "prefix": 0.81, "substring": 0.71, "english": 0.61, "abbreviation": 0.51,
    "partial": 0.41, "pinyin": 0.31, "initials": 0.21, "fuzzy": 0.11,
}
#: A label found inside a longer query must cover at least this share of it (else "上海" would
#: answer every query about a Shanghai body).
PARTIAL_MIN_COVERAGE = 0.5
LABEL_KINDS = ("pref", "alt", "label", "hidden")
_LABEL_BONUS = {"pref": 1.0, "alt": 0.5, "label": 0.5, "hidden": 0.0}
#: Most candidate keys one typo search verifies; past it the answer says truncated (a query of one
#: very common character would otherwise check most of the index).
FUZZY_MAX_CANDIDATES = 5_000
#: Shortest queries tried for typos: one edit in fewer characters matches almost anything.
FUZZY_MIN_LATIN, FUZZY_MIN_CJK = 5, 3
#: Most words a prefix of one query word expands to (type-ahead on "c" would list every word).
MAX_PREFIX_WORDS = 2_000


@dataclass(frozen=True, slots=True)
class LabelRecord:
    """One label of an entity as stored: its text, language tag and SKOS kind."""

    value: str
    lang: str | None
    kind: str  # one of LABEL_KINDS


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """What the index knows of an entity: IRI, labels and rdf:types."""

    iri: str
    labels: tuple[LabelRecord, ...]
    types: frozenset[str] = frozenset()

    def preferred(self, lang: str) -> str | None:
        """The entity's prefLabel in `lang` (falling back to an rdfs:label), or None."""
        for kind in ("pref", "label"):
            for label in self.labels:
                if label.kind == kind and _lang_matches(label.lang, lang):
                    return label.value
        return None


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked answer: the entity, the label that matched and how."""

    entity: EntityRecord
    matched: str
    match: str
    score: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of ranked hits, with the total number of matching entities."""

    query: str
    total: int
    limit: int
    offset: int
    hits: tuple[Hit, ...]
    truncated: bool = False


def _lang_matches(tag: str | None, lang: str) -> bool:
    return tag is not None and (tag.lower() == lang or tag.lower().startswith(lang + "-"))


def _text_grams(text: str) -> Iterator[str]:
    """CJK unigrams and bigrams, and latin trigrams inside each non-CJK run."""
    run_start = 0
    for i, char in enumerate(text):
        if is_cjk(char):
            yield from _latin_trigrams(text[run_start:i])
            run_start = i + 1
            yield char
            if i + 1 < len(text) and is_cjk(text[i + 1]):
                yield text[i:i + 2]
    yield from _latin_trigrams(text[run_start:])


def _latin_trigrams(run: str) -> Iterator[str]:
    for i in range(len(run) - 2):
        yield run[i:i + 3]


def _lattice_grams(lattice: tuple[frozenset[str], ...], *, sep: str = "|") -> Iterator[str]:
    """Every single and adjacent pair of lattice options ("ke", "ke|chuang")."""
    for i, options in enumerate(lattice):
        yield from options
        if i + 1 < len(lattice):
            for first in options:
                for second in lattice[i + 1]:
                    yield f"{first}{sep}{second}"


def _initial_grams(letters: tuple[frozenset[str], ...]) -> Iterator[str]:
    """Letter bigrams and trigrams of the initials lattice."""
    for i in range(len(letters) - 1):
        for a in letters[i]:
            for b in letters[i + 1]:
                yield a + b
                if i + 2 < len(letters):
                    for c in letters[i + 2]:
                        yield a + b + c


def _is_subsequence(needle: str, haystack: str) -> bool:
    remaining = iter(haystack)
    return all(char in remaining for char in needle)


def _lattice_match(lattice: tuple[frozenset[str], ...], sequence: tuple[str, ...],
                   *, partial_last: bool) -> int | None:
    """Start of the first run of characters reading as `sequence` (last element may be a prefix)."""
    n = len(sequence)
    for start in range(len(lattice) - n + 1):
        if all(sequence[j] in lattice[start + j] for j in range(n - 1)) and _last_fits(
            lattice[start + n - 1], sequence[-1], partial_last
        ):
            return start
    return None


def _last_fits(options: frozenset[str], syllable: str, partial: bool) -> bool:
    return syllable in options or (partial and any(o.startswith(syllable) for o in options))


@lru_cache(maxsize=256)
def _one_edit_pattern(query: str) -> re.Pattern[str]:
    """A regex finding `query` inside a text with at most one substitution, gap, insertion or swap."""
    q, esc = query, re.escape
    variants = {esc(q[:i]) + "." + esc(q[i + 1:]) for i in range(len(q))}
    variants |= {esc(q[:i] + q[i + 1:]) for i in range(len(q))}
    variants |= {esc(q[:i]) + "." + esc(q[i:]) for i in range(1, len(q))}
    variants |= {esc(q[:i] + q[i + 1] + q[i] + q[i + 2:]) for i in range(len(q) - 1)}
    return re.compile("|".join(sorted(variants, key=len, reverse=True)), re.DOTALL)


def _pieces(query: str, count: int) -> list[str]:
    """`query` cut into `count` consecutive pieces (one edit leaves one piece intact: pigeonhole)."""
    size, extra = divmod(len(query), count)
    pieces, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        pieces.append(query[start:end])
        start = end
    return pieces


@dataclass
class _Collector:
    """The best hit per entity seen so far during one search."""

    index: LookupIndex
    lang: str | None
    allowed_types: frozenset[str] | None
    best: dict[int, tuple[float, int, str]] = field(default_factory=dict)
    truncated: bool = False

    def offer(self, key_id: int, kind: str, coverage: float, whole: bool = False) -> None:
        """Score every label having key `key_id` as a `kind` match and keep each entity's best."""
        index = self.index
        base = MATCH_BASE[kind] + 0.03 * min(coverage, 1.0) + (0.04 if whole else 0.0)
        for label_id in index.key_labels[key_id]:
            entity_id, label = index.label_owner[label_id], index.labels[label_id]
            if self.lang is not None and not _lang_matches(label.lang, self.lang):
                continue
            if self.allowed_types is not None and self.allowed_types.isdisjoint(
                index.entities[entity_id].types
            ):
                continue
            score = round(base + 0.02 * _LABEL_BONUS[label.kind], 4)
            current = self.best.get(entity_id)
            if current is None or score > current[0] or (score == current[0] and label_id < current[1]):
                self.best[entity_id] = (score, label_id, kind)


class LookupIndex:
    """Searchable labels of a set of entities; immutable once built."""

    def __init__(self, entities: Iterable[EntityRecord]) -> None:
        self.entities: list[EntityRecord] = []
        self.labels: list[LabelRecord] = []
        self.label_owner: list[int] = []
        self.keys: list[str] = []
        self.key_labels: list[list[int]] = []
        self._key_ids: dict[str, int] = {}
        self._lattices: dict[int, tuple[frozenset[str], ...]] = {}
        self._initials: dict[int, tuple[frozenset[str], ...]] = {}
        self._flat: dict[int, str] = {}
        self._acronyms: dict[str, list[int]] = {}
        self._text, self._words = Postings(), Postings()
        self._syllables, self._letters, self._flat_grams = Postings(), Postings(), Postings()
        for entity in entities:
            self._add_entity(entity)
        for postings in (self._text, self._words, self._syllables, self._letters, self._flat_grams):
            postings.freeze()
        self._sorted_words = sorted({w for key in self.keys for w in words(key)})
        pinyin.segmentations("warm")  # builds the syllable tables now, not on the first search

    # -- building ------------------------------------------------------------------------------

    def _add_entity(self, entity: EntityRecord) -> None:
        entity_id = len(self.entities)
        self.entities.append(entity)
        for label in entity.labels:
            text = normalise(label.value)
            if not text:
                continue
            label_id = len(self.labels)
            self.labels.append(label)
            self.label_owner.append(entity_id)
            key_id = self._key_ids.get(text)
            if key_id is None:
                key_id = self._add_key(text)
            self.key_labels[key_id].append(label_id)

    def _add_key(self, text: str) -> int:
        key_id = len(self.keys)
        self._key_ids[text] = key_id
        self.keys.append(text)
        self.key_labels.append([])
        self._text.add(key_id, _text_grams(text))
        self._words.add(key_id, words(text))
        for acronym in acronyms(text):
            self._acronyms.setdefault(acronym, []).append(key_id)
        lattice = pinyin.lattice(text)
        if lattice:
            letters = pinyin.initials(lattice)
            self._lattices[key_id], self._initials[key_id] = lattice, letters
            self._syllables.add(key_id, _lattice_grams(lattice))
            self._letters.add(key_id, _initial_grams(letters))
            flat, _ = pinyin.primary(text)
            self._flat[key_id] = flat
            self._flat_grams.add(key_id, _latin_trigrams(flat))
        return key_id

    def stats(self) -> dict[str, int]:
        """Sizes of the index (entities, labels, keys, posting entries)."""
        postings = (self._text, self._words, self._syllables, self._letters, self._flat_grams)
        return {
            "entities": len(self.entities), "labels": len(self.labels), "keys": len(self.keys),
            "grams": sum(len(p) for p in postings), "postings": sum(p.entries() for p in postings),
        }

    # -- searching -----------------------------------------------------------------------------

    def search(self, query: str, *, limit: int, offset: int = 0, lang: str | None = None,
               types: frozenset[str] | None = None) -> SearchResult:
        """Ranked entities whose labels match `query`; raises BadRequestError for an empty query."""
        text = normalise(query)
        if not text:
            raise BadRequestError("The lookup query is empty; give a name, abbreviation or pinyin.")
        collector = _Collector(self, lang.lower() if lang else None, types)
        self._match_text(text, collector)
        cjk = [c for c in text if is_cjk(c)]
        if len(cjk) >= 2:
            self._match_abbreviation(text, collector)
            self._match_partial("".join(cjk), collector)
        if len(cjk) == len(text.replace(" ", "")) and len(text) >= FUZZY_MIN_CJK:
            self._match_fuzzy(text, self._text, lambda k: self.keys[k], collector, cjk=True)
        toneless = strip_tones(text)
        if is_latin_query(toneless):
            self._match_latin(text, toneless, collector)
        return self._page(query, collector, limit=limit, offset=offset)

    def _page(self, query: str, collector: _Collector, *, limit: int, offset: int) -> SearchResult:
        ranked = sorted(collector.best.items(), key=lambda item: (-item[1][0], self.entities[item[0]].iri))
        hits = tuple(
            Hit(self.entities[entity_id], self.labels[label_id].value, kind, score)
            for entity_id, (score, label_id, kind) in ranked[offset:offset + limit]
        )
        return SearchResult(query, len(ranked), limit, offset, hits, collector.truncated)

    def _substring_keys(self, text: str) -> list[int]:
        """Ids of the keys containing `text` (via grams; via word prefixes when `text` has none)."""
        grams = list(_text_grams(text))
        if grams:
            candidates = self._text.intersect(grams)
        else:
            candidates = sorted(self._words.union(self._words_with_prefix(text.strip())))
        return [k for k in candidates if text in self.keys[k]]

    def _words_with_prefix(self, prefix: str) -> list[str]:
        found = []
        start = bisect_left(self._sorted_words, prefix)
        for word in self._sorted_words[start:start + MAX_PREFIX_WORDS]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return found

    def _match_text(self, text: str, collector: _Collector) -> None:
        for key_id in self._substring_keys(text):
            key = self.keys[key_id]
            kind = "exact" if key == text else "prefix" if key.startswith(text) else "substring"
            collector.offer(key_id, kind, len(text) / len(key), whole=kind == "exact")

    def _match_abbreviation(self, text: str, collector: _Collector) -> None:
        chars = [c for c in text if is_cjk(c)]
        compact = "".join(chars)
        for key_id in self._text.intersect(chars):
            key = self.keys[key_id]
            if _is_subsequence(compact, key):
                collector.offer(key_id, "abbreviation", len(compact) / len(key))

    def _match_partial(self, compact: str, collector: _Collector) -> None:
        """Labels the query contains whole, with a qualifier around them ("上海" + "张江科学城")."""
        n = len(compact)
        shortest = max(2, int(n * PARTIAL_MIN_COVERAGE + 0.999))
        for size in range(n - 1, shortest - 1, -1):
            for start in range(n - size + 1):
                key_id = self._key_ids.get(compact[start:start + size])
                if key_id is not None:
                    collector.offer(key_id, "partial", size / n)

    def _match_latin(self, text: str, toneless: str, collector: _Collector) -> None:
        query_words = words(text)
        if len(query_words) >= 2:
            self._match_words(query_words, collector)
        letters = toneless.replace(" ", "").replace("'", "").replace("-", "")
        for key_id in self._acronyms.get(letters, ()):
            collector.offer(key_id, "abbreviation", len(letters) / len(self.keys[key_id]))
        if letters.isalpha():
            self._match_pinyin(toneless, collector)
            if len(letters) >= 2:
                self._match_initials(letters, collector)
        if len(letters) >= FUZZY_MIN_LATIN:
            self._match_fuzzy(text, self._text, lambda k: self.keys[k], collector, cjk=False)
            self._match_fuzzy(letters, self._flat_grams, self._flat.__getitem__, collector, cjk=False)

    def _match_words(self, query_words: list[str], collector: _Collector) -> None:
        """Every query word starts a word of the label, in any order ("development national")."""
        per_word = [sorted(self._words.union(self._words_with_prefix(w))) for w in query_words]
        per_word.sort(key=len)
        candidates = set(per_word[0]).intersection(*per_word[1:])
        length = sum(len(w) for w in query_words)
        for key_id in sorted(candidates):
            collector.offer(key_id, "english", length / len(self.keys[key_id]))

    def _match_pinyin(self, toneless: str, collector: _Collector) -> None:
        for sequence in pinyin.segmentations(toneless):
            partial = not pinyin.is_complete(sequence[-1])
            complete = sequence[:-1] if partial else sequence
            if not complete:
                continue
            grams = [f"{a}|{b}" for a, b in pairwise(complete)] or [complete[0]]
            for key_id in self._syllables.intersect(grams):
                lattice = self._lattices[key_id]
                start = _lattice_match(lattice, sequence, partial_last=partial)
                if start is None:
                    continue
                whole = start == 0 and len(sequence) == len(lattice)
                collector.offer(key_id, "pinyin", len(sequence) / len(lattice), whole)

    def _match_initials(self, letters: str, collector: _Collector) -> None:
        grams = [letters[i:i + 3] for i in range(len(letters) - 2)] or [letters]
        sequence = tuple(letters)
        for key_id in self._letters.intersect(grams):
            lattice = self._initials[key_id]
            start = _lattice_match(lattice, sequence, partial_last=False)
            if start is not None:
                whole = start == 0 and len(sequence) == len(lattice)
                collector.offer(key_id, "initials", len(sequence) / len(lattice), whole)

    def _match_fuzzy(self, text: str, postings: Postings, key_text: Callable[[int], str],
                     collector: _Collector, *, cjk: bool) -> None:
        """Keys holding `text` with one edit: candidates hold one intact piece of it (pigeonhole)."""
        count = 2 if cjk or len(text) < 9 else 3  # a swap breaks two pieces: three keep one intact
        candidates: set[int] = set()
        for piece in _pieces(text, count):
            grams = list(_text_grams(piece))
            if grams:
                candidates.update(postings.intersect(grams))
        if len(candidates) > FUZZY_MAX_CANDIDATES:
            collector.truncated = True
            candidates = set(sorted(candidates)[:FUZZY_MAX_CANDIDATES])
        pattern = _one_edit_pattern(text)
        for key_id in sorted(candidates):
            target = key_text(key_id)
            if pattern.search(target):
                collector.offer(key_id, "fuzzy", len(text) / max(len(target), 1))

