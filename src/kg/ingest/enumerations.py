"""Names listed without a head of their own: the items of an enumeration (A、B、C和D), which take
their kind from the list around them.

Reports of this kind list what a body built, funds or works on: `包括A、B和C等` after the kind of
thing (大科学装置5个, 包括…), `A、B、C等产业` before it, or `A、B、C和D四大平台` / `…四个层面` (a
numbered group whose items are its parts, with their positions). An item that ends in a head of its
own keeps that kind; an item of a numbered group is one of its priorities (ikg:PriorityArea). Offsets
are positions in the normalised text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.ingest.lexicon import BOUNDARY_WORDS, HEADS, INDUSTRIES, LEADING_TRIM
from kg.ingest.mentions import Mention
from kg.ingest.text import is_cjk

#: A clause: what lies between marks that end one (commas, stops, colons, brackets and titles).
_CLAUSE = re.compile(r"[^,。;:!?()《》\n]+")
#: What closes a list: 等, or a numbered group (四大平台, 四个层面, 5个…), or the end of the clause.
_CLOSER = re.compile(r"等|(?=(?:[一二三四五六七八九十]|\d{1,2})(?:大|个|项|类)[\u4e00-\u9fff])")
_GROUP = re.compile(r"(?P<n>[一二三四五六七八九十]|\d{1,2})(?P<unit>大|个|项|类)(?P<what>[\u4e00-\u9fff]{2})"
                    r"(?P<more>集群|平台|体系|领域|方向|板块|基地|中心|行动|工程|产业|举措)?")
#: Words that join the last item (A、B和C); not when the items themselves hold the word (A与B、C与D).
_JOINERS = ("以及", "和", "及", "与")
#: Kinds a list takes from the word that names what is listed, before or after it.
_KIND_WORDS = (
    (("装置", "设施", "光源"), "ikg:MajorScienceFacility"),
    (("计划", "工程", "研究"), "ikg:BigScienceProgramme"),
    (("产业", "行业", "领域"), "ikg:Industry"),
    (("实验室", "研究院", "研究机构", "研发机构", "院所", "大学", "高校"), "ikg:ResearchOrganization"),
    (("基金",), "ikg:Fund"),
    (("平台",), "ikg:Platform"),
)
#: Words that stand before the first item and are no part of it (围绕 A、B…).
_LEADS_IN = ("包括", "围绕", "聚焦", "重点", "建设", "开展", "参与", "引进", "布局", "推动", "形成", "发展",
             "支持", "在", "如", "有", "是", "向", "对", "以")
#: Words that introduce a list whose kind was named just before (大科学装置5个,包括…).
_INTRODUCED = ("包括", "如", "有", "即")
_SHORTEST, _LONGEST = 2, 20
_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


@dataclass(frozen=True)
class Enumeration:
    """A list found: its items, those of them only the list names (`new`: no head of their own; of
    the kind the list gives), the numbered group they are parts of (or None), the group's size, and
    where the list lies."""

    items: tuple[Mention, ...]
    new: tuple[Mention, ...]
    group: Mention | None
    size: int
    start: int
    end: int


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMERALS[text]


def _kind_of(word: str) -> str | None:
    return next((kind for words, kind in _KIND_WORDS if any(w in word for w in words)), None)


def _own_kind(label: str) -> str | None:
    """The kind of a head the label ends in, if any (longest head first)."""
    head = max((h for h in HEADS if label.endswith(h) and len(label) > len(h)), key=len, default=None)
    return HEADS[head] if head is not None else None


def _first_item_start(text: str, start: int, end: int) -> int:
    """Where the first item starts: after the words before it that are no part of it."""
    for position in range(end - 1, start - 1, -1):
        before = text[start:position]
        if before.endswith(_LEADS_IN) or any(before.endswith(w) for w in BOUNDARY_WORDS if len(w) > 1):
            return position
    return start


def _trimmed(label: str) -> str:
    for word in LEADING_TRIM:
        if label.startswith(word) and len(label) - len(word) >= _SHORTEST:
            return label[len(word):]
    return label


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items of the list text[start:end] as spans (、 between them, a joiner before the last)."""
    pieces, position = [], start
    for match in re.finditer("、", text[start:end]):
        pieces.append((position, start + match.start()))
        position = start + match.end()
    last = (position, end)
    joined = text[last[0]:last[1]]
    for joiner in _JOINERS:
        at = joined.rfind(joiner)
        # 脑科学与类脑研究中心 among names with heads is one name, not two.
        one_name = (_own_kind(joined[at + len(joiner):]) is not None and _own_kind(joined[:at]) is None
                    and any(_own_kind(text[a:b]) for a, b in pieces))
        if at > 0 and not one_name and not any(joiner in text[a:b] for a, b in pieces):
            pieces += [(last[0], last[0] + at), (last[0] + at + len(joiner), last[1])]
            break
    else:
        pieces.append(last)
    return pieces


def find_enumerations(text: str) -> Iterator[Enumeration]:
    """Every list of two or more names of one kind in `text` (normalised)."""
    for clause in _CLAUSE.finditer(text):
        if "、" not in clause.group():
            continue
        found = _enumeration(text, clause.start(), clause.end())
        if found is not None:
            yield found


def _enumeration(text: str, start: int, end: int) -> Enumeration | None:
    first_mark = text.index("、", start, end)
    closer = _CLOSER.search(text, first_mark, end)
    list_end = closer.start() if closer else end
    list_start = _first_item_start(text, start, first_mark)
    spans = _split(text, list_start, list_end)
    group = _GROUP.match(text, list_end) if closer and closer.group() == "" else None
    if group is not None and len(spans) == _number(group.group("n")) + 1 and len(spans) > 2 \
            and spans[-2][1] < spans[-1][0] and text[spans[-2][1]:spans[-1][0]] != "、":
        # A、B、C与D四个方向: four items, the last holding the joiner (C与D is one)
        spans = [*spans[:-2], (spans[-2][0], spans[-1][1])]
    after = text[(closer.end() if closer else list_end):end]
    kind: str | None = None
    if group is not None:
        window = text[group.start("what"):group.start("what") + 8]
        named = _kind_of(group.group("what")) or _kind_of(group.group("more") or "") or (
            _kind_of(window) if window.startswith(("大科学", "重大", "科技基础")) else None)
        if group.group("more") in ("方向", "领域", "板块", "举措"):
            named = None  # 四个研究方向: a group of directions, not a count of programmes
        if group.group("unit") == "大":  # 三大产业集群: a group, its items of the kind it names
            kind = named if named in ("ikg:Industry",) else "ikg:PriorityArea"
        elif named in (None, "ikg:Platform"):
            kind = "ikg:PriorityArea"
        else:  # 5个大科学装置: a count of things of a kind, not a group of priorities
            kind, group = named, None
    else:
        kind = _kind_of(after[:6])
        if kind is None and text[start:list_start].endswith(_INTRODUCED):
            # 大科学装置5个,包括A、B…: the kind is named in the clause before.
            previous = max(text.rfind(",", 0, start - 1), text.rfind("。", 0, start - 1)) + 1
            kind = _kind_of(text[previous:list_start])
    items, new = [], []
    for a, b in spans:
        label = _trimmed(text[a:b].strip())
        a = b - len(label)
        if not (_SHORTEST <= len(label) <= _LONGEST) or not all(is_cjk(c) or c.isalnum() for c in label):
            return None
        own = _own_kind(label) if group is None else None
        if own == "ikg:Platform" and kind == "ikg:MajorScienceFacility":
            own = None  # 材料基因组大科学装置平台 in a list of facilities is one
        if own is not None:  # a name with a head of its own is found by its head (kg.ingest.mentions)
            items.append(Mention(a, b, label, own))
            if any(joiner in label for joiner in _JOINERS) and not any(
                    word in label for word in BOUNDARY_WORDS if len(word) > 1):
                new.append(items[-1])  # its head alone would cut it at the joiner (与类脑研究中心)
        elif kind is not None or label in INDUSTRIES:
            new.append(Mention(a, b, label, kind or "ikg:Industry"))
            items.append(new[-1])
    if len(items) < 2 or not (new or group or kind):
        return None
    group_mention = None
    if group is not None:
        what_end = group.end()
        group_mention = Mention(group.start(), what_end, group.group(), "ikg:PriorityArea")
    size = _number(group.group("n")) if group is not None else len(items)
    return Enumeration(tuple(items), tuple(new), group_mention, size, list_start, list_end)
