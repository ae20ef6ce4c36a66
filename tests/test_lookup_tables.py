"""kg.lookup.tables: the compact columns answer what the lists and dicts they replace answered."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.lookup.tables import DigestIndex, StringColumn, digest

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=30))
def test_a_column_gives_back_each_string(strings: list[str]) -> None:
    column = StringColumn(strings)
    assert len(column) == len(strings)
    assert [column[i] for i in range(len(strings))] == strings
    assert list(column) == strings and column[:] == strings
    assert list(pickle.loads(pickle.dumps(column))) == strings  # noqa: S301 - pickled here
    if strings:
        assert column[-1] == strings[-1]


def test_a_column_refuses_an_index_out_of_range() -> None:
    column = StringColumn(["甲", "b"])
    with pytest.raises(IndexError):
        column[2]
    assert column[-2] == "甲" and StringColumn([])[:] == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(texts, st.integers(0, 50)), max_size=40), texts)
def test_a_digest_index_files_every_id_under_its_string(pairs: list[tuple[str, int]], other: str) -> None:
    index = pickle.loads(pickle.dumps(DigestIndex(pairs)))  # noqa: S301 - pickled here
    for text in {t for t, _ in pairs} | {other}:
        # No two test strings share a 64-bit digest, so what comes back is exactly the string's ids.
        assert index.find(text).tolist() == sorted(i for t, i in pairs if t == text)
    assert len(index) == len({t for t, _ in pairs})


def test_digests_do_not_depend_on_the_process() -> None:
    # Python's hash() of a str changes with PYTHONHASHSEED; the kept index files need a fixed digest.
    # BLAKE2b is fixed by its specification (RFC 7693): the same value in every process and version.
    assert digest("张江实验室") == 0x8F8A9074BBD5B0E7
