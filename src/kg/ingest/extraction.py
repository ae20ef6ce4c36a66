"""Extraction: from the text of a report to its sections, entities and facts, each fact with its span.

The steps: normalise the text (kg.ingest.text), find its sections (on the original), find mentions
(kg.ingest.mentions), group them into entities (one per name, declared short forms and spellings of
places joined), then read the masthead, the recipients and the relations of each sentence
(kg.ingest.relations). Spans stay in the normalised text here; `Extraction.original_span` maps them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.ingest.enumerations import Enumeration, find_enumerations
from kg.ingest.facts import REPORT, Fact, Value
from kg.ingest.lexicon import SURNAMES
from kg.ingest.mentions import (
    Entity,
    EntityGroups,
    Mention,
    PostMention,
    bare_group_mentions,
    find_mentions,
    full_place,
    person_mentions,
    short_forms,
)
from kg.ingest.recommendations import advice_facts, counted_sets, find_advice
from kg.ingest.relations import find_relations, masthead_facts
from kg.ingest.sections import Section, find_sections
from kg.ingest.text import MatchText, normalise_text

#: Kinds whose mentions nested in a longer name are names of their own (the area of a committee, the
#: body of a unit); nested mentions of other kinds (a plan inside a group's name) are not.
_NESTED_KINDS = frozenset({
    "schema:AdministrativeArea", "ikg:InnovationArea", "ikg:NationalScienceCenter", "ikg:GovernmentBody",
    "ikg:ManagementCommittee", "ikg:LeadingGroup", "ikg:CoordinationOffice", "ikg:ResearchOrganization",
    "ikg:Council", "org:OrganizationalUnit",
})
#: A nested name followed by one of these is the object of the longer name's work, not a name of its
#: own (上海推进科技创新中心|建设办公室).
_NESTED_NOT_BEFORE = ("建设", "发展", "管理", "推进")


@dataclass
class Extraction:
    """Everything extracted from one report."""

    original: str
    match: MatchText
    sections: list[Section]
    entities: dict[str, Entity] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the normalised span came from."""
        return self.match.original_span(start, end)


def _kept(mentions: list[Mention], text: str) -> list[Mention]:
    """Mentions less those nested in a longer one that are no names of their own."""
    kept = []
    for mention in mentions:
        outer = [m for m in mentions if m.start <= mention.start and mention.end <= m.end and m != mention
                 and m.kind != "ikg:RecommendationSet"]
        if outer and (mention.kind not in _NESTED_KINDS
                      or text.startswith(_NESTED_NOT_BEFORE, mention.end)):
            continue
        kept.append(mention)
    return kept


def _with_lists(found: list[Mention], lists: list[Enumeration]) -> list[Mention]:
    """The mentions with the names lists give: a list's item or group replaces every mention it
    overlaps but holds (the list knows where its names start and end, 科技产业集群|四大平台)."""
    listed = [m for e in lists for m in e.new] + [e.group for e in lists if e.group is not None]
    kept = [m for m in found
            if not any(m.start < n.end and n.start < m.end and not (n.start <= m.start and m.end < n.end)
                       for n in listed)]
    return sorted({*kept, *listed})


def extract(original: str) -> Extraction:
    """Sections, entities and facts of the report text `original` (as extracted, not normalised)."""
    sections = find_sections(original)
    heading_ends = {s.start + len(s.title) for s in sections}
    match = normalise_text(original, breaks=_line_ends(original, heading_ends))
    text = match.text
    result = Extraction(original, match, sections)
    entities = EntityGroups()
    lists = list(find_enumerations(text))
    mentions = _kept(_with_lists([*find_mentions(text), *counted_sets(text)], lists), text)
    for named, short in short_forms(text, mentions):
        entities.alias_of[short.label] = entities.key_of(named.label)
        mentions.append(short)
        mentions += _later_uses(text, short, mentions)
    mentions = _split_pairs(mentions)
    mentions += bare_group_mentions(text, mentions)
    mentions += _anaphora(text, mentions)
    _merge_abbreviations(entities, mentions)
    _resolve_local_bodies(entities, mentions)
    keys = {m: entities.add(m) for m in sorted(mentions)}
    advice = find_advice(original, match, sections)
    for part in advice:
        # Not among the mentions relations read: a heading holds names of its own (设立…基金).
        for mention in (part.set, *(item for item, _, _ in part.items)):
            keys[mention] = entities.add(mention)
    facts: list[Fact] = []
    posts = list(person_mentions(text, mentions))
    for post, body, person in posts:
        facts += _post_facts(entities, post, body, person)
    facts += _duty_facts(text, mentions, posts, entities)
    facts += _charter_facts(text, mentions, entities)
    facts += _issuers(entities, facts)
    facts += find_relations(text, mentions, keys, entities.by_key, lists)
    for part in advice:
        facts += advice_facts(text, part, keys, mentions)
    facts += masthead_facts(original, match, sections, entities)
    facts += _types_and_aliases(entities, {f.subject for f in facts if f.predicate == "rdf:type"})
    result.entities = entities.by_key
    result.facts = sorted(set(facts))
    return result


#: `该中心`, `该基金`…: the thing of that kind named last before (该 + the head of its name).
_ANAPHOR = re.compile(r"该(中心|基金|资金|平台|装置|设施|领导小组|委员会|管委会|办公室|公司|集团|科学城|园区|"
                      r"实验室|研究院|大学|机构|项目)")


def _anaphora(text: str, mentions: list[Mention]) -> list[Mention]:
    """Mentions of `该X`: the name ending in X named last before it, within a few sentences."""
    found = []
    for match in _ANAPHOR.finditer(text):
        head = match.group(1)
        named = [m for m in mentions if m.end <= match.start() and match.start() - m.end < _ANAPHOR_REACH
                 and m.label.endswith(head) and len(m.label) > len(head)]
        if named and not any(m.start <= match.start() < m.end for m in mentions):
            referent = max(named, key=lambda m: m.end)
            found.append(Mention(match.start(), match.end(), referent.label, referent.kind))
    return found


#: How far back (characters) a `该X` looks for its referent.
_ANAPHOR_REACH = 300


def _later_uses(text: str, short: Mention, mentions: list[Mention]) -> list[Mention]:
    """The places after its declaration where a declared short form is used and no other name is
    (中国科大常务副校长, 借鉴"合肥产投"模式): mentions of the same entity."""
    found = []
    at = text.find(short.label, short.end)
    while at != -1:
        end = at + len(short.label)
        if not any(m.start < end and at < m.end for m in mentions):
            found.append(Mention(at, end, short.label, short.kind))
        at = text.find(short.label, end)
    return found


def _types_and_aliases(entities: EntityGroups, typed: set[str]) -> list[Fact]:
    """The type (at its first mention) and the other names of every entity not typed yet (events
    and values are typed where they are made; the masthead's bodies are made after the mentions)."""
    facts = []
    for key, entity in entities.by_key.items():
        first = min(entity.mentions)
        if key not in typed:
            facts.append(Fact(key, "rdf:type", Value(entity.kind, "type"), first.start, first.end, 0.8))
        for alias in sorted(entity.aliases):
            where = next(m for m in entity.mentions if m.label == alias)
            facts.append(Fact(key, "skos:altLabel", Value(alias, "@zh"), where.start, where.end, 0.8))
    return facts


def _line_ends(original: str, heading_ends: Iterable[int]) -> set[int]:
    """Offsets of the white space that ends each heading line (kept as a break when normalising)."""
    found = set()
    for end in heading_ends:
        newline = original.find("\n", end)
        # An item's heading followed by prose on its line (（三）多元资金保障。省、市…) ends no line.
        if newline != -1 and not original[end:newline].strip(" \t。.:："):
            start = newline
            while start > 0 and original[start - 1].isspace():
                start -= 1
            found.add(start)
    return found


#: Party committees and governments named without their place (市委、市政府), and their full names
#: once the place is known.
_LOCAL_BODIES = {"市委": "{}市委", "市政府": "{}市人民政府", "市人民政府": "{}市人民政府",
                 "省委": "{}省委", "省政府": "{}省人民政府", "省人民政府": "{}省人民政府"}
_PLACED_GOVERNMENT = re.compile(r"(.{2,3}[市省])政府")
_PAIRED = re.compile(r"([市省区])委\1政府")


def _split_pairs(mentions: list[Mention]) -> list[Mention]:
    """`市委市政府` (written without the 、) as the two bodies it names."""
    found = []
    for mention in mentions:
        pair = _PAIRED.fullmatch(mention.label)
        if pair is None or mention.kind != "ikg:GovernmentBody":
            found.append(mention)
            continue
        middle = mention.start + 2
        found += [Mention(mention.start, middle, mention.label[:2], mention.kind),
                  Mention(middle, mention.end, mention.label[2:], mention.kind)]
    return found


def _resolve_local_bodies(entities: EntityGroups, mentions: list[Mention]) -> None:
    """A 市委 or 市政府 without its place is the one of the city named last before it (上海市委、市政府:
    上海市人民政府); X市政府 is X市人民政府. Names join as aliases of the full name."""
    places = sorted((m for m in mentions if m.kind == "schema:AdministrativeArea"), key=lambda m: m.start)
    for mention in sorted(mentions):
        placed = _PLACED_GOVERNMENT.fullmatch(mention.label)
        if placed is not None and mention.kind == "ikg:GovernmentBody":
            entities.alias_of.setdefault(mention.label, placed.group(1) + "人民政府")
            continue
        pattern = _LOCAL_BODIES.get(mention.label)
        if pattern is None or mention.label in entities.alias_of:
            continue
        level = mention.label[0]
        before = [p for p in places if p.end <= mention.start
                  and full_place(p.label).endswith(level) and len(p.label) >= 2]
        if before:
            place = full_place(before[-1].label)[:-1]
            entities.alias_of[mention.label] = pattern.format(place)


def _in_order(short: str, long: str) -> bool:
    position = 0
    for char in short:
        position = long.find(char, position) + 1
        if position == 0:
            return False
    return True


def _merge_abbreviations(entities: EntityGroups, mentions: list[Mention]) -> None:
    """Join a shortened spelling to the full name it abbreviates (国家发改委 ~ 国家发展改革委): same
    kind, same first and last characters, its characters in order, at least 60 % as long."""
    labels = sorted({(m.label, m.kind) for m in mentions}, key=lambda lk: -len(lk[0]))
    for short, kind in labels:
        if short in entities.alias_of or len(short) < 4:
            continue
        for long, other in labels:
            if (other == kind and len(long) > len(short) and len(short) >= 0.6 * len(long)
                    and long[0] == short[0] and long[-1] == short[-1] and _in_order(short, long)):
                entities.alias_of[short] = entities.key_of(long)
                break


#: `由X(担)任主任`: X heads the body named before it in the sentence (its 主任, 组长, 理事长…).
_DUTY = re.compile(r"由([^,。;]{2,24}?)(?:任|担任)(组长|主任|理事长|主席|召集人)")
_HEADED = frozenset({"ikg:LeadingGroup", "ikg:Council", "ikg:WorkingGroup", "ikg:GovernmentBody",
                     "ikg:ManagementCommittee"})


def _duty_facts(text: str, mentions: list[Mention], posts: list[PostMention],
                entities: EntityGroups) -> list[Fact]:
    """`G…,由X(担)任主任`: X (a person or a post) leads the group, council or committee G named
    before it in the sentence; a person named holds G's post (G主任, org:postIn G)."""
    facts: list[Fact] = []
    for match in _DUTY.finditer(text):
        opened = max(text.rfind(mark, 0, match.start()) for mark in "。;\n") + 1
        bodies = [m for m in mentions if opened <= m.start and m.end <= match.start() and m.kind in _HEADED
                  and (m.kind != "ikg:GovernmentBody" or m.label.endswith("委员会"))]
        if not bodies:
            continue
        body = max(bodies, key=lambda m: m.end)
        body_key = entities.key_of(body.label)
        holders = [(post, person) for post, _, person in posts
                   if post is not None and match.start(1) <= post.start and post.end <= match.end(1)]
        people = [person for _, person in holders if person is not None]
        title = match.group(2)
        span = (body.start, match.end())
        for post, _person in holders:
            if not people:
                facts.append(Fact(entities.key_of(post.label), "ikg:leads", body_key, *span, 0.6))
        for person in people:
            duty = Mention(match.start(2), match.end(2), entities.by_key[body_key].label + title, "org:Post")
            if body.label != entities.by_key[body_key].label:
                duty = Mention(duty.start, duty.end, body.label + title, "org:Post")
            person_key, duty_key = entities.key_of(person.label), entities.add(duty)
            facts += [Fact(duty_key, "org:postIn", body_key, *span, 0.7),
                      Fact(person_key, "org:holds", duty_key, person.start, match.end(), 0.7),
                      Fact(person_key, "ikg:leads", body_key, *span, 0.6)]
    return facts


#: `实行理事会领导下的院长负责制`: a council governs the institution the sentence is about.
_CHARTER = re.compile(r"实行(理事会|董事会)领导下的")
#: `P(院士)(担)任(TOPIC的头)院长`: P holds the post of the institution the sentence is about.
_APPOINTED = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:院士|教授|研究员)?(?:担任|兼任|出任|任)"
                        r"(实验室|研究院|研究所|中心)?(院长|主任|所长|理事长)(?=[,;。]|$)")
_FORMED = re.compile(r"(?:理事会|董事会)由([^,;。]{2,80}?)(?:等)?(?:共同)?(?:组成|构成)")
_MEMBERS = frozenset({"ikg:GovernmentBody", "ikg:ResearchOrganization", "ikg:Enterprise",
                      "ikg:ManagementCommittee", "org:OrganizationalUnit"})
_CHARTERED = frozenset({"ikg:ResearchOrganization", "ikg:Platform"})


def _charter_facts(text: str, mentions: list[Mention], entities: EntityGroups) -> list[Fact]:
    """The council of an institution run under it (`X…实行理事会领导下的院长负责制`: X理事会 ikg:governs
    X) and the head appointed in the same sentence (`P任院长`: P org:holds X院长, org:postIn X); X is
    the first institution the sentence names (its subject)."""
    facts: list[Fact] = []
    for sentence in re.finditer(r"[^。\n]+", text):
        a, b = sentence.span()
        ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
        topic = next((m for m in ordered if a <= m.start and m.end <= b
                      and m.kind not in ("foaf:Person", "org:Post", "ikg:Industry")), None)
        if topic is None or topic.kind not in _CHARTERED:
            continue
        topic_key = entities.key_of(topic.label)
        label = entities.by_key[topic_key].label
        for match in _CHARTER.finditer(text, a, b):
            council = Mention(match.start(1), match.end(1), label + match.group(1), "ikg:Council")
            council_key = entities.add(council)
            facts.append(Fact(council_key, "ikg:governs", topic_key, topic.start, match.end(), 0.6))
            formed = _FORMED.search(text, match.end(), b)
            if formed is not None:  # 理事会由A、B以及C等共同组成: its members
                for member in (m for m in mentions if formed.start(1) <= m.start and m.end <= formed.end(1)
                               and m.kind in _MEMBERS):
                    facts.append(Fact(entities.key_of(member.label), "ikg:partOf", council_key,
                                      formed.start(), formed.end(), 0.6))
        for match in _APPOINTED.finditer(text, a, b):
            name = match.group(1)
            clause = max(text.rfind(mark, a, match.start()) for mark in ",;") + 1
            overlapping = any(m.start < match.end(1) and m.end > match.start(1) for m in mentions
                              if m.kind != "foaf:Person")
            if name[0] not in SURNAMES or "由" in text[max(a, clause):match.start()] or overlapping:
                continue
            person = Mention(match.start(1), match.end(1), name, "foaf:Person")
            head = match.group(2) or ""
            if head and not label.endswith(head):
                continue
            post = Mention(match.start(3), match.end(3), label + match.group(3), "org:Post")
            post_key = entities.add(post)
            facts += [Fact(post_key, "org:postIn", topic_key, match.start(3), match.end(3), 0.6),
                      Fact(entities.add(person), "org:holds", post_key, match.start(), match.end(), 0.6)]
    return facts


def _issuers(entities: EntityGroups, facts: list[Fact]) -> list[Fact]:
    """A directive named by a title alone (总书记重要指示精神) is issued by the person the report
    names in that post (习近平总书记)."""
    holders = {str(f.object): f.subject for f in facts if f.predicate == "org:holds"}
    found = []
    for key, entity in entities.by_key.items():
        if entity.kind != "ikg:Directive":
            continue
        for post, person in holders.items():
            if post in entity.label and person not in entity.label:
                first = min(entity.mentions)
                found.append(Fact(person, "ikg:issues", key, first.start, first.end, 0.6))
    return found


def _post_facts(entities: EntityGroups, post: Mention | None, body: Mention | None,
                person: Mention | None) -> list[Fact]:
    facts: list[Fact] = []
    person_key = entities.add(person) if person is not None else None
    if post is None:
        return facts
    post_key = entities.add(post)
    if body is not None:
        facts.append(Fact(post_key, "org:postIn", entities.add(body), post.start, post.end, 0.8))
    if person is not None and person_key is not None:
        start, end = min(post.start, person.start), max(post.end, person.end)
        facts.append(Fact(person_key, "org:holds", post_key, start, end, 0.8))
    return facts


__all__ = ["REPORT", "Extraction", "extract"]
