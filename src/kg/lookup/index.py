"""The lookup index: labels of entities, searchable by substring, abbreviation, English words, pinyin,
pinyin initials and one-edit typos, ranked.

Structures (built once per store generation, then read-only; bulk work is done by numpy over the
joined text of all keys, not by a Python loop per gram):
- *keys*: the distinct normalised label texts (`normalise`), each pointing at the labels that have it;
- `text` postings: CJK character unigrams and bigrams and latin trigrams of each key (packed into
  integers, `postings.gram_codes`) — a query's grams are a subset of any key that contains the query,
  so candidates are the intersection of the rarest few posting lists, then checked;
- pinyin and initials need no postings of their own: a pair of syllables (or of initials) maps to the
  few distinct CJK bigrams of the index that can read that way (every reading of a polyphone counts),
  and their text posting lists give the candidates; boolean masks of characters check them;
- `words` postings and a sorted word list (prefix search by bisection), English acronyms; a
  multi-word English query that no label holds whole falls back to the labels holding most of its
  words, each word weighted by how rare it is among the labels (IDF), so that "Shanghai Municipal
  Party Committee" finds "CPC Shanghai Municipal Committee" and "Shanghai Party Committee";
- `flat` postings: trigrams of each key's first-reading pinyin string, for typo search.
- every key's text in one array of code points (`postings.JoinedTexts`): candidates are checked
  there in numpy (literal runs, runs of character classes, characters in order, one-edit forms), so
  no regex is compiled or run per query.
Ranking is done in numpy over all matching labels, so `total` is exact; only typo search caps the
candidates it checks (the answer then says `truncated`), and it runs only when the query as typed
matches few labels (FUZZY_FALLBACK). A query touches only the posting lists of its own grams: cost
grows with the number of candidates, not with the number of entities.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from kg.errors import BadRequestError
from kg.lookup import pinyin
from kg.lookup.normalise import (
    STOPWORDS,
    acronyms,
    is_cjk,
    is_latin_query,
    normalise,
    normalise_many,
    number_form,
    significant,
    singular,
    strip_tones,
    word_prefixes,
    words,
)
from kg.lookup.postings import (
    CHAR_BITS,
    EMPTY,
    SEPARATOR,
    IdArray,
    JoinedTexts,
    Postings,
    Step,
    cjk_mask,
    code_points,
    first_of_runs,
    gram_codes,
    gram_spans,
    intersect,
    joined_gram_codes,
    key_of_position,
    literal_steps,
    member,
    ranges,
    run_starts,
    union,
)
from kg.lookup.tables import DigestIndex, MadeOnAccess, StringColumn

#: Match kinds, best first, with the base of their score; tiers are 0.1 apart and the in-tier
#: adjustments (whole label, coverage, label kind) add at most 0.09, so a tier never overtakes another
#: and the best score is 1.0. "partial": the query holds a whole label and more ("上海张江科学城");
#: "most_words": the label holds most of the query's English words, not all (see MOST_WORDS_SHARE).
MATCH_BASE: dict[str, float] = {
    "exact": 0.91, "prefix": 0.81, "substring": 0.71, "english": 0.61, "abbreviation": 0.51,
    "partial": 0.41, "most_words": 0.31, "pinyin": 0.21, "initials": 0.11, "fuzzy": 0.01,
}
_KINDS = tuple(MATCH_BASE)
#: Scores are ranked as integers in ten-thousandths (they are rounded to four decimals).
_SCORE_SCALE = 10_000
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
#: Typos are looked for only when the query as typed matches fewer distinct labels than this. Typo
#: tolerance is there to rescue a misspelt name; a query that already matches many labels gains only
#: a tail of near-misses ranked below all of them, and finding those was most of such a search's time
#: (a fixed bound, not the page size, so `total` is the same on every page).
FUZZY_FALLBACK = 20
#: Most distinct grams of a query one edit can destroy (a swap of two letters breaks four trigrams).
_EDIT_DESTROYS = 4
#: Fewest shared grams worth counting for typo candidates (below it, the count removes next to none).
_MIN_SHARED_GRAMS = 2
#: Rarest grams of a query intersected to find the keys holding it: the candidates are checked
#: anyway, and past the rarest few, each further posting list costs more than it removes.
_INTERSECT_MOST = 4
#: Typo candidates above which counting their shared grams (to drop some) beats checking them all.
_COUNT_ABOVE = 2_000
#: Most posting lists whose union is checked by one lookup per key instead of built.
_MEMBERSHIP_LISTS = 16
#: Code points below this get a slot in the pinyin character table (all CJK planes end below it).
_CHAR_TABLE_SIZE = 0x30000
#: Most words a prefix of one query word expands to (type-ahead on "c" would list every word).
MAX_PREFIX_WORDS = 2_000
#: Share of the weight of a query's significant English words a label must hold to be offered as
#: "most_words", a word weighing log(1 + labels / labels holding it): "shanghai" or "committee",
#: in many labels, weigh less than "xixian" or "party". Looked for only when the query as typed
#: matches fewer than FUZZY_FALLBACK labels, as typos are.
MOST_WORDS_SHARE = 0.6
#: Fewest query words a "most_words" label must hold (one shared word is what substrings are for).
MOST_WORDS_FEWEST = 2
#: Most candidate keys one "most_words" search checks; past it the answer says truncated.
MOST_WORDS_MAX_CANDIDATES = 5_000
#: Shortest query word that stands for longer words, its stem and other spelling ("s" of "S&T"
#: only ever matches the word "s").
_PREFIX_FROM = 3
#: Shortest query word that stands for shorter words starting it, at most _SHORTER_BY letters and
#: at least _SHORTER_LETTERS long ("planning": "plan"; "party" is too short to stand for "part").
_SHORTER_FROM, _SHORTER_BY, _SHORTER_LETTERS = 6, 4, 4


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


class EntityTable(MadeOnAccess[EntityRecord]):
    """The index's entities as columns (kg.lookup.tables), an `EntityRecord` made on access: IRIs and
    label texts in string columns, each label's language and kind as small numbers, each entity's
    types as one of the few distinct type sets."""

    def __init__(self, records: Sequence[EntityRecord]) -> None:
        self._iris = StringColumn(r.iri for r in records)
        labels = [label for r in records for label in r.labels]
        self._label_ends = np.cumsum(np.fromiter((len(r.labels) for r in records), dtype=np.int64,
                                                 count=len(records)))
        self._values = StringColumn(label.value for label in labels)
        self._langs: list[str | None] = sorted({label.lang for label in labels}, key=lambda t: t or "")
        lang_ids = {tag: i for i, tag in enumerate(self._langs)}
        self._label_lang = np.fromiter((lang_ids[label.lang] for label in labels), dtype=np.int16,
                                       count=len(labels))
        self._label_kind = np.fromiter((LABEL_KINDS.index(label.kind) for label in labels),
                                       dtype=np.int8, count=len(labels))
        shared: dict[frozenset[str], int] = {}
        self._type_sets: list[frozenset[str]] = []
        for r in records:
            if r.types not in shared:
                shared[r.types] = len(self._type_sets)
                self._type_sets.append(r.types)
        self._types = np.fromiter((shared[r.types] for r in records), dtype=np.int32, count=len(records))

    def __len__(self) -> int:
        return len(self._iris)

    def _item(self, i: int) -> EntityRecord:
        labels = tuple(self.label(j) for j in range(self.label_start(i), int(self._label_ends[i])))
        return EntityRecord(self._iris[i], labels, self._type_sets[int(self._types[i])])

    def label_start(self, i: int) -> int:
        """Number (among all labels, in entity order) of entity `i`'s first label."""
        return int(self._label_ends[i - 1]) if i else 0

    def label(self, j: int) -> LabelRecord:
        """Label number `j` (all labels, in entity order)."""
        return LabelRecord(self._values[j], self._langs[int(self._label_lang[j])],
                           LABEL_KINDS[int(self._label_kind[j])])

    def label_value(self, j: int) -> str:
        """The text of label number `j`."""
        return self._values[j]


class IndexedLabels(MadeOnAccess[LabelRecord]):
    """The labels the index searches (those with text left after normalisation), by label id."""

    def __init__(self, table: EntityTable, numbers: npt.NDArray[np.int32]) -> None:
        self._table = table
        self._numbers = numbers

    def __len__(self) -> int:
        return len(self._numbers)

    def _item(self, i: int) -> LabelRecord:
        return self._table.label(int(self._numbers[i]))

    def value(self, i: int) -> str:
        """The text of label id `i`."""
        return self._table.label_value(int(self._numbers[i]))


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


_SEPARATOR = ord(SEPARATOR)
#: A position of an edited text that any character (but the separator) fills; and padding, which
#: stands for no character at all (edited forms differ in length by one).
_ANY, _PAD = -1, -2
#: Places compared with all edited forms at once (bounds the boolean cube: places x forms x width).
_FIT_BLOCK = 1024


def _edited(text: str) -> set[tuple[int, ...]]:
    """`text` as code points with at most one substitution, gap, insertion or swap (_ANY: any
    character)."""
    t = tuple(map(ord, text))
    variants = {t} | {(*t[:i], _ANY, *t[i + 1:]) for i in range(len(t))}
    variants |= {t[:i] + t[i + 1:] for i in range(len(t))}
    variants |= {(*t[:i], _ANY, *t[i:]) for i in range(len(t) + 1)}
    variants |= {(*t[:i], t[i + 1], t[i], *t[i + 2:]) for i in range(len(t) - 1)}
    return variants


def _forms(variants: set[tuple[int, ...]], *, right: bool) -> npt.NDArray[np.int64]:
    """The edited forms as one matrix, a row each, padded with _PAD to the longest (on the left
    with `right`, to line them up at their ends)."""
    width = max(map(len, variants))
    rows = [(_PAD,) * (width - len(v)) + v if right else v + (_PAD,) * (width - len(v))
            for v in sorted(variants)]
    return np.asarray(rows, dtype=np.int64)


def _fits(points: npt.NDArray[np.unsignedinteger[Any]], at: npt.NDArray[np.int64],
          forms: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Which places `at` of `points` start one of `forms` (every form against every place at once,
    in blocks of places so the comparison cube stays small)."""
    fits = np.zeros(len(at), dtype=bool)
    spans = np.arange(forms.shape[1])
    wildcard, padding = (forms == _ANY)[None], (forms == _PAD)[None]
    for block in range(0, len(at), _FIT_BLOCK):
        window = points[at[block:block + _FIT_BLOCK, None] + spans].astype(np.int64)[:, None, :]
        ok = (window == forms[None]) | padding | (wildcard & (window != _SEPARATOR))
        fits[block:block + _FIT_BLOCK] = ok.all(axis=2).any(axis=1)
    return fits


def _holding_one_edit(texts: JoinedTexts, ids: IdArray, text: str) -> IdArray:
    """The ids among `ids` (ascending) whose text holds `text` with at most one edit.

    One edit leaves the head or the tail half of `text` intact, unless it swaps the two characters
    either side of the middle: the intact half is found first (a literal run, in numpy), then each
    edited form of the other half is checked next to it, only at those places.
    """
    picked, starts = texts.pick(ids)
    pad = np.full(len(text) + 2, _SEPARATOR, dtype=picked.dtype)  # checks next to a half stay inside
    points = np.concatenate((pad, picked, pad))
    middle = len(text) // 2
    head, tail = text[:middle], text[middle:]
    heads = run_starts(points, literal_steps(head))
    tails = run_starts(points, literal_steps(tail))
    after, before = _forms(_edited(tail), right=False), _forms(_edited(head), right=True)
    found = [heads[_fits(points, heads + len(head), after)],
             tails[_fits(points, tails - before.shape[1], before)]]
    found.append(run_starts(points, literal_steps(head[:-1] + tail[0] + head[-1] + tail[1:])))
    places = np.unique(np.concatenate(found)) - len(pad)
    return ids[first_of_runs(np.searchsorted(starts, places, side="right") - 1)]


def _query_codes(text: str) -> list[int]:
    """The grams of a query worth intersecting: bigrams and trigrams, or unigrams when it has none."""
    codes = gram_codes(text)
    longer = [c for c in codes if c >> CHAR_BITS]
    return longer or codes


def _letters(toneless: str) -> str:
    """A latin query without spaces, apostrophes and hyphens (pinyin and acronyms ignore them)."""
    return toneless.replace(" ", "").replace("'", "").replace("-", "")


def _trigram_base(pair: str) -> int:
    """The code of a trigram of `pair` and a third character, less the third (see `gram_codes`)."""
    return ord(pair[0]) << 2 * CHAR_BITS | ord(pair[1]) << CHAR_BITS


def _kind_of(scores: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The match kind (index into _KINDS) of integer scores: tiers are 0.1 apart, best first."""
    return (_SCORE_SCALE - scores) // (_SCORE_SCALE // 10)


def _bits(count: int) -> int:
    return max(1, int(count).bit_length())


class _Offers:
    """Keys found by one search, by kind, with their in-tier score (before the label kind's bonus)."""

    def __init__(self, key_count: int) -> None:
        self.keys: list[IdArray] = []
        self.scores: list[npt.NDArray[np.float64]] = []
        self.truncated = False
        # The best kind each key was offered as so far (len(_KINDS): not offered): a later, weaker
        # kind need not check a key a better kind already found, as it could not raise its score.
        self._best = np.full(key_count, len(_KINDS), dtype=np.int8)

    def add(self, key_ids: IdArray, kind: str, coverage: npt.NDArray[np.float64] | float,
            whole: npt.NDArray[np.bool_] | bool = False) -> None:
        """Offer `key_ids` as `kind` matches covering `coverage` of their key (whole: all of it)."""
        self.add_scored(key_ids, kind, 0.03 * np.minimum(coverage, 1.0) + np.where(whole, 0.04, 0.0))

    def add_scored(self, key_ids: IdArray, kind: str, bonus: npt.NDArray[np.float64] | float) -> None:
        """Offer `key_ids` as `kind` matches, each `bonus` (at most 0.07) above the kind's base."""
        if len(key_ids) == 0:
            return
        score = MATCH_BASE[kind] + np.minimum(bonus, 0.07)
        key_ids = np.asarray(key_ids, dtype=np.int32)
        self.keys.append(key_ids)
        self.scores.append(np.broadcast_to(score, len(key_ids)).astype(np.float64))
        self._best[key_ids] = np.minimum(self._best[key_ids], _KINDS.index(kind))

    def offered(self) -> IdArray:
        """Every key offered so far, ascending."""
        return np.flatnonzero(self._best < len(_KINDS)).astype(np.int32)

    def fresh(self, key_ids: IdArray, kind: str) -> IdArray:
        """The keys of `key_ids` no kind better than `kind` has offered yet."""
        return key_ids[self._best[key_ids] >= _KINDS.index(kind)]


class LookupIndex:
    """Searchable labels of a set of entities; immutable once built."""

    def __init__(self, entities: Iterable[EntityRecord]) -> None:
        records = list(entities)
        self.entities = EntityTable(records)
        keys = self._build_keys(records)
        self._build_entities(records)
        self._build_text(keys)
        self._build_words(keys)
        self._build_readings()
        pinyin.segmentations("warm")  # builds the syllable tables now, not on the first search

    # -- building ------------------------------------------------------------------------------

    def _build_keys(self, records: Sequence[EntityRecord]) -> list[str]:
        """Distinct normalised label texts, and from each key to its labels (compressed rows); the
        keys, for the other builders."""
        raw = [(entity_id, self.entities.label_start(entity_id) + n, label)
               for entity_id, entity in enumerate(records) for n, label in enumerate(entity.labels)]
        texts = normalise_many([label.value for _, _, label in raw])
        keys: list[str] = []
        key_ids: dict[str, int] = {}
        owners, numbers, label_keys, langs, bonus = [], [], [], [], []
        self._langs: list[str | None] = []
        lang_ids: dict[str | None, int] = {}
        for (entity_id, number, label), text in zip(raw, texts, strict=True):
            if not text:
                continue
            key_id = key_ids.get(text)
            if key_id is None:
                key_id = key_ids[text] = len(keys)
                keys.append(text)
            tag = label.lang.lower() if label.lang else None
            if tag not in lang_ids:
                lang_ids[tag] = len(self._langs)
                self._langs.append(tag)
            numbers.append(number)
            owners.append(entity_id)
            label_keys.append(key_id)
            langs.append(lang_ids[tag])
            bonus.append(0.02 * _LABEL_BONUS[label.kind])
        self.labels = IndexedLabels(self.entities, np.asarray(numbers, dtype=np.int32))
        self._label_entity = np.asarray(owners, dtype=np.int32)
        self._label_lang = np.asarray(langs, dtype=np.int16)
        self._label_bonus = np.asarray(bonus, dtype=np.float64)
        by_key = np.argsort(np.asarray(label_keys, dtype=np.int32), kind="stable")
        self._key_labels = by_key.astype(np.int32)
        counts = np.bincount(np.asarray(label_keys, dtype=np.int64), minlength=len(keys))
        self._key_label_offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self._key_len = np.asarray([len(k) for k in keys], dtype=np.int32)
        self.keys = StringColumn(keys)
        self._key_digests = DigestIndex((key, i) for i, key in enumerate(keys))
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self._sorted_key_ids = np.asarray(order, dtype=np.int32)
        return keys

    def _build_entities(self, records: Sequence[EntityRecord]) -> None:
        """Each entity's rank by IRI (ties in ranking) and its types as ids (type filters)."""
        by_iri = sorted(range(len(records)), key=lambda i: records[i].iri)
        self._entity_rank = np.empty(len(records), dtype=np.int32)
        self._entity_rank[np.asarray(by_iri, dtype=np.int64)] = np.arange(len(by_iri), dtype=np.int32)
        self._type_ids: dict[str, int] = {}
        pairs = [(entity_id, self._type_ids.setdefault(t, len(self._type_ids)))
                 for entity_id, entity in enumerate(records) for t in entity.types]
        table = np.asarray(pairs, dtype=np.int32).reshape(-1, 2)
        self._typed_entity, self._typed_type = table[:, 0], table[:, 1]

    def _build_text(self, keys: list[str]) -> None:
        """Text grams and first-reading pinyin trigrams of all keys, each from one joined text."""
        lengths = self._key_len.tolist()
        # Each key followed by a separator: no keys (an empty graph), no text at all.
        joined = "".join(key + SEPARATOR for key in keys)
        self._text = Postings(*joined_gram_codes(joined, lengths))
        points = code_points(joined)
        cjk = cjk_mask(points)
        self._key_cjk = np.bincount(key_of_position(lengths)[cjk], minlength=len(self.keys))
        self._key_texts = JoinedTexts(keys)
        flats = pinyin.first_readings(joined).split(SEPARATOR)[:-1]
        flat_lengths = [len(f) for f in flats]
        self._flat_len = np.asarray(flat_lengths, dtype=np.int32)
        self._flat = Postings(*joined_gram_codes("".join(f + SEPARATOR for f in flats), flat_lengths))
        self._flat_texts = JoinedTexts(flats)

    def _build_words(self, keys: list[str]) -> None:
        """English words of the keys (postings and a sorted list for prefixes; a plural is indexed as
        its singular too), acronyms, each key's number of distinct words that are not STOPWORDS, and
        the keys by their number form (`number_form`: "laboratories" and "laboratory" alike)."""
        building: dict[str, list[int]] = {}
        acronym_keys: list[tuple[str, int]] = []
        number_keys: list[tuple[str, int]] = []
        self._key_words = np.zeros(len(keys), dtype=np.int32)
        for key_id, key in enumerate(keys):
            if key.isascii() or not all(is_cjk(c) for c in key):
                distinct = set(words(key))
                for word in distinct | {singular(w) for w in distinct}:
                    building.setdefault(word, []).append(key_id)
                self._key_words[key_id] = len(distinct - STOPWORDS)
                for acronym in acronyms(key):
                    acronym_keys.append((acronym, key_id))
                if distinct:
                    number_keys.append((number_form(key), key_id))
        self._acronyms = DigestIndex(acronym_keys)
        self._number_forms = DigestIndex(number_keys)
        self._words = {w: np.asarray(ids, dtype=np.int32) for w, ids in building.items()}
        self._sorted_words = sorted(self._words)
        self._worded_keys = int(np.count_nonzero(self._key_words))

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
        self._build_char_classes(readers)

    def _build_char_classes(self, readers: dict[str, list[str]]) -> None:
        """Each syllable's characters as a boolean mask over the index's CJK characters, which a
        table maps code points to (checking pinyin in numpy: no regex to compile per query)."""
        chars = sorted({c for found in readers.values() for c in found})
        # The last slot stands for every other code point, and no class holds it.
        self._char_slot = np.full(_CHAR_TABLE_SIZE + 1, len(chars), dtype=np.int32)
        self._char_slot[[ord(c) for c in chars]] = np.arange(len(chars), dtype=np.int32)
        self._classes: dict[str, npt.NDArray[np.bool_]] = {}
        for syllable, found in readers.items():
            mask = np.zeros(len(chars) + 1, dtype=bool)
            mask[self._char_slot[[ord(c) for c in found]]] = True
            self._classes[syllable] = mask
        self._prefix_classes: dict[str, npt.NDArray[np.bool_]] = {}
        self._no_class = np.zeros(len(chars) + 1, dtype=bool)

    def _char_class(self, syllable: str, *, prefix: bool) -> npt.NDArray[np.bool_]:
        """Which characters read as `syllable` (with `prefix`, as a syllable it starts)."""
        if not prefix:
            return self._classes.get(syllable, self._no_class)
        mask = self._prefix_classes.get(syllable)
        if mask is None:
            # Bounded: only prefixes of syllables get here with a non-empty mask worth keeping.
            masks = [m for s, m in self._classes.items() if s.startswith(syllable)]
            mask = np.logical_or.reduce(masks) if masks else self._no_class
            if masks:
                self._prefix_classes[syllable] = mask
        return mask

    def _reading_steps(self, sequence: tuple[str, ...], partial_last: bool,
                       initials: bool) -> list[Step]:
        """Tests of adjacent CJK characters reading as `sequence` (syllables, or with `initials`
        first letters), one per character, for `JoinedTexts.holding_run`."""
        last = len(sequence) - 1
        slot, top = self._char_slot, np.uint32(_CHAR_TABLE_SIZE)

        def step(mask: npt.NDArray[np.bool_]) -> Step:
            return lambda points: mask[slot[np.minimum(points, top)]]

        return [step(self._char_class(s, prefix=initials or (partial_last and i == last)))
                for i, s in enumerate(sequence)]

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
        offers = _Offers(len(self.keys))
        self._match_text(text, offers)
        cjk = [c for c in text if is_cjk(c)]
        if len(cjk) >= 2:
            self._match_abbreviation("".join(cjk), offers)
            self._match_partial("".join(cjk), offers)
        self._match_number(text, offers)
        query_words = significant(words(text))
        if len(query_words) >= 2:  # punctuation too: "science ltd." still names two words
            self._match_words(query_words, offers)
        elif len(query_words) == 1:
            self._match_word(query_words[0], offers)
        toneless = strip_tones(text)
        latin = is_latin_query(toneless)
        if latin:
            self._match_latin(text, toneless, offers)
        lang = lang.lower() if lang else None
        if self._few_labels_match(offers, lang, types):
            self._match_most_words(query_words, offers)
            if len(cjk) == len(text.replace(" ", "")) and len(text) >= FUZZY_MIN_CJK:
                self._match_fuzzy(text, self._text, self._key_texts, self._key_len, offers)
            if latin:
                self._match_latin_typos(text, _letters(toneless), offers)
        return self._page(query, offers, limit=limit, offset=offset, lang=lang, types=types)

    def _page(self, query: str, offers: _Offers, *, limit: int, offset: int, lang: str | None,
              types: frozenset[str] | None) -> SearchResult:
        """Each matching entity's best label (highest score, then first label), ranked, one page."""
        if not offers.keys:
            return SearchResult(query, 0, limit, offset, (), offers.truncated)
        keys = np.concatenate(offers.keys)
        starts, ends = self._key_label_offsets[keys], self._key_label_offsets[keys + 1]
        label_ids = self._key_labels[ranges(starts, ends)].astype(np.int64)
        offered = np.repeat(np.concatenate(offers.scores), ends - starts) + self._label_bonus[label_ids]
        scores = np.rint(offered * _SCORE_SCALE).astype(np.int64)
        entity_ids = self._label_entity[label_ids].astype(np.int64)
        keep = self._allowed(label_ids, entity_ids, lang, types)
        if keep is not None:
            label_ids, scores, entity_ids = label_ids[keep], scores[keep], entity_ids[keep]
        entity_ids, scores, label_ids = self._best_labels(entity_ids, scores, label_ids)
        # Rank by score, then by IRI; only the first offset + limit need sorting.
        rank = ((_SCORE_SCALE - scores) << _bits(len(self.entities))) | self._entity_rank[entity_ids]
        top = min(offset + limit, len(rank))
        head = np.argpartition(rank, top - 1)[:top] if 0 < top < len(rank) else np.arange(top)
        page = head[np.argsort(rank[head])][offset:]
        hits = tuple(
            Hit(self.entities[e], self.labels.value(lab), _KINDS[k], s / _SCORE_SCALE)
            for e, lab, k, s in zip(entity_ids[page].tolist(), label_ids[page].tolist(),
                                    _kind_of(scores[page]).tolist(), scores[page].tolist(), strict=True)
        )
        return SearchResult(query, len(rank), limit, offset, hits, offers.truncated)

    def _best_labels(self, entity_ids: npt.NDArray[np.int64], scores: npt.NDArray[np.int64],
                     label_ids: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], ...]:
        """Each entity once, with its best offered label (highest score, then lowest label id)."""
        label_bits, score_bits = _bits(len(self.labels)), _bits(_SCORE_SCALE)
        if _bits(len(self.entities)) + score_bits + label_bits <= 63:
            # One sort of packed integers (entity, inverted score, label) instead of a lexsort.
            packed = np.sort((entity_ids << (score_bits + label_bits))
                             | ((_SCORE_SCALE - scores) << label_bits) | label_ids)
            entity_ids = packed >> (score_bits + label_bits)
            scores = _SCORE_SCALE - ((packed >> label_bits) & ((1 << score_bits) - 1))
            label_ids = packed & ((1 << label_bits) - 1)
        else:
            order = np.lexsort((label_ids, -scores, entity_ids))
            entity_ids, scores, label_ids = entity_ids[order], scores[order], label_ids[order]
        heads = np.ones(len(entity_ids), dtype=bool)
        heads[1:] = entity_ids[1:] != entity_ids[:-1]
        return entity_ids[heads], scores[heads], label_ids[heads]

    def _few_labels_match(self, offers: _Offers, lang: str | None, types: frozenset[str] | None) -> bool:
        """Whether the keys offered so far stand for fewer than FUZZY_FALLBACK labels that pass the
        filters (the filters are applied only when the unfiltered count is not already below)."""
        keys = offers.offered()
        starts, ends = self._key_label_offsets[keys], self._key_label_offsets[keys + 1]
        if int((ends - starts).sum()) < FUZZY_FALLBACK:
            return True
        if lang is None and types is None:
            return False
        label_ids = self._key_labels[ranges(starts, ends)].astype(np.int64)
        keep = self._allowed(label_ids, self._label_entity[label_ids].astype(np.int64), lang, types)
        return keep is not None and int(np.count_nonzero(keep)) < FUZZY_FALLBACK

    def _allowed(self, label_ids: npt.NDArray[np.int64], entity_ids: npt.NDArray[np.int64],
                 lang: str | None,
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

    def _substring_keys(self, text: str) -> IdArray:
        """Ids of the keys containing `text` (via grams; via word prefixes when `text` has none)."""
        codes = _query_codes(text)
        if codes:
            candidates = self._text.intersect(codes, most=_INTERSECT_MOST)
            cjk = sum(map(is_cjk, text))
            # The posting list of one bigram, character or trigram is the answer itself.
            if (cjk == len(text) and len(text) <= 2) or (cjk == 0 and len(text) == 3):
                return candidates
        else:
            candidates = union([self._words[w] for w in self._words_with_prefix(text.strip())])
        return self._key_texts.holding(candidates, text)

    def _words_with_prefix(self, prefix: str) -> list[str]:
        found = []
        start = bisect_left(self._sorted_words, prefix)
        for word in self._sorted_words[start:start + MAX_PREFIX_WORDS]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return found

    def _key_id(self, text: str) -> int | None:
        """The id of the key `text`, if it is one."""
        return next((i for i in self._key_digests.find(text).tolist() if self.keys[i] == text), None)

    def _prefixed_keys(self, text: str) -> IdArray:
        """Ids of the keys starting with `text` (a range of the sorted keys)."""
        start = bisect_left(self._sorted_key_ids, text, key=self.keys.__getitem__)
        end = bisect_left(self._sorted_key_ids, text + "\U0010ffff", lo=start, key=self.keys.__getitem__)
        return self._sorted_key_ids[start:end]

    def _match_text(self, text: str, offers: _Offers) -> None:
        found = self._substring_keys(text)
        lengths = self._key_len[found]
        exact = lengths == len(text)
        prefix = np.isin(found, self._prefixed_keys(text)) & ~exact
        coverage = len(text) / lengths
        for kind, chosen in (("exact", exact), ("prefix", prefix), ("substring", ~exact & ~prefix)):
            offers.add(found[chosen], kind, coverage[chosen], whole=kind == "exact")

    def _match_number(self, text: str, offers: _Offers) -> None:
        """Labels that are the query up to the number of its English words ("national laboratory" and
        "national laboratories"): exact matches, below the label as typed (not whole)."""
        form = number_form(text)
        found = [i for i in self._number_forms.find(form).tolist() if number_form(self.keys[i]) == form]
        if found:
            ids = offers.fresh(np.asarray(found, dtype=np.int32), "exact")
            offers.add(ids, "exact", len(text) / self._key_len[ids])

    def _match_word(self, word: str, offers: _Offers) -> None:
        """Labels holding one query word, in the singular or the plural ("funds" finds "Fund")."""
        found = self._words.get(singular(word))
        if found is not None:
            ids = offers.fresh(found, "english")
            offers.add(ids, "english", len(word) / self._key_len[ids])

    def _match_abbreviation(self, compact: str, offers: _Offers) -> None:
        candidates = offers.fresh(self._text.intersect(ord(c) for c in compact), "abbreviation")
        found = self._key_texts.holding_in_order(candidates, compact)
        offers.add(found, "abbreviation", len(compact) / self._key_len[found])

    def _match_partial(self, compact: str, offers: _Offers) -> None:
        """Labels the query contains whole, with a qualifier around them ("上海" + "张江科学城")."""
        n = len(compact)
        shortest = max(2, int(n * PARTIAL_MIN_COVERAGE + 0.999))
        for size in range(n - 1, shortest - 1, -1):
            for start in range(n - size + 1):
                key_id = self._key_id(compact[start:start + size])
                if key_id is not None:
                    offers.add(np.asarray([key_id], dtype=np.int32), "partial", size / n)

    def _match_latin(self, text: str, toneless: str, offers: _Offers) -> None:
        """Acronyms, pinyin and pinyin initials of a query of latin letters."""
        letters = _letters(toneless)
        found = np.asarray([i for i in self._acronyms.find(letters).tolist()
                            if letters in acronyms(self.keys[i])], dtype=np.int32)
        offers.add(found, "abbreviation", len(letters) / self._key_len[found])
        if letters.isalpha():
            self._match_pinyin(toneless, offers)
            if len(letters) >= 2:
                self._match_initials(letters, offers)

    def _match_latin_typos(self, text: str, letters: str, offers: _Offers) -> None:
        """Labels holding the query with one typo, as written and as pinyin (first readings)."""
        if len(letters) >= FUZZY_MIN_LATIN:
            self._match_fuzzy(text, self._text, self._key_texts, self._key_len, offers)
            self._match_fuzzy(letters, self._flat, self._flat_texts, self._flat_len, offers)

    def _match_words(self, query_words: list[str], offers: _Offers) -> None:
        """Every query word starts a word of the label, in any order ("development national")."""
        groups = sorted(([self._words[w] for w in self._words_with_prefix(q)] for q in query_words),
                        key=lambda lists: sum(map(len, lists)))
        found = union(groups[0])
        for lists in groups[1:]:
            # Keep the keys any word of this group holds: a lookup per found key, cheaper than the
            # union of long posting lists ("science" and its longer words) when few keys are left.
            if len(lists) > _MEMBERSHIP_LISTS:
                found = intersect([found, union(lists)])
            elif len(found):
                found = found[np.logical_or.reduce([member(found, ids) for ids in lists])]
        offers.add(found, "english", sum(len(w) for w in query_words) / self._key_len[found])

    def _match_most_words(self, query_words: list[str], offers: _Offers) -> None:
        """Labels holding at least MOST_WORDS_SHARE of the weight of `query_words` (each word also
        standing for its stem and other spellings, see `_word_lists`), and at least
        MOST_WORDS_FEWEST of them; those holding all of them are "english" matches."""
        query_words = [w for w in query_words if w not in STOPWORDS]
        if len(query_words) < MOST_WORDS_FEWEST or not self._worded_keys:
            return
        groups = [self._word_lists(w) for w in query_words]
        weights = np.asarray([self._word_weight(lists) for lists in groups])
        need = MOST_WORDS_SHARE * float(weights.sum())
        # A label holding none of the rarest words cannot reach the share with the others alone:
        # the candidates are the keys holding one of the rarest few, whose posting lists are short.
        order = np.argsort(-weights, kind="stable")
        rest = np.append(np.cumsum(weights[order][::-1])[::-1], 0.0)  # rest[i]: weight of order[i:]
        rarest = order[:int(np.argmax(rest < need))]
        candidates = offers.fresh(union([ids for i in rarest.tolist() for ids in groups[i]]), "most_words")
        if len(candidates) > MOST_WORDS_MAX_CANDIDATES:
            offers.truncated = True
            candidates = candidates[:MOST_WORDS_MAX_CANDIDATES]
        held = np.zeros(len(candidates))
        count = np.zeros(len(candidates), dtype=np.int32)
        for lists, weight in zip(groups, weights.tolist(), strict=True):
            holds = self._holding_any(candidates, lists)
            held += weight * holds
            count += holds
        share = held / float(weights.sum())
        keep = (share >= MOST_WORDS_SHARE - 1e-9) & (count >= MOST_WORDS_FEWEST)
        found, share, count = candidates[keep], share[keep], count[keep]
        # Every word held, some as a stem or another spelling: English words after all, ranked among
        # the labels holding them as typed ("Administrative Office" and "Administration Office").
        every = count == len(query_words)
        offers.add(found[every], "english", sum(map(len, query_words)) / self._key_len[found[every]])
        found, share, count = found[~every], share[~every], count[~every]
        # The share of the query decides; the share of the label's own words found breaks near-ties
        # (the shorter of two labels holding the same words).
        explained = np.minimum(count / np.maximum(self._key_words[found], 1), 1.0)
        offers.add_scored(found, "most_words", 0.06 * share + 0.01 * explained)

    def _word_lists(self, word: str) -> list[IdArray]:
        """Posting lists of the indexed words a query word stands for: those `word_prefixes` starts,
        and the shorter words that start it ("planning" stands for "plan", "committees" for
        "committee"), at most _SHORTER_BY letters shorter."""
        if len(word) < _PREFIX_FROM:
            found = self._words.get(word)
            return [] if found is None else [found]
        indexed = {w for prefix in word_prefixes(word) for w in self._words_with_prefix(prefix)}
        if len(word) >= _SHORTER_FROM:
            cuts = range(max(_SHORTER_LETTERS, len(word) - _SHORTER_BY), len(word))
            indexed.update(word[:cut] for cut in cuts if word[:cut] in self._words)
        return [self._words[w] for w in sorted(indexed)]

    def _word_weight(self, lists: Sequence[IdArray]) -> float:
        """log(1 + keys with words / keys holding the word): rare words weigh more. A word no label
        holds weighs as much as the rarest: it is part of the name asked for, and missing."""
        holding = min(sum(map(len, lists)), self._worded_keys)
        return float(np.log1p(self._worded_keys / max(holding, 1)))

    def _holding_any(self, candidates: IdArray, lists: Sequence[IdArray]) -> npt.NDArray[np.bool_]:
        """Which of `candidates` (ascending) one of `lists` holds."""
        if not lists or len(candidates) == 0:
            return np.zeros(len(candidates), dtype=bool)
        if len(lists) > _MEMBERSHIP_LISTS:
            return member(candidates, union(lists))
        joined: npt.NDArray[np.bool_] = np.logical_or.reduce([member(candidates, ids) for ids in lists])
        return joined

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
            found = offers.fresh(self._reading_keys(grams, self._reading_slots), "pinyin")
            if partial or len(complete) > 2:
                found = self._key_texts.holding_run(found, self._reading_steps(sequence, partial, False))
            self._offer_readings(found, len(sequence), "pinyin", offers)

    def _match_initials(self, letters: str, offers: _Offers) -> None:
        found = offers.fresh(self._reading_keys([a + b for a, b in pairwise(letters)], self._initial_slots),
                             "initials")
        if len(letters) > 2:
            found = self._key_texts.holding_run(found, self._reading_steps(tuple(letters), False, True))
        self._offer_readings(found, len(letters), "initials", offers)

    def _match_fuzzy(self, text: str, postings: Postings, texts: JoinedTexts,
                     lengths: npt.NDArray[np.int32], offers: _Offers) -> None:
        """Keys holding `text` with one edit, found by the grams they share with it, then checked."""
        candidates = self._fuzzy_candidates(text, postings)
        # A key already found by a better kind gains nothing from a typo match: skip checking it.
        candidates = offers.fresh(candidates, "fuzzy")
        if len(candidates) > FUZZY_MAX_CANDIDATES:
            offers.truncated = True
            candidates = candidates[:FUZZY_MAX_CANDIDATES]
        found = _holding_one_edit(texts, candidates, text)
        offers.add(found, "fuzzy", len(text) / np.maximum(lengths[found], 1))

    def _fuzzy_candidates(self, text: str, postings: Postings) -> IdArray:
        """Keys that can hold `text` with one edit (a superset, for `_holding_one_edit` to check).

        Cut `text` anywhere into a head and a tail: one edit inside the head leaves the tail intact,
        and the other way round; at the cut it inserts (both intact) or swaps the two characters
        either side. So such a key holds all grams of the head, of the tail, or of `text` with that
        swap; the cut is placed where the rarest grams of head and tail make that union smallest.
        One edit also destroys at most _EDIT_DESTROYS of the distinct grams of `text` (a swap breaks
        four trigrams), so the key shares all but that many (the q-gram lemma): where that says
        something, it narrows the candidates further.
        """
        cut = self._rarest_cut(text, postings)
        head, tail = text[:cut], text[cut:]
        candidates = union([self._holding_grams(head, postings, followed=True),
                            self._holding_grams(tail, postings),
                            self._holding_grams(head[:-1] + tail[0] + head[-1] + tail[1:], postings)])
        codes = set(gram_codes(text))
        needed = len(codes) - _EDIT_DESTROYS
        # Checking a few candidates costs less than counting grams over long posting lists.
        if needed < _MIN_SHARED_GRAMS or len(candidates) <= _COUNT_ABOVE:
            return candidates
        lists = [postings.at(slot) for slot in postings.slots(codes) if slot >= 0]
        shared = np.bincount(np.concatenate(lists), minlength=len(self.keys))[candidates]
        return candidates[shared >= needed]

    def _rarest_cut(self, text: str, postings: Postings) -> int:
        """Where to cut `text` for `_fuzzy_candidates`: the cut whose head and tail each have a
        gram held by the fewest keys (in sum). A latin tail needs a trigram of its own, a latin head
        at least two letters (see `_holding_grams`)."""
        latin = not any(map(is_cjk, text))
        cuts = range(2, len(text) - 2) if latin else range(1, len(text))
        spans = gram_spans(text)
        # Keys holding each gram (none: the gram is nowhere, nor is any piece holding it).
        held = [int(postings.sizes[slot]) if slot >= 0 else 0
                for slot in postings.slots(code for code, _, _ in spans)]
        big = len(self.keys) + 1
        head = [big] * (len(text) + 1)  # head[c]: the rarest gram inside text[:c]
        tail = [big] * (len(text) + 1)  # tail[c]: the rarest gram inside text[c:]
        for (_, start, end), count in zip(spans, held, strict=True):
            head[end] = min(head[end], count)
            tail[start] = min(tail[start], count)
        for c in range(1, len(text) + 1):
            head[c] = min(head[c], head[c - 1])
        for c in range(len(text) - 1, -1, -1):
            tail[c] = min(tail[c], tail[c + 1])
        if latin and 2 in cuts:  # a head of two letters: the keys of its trigrams, at most
            low, high = postings.starting(_trigram_base(text[:2]), CHAR_BITS)
            head[2] = int(postings.sizes[low:high].sum())
        return min(cuts, key=lambda cut: head[cut] + tail[cut])

    def _holding_grams(self, piece: str, postings: Postings, *, followed: bool = False) -> IdArray:
        """Keys holding every gram of `piece` (a superset of those holding `piece`). A piece of two
        latin letters has no trigram of its own: with `followed` (something must come after it),
        the keys holding a trigram that starts with it. Known gap: a key where the two letters are
        followed by a Chinese character ("ab中de" for "abcde") is missed; no gram spans scripts."""
        codes = gram_codes(piece)
        if codes:
            return postings.intersect(codes, most=_INTERSECT_MOST)
        if followed and len(piece) == 2:
            low, high = postings.starting(_trigram_base(piece), CHAR_BITS)
            return postings.union_slots(np.arange(low, high, dtype=np.int64), len(self.keys))
        return np.arange(len(self.keys), dtype=np.int32)  # nothing narrows it (callers avoid this)
