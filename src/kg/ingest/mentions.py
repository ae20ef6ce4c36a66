"""Mentions of entities in the normalised text of a report, and the entities they group into.

A mention is found by its head (kg.ingest.lexicon.HEADS: …领导小组, …科学城) and grown leftwards over
the characters of the name until a word that stands between names (a verb, a preposition) or a mark;
titles in 《》 are plans and policies; places are found by name (上海, 陕西省, 西安市); posts and
people by titles (处长, 总书记) and the names beside them; industries from a list. Short forms the text
declares (`(以下简称"科创办")`) become aliases of the name before them. Offsets here are positions in
the normalised text (kg.ingest.text.MatchText); the caller maps them back to the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.ingest.lexicon import (
    BOUNDARY_WORDS,
    DIRECTIVE_HEADS,
    GENERIC_KINDS,
    GENERIC_LEADS,
    HEADS,
    INDUSTRIES,
    LEADING_TRIM,
    MIN_LEAD,
    MUNICIPALITIES,
    NOT_AFTER,
    NOT_BEFORE,
    POST_TITLES,
    PROVINCES,
    SURNAMES,
)
from kg.ingest.segmentation import is_word
from kg.ingest.text import is_cjk

#: Longest name grown from a head, in characters.
MAX_NAME = 30
_HEAD_PATTERN = re.compile("|".join(sorted(map(re.escape, HEADS), key=len, reverse=True)))
_BOUNDARY_LONGEST = max(map(len, BOUNDARY_WORDS))
_TITLE = re.compile(r"《([^《》\n]{2,60})》")
_SHORT_FORM = re.compile(r"\(\s*(?:以下)?简称\s*[\"“”「『]?([^\"“”」』()]{1,20}?)[\"“”」』]?\s*\)")
_PLACE = re.compile("(" + "|".join(sorted(PROVINCES, key=len, reverse=True)) + ")(省|市|自治区)?")
_INDUSTRY = re.compile("|".join(sorted(map(re.escape, INDUSTRIES), key=len, reverse=True)))
_POST = re.compile("|".join(sorted(map(re.escape, POST_TITLES), key=len, reverse=True)))
#: Characters that may be part of a name besides CJK ideographs (Z箍缩设施, 5G, 街办(镇)).
_NAME_EXTRA = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True, order=True)
class Mention:
    """A name in the normalised text: [start, end), its text and its class (CURIE)."""

    start: int
    end: int
    label: str
    kind: str


@dataclass
class Entity:
    """Mentions that name one thing; `label` is its fullest name, `aliases` the other names used."""

    label: str
    kind: str
    mentions: list[Mention] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)


class EntityGroups:
    """Mentions grouped into entities by key (their fullest label)."""

    def __init__(self) -> None:
        self.by_key: dict[str, Entity] = {}
        self.alias_of: dict[str, str] = {}

    def key_of(self, label: str) -> str:
        """The key of the entity `label` names (a declared short form: the full name's)."""
        label = full_place(label)
        return self.alias_of.get(label, label)

    def add(self, mention: Mention, *, alias: bool = False) -> str:
        """Add `mention` to its entity (made when new); returns the entity's key."""
        key = self.key_of(mention.label)
        entity = self.by_key.get(key)
        if entity is None:
            entity = self.by_key[key] = Entity(key, mention.kind)
        entity.mentions.append(mention)
        if mention.label != key or alias:
            entity.aliases.add(mention.label)
        return key


def _boundary_before(text: str, position: int) -> int:
    """Length of the longest boundary word ending at `position` (0 if none)."""
    for size in range(min(_BOUNDARY_LONGEST, position), 0, -1):
        if text[position - size:position] in BOUNDARY_WORDS:
            return size
    return 0


def _name_char(char: str) -> bool:
    return is_cjk(char) or bool(_NAME_EXTRA.match(char))


#: What ends a written amount before 元 (5亿元, 300万元, 20元).
_AMOUNT_UNITS = "亿万千百0123456789"
#: Quotation marks that may stand inside a name around a short word (国家"十四五"规划).
_CLOSING_QUOTES = "\"”」』)"
_OPENING_QUOTES = "\"“「『("
#: Longest quoted word inside a name.
_QUOTED = 10


def _quoted_start(text: str, closing: int, limit: int) -> int | None:
    """Where the quoted word whose closing mark is at `closing` opens, when the quote sits inside a
    name (a name character before it); else None."""
    wanted = "(" if text[closing] == ")" else _OPENING_QUOTES.replace("(", "")
    for position in range(closing - 1, max(limit, closing - _QUOTED) - 1, -1):
        char = text[position]
        if char in wanted:
            inside = position < closing - 1 and all(_name_char(c) for c in text[position + 1:closing])
            named = position > limit and _name_char(text[position - 1])
            return position if inside and named else None
        if not _name_char(char):
            return None
    return None


#: Words of two characters that end in a boundary character and are themselves words that stand
#: between names (关于 上海…), unlike 成都 or 经济.
_FUNCTION_PAIRS = frozenset({
    "关于", "对于", "由于", "至于", "基于", "属于", "位于", "用于", "鉴于", "处于", "等于",
    "以及", "并且", "而且", "或者", "为了", "作为", "成为", "因为", "认为", "则由",
})


def _stops(text: str, position: int) -> bool:
    """Whether a boundary word ends at `position`; a one-character one does not when it is half of a
    common word there (经济, 同步, 成都: jieba's dictionary, kg.ingest.segmentation)."""
    size = _boundary_before(text, position)
    if size != 1:
        return size > 1
    pair = text[max(0, position - 2):position]
    if pair[:1] in "年月日" and text[max(0, position - 3):position - 2].isdigit():
        return True  # 2013年12月经…: a date before the word (月经 is no word here)
    inside = is_word(text[position - 1:position + 1]) or (is_word(pair) and pair not in _FUNCTION_PAIRS
                                                          and not _boundary_before(text, position - 1))
    return not inside


def grow_left(text: str, head_start: int, limit: int = 0, *, over: tuple[str, ...] = ()) -> int:
    """Where the name ending in the head at `head_start` starts: leftwards over name characters (and
    quoted words inside the name) until a boundary word, a mark or `limit`; the words in `over` do
    not stop it."""
    position = head_start
    while position > limit and head_start - position < MAX_NAME:
        char = text[position - 1]
        if char in _CLOSING_QUOTES:
            opening = _quoted_start(text, position - 1, limit)
            if opening is None:
                break
            position = opening
            continue
        if not _name_char(char) or (char == "元" and text[position - 2:position - 1] in _AMOUNT_UNITS):
            break  # …不低于5亿元|人才发展专项资金: an amount before a name is no part of it
        passed = next((w for w in over if text.endswith(w, 0, position)), None)
        if passed is not None:
            position -= len(passed)
            continue
        if _stops(text, position):
            break
        position -= 1
    return position


#: Heads of organisations, which end a name: one at the start of a longer name is the end of the
#: name before it (任领导小组科创中心领导小组).
_ORG_HEADS = sorted((h for h, k in HEADS.items() if k.startswith(("ikg:LeadingGroup", "ikg:Council",
                     "ikg:ManagementCommittee", "ikg:CoordinationOffice", "ikg:WorkingGroup"))
                     and len(h) > 1), key=len, reverse=True)


def _trim(label: str, head: str) -> str:
    """`label` without leading words no name starts with (verbs, bare heads of a name before it)."""
    changed = True
    while changed:
        changed = False
        for word in LEADING_TRIM:
            if label.startswith(word) and len(label) - len(word) >= len(head) + 1:
                label, changed = label[len(word):], True
                break
        for word in _ORG_HEADS:
            if label.startswith(word) and len(label) - len(word) >= 2 and label != word:
                label, changed = label[len(word):], True
                break
    return label


#: Heads of party committees and governments, whose names hold no field joined by 和 (国家和省委).
_PARTY_HEADS = ("省委", "市委", "区委", "党工委", "政府", "人民政府")
#: Kinds of areas, whose names a verb inside cuts (深圳|建设|中国特色社会主义先行示范区).
_AREAS = frozenset({"ikg:InnovationArea", "ikg:NationalScienceCenter"})
_INNER_VERBS = ("建设", "推进", "打造")


#: Kinds of things a body builds or sets up: a name does not grow over the verb of the body before it
#: (西咸新区管委会推进|先进阿秒激光设施), though a body's own name may hold it (…推进…领导小组).
_BUILT = frozenset({"ikg:MajorScienceFacility", "ikg:Platform", "ikg:Fund", "ikg:BigScienceProgramme",
                    "ikg:ResearchOrganization"})
_DRIVING_VERBS = ("推进", "推动", "部署")
_NAMED_HEADS = ("大学", "学院", "研究院", "研究所", "实验室", "公司", "集团", "管委会", "政府")


def _after_verb(label: str, head: str, verbs: tuple[str, ...] = _INNER_VERBS, least: int = 0) -> str:
    """An area's name after the last verb inside it, when a name is left after it (at least `least`
    characters before the head)."""
    at = max(label.rfind(verb) for verb in verbs)
    if at <= 0 or len(label) - at - 2 < len(head) + least:
        return label
    return label[at + 2:]


def head_mentions(text: str) -> Iterator[Mention]:
    """Names ending in a head of kg.ingest.lexicon.HEADS."""
    for match in _HEAD_PATTERN.finditer(text):
        head, end = match.group(), match.end()
        after = text[end:end + 1]
        before = text[match.start() - 1:match.start()]
        if after and after in NOT_AFTER.get(head, ""):
            continue
        if before and before in NOT_BEFORE.get(head, ""):
            continue
        over = ("的", "关于") if head in DIRECTIVE_HEADS else ()
        start = grow_left(text, match.start(), over=over)
        if HEADS[head] == "ikg:GovernmentBody" and text[start - 1:start] == "和" and head not in _PARTY_HEADS:
            # 科技创新和工业信息化局: a field joined by 和 is the name's, a body before it is not.
            field = grow_left(text, start - 1)
            if start - 1 - field >= 2 and not any(text.endswith(h, field, start - 1)
                                                  for h in (*HEADS, *POST_TITLES)):
                start = field
        if (HEADS[head] in ("org:OrganizationalUnit", "ikg:Platform")
                and match.start() - start < MIN_LEAD.get(head, 1)
                and _boundary_before(text, start) > 1):
            # A unit named by its work (科技|服务|处): the word that reads as a verb is the name's.
            start = grow_left(text, start - _boundary_before(text, start))
        label = _trim(text[start:end], head)
        if HEADS[head] in _AREAS:
            label = _after_verb(label, head)
        elif HEADS[head] in _BUILT:
            label = _after_verb(label, head, _DRIVING_VERBS, least=2)
            built = label.rfind("建设")
            if built > 0 and label[:built].endswith(_NAMED_HEADS) and len(label) - built - 2 >= len(head) + 2:
                label = label[built + 2:]  # 武汉大学|建设|光谷实验室: a body before the verb builds it
        if HEADS[head] == "ikg:Fund" and label.endswith("管理" + head) and text.startswith("规模", end):
            continue  # 集团管理基金规模达300亿元: the funds a company manages, not one fund
        if any(label == word + head for word in LEADING_TRIM):
            continue  # 统筹|推进科学城建设: a verb before a bare head names nothing
        start = end - len(label)
        lead = label[:len(label) - len(head)].strip("\"“”「」『』")
        if len(lead) < MIN_LEAD.get(head, 1) or (lead in GENERIC_LEADS and HEADS[head] in GENERIC_KINDS):
            continue
        yield Mention(start, end, label, HEADS[head])


def title_mentions(text: str) -> Iterator[Mention]:
    """Titles in 《》: plans (…规划, …计划, …方案, …纲要) and policies (everything else)."""
    for match in _TITLE.finditer(text):
        title = match.group(1).strip()
        kind = "ikg:Plan" if title.endswith(("规划", "计划", "方案", "纲要")) else "ikg:Policy"
        yield Mention(match.start(1), match.end(1), title, kind)


def place_mentions(text: str) -> Iterator[Mention]:
    """Provinces and municipalities by name, and cities named X市 (not inside a longer word)."""
    for match in _PLACE.finditer(text):
        inside_word = is_cjk(text[match.start() - 1]) if match.start() > 0 else False
        if inside_word and not _boundary_before(text, match.start()):
            previous = text[max(0, match.start() - 3):match.start()]
            if not previous.endswith(("中国", "国家", "全国")):
                continue
        yield Mention(match.start(), match.end(), match.group(), "schema:AdministrativeArea")
    for match in re.finditer("市(?=[\u4e00-\u9fff])", text):
        city = _city_before(text, match.start())
        if city is not None:
            yield Mention(city, match.end(), text[city:match.end()], "schema:AdministrativeArea")
    for match in re.finditer("区(?=[\u4e00-\u9fff])", text):
        # A district (江夏区承担…): named like a city, but not a kind of area (新区, 园区, 片区…).
        district = _city_before(text, match.start())
        if district is not None and text[match.start() - 1] not in _NOT_DISTRICT:
            yield Mention(district, match.end(), text[district:match.end()], "schema:AdministrativeArea")
    for match in re.finditer("市([\u4e00-\u9fff]{2})区", text):
        # 南京市江宁区: a district right after its city
        city = _city_before(text, match.start())
        name = match.group(1)
        if city is not None and name[-1] not in _NOT_DISTRICT and name[0] not in BOUNDARY_WORDS:
            yield Mention(match.start(1), match.end(), match.group(1) + "区", "schema:AdministrativeArea")


#: Last characters of words ending in 区 that name a kind of area, not a district (新区, 园区, 社区).
_NOT_DISTRICT = "新发范园城片社小景校辖地老特市郊湾港税务展功聚试验业"


def _city_before(text: str, at: int) -> int | None:
    """Where the name of a city ending in the 市 at `at` starts (two or three characters after a
    boundary or a mark: 由|深圳市, 西安市), or None."""
    for size in (2, 3):
        start = at - size
        if start < 0:
            return None
        name = text[start:at]
        if not all(is_cjk(c) for c in name) or _PLACE.search(name) or any(c in name for c in "市省区县"):
            return None
        if name[0] in BOUNDARY_WORDS:
            continue
        if start == 0 or not is_cjk(text[start - 1]) or _boundary_before(text, start) \
                or text[start - 1] == "省":  # 安徽省合肥市: a city after its province
            return start

    return None


def industry_mentions(text: str) -> Iterator[Mention]:
    """Industries of kg.ingest.lexicon.INDUSTRIES."""
    for match in _INDUSTRY.finditer(text):
        yield Mention(match.start(), match.end(), match.group(), "ikg:Industry")


def short_forms(text: str, mentions: list[Mention]) -> list[tuple[Mention, Mention]]:
    """Each declared short form (`(以下简称"Y")`) as (the mention it abbreviates, the short form)."""
    found = []
    for match in _SHORT_FORM.finditer(text):
        named = max((m for m in mentions if m.end == match.start()), key=lambda m: m.end - m.start,
                    default=None)
        if named is not None:
            short = match.group(1).strip()
            found.append((named, Mention(match.start(1), match.start(1) + len(short), short, named.kind)))
    return found


#: A post found: the post (None when the text names no body it is in), its body, the person holding it.
PostMention = tuple[Mention | None, Mention | None, Mention | None]


def person_mentions(text: str, mentions: list[Mention]) -> Iterator[PostMention]:
    """Posts (a title after the body it is in: 国家发改委副主任, 产业促进处处长) and the people who
    hold them (李祖兴 after, 胥喆 before the title; 习近平总书记), as (post, body, person)."""
    ends = {m.end: m for m in sorted(mentions, key=lambda m: m.start - m.end)
            if m.kind != "ikg:Industry"}
    for match in _POST.finditer(text):
        title_start, title_end = match.start(), match.end()
        if text[title_end:title_end + 1] in ("处", "会", "室"):
            continue  # 书记处, a body
        person = None
        body = ends.get(title_start)
        # A name of two or three characters between the body and the title: 科学平台处胥喆处长.
        for size in (3, 2):
            lead = title_start - size
            if body is None and lead > 0 and text[lead] in SURNAMES and ends.get(lead):
                body, person = ends[lead], Mention(lead, title_start, text[lead:title_start], "foaf:Person")
                break
        if person is None:
            person = _name_after(text, title_end) or _name_before(text, title_start)
            if person is not None and body is not None and person.start < body.end:
                person = None  # 由江苏省省长任主任: the place of the post, not a surname (江)
        if body is None and match.group().endswith(("市长", "省长")):
            body = _place_government(text, title_start, match.group())
            if body is None and match.group().endswith("省长") and (
                    _boundary_before(text, title_start) or not _name_char(text[title_start - 1:][:1])):
                body = _province_before(text, title_start)
        elif body is not None and body.kind == "schema:AdministrativeArea":
            # 北京市常务副市长: the post is in the place's government.
            body = Mention(body.start, body.end, full_place(body.label) + "人民政府", "ikg:GovernmentBody")
        if body is not None and body.start == body.end:  # a province named before, not here
            label = body.label.removesuffix("人民政府") + match.group()
            post = Mention(title_start, title_end, label, "org:Post")
            yield post, Mention(title_start, title_end, body.label, body.kind), person
        elif body is not None:
            yield Mention(body.start, title_end, text[body.start:body.end] + match.group(), "org:Post"), \
                body, person
        elif person is not None and match.group() in _BODILESS_POSTS:
            # 习近平总书记: a post that names its body by itself
            yield Mention(title_start, title_end, match.group(), "org:Post"), None, person
        elif person is not None:
            yield None, None, person


#: Titles that need no body named before them (there is one such post).
_BODILESS_POSTS = ("总书记",)


def _place_government(text: str, title_start: int, title: str) -> Mention | None:
    """The government a mayor or governor's post is in, when the place is named before the title
    (上海市长: the post is in 上海市人民政府; the span is the place's name)."""
    for size in (3, 2):
        place = _PLACE.fullmatch(text, max(0, title_start - size), title_start)
        if place:
            level = "市" if title.endswith("市长") else "省"
            label = place.group(1) + level + "人民政府"
            return Mention(place.start(), title_start, label, "ikg:GovernmentBody")
    return None


def _province_before(text: str, title_start: int) -> Mention | None:
    """The government of the province named last before a governor's post written without its place
    (安徽…,由省长任组长: 安徽省人民政府; the span is the title's)."""
    places = [p for p in _PLACE.finditer(text, 0, title_start)
              if p.group(1) not in MUNICIPALITIES and p.group(2) in (None, "省")]
    if not places:
        return None
    label = places[-1].group(1) + "省人民政府"
    return Mention(title_start, title_start, label, "ikg:GovernmentBody")


#: Words that follow a person's name in these reports (孙建华进行座谈交流, 李明一行).
_AFTER_NAME = ("同志", "等", "以及", "及", "担任", "进行", "座谈", "一行", "介绍", "表示", "陪同", "出席",
               "参加", "主持")


def _name_after(text: str, position: int) -> Mention | None:
    if position < len(text) and text[position] in SURNAMES:
        # 周敏以及…: a two-character name when a word that follows names starts after it.
        sizes = (2, 3) if text.startswith(_AFTER_NAME, position + 2) else (3, 2)
        for size in sizes:
            name = text[position:position + size]
            rest = text[position + size:position + size + 2]
            if len(name) == size and all(is_cjk(c) for c in name) and not _titled(name) and (
                    not rest or not is_cjk(rest[0]) or rest.startswith(_AFTER_NAME)):
                return Mention(position, position + size, name, "foaf:Person")
    return None


def _titled(name: str) -> bool:
    """Whether a would-be name is a title or a duty instead (任组长, 任主任)."""
    return name.endswith(("长", "任", "组", "员")) or name[1:].startswith(("组", "主"))


def _name_before(text: str, position: int) -> Mention | None:
    duty = next((w for w in ("担任", "兼任", "出任", "任") if text.endswith(w, 0, position)), "")
    if duty:  # 刘某任院长: the name ends before the verb of the duty
        position -= len(duty)
    for size in (3, 2):
        start = position - size
        named = start >= 0 and text[start] in SURNAMES and all(is_cjk(c) for c in text[start:position])
        if named and (start == 0 or not is_cjk(text[start - 1]) or _boundary_before(text, start)):
            return Mention(start, position, text[start:position], "foaf:Person")
    return None


_BARE_GROUP = re.compile(r"领导小组(?:下设)?(办公室)?")
_SETTING_UP = ("成立", "组建", "设立")


def bare_group_mentions(text: str, mentions: list[Mention]) -> list[Mention]:
    """`领导小组` and `领导小组(下设)办公室` without a name: the leading group named last before them,
    and its office (named after it)."""
    groups = sorted((m for m in mentions if m.kind == "ikg:LeadingGroup"), key=lambda m: m.end)
    found = []
    for match in _BARE_GROUP.finditer(text):
        start = match.start()
        if start > 0 and _name_char(text[start - 1]) and not _boundary_before(text, start):
            continue  # the end of a longer name
        if any(m.start <= start < m.end for m in mentions) or text.endswith(_SETTING_UP, 0, start):
            continue  # a group being set up is a new one, not the one named before
        named = [g for g in groups if g.end <= start]
        if not named:
            continue
        group = named[-1].label
        if match.group(1):  # the office, named after its group
            found.append(Mention(start, match.end(), group + "办公室", "ikg:CoordinationOffice"))
        else:
            found.append(Mention(start, start + 4, group, "ikg:LeadingGroup"))
    return found


def find_mentions(text: str) -> list[Mention]:
    """Every mention of the text (heads, titles, places, industries), sorted, without duplicates."""
    found = {*head_mentions(text), *title_mentions(text), *place_mentions(text), *industry_mentions(text)}
    return sorted(found)


def place_key(label: str) -> str:
    """One key for the spellings of a place: 上海, 上海市 → 上海."""
    match = _PLACE.fullmatch(label)
    return match.group(1) if match else label


def full_place(label: str) -> str:
    """The full name of a province-level place: 上海 → 上海市, 陕西 → 陕西省."""
    match = _PLACE.fullmatch(label)
    if not match:
        return label
    name = match.group(1)
    if name in MUNICIPALITIES:
        return name + "市"
    return name + ("自治区" if name in ("内蒙古", "广西", "西藏", "宁夏", "新疆") else "省")
