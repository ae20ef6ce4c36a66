"""The matching form of a report's text, with a map from every character back to the original.

Extraction leaves artefacts in the text: spaces and line breaks inside words (`上海 张江科学城`,
`习近\\n\\n平`), full-width letters, digits and punctuation. Patterns run on a normalised copy where
those are gone; every character of the copy remembers the span of the original it came from, so a
match in the copy is cited as a span of the original, exactly (`oa:start`/`oa:end` count code points
of the text as extracted).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container
from dataclasses import dataclass


def is_cjk(char: str) -> bool:
    """Whether `char` is a CJK ideograph."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


#: A line shorter than this without a comma or full stop (masthead lines, headings) ends where it
#: ends; a line break after any other line, between two CJK characters, is the page wrapping inside a
#: sentence (`习近\n\n平`).
SHORT_LINE = 40


def _joins(before: str, after: str) -> bool:
    """Whether white space between `before` and `after` is an artefact inside a phrase."""
    return (is_cjk(before) or is_cjk(after)) and not (before in "。;:!?" or after in "-—")


def _short_line(original: str, position: int) -> bool:
    """Whether the line ending at `position` is short (a heading or masthead line, not wrapped prose)."""
    line = original[original.rfind("\n", 0, position) + 1:position].strip()
    return len(line) < SHORT_LINE and not any(mark in line for mark in ",，。;；")


@dataclass(frozen=True)
class MatchText:
    """Normalised text; `starts[i]:ends[i]` is the span of the original that character i came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the normalised span [start, end) came from."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}:{end} is outside the normalised text or empty")
        return self.starts[start], self.ends[end - 1]

    def index_of(self, original: int) -> int:
        """The first normalised position whose origin starts at or after `original` (for section bounds)."""
        low, high = 0, len(self.starts)
        while low < high:
            middle = (low + high) // 2
            if self.starts[middle] < original:
                low = middle + 1
            else:
                high = middle
        return low


def normalise_text(original: str, *, breaks: Container[int] = ()) -> MatchText:
    """The matching form of `original`: NFKC per character, white space inside phrases dropped (a run
    of white space between two characters where one is CJK), other runs of white space kept as one
    space or one line break. A white-space run starting at an offset in `breaks` (the end of a heading)
    is always kept."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position, length = 0, len(original)
    while position < length:
        char = original[position]
        if char.isspace():
            run_end = position
            while run_end < length and original[run_end].isspace():
                run_end += 1
            before = chars[-1] if chars else ""
            after = unicodedata.normalize("NFKC", original[run_end]) if run_end < length else ""
            newline = "\n" in original[position:run_end]
            if before and after and (position in breaks or not _joins(before[-1], after[0])
                                     or (newline and _short_line(original, position))):
                chars.append("\n" if newline else " ")
                starts.append(position)
                ends.append(run_end)
            position = run_end
            continue
        for piece in unicodedata.normalize("NFKC", char):
            chars.append(piece)
            starts.append(position)
            ends.append(position + 1)
        position += 1
    return MatchText("".join(chars), tuple(starts), tuple(ends))
