"""The report's own recommendations: the items of a part titled as advice (…建议, …启示, …对策).

A study-visit report closes with what it recommends at home: a part such as `四、对西咸新区的启示与
建议` whose items (`一是…`, `(一)…`, `1.…`) are one recommendation each. The part is an
ikg:RecommendationSet named by its title, each item an ikg:Recommendation named by its heading, part
of the set at its position; inside an item, the bodies right after 建议 are who it is addressed to,
what it asks to set up or build is what it proposes, and `将X列入Y` proposes X for inclusion in Y.
Offsets of mentions and facts are positions in the normalised text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.ingest.facts import Fact, Value
from kg.ingest.mentions import Mention
from kg.ingest.sections import Section
from kg.ingest.text import MatchText

#: Words in a part's title that make it the report's advice.
_ADVICE = ("建议", "启示", "对策", "思考")
#: Where an item's heading ends.
_HEADING_END = re.compile(r"[,。;:!?]")
#: Verbs before what a recommendation proposes, at most this many characters before the name.
_PROPOSING = ("设立", "成立", "建设", "创建", "组建", "建立", "打造", "布局", "争取", "引进", "推动", "推进")
_PROPOSING_GAP = 4
#: Kinds of things a recommendation proposes.
_PROPOSED = frozenset({"ikg:Fund", "ikg:LeadingGroup", "ikg:CoordinationOffice", "ikg:ResearchOrganization",
                       "ikg:MajorScienceFacility", "ikg:NationalScienceCenter", "ikg:Platform",
                       "ikg:BigScienceProgramme", "ikg:InnovationArea", "ikg:Council", "ikg:WorkingGroup",
                       "ikg:GovernmentBody"})
_ADDRESSEES = frozenset({"ikg:GovernmentBody", "ikg:ManagementCommittee", "ikg:CoordinationOffice",
                         "ikg:Enterprise"})
_INCLUDE = re.compile(r"列入|纳入")
#: Areas, which a recommendation names as the owner of what it proposes (丝路科创谷相关…项目).
_AREAS = frozenset({"ikg:InnovationArea", "ikg:NationalScienceCenter"})
#: A numbered set of recommendations named in the text (22条关于…的政策建议).
_COUNTED = re.compile(r"(\d{1,3}|[一二三四五六七八九十]{1,3})(?:条|点)([^,。;:、]{0,24}?)建议")


def counted_sets(text: str) -> list[Mention]:
    """Sets of recommendations the text counts (`22条…建议`), as mentions."""
    return [Mention(m.start(), m.end(), m.group(), "ikg:RecommendationSet") for m in _COUNTED.finditer(text)]


def set_size(label: str) -> int | None:
    """How many recommendations a counted set's name says it has."""
    match = _COUNTED.match(label)
    if match is None:
        return None
    number = match.group(1)
    if number.isdigit():
        return int(number)
    digits = "一二三四五六七八九十"
    if len(number) == 1:
        return digits.index(number) + 1
    tens, _, units = number.partition("十")
    return (digits.index(tens) + 1 if tens else 1) * 10 + (digits.index(units) + 1 if units else 0)


@dataclass(frozen=True)
class Advice:
    """A part of advice: the set's mention, and each item's mention with the item's span."""

    set: Mention
    items: tuple[tuple[Mention, int, int], ...]


def _normalised(match: MatchText, original: str, text: str, start: int) -> tuple[int, int] | None:
    """The normalised span of `text` found in the original from `start`."""
    at = original.find(text, start)
    if at == -1 or not text:
        return None
    return match.index_of(at), match.index_of(at + len(text))


def find_advice(original: str, match: MatchText, sections: list[Section]) -> list[Advice]:
    """Every part of advice of the report, with its items."""
    found = []
    for part in (s for s in sections if s.depth == 0 and any(w in s.title for w in _ADVICE)):
        span = _normalised(match, original, part.title, part.start)
        if span is None:
            continue
        advice = Mention(*span, match.text[span[0]:span[1]], "ikg:RecommendationSet")
        parts = [s for s in sections if s.number.startswith(part.number + ".")]
        intro_end = match.index_of(parts[0].start) if parts else span[1]
        counted = _COUNTED.search(match.text, span[1], intro_end)
        if counted is not None:  # 提出以下四点建议: the part's advice is the set its introduction counts
            advice = Mention(counted.start(), counted.end(), counted.group(), "ikg:RecommendationSet")
        items = []
        for item in (s for s in sections if s.number.startswith(part.number + ".")):
            heading = _HEADING_END.split(item.title, maxsplit=1)[0].strip()
            where = _normalised(match, original, heading, item.start)
            if where is None or len(heading) < 2:
                continue
            items.append((Mention(*where, match.text[where[0]:where[1]], "ikg:Recommendation"),
                          match.index_of(item.start), match.index_of(item.end)))
        found.append(Advice(advice, tuple(items)))
    return found


def advice_facts(text: str, advice: Advice, keys: dict[Mention, str], mentions: list[Mention]) -> list[Fact]:
    """Parts and positions of the recommendations, whom each is addressed to, what it proposes."""
    facts: list[Fact] = []
    whole = keys.get(advice.set)
    for rank, (item, start, end) in enumerate(advice.items, 1):
        key = keys.get(item)
        if key is None:
            continue
        if whole is not None:
            facts.append(Fact(key, "ikg:partOf", whole, item.start, item.end, 0.7))
        facts.append(Fact(key, "schema:position", Value(str(rank), "xsd:integer"), item.start, item.end, 0.7))
        inside = [m for m in mentions if start <= m.start and m.end <= end and m != item and m in keys]
        facts += _addressees(text, key, start, end, inside, keys)
        facts += _proposals(text, key, inside, keys)
    return facts


def _addressees(text: str, key: str, start: int, end: int, inside: list[Mention],
                keys: dict[Mention, str]) -> list[Fact]:
    facts = []
    for advised in re.finditer("建议", text[start:end]):
        position = start + advised.end()
        # The longest name first where two start together (西咸新区管委会, not 西咸新区).
        for mention in sorted(inside, key=lambda m: (m.start, -m.end)):
            if mention.start < position:
                continue
            if mention.start - position > 1 or mention.kind not in _ADDRESSEES:
                break
            span = (start + advised.start(), mention.end)
            facts.append(Fact(key, "ikg:addressedTo", keys[mention], *span, 0.6))
            position = mention.end
    return facts


def _proposals(text: str, key: str, inside: list[Mention], keys: dict[Mention, str]) -> list[Fact]:
    facts = []
    for mention in inside:
        before = text[max(0, mention.start - _PROPOSING_GAP - 2):mention.start]
        modifies = mention.kind in _AREAS and text.startswith(("相关", "的"), mention.end)
        if mention.kind in _PROPOSED and any(v in before for v in _PROPOSING) and not modifies:
            facts.append(Fact(key, "ikg:proposes", keys[mention], mention.start, mention.end, 0.6))
        included = _INCLUDE.match(text, mention.end)
        target = next((m for m in inside if included and 0 <= m.start - included.end() <= 6
                       and m.kind == "ikg:Plan"), None)
        if target is not None:
            facts.append(Fact(keys[mention], "ikg:proposedForInclusionIn", keys[target], mention.start,
                              target.end, 0.6))
    return facts
