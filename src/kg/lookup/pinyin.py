"""Pinyin of labels and queries: every reading of every character, and query segmentation into syllables.

A label is turned into a *lattice*: one set of toneless readings per CJK character, so that a polyphone
(行 xing/hang, 长 chang/zhang, 重 zhong/chong) matches whichever reading the user types. Readings come
from pypinyin's character dictionary (phrase-level disambiguation costs ~90 µs a label, too slow for an
index of 170k entities; the lattice makes it unnecessary). Queries are segmented into syllables with
every split the syllable inventory allows ("xian" is xian or xi'an).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from kg.lookup.normalise import is_cjk, strip_tones


def _character_dictionary() -> dict[int, str]:
    """pypinyin's character dictionary (code point: readings with tones, comma-separated), read from
    its data file: importing `pypinyin.pinyin_dict` runs the package's `__init__`, which loads the
    phrase dictionary too — 56 MB in every server process, for phrases the lattice does not use."""
    spec = importlib.util.find_spec("pypinyin")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pypinyin is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    with path.open(encoding="utf-8") as file:
        return {int(code): value for code, value in json.load(file).items()}


pinyin_dict = _character_dictionary()

#: Most segmentations of one query tried; long ambiguous strings ("xianan...") split many ways.
MAX_SEGMENTATIONS = 32
_LONGEST_SYLLABLE = 6


def _toneless_readings(raw: str) -> tuple[str, ...]:
    readings: list[str] = []
    for reading in raw.split(","):
        plain = strip_tones(reading)
        # Users type ü as v or u (lü -> lv, lu): index both.
        for form in (plain, plain.replace("v", "u")):
            if form not in readings:
                readings.append(form)
    return tuple(readings)


@cache
def readings(char: str) -> tuple[str, ...]:
    """Toneless readings of one character, most common first; a non-CJK character reads as itself."""
    raw = pinyin_dict.get(ord(char)) if is_cjk(char) else None
    if raw is None:
        return (char,)
    return _toneless_readings(raw)


@cache
def syllables() -> frozenset[str]:
    """Every toneless syllable of the dictionary (about 430), with the u spellings of ü."""
    found: set[str] = set()
    for raw in pinyin_dict.values():
        found.update(_toneless_readings(raw))
    return frozenset(found)


@cache
def _syllable_prefixes() -> frozenset[str]:
    return frozenset(s[:i] for s in syllables() for i in range(1, len(s) + 1))


def _split(chunk: str, allow_partial: bool) -> Iterator[tuple[str, ...]]:
    """Every way to cut `chunk` into syllables, longest syllables first; the last may be a prefix."""
    if not chunk:
        yield ()
        return
    for size in range(min(_LONGEST_SYLLABLE, len(chunk)), 0, -1):
        head = chunk[:size]
        if head in syllables():
            for rest in _split(chunk[size:], allow_partial):
                yield (head, *rest)
        elif allow_partial and size == len(chunk) and head in _syllable_prefixes():
            yield (head,)


def segmentations(query: str) -> list[tuple[str, ...]]:
    """Syllable sequences a toneless latin query can be read as (spaces and ' force a boundary).

    The last syllable of each sequence may be an unfinished prefix (type-ahead: "kechuangb").
    """
    chunks = [c for c in query.replace("'", " ").replace("-", " ").split() if c]
    if not chunks or not all(c.isalpha() and c.isascii() for c in chunks):
        return []
    results: list[tuple[str, ...]] = [()]
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        extended = []
        for head in results:
            for tail in _split(chunk, allow_partial=last):
                extended.append(head + tail)
                if len(extended) >= MAX_SEGMENTATIONS:
                    break
            if len(extended) >= MAX_SEGMENTATIONS:
                break
        results = extended
        if not results:
            return []
    return results


@cache
def first_reading_table() -> dict[int, str]:
    """A str.translate table: each CJK character to its first reading (other characters are added by
    `first_readings`)."""
    return {code: readings(chr(code))[0] for code in pinyin_dict if is_cjk(chr(code))}


def first_readings(joined: str) -> str:
    """`joined` (texts separated by newlines) with each CJK character turned into its first reading and
    every other character except the newlines dropped: the flat pinyin that `primary` gives, at once."""
    table: dict[int, str | None] = dict(first_reading_table())
    for char in set(joined):
        if char != "\n" and not is_cjk(char):
            table[ord(char)] = None
    return joined.translate(table)


def is_complete(syllable: str) -> bool:
    """Whether `syllable` is a whole syllable (not only a typed prefix of one)."""
    return syllable in syllables()
