"""The normalised text and its map back to the original: every character of the copy comes from the
span it says, and spans of the copy map to spans of the original in order."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from kg.ingest.text import normalise_text

#: Text like an extracted report: CJK, ASCII and full-width letters, digits, punctuation, spaces and breaks.
PIECES = st.sampled_from([*"上海张江科学城办公室领导小组", *"。,、；：（）《》",
                          *"ＡＢ１２３abc12 \n\t　", "\n\n", "  "])
TEXTS = st.lists(PIECES, max_size=80).map("".join)


@given(TEXTS)
def test_each_character_comes_from_its_span(original: str) -> None:
    match = normalise_text(original)
    assert len(match.text) == len(match.starts) == len(match.ends)
    for char, start, end in zip(match.text, match.starts, match.ends, strict=True):
        assert 0 <= start < end <= len(original)
        source = original[start:end]
        if source.isspace():
            assert char in " \n"
        else:
            assert char in unicodedata.normalize("NFKC", source)


@given(TEXTS)
def test_spans_map_in_order_and_cover_their_characters(original: str) -> None:
    match = normalise_text(original)
    assert list(match.starts) == sorted(match.starts)
    for start in range(len(match.text)):
        for end in range(start + 1, min(len(match.text), start + 6) + 1):
            a, b = match.original_span(start, end)
            assert 0 <= a < b <= len(original)
            kept = "".join(c for c in unicodedata.normalize("NFKC", original[a:b]) if not c.isspace())
            assert kept == "".join(c for c in match.text[start:end] if not c.isspace())


@given(TEXTS)
def test_no_visible_character_is_lost(original: str) -> None:
    visible = "".join(c for c in unicodedata.normalize("NFKC", original) if not c.isspace())
    assert "".join(c for c in normalise_text(original).text if not c.isspace()) == visible


def test_artefacts_inside_words_are_joined() -> None:
    original = "与上海 科创办座谈,落实习近\n\n平总书记讲话。第 12 期"
    match = normalise_text(original)
    assert "上海科创办" in match.text and "习近平总书记" in match.text
    start = match.text.index("习近平")
    a, b = match.original_span(start, start + 3)
    assert original[a:b] == "习近\n\n平"


def test_a_break_after_a_heading_is_kept() -> None:
    match = normalise_text("一、国家层面部署安排情况\n\n习近平总书记视察上海。")
    assert "情况\n习近平" in match.text
