"""The lookup index: labels of entities, searchable by substring, abbreviation, English words, pinyin,
pinyin initials and one-edit typos, ranked.

Structures (built once per store generation, then read-only; bulk work is done by numpy over the
joined text of all keys, not by a Python loop per gram):
- *keys*: the distinct normalised label texts (`normalise`), each pointing at the labels that have it;
- `text` postings: CJK character unigrams and bigrams and latin trigrams of each key (packed into
  integers, `postings.gram_codes`) — a query's grams are a subset of any key that contains the query,
  so candidates are the intersection of a few posting lists, checked by one regex pass;
- pinyin and initials need no postings of their own: a pair of syllables (or of initials) maps to the
  few distinct CJK bigrams of the index that can read that way (every reading of a polyphone counts),
  and their text posting lists give the candidates; a regex of character classes checks them;
- `words` postings and a sorted word list (prefix search by bisection), English acronyms;
- `flat` postings: trigrams of each key's first-reading pinyin string, for typo search.
Ranking is done in numpy over all matching labels, so `total` is exact; only typo search caps the
candidates it checks (the answer then says `truncated`). A query touches only the posting lists of its
own grams: cost grows with the number of candidates, not with the number of entities.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from kg.errors import BadRequestError
from kg.lookup import pinyin
from kg.lookup.normalise import (
    acronyms,
    is_cjk,
    is_latin_query,
    normalise,
    normalise_many,
    strip_tones,
    words,
)
from kg.lookup.postings import (
    CHAR_BITS,
    EMPTY,
    SEPARATOR,
    IdArray,
    Postings,
    cjk_mask,
    code_points,
    gram_codes,
    intersect,
    joined_gram_codes,
    key_of_position,
    union,
)

#: Match kinds, best first, with the base of their score; tiers are 0.1 apart and the in-tier
#: adjustments (whole label, coverage, label kind) add at most 0.09, so a tier never overtakes another
#: and the best score is 1.0. "partial": the query holds a whole label and more ("上海张江科学城").
MATCH_BASE: dict[str, float] = {
    "exact": 0.91, "prefix": 0.81, "substring": 0.71, "english": 0.61, "abbreviation": 0.51,
    "partial": 0.41, "pinyin": 0.31, "initials": 0.21, "fuzzy": 0.11,
}
_KINDS = tuple(MATCH_BASE)
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
#: Most distinct grams of a query one edit can destroy (a swap of two letters breaks four trigrams).
_EDIT_DESTROYS = 4
#: Fewest shared grams for which counting them beats intersecting the grams of a piece of the query.
_MIN_SHARED_GRAMS = 2
#: Compiled pinyin patterns kept per index (cleared when full: a plain bound, not an LRU).
_PATTERN_CACHE = 1024
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


def _edited(text: str) -> list[str]:
    """Regex alternatives for `text` with at most one substitution, gap, insertion or swap."""
    t, esc = text, re.escape
    variants = {esc(t)} | {esc(t[:i]) + "." + esc(t[i + 1:]) for i in range(len(t))}
    variants |= {esc(t[:i] + t[i + 1:]) for i in range(len(t))}
    variants |= {esc(t[:i]) + "." + esc(t[i:]) for i in range(len(t))}
    variants |= {esc(t[:i] + t[i + 1] + t[i] + t[i + 2:]) for i in range(len(t) - 1)}
    return sorted(variants, key=len, reverse=True)


@lru_cache(maxsize=256)
def _one_edit_patterns(query: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two regexes finding `query` with at most one edit: the first on the text, the second on the
    reversed text. One edit leaves the head or the tail half intact (a swap across the middle is the
    third alternative of the first regex): each regex starts with an intact half, which the regex
    engine finds by fast literal search instead of trying every alternative at every position."""
    middle = len(query) // 2
    head, tail = query[:middle], query[middle:]
    across = re.escape(head[:-1] + tail[0] + head[-1] + tail[1:])
    # No DOTALL: candidates are scanned joined by newlines, and a match must stay inside one key.
    forward = re.compile(f"{re.escape(head)}(?:{'|'.join(_edited(tail))})|{across}")
    backward = re.compile(f"{re.escape(tail[::-1])}(?:{'|'.join(_edited(head[::-1]))})")
    return forward, backward


@lru_cache(maxsize=256)
def _literal_pattern(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


@lru_cache(maxsize=256)
def _subsequence_pattern(chars: str) -> re.Pattern[str]:
    """The characters of `chars` in order, anything (but a newline) between them."""
    return re.compile(".*?".join(re.escape(c) for c in chars))


def _pieces(query: str, count: int) -> list[str]:
    """`query` cut into `count` consecutive pieces (one edit leaves one piece intact: pigeonhole)."""
    size, extra = divmod(len(query), count)
    pieces, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        pieces.append(query[start:end])
        start = end
    return pieces


def _query_codes(text: str) -> list[int]:
    """The grams of a query worth intersecting: bigrams and trigrams, or unigrams when it has none."""
    codes = gram_codes(text)
    longer = [c for c in codes if c >> CHAR_BITS]
    return longer or codes


def _ranges(starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Every integer of the ranges [start, end), one range after another."""
    lengths = ends - starts
    shifts = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return np.arange(int(lengths.sum()), dtype=np.int64) + shifts


@dataclass
class _Offers:
    """Keys found by one search, by kind, with their in-tier score (before the label kind's bonus)."""

    keys: list[IdArray] = field(default_factory=list)
    scores: list[npt.NDArray[np.float64]] = field(default_factory=list)
    kinds: list[npt.NDArray[np.int8]] = field(default_factory=list)
    truncated: bool = False

    def add(self, key_ids: IdArray, kind: str, coverage: npt.NDArray[np.float64] | float,
            whole: npt.NDArray[np.bool_] | bool = False) -> None:
        """Offer `key_ids` as `kind` matches covering `coverage` of their key (whole: all of it)."""
        if len(key_ids) == 0:
            return
        score = MATCH_BASE[kind] + 0.03 * np.minimum(coverage, 1.0) + np.where(whole, 0.04, 0.0)
        self.keys.append(np.asarray(key_ids, dtype=np.int32))
        self.scores.append(np.broadcast_to(score, len(key_ids)).astype(np.float64))
        self.kinds.append(np.full(len(key_ids), _KINDS.index(kind), dtype=np.int8))

    def found(self) -> IdArray:
        """Every key offered so far."""
        return union(self.keys)


class LookupIndex:
    """Searchable labels of a set of entities; immutable once built."""

    def __init__(self, entities: Iterable[EntityRecord]) -> None:
        self.entities: list[EntityRecord] = list(entities)
        self.labels: list[LabelRecord] = []
        self._build_keys()
        self._build_entities()
        self._build_text()
        self._build_words()
        self._build_readings()
        pinyin.segmentations("warm")  # builds the syllable tables now, not on the first search

    # -- building ------------------------------------------------------------------------------

    def _build_keys(self) -> None:
        """Distinct normalised label texts, and from each key to its labels (compressed rows)."""
        raw = [(entity_id, label) for entity_id, entity in enumerate(self.entities)
               for label in entity.labels]
        texts = normalise_many([label.value for _, label in raw])
        self.keys: list[str] = []
        self._key_ids: dict[str, int] = {}
        owners, label_keys, langs = [], [], []
        self._langs: list[str | None] = []
        lang_ids: dict[str | None, int] = {}
        for (entity_id, label), text in zip(raw, texts, strict=True):
            if not text:
                continue
            key_id = self._key_ids.get(text)
            if key_id is None:
                key_id = self._key_ids[text] = len(self.keys)
                self.keys.append(text)
            tag = label.lang.lower() if label.lang else None
            if tag not in lang_ids:
                lang_ids[tag] = len(self._langs)
                self._langs.append(tag)
            self.labels.append(label)
            owners.append(entity_id)
            label_keys.append(key_id)
            langs.append(lang_ids[tag])
        self._label_entity = np.asarray(owners, dtype=np.int32)
        self._label_lang = np.asarray(langs, dtype=np.int16)
        self._label_bonus = np.asarray([0.02 * _LABEL_BONUS[label.kind] for label in self.labels])
        by_key = np.argsort(np.asarray(label_keys, dtype=np.int32), kind="stable")
        self._key_labels = by_key.astype(np.int32)
        counts = np.bincount(np.asarray(label_keys, dtype=np.int64), minlength=len(self.keys))
        self._key_label_offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self._key_len = np.asarray([len(k) for k in self.keys], dtype=np.int32)
        order = sorted(range(len(self.keys)), key=self.keys.__getitem__)
        self._sorted_keys = [self.keys[i] for i in order]
        self._sorted_key_ids = np.asarray(order, dtype=np.int32)

    def _build_entities(self) -> None:
        """Each entity's rank by IRI (ties in ranking) and its types as ids (type filters)."""
        by_iri = sorted(range(len(self.entities)), key=lambda i: self.entities[i].iri)
        self._entity_rank = np.empty(len(self.entities), dtype=np.int32)
        self._entity_rank[np.asarray(by_iri, dtype=np.int64)] = np.arange(len(by_iri), dtype=np.int32)
        self._type_ids: dict[str, int] = {}
        pairs = [(entity_id, self._type_ids.setdefault(t, len(self._type_ids)))
                 for entity_id, entity in enumerate(self.entities) for t in entity.types]
        table = np.asarray(pairs, dtype=np.int32).reshape(-1, 2)
        self._typed_entity, self._typed_type = table[:, 0], table[:, 1]

    def _build_text(self) -> None:
        """Text grams and first-reading pinyin trigrams of all keys, each from one joined text."""
        lengths = self._key_len.tolist()
        joined = SEPARATOR.join(self.keys) + SEPARATOR
        self._text = Postings(*joined_gram_codes(joined, lengths))
        points = code_points(joined)
        cjk = cjk_mask(points)
        self._key_cjk = np.bincount(key_of_position(lengths)[cjk], minlength=len(self.keys))
        self._flats = pinyin.first_readings(joined).split(SEPARATOR)[:-1]
        flat_lengths = [len(f) for f in self._flats]
        self._flat_len = np.asarray(flat_lengths, dtype=np.int32)
        self._flat = Postings(*joined_gram_codes(SEPARATOR.join(self._flats) + SEPARATOR, flat_lengths))

    def _build_words(self) -> None:
        """English words of the keys (postings and a sorted list for prefixes) and acronyms."""
        building: dict[str, list[int]] = {}
        self._acronyms: dict[str, list[int]] = {}
        for key_id, key in enumerate(self.keys):
            if key.isascii() or not all(is_cjk(c) for c in key):
                for word in set(words(key)):
                    building.setdefault(word, []).append(key_id)
                for acronym in acronyms(key):
                    self._acronyms.setdefault(acronym, []).append(key_id)
        self._words = {w: np.asarray(ids, dtype=np.int32) for w, ids in building.items()}
        self._sorted_words = sorted(self._words)

    def _build_readings(self) -> None:
        """From syllable pairs ("ke|chuang"), single syllables and initials pairs ("kc") to the
        positions in the text postings of the CJK bigrams (or characters) that can read that way."""
        self._reading_slots: dict[str, list[int]] = {}
        self._initial_slots: dict[str, list[int]] = {}
        readers: dict[str, list[str]] = {}
        codes = self._text.codes
        single = np.flatnonzero(codes < np.uint64(1 << CHAR_BITS))
        for slot, code in zip(single.tolist(), codes[single].tolist(), strict=True):
            if is_cjk(chr(code)):
                for reading in pinyin.readings(chr(code)):
                    self._reading_slots.setdefault(reading, []).append(slot)
                    readers.setdefault(reading, []).append(chr(code))
        pairs = np.flatnonzero((codes >= np.uint64(1 << CHAR_BITS)) & (codes < np.uint64(1 << 2 * CHAR_BITS)))
        mask = (1 << CHAR_BITS) - 1
        for slot, code in zip(pairs.tolist(), codes[pairs].tolist(), strict=True):
            first, second = pinyin.readings(chr(code >> CHAR_BITS)), pinyin.readings(chr(code & mask))
            for a in first:
                for b in second:
                    self._reading_slots.setdefault(f"{a}|{b}", []).append(slot)
            for letters in {a[0] + b[0] for a in first for b in second}:
                self._initial_slots.setdefault(letters, []).append(slot)
        # Only the characters of this index: small classes compile in microseconds, not milliseconds.
        self._readers = {syllable: "".join(chars) for syllable, chars in readers.items()}
        self._patterns: dict[tuple[tuple[str, ...], bool, bool], re.Pattern[str]] = {}

    def _char_class(self, syllable: str, *, prefix: bool) -> str:
        """A regex class of the index's CJK characters reading as `syllable` (or a syllable it starts)."""
        if prefix:
            chars = "".join(sorted({c for s, cs in self._readers.items() if s.startswith(syllable)
                                    for c in cs}))
        else:
            chars = self._readers.get(syllable, "")
        return f"[{chars}]" if chars else "(?!)"  # (?!) never matches: no character reads that way

    def _reading_pattern(self, sequence: tuple[str, ...], partial_last: bool,
                         initials: bool) -> re.Pattern[str]:
        """Adjacent CJK characters reading as `sequence` (syllables, or with `initials` first letters)."""
        cache_key = (sequence, partial_last, initials)
        pattern = self._patterns.get(cache_key)
        if pattern is None:
            last = len(sequence) - 1
            pattern = re.compile("".join(
                self._char_class(s, prefix=initials or (partial_last and i == last))
                for i, s in enumerate(sequence)))
            if len(self._patterns) >= _PATTERN_CACHE:
                self._patterns.clear()
            self._patterns[cache_key] = pattern
        return pattern

    def stats(self) -> dict[str, int]:
        """Sizes of the index (entities, labels, keys, posting entries)."""
        return {
            "entities": len(self.entities), "labels": len(self.labels), "keys": len(self.keys),
            "grams": len(self._text) + len(self._flat) + len(self._words),
            "postings": (self._text.entries() + self._flat.entries()
                         + sum(len(ids) for ids in self._words.values())),
        }

    # -- searching -----------------------------------------------------------------------------

    def search(self, query: str, *, limit: int, offset: int = 0, lang: str | None = None,
               types: frozenset[str] | None = None) -> SearchResult:
        """Ranked entities whose labels match `query`; raises BadRequestError for an empty query."""
        text = normalise(query)
        if not text:
            raise BadRequestError("The lookup query is empty; give a name, abbreviation or pinyin.")
        offers = _Offers()
        self._match_text(text, offers)
        cjk = [c for c in text if is_cjk(c)]
        if len(cjk) >= 2:
            self._match_abbreviation("".join(cjk), offers)
            self._match_partial("".join(cjk), offers)
        if len(cjk) == len(text.replace(" ", "")) and len(text) >= FUZZY_MIN_CJK:
            self._match_fuzzy(text, self._text, self.keys, self._key_len, offers)
        toneless = strip_tones(text)
        if is_latin_query(toneless):
            self._match_latin(text, toneless, offers)
        return self._page(query, offers, limit=limit, offset=offset,
                          lang=lang.lower() if lang else None, types=types)

    def _page(self, query: str, offers: _Offers, *, limit: int, offset: int, lang: str | None,
              types: frozenset[str] | None) -> SearchResult:
        """Each matching entity's best label (highest score, then first label), ranked, one page."""
        if not offers.keys:
            return SearchResult(query, 0, limit, offset, (), offers.truncated)
        keys = np.concatenate(offers.keys)
        starts, ends = self._key_label_offsets[keys], self._key_label_offsets[keys + 1]
        label_ids = self._key_labels[_ranges(starts, ends)]
        repeat = ends - starts
        scores = np.round(np.repeat(np.concatenate(offers.scores), repeat) + self._label_bonus[label_ids], 4)
        kinds = np.repeat(np.concatenate(offers.kinds), repeat)
        entity_ids = self._label_entity[label_ids]
        keep = self._allowed(label_ids, entity_ids, lang, types)
        if keep is not None:
            label_ids, scores, kinds, entity_ids = (a[keep] for a in (label_ids, scores, kinds, entity_ids))
        # Sorted by entity, best score first, first label first: the head of each entity's run wins.
        order = np.lexsort((label_ids, -scores, entity_ids))
        heads = np.ones(len(order), dtype=bool)
        heads[1:] = entity_ids[order][1:] != entity_ids[order][:-1]
        best = order[heads]
        ranked = best[np.lexsort((self._entity_rank[entity_ids[best]], -scores[best]))]
        page = ranked[offset:offset + limit]
        hits = tuple(
            Hit(self.entities[e], self.labels[lab].value, _KINDS[k], s)
            for e, lab, k, s in zip(entity_ids[page].tolist(), label_ids[page].tolist(),
                                    kinds[page].tolist(), scores[page].tolist(), strict=True)
        )
        return SearchResult(query, len(ranked), limit, offset, hits, offers.truncated)

    def _allowed(self, label_ids: IdArray, entity_ids: IdArray, lang: str | None,
                 types: frozenset[str] | None) -> npt.NDArray[np.bool_] | None:
        """Which offered labels pass the language and type filters (None: no filter asked)."""
        if lang is None and types is None:
            return None
        keep = np.ones(len(label_ids), dtype=bool)
        if lang is not None:
            tags = [i for i, tag in enumerate(self._langs) if _lang_matches(tag, lang)]
            keep &= np.isin(self._label_lang[label_ids], tags)
        if types is not None:
            wanted = [self._type_ids[t] for t in types if t in self._type_ids]
            typed = np.zeros(len(self.entities), dtype=bool)
            typed[self._typed_entity[np.isin(self._typed_type, wanted)]] = True
            keep &= typed[entity_ids]
        return keep

    def _scan(self, key_ids: IdArray, pattern: re.Pattern[str], texts: Sequence[str], *,
              reverse: bool = False) -> IdArray:
        """The keys among `key_ids` whose text (in `texts`) `pattern` finds: one pass over them joined
        (with `reverse`, over the joined text reversed)."""
        if len(key_ids) == 0:
            return EMPTY
        chosen = [texts[k] for k in key_ids.tolist()]
        joined = SEPARATOR.join(chosen)
        starts = np.cumsum([0] + [len(t) + 1 for t in chosen[:-1]])
        if reverse:
            found = [len(joined) - 1 - m.start() for m in pattern.finditer(joined[::-1])]
        else:
            found = [m.start() for m in pattern.finditer(joined)]
        return np.unique(key_ids[np.searchsorted(starts, found, side="right") - 1])

    def _substring_keys(self, text: str) -> IdArray:
        """Ids of the keys containing `text` (via grams; via word prefixes when `text` has none)."""
        codes = _query_codes(text)
        if codes:
            candidates = self._text.intersect(codes)
            cjk = sum(map(is_cjk, text))
            # The posting list of one bigram, character or trigram is the answer itself.
            if (cjk == len(text) and len(text) <= 2) or (cjk == 0 and len(text) == 3):
                return candidates
        else:
            candidates = union([self._words[w] for w in self._words_with_prefix(text.strip())])
        return self._scan(candidates, _literal_pattern(text), self.keys)

    def _words_with_prefix(self, prefix: str) -> list[str]:
        found = []
        start = bisect_left(self._sorted_words, prefix)
        for word in self._sorted_words[start:start + MAX_PREFIX_WORDS]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return found

    def _prefixed_keys(self, text: str) -> IdArray:
        """Ids of the keys starting with `text` (a range of the sorted keys)."""
        start = bisect_left(self._sorted_keys, text)
        end = bisect_left(self._sorted_keys, text + "\U0010ffff", lo=start)
        return self._sorted_key_ids[start:end]

    def _match_text(self, text: str, offers: _Offers) -> None:
        found = self._substring_keys(text)
        lengths = self._key_len[found]
        exact = lengths == len(text)
        prefix = np.isin(found, self._prefixed_keys(text)) & ~exact
        coverage = len(text) / lengths
        for kind, chosen in (("exact", exact), ("prefix", prefix), ("substring", ~exact & ~prefix)):
            offers.add(found[chosen], kind, coverage[chosen], whole=kind == "exact")

    def _match_abbreviation(self, compact: str, offers: _Offers) -> None:
        candidates = self._text.intersect(ord(c) for c in compact)
        found = self._scan(candidates, _subsequence_pattern(compact), self.keys)
        offers.add(found, "abbreviation", len(compact) / self._key_len[found])

    def _match_partial(self, compact: str, offers: _Offers) -> None:
        """Labels the query contains whole, with a qualifier around them ("上海" + "张江科学城")."""
        n = len(compact)
        shortest = max(2, int(n * PARTIAL_MIN_COVERAGE + 0.999))
        for size in range(n - 1, shortest - 1, -1):
            for start in range(n - size + 1):
                key_id = self._key_ids.get(compact[start:start + size])
                if key_id is not None:
                    offers.add(np.asarray([key_id], dtype=np.int32), "partial", size / n)

    def _match_latin(self, text: str, toneless: str, offers: _Offers) -> None:
        query_words = words(text)
        if len(query_words) >= 2:
            self._match_words(query_words, offers)
        letters = toneless.replace(" ", "").replace("'", "").replace("-", "")
        found = np.asarray(self._acronyms.get(letters, ()), dtype=np.int32)
        offers.add(found, "abbreviation", len(letters) / self._key_len[found])
        if letters.isalpha():
            self._match_pinyin(toneless, offers)
            if len(letters) >= 2:
                self._match_initials(letters, offers)
        if len(letters) >= FUZZY_MIN_LATIN:
            self._match_fuzzy(text, self._text, self.keys, self._key_len, offers)
            self._match_fuzzy(letters, self._flat, self._flats, self._flat_len, offers)

    def _match_words(self, query_words: list[str], offers: _Offers) -> None:
        """Every query word starts a word of the label, in any order ("development national")."""
        per_word = [union([self._words[w] for w in self._words_with_prefix(q)]) for q in query_words]
        found = intersect(per_word)
        offers.add(found, "english", sum(len(w) for w in query_words) / self._key_len[found])

    def _reading_keys(self, grams: Sequence[str], slots: dict[str, list[int]]) -> IdArray:
        """Keys holding, for every gram ("ke|chuang", "kc"), one bigram (or character) read that way."""
        lists = []
        for gram in grams:
            found = slots.get(gram)
            if not found:
                return EMPTY
            lists.append(self._text.union_slots(found, len(self.keys)))
        return intersect(lists)

    def _offer_readings(self, found: IdArray, size: int, kind: str, offers: _Offers) -> None:
        cjk = self._key_cjk[found]
        offers.add(found, kind, size / np.maximum(cjk, 1), whole=cjk == size)

    def _match_pinyin(self, toneless: str, offers: _Offers) -> None:
        for sequence in pinyin.segmentations(toneless):
            partial = not pinyin.is_complete(sequence[-1])
            complete = sequence[:-1] if partial else sequence
            if not complete:
                continue
            grams = [f"{a}|{b}" for a, b in pairwise(complete)] or [complete[0]]
            found = self._reading_keys(grams, self._reading_slots)
            if partial or len(complete) > 2:
                found = self._scan(found, self._reading_pattern(sequence, partial, False), self.keys)
            self._offer_readings(found, len(sequence), "pinyin", offers)

    def _match_initials(self, letters: str, offers: _Offers) -> None:
        found = self._reading_keys([a + b for a, b in pairwise(letters)], self._initial_slots)
        if len(letters) > 2:
            found = self._scan(found, self._reading_pattern(tuple(letters), False, True), self.keys)
        self._offer_readings(found, len(letters), "initials", offers)

    def _match_fuzzy(self, text: str, postings: Postings, texts: Sequence[str],
                     lengths: npt.NDArray[np.int32], offers: _Offers) -> None:
        """Keys holding `text` with one edit, found by the grams they share with it, checked by regex."""
        candidates = self._fuzzy_candidates(text, postings)
        # A key already found by a better kind gains nothing from a typo match: skip checking it.
        candidates = np.setdiff1d(candidates, offers.found(), assume_unique=True)
        if len(candidates) > FUZZY_MAX_CANDIDATES:
            offers.truncated = True
            candidates = candidates[:FUZZY_MAX_CANDIDATES]
        forward, backward = _one_edit_patterns(text)
        found = union([self._scan(candidates, forward, texts),
                       self._scan(candidates, backward, texts, reverse=True)])
        offers.add(found, "fuzzy", len(text) / np.maximum(lengths[found], 1))

    def _fuzzy_candidates(self, text: str, postings: Postings) -> IdArray:
        """Keys that can hold `text` with one edit.

        One edit destroys at most _EDIT_DESTROYS of the distinct grams of `text` (a swap breaks four
        trigrams), so a key holding the edited text shares all but that many (the q-gram lemma),
        counted in one pass over the grams' posting lists. Short queries have too few grams for the
        count to say anything; for them one of two or three pieces of `text` must be intact
        (pigeonhole: a swap breaks two pieces), and candidates hold one piece's grams.
        """
        codes = set(gram_codes(text))
        needed = len(codes) - _EDIT_DESTROYS
        if needed >= _MIN_SHARED_GRAMS:
            slots = [s for s in postings.slots(codes) if s >= 0]
            if len(slots) < needed:
                return EMPTY
            counts = np.bincount(np.concatenate([postings.at(s) for s in slots]), minlength=len(self.keys))
            return np.flatnonzero(counts >= needed).astype(np.int32)
        count = 2 if len(text) < 9 or any(map(is_cjk, text)) else 3
        return union([postings.intersect(codes) for piece in _pieces(text, count)
                      if (codes := gram_codes(piece))])
