"""The section structure of a report: masthead, introduction, numbered sections and their items, and
the list of recipients at the end.

Reports of this kind number their parts 一、 二、 …, and the items of a part either 一是 二是 … or
(一) (二) … or 1. 2. …; items are numbered under their part as in the curated graph ("二.2"). The
masthead (issue, publisher, date, title, authors) is everything before the first paragraph of prose,
and the recipients (送: … 发: …) close the report. Offsets are code points of the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Chinese numerals as sections count them.
NUMERALS = "一二三四五六七八九十"
_HEADING = re.compile(rf"([{NUMERALS}]{{1,3}})[、．.]\s*(\S.*)")
_ITEM = re.compile(rf"(?:[-•·*]\s*)?(?:([{NUMERALS}]{{1,3}})是|[(（]([{NUMERALS}]{{1,3}})[)）]"
                   rf"|(\d{{1,2}})[.．、](?!\d))\s*")
_RECIPIENTS = re.compile(r"(?:抄送|分送|报送|报|送|发)\s*[:：]")
#: A line of prose (the introduction starts at the first one): a full stop, or a long line.
_PROSE_LENGTH = 40
_ITEM_TITLE = re.compile(r"[^。;；:：!！?？]{1,40}")


@dataclass(frozen=True)
class Section:
    """One section: its number ("报头", "导语", "二", "二.1", "报送"), title and span."""

    number: str
    title: str
    start: int
    end: int

    @property
    def depth(self) -> int:
        """0 for a part of the report, 1 for an item of a numbered part."""
        return self.number.count(".")


@dataclass(frozen=True)
class _Line:
    start: int  # first non-space character
    end: int  # after the last non-space character
    text: str


def _lines(text: str) -> list[_Line]:
    found, offset = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = offset + raw.index(stripped[0])
            found.append(_Line(start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return found


def find_sections(text: str) -> list[Section]:
    """Every section of the report, in text order (items after their part); covers all its text."""
    lines = _lines(text)
    if not lines:
        return []
    headings = [i for i, line in enumerate(lines) if _HEADING.match(line.text)]
    body_start = headings[0] if headings else len(lines)
    recipients = next((i for i in range(headings[-1] + 1 if headings else 0, len(lines))
                       if _RECIPIENTS.match(lines[i].text)), len(lines))
    sections = _front(lines[:min(body_start, recipients)])
    for rank, index in enumerate(headings):
        stop = headings[rank + 1] if rank + 1 < len(headings) else recipients
        if index < stop:
            sections += _part(lines[index:stop])
    if recipients < len(lines):
        sections.append(Section("报送", "报送与分发", lines[recipients].start, lines[-1].end))
    return sections


def _front(lines: list[_Line]) -> list[Section]:
    """The masthead (up to the first prose line) and the introduction (from it)."""
    if not lines:
        return []
    prose = next((i for i, line in enumerate(lines)
                  if "。" in line.text or len(line.text) >= _PROSE_LENGTH), len(lines))
    found = []
    if prose > 0:
        found.append(Section("报头", "报头", lines[0].start, lines[prose - 1].end))
    if prose < len(lines):
        found.append(Section("导语", "导语", lines[prose].start, lines[-1].end))
    return found


def _part(lines: list[_Line]) -> list[Section]:
    """A numbered part and its items."""
    heading = _HEADING.match(lines[0].text)
    if heading is None:  # the caller passes a heading line first
        raise ValueError("a part starts with its heading")
    number = heading.group(1)
    title = heading.group(2).strip().rstrip("。")
    found = [Section(number, title, lines[0].start, lines[-1].end)]
    items = [(i, m) for i, line in enumerate(lines[1:], 1) if (m := _ITEM.match(line.text))]
    for rank, (index, match) in enumerate(items):
        last = items[rank + 1][0] - 1 if rank + 1 < len(items) else len(lines) - 1
        rest = lines[index].text[match.end():]
        item_title = _ITEM_TITLE.match(rest)
        found.append(Section(f"{number}.{rank + 1}", item_title.group() if item_title else rest[:20],
                             lines[index].start, lines[last].end))
    return found


def innermost(sections: list[Section], start: int, end: int) -> Section | None:
    """The deepest section holding the span [start, end), or None."""
    holding = [s for s in sections if s.start <= start and end <= s.end]
    return max(holding, key=lambda s: (s.depth, s.start), default=None)
