"""Relations read from the sentences of a report, the masthead and the recipients.

Each pattern is a trigger word of the ontology's relations (批复 approves, 成立/组建 establishes,
更名为 renamedTo, 牵头 leads/coLeads, 落实/贯彻 implements, 执行机构 executiveBodyOf, 日常工作
handlesDailyWorkOf, 下设/处 unitOf, 位于 and names led by a place locatedIn) with the mentions around
it in its sentence; dated triggers make events (视察, 考察, 批复, 更名, 重组, 调研) with their dates
typed as precisely as the text gives them. Amounts (亿元, 万元) and counts (N个…) become values.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from kg.ingest.enumerations import Enumeration
from kg.ingest.facts import REPORT, Fact, Value
from kg.ingest.lexicon import PROVINCES
from kg.ingest.mentions import Entity, EntityGroups, Mention, full_place, place_key
from kg.ingest.recommendations import set_size
from kg.ingest.romanise import romanise
from kg.ingest.sections import Section
from kg.ingest.text import is_cjk

if TYPE_CHECKING:
    from kg.ingest.text import MatchText

_ORGS = frozenset({"ikg:GovernmentBody", "ikg:LeadingGroup", "ikg:CoordinationOffice",
                   "ikg:ManagementCommittee", "ikg:Council", "ikg:ResearchOrganization", "ikg:WorkingGroup",
                   "ikg:Enterprise", "org:OrganizationalUnit"})
_PLACES = frozenset({"schema:AdministrativeArea", "ikg:InnovationArea", "ikg:NationalScienceCenter"})
_SENTENCE = re.compile(r"[^。!?\n]+[。!?]?")
_FULL_DATE = re.compile(r"(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?|(\d{1,2})月(\d{1,2})日"
                        r"|(同年|当年|次年|翌年|次日)(?:(\d{1,2})月(?:(\d{1,2})日)?)?")
#: Years a relative date counts from the year last seen.
_RELATIVE_YEARS = {"同年": 0, "当年": 0, "次年": 1, "翌年": 1}
_YEARS = re.compile(r"(\d{4})\s*[-—~至到]\s*(\d{4})\s*年")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(余|多)?\s*(亿|万)?\s*(?:余|多)?\s*元")
_COUNT = re.compile(r"(\d+|[一二三四五六七八九十]{1,3})\s*(?:个|项|条|家|座)\s*"
                    r"([\u4e00-\u9fff]{2,10}?)(?=[,。;、和及等]|$)")
_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
#: Words by which a body or area says what it focuses on (聚焦生物医药、新材料…).
_FOCUS = re.compile("聚焦|围绕|重点发展|重点支持|主攻|专注|培育|布局|投向")
#: A count after the facilities it counts (其中大科学装置5个).
_COUNTED_AFTER = re.compile(r"(大科学装置|大科学设施|重大科技基础设施)(?:共|达|合计|总计|累计)?"
                            r"(\d+|[一二三四五六七八九十]{1,3})(?:个|项|座)")
#: What a study visit sees on site (实地调研A、B等考察点).
_SEEN = frozenset({"ikg:Venue", "ikg:ResearchOrganization", "ikg:Platform", "ikg:MajorScienceFacility",
                   "ikg:Enterprise"})
#: Words that qualify an amount right before it: a floor, a ceiling, an approximation.
_AT_MOST = ("最高", "不超过", "最多", "上限")
_ABOUT = ("约", "近", "大约")
_BOUND = re.compile("|".join(("不低于", "不少于", "至少", "超过", "逾", *_AT_MOST, *_ABOUT)))
#: What a body builds on another (依托X建成A、B等共享平台).
_BUILT_ON = frozenset({"ikg:Platform", "ikg:ResearchOrganization", "ikg:MajorScienceFacility",
                       "ikg:CoordinationOffice", "ikg:Fund"})
#: A national leader visiting a place (习近平总书记在安徽考察).
_LEADER_VISIT = re.compile(r"(?:总书记|总理|国家主席|委员长)(?:在|到|赴)[^,;。]{2,12}考察")
#: Triggers of dated events a sentence reports.
_MANAGED = re.compile("管理(?:资产|基金)|资产管理")
#: What an amount written before it (规模N亿元的X, 总投资N亿元的X) measures, and what one after it does.
_MEASURED = frozenset({"ikg:Fund", "ikg:Platform", "ikg:Enterprise", "ikg:MajorScienceFacility",
                       "ikg:BigScienceProgramme"})
_HOLDERS = frozenset({"ikg:Fund", "ikg:Platform", "ikg:Enterprise"})
#: What a body sets up (成立/组建/设立): groups, offices, committees (委员会 is read as a government
#: body), funds, platforms, institutes.
_ESTABLISHED = ("ikg:LeadingGroup", "ikg:CoordinationOffice", "ikg:Council", "ikg:Fund", "ikg:WorkingGroup",
                "ikg:ManagementCommittee", "ikg:Platform", "ikg:ResearchOrganization", "ikg:GovernmentBody")
_BARE_BODIES = ("委员会", "领导小组", "理事会", "管委会")
_NUMBERED_MEETING = re.compile(r"第[一二三四五六七八九十\d]{1,3}次(?:全体|专题|工作)?会议")
_CONSIDERS = re.compile(r"(?:考虑|考量)(?:到|了)?([^,;。:]{3,120}?)等")
#: `等Y的C和D` right after a list of examples: what the criteria are of.
_OWNED = re.compile(r"([^,;。的、]{2,8})的([^,;。的、]{2,8}(?:(?:和|、|及)[^,;。的、]{2,8})*)(?=[,;。]|$)")
_SIZED = re.compile(r"(?:规模|总投资|总规模)(?:达|为|约)?\d+(?:\.\d+)?(?:亿|万)?元的")
_SITING = re.compile("布局|建成|建有|拥有|落地|集聚")
_SITED = frozenset({"ikg:MajorScienceFacility", "ikg:Platform", "ikg:ResearchOrganization"})
_AREAS_ONLY = frozenset({"ikg:InnovationArea", "ikg:NationalScienceCenter"})
#: `内设/下设 A、B和C(等)N个处室`: the units of a body, and how many.
_SUB_UNITS = re.compile(r"(?:内设|下设)[^,;。]{2,60}?(?:等)?(?P<n>\d{1,2}|[一二三四五六七八九十]{1,2})个"
                        r"(?:处室|内设机构|职能机构|机构|部门|处|局|中心)")
#: What a body builds and then runs (由X负责建设和运行).
_RUN = frozenset({"ikg:MajorScienceFacility", "ikg:Platform", "ikg:InnovationArea",
                  "ikg:NationalScienceCenter"})
#: Heads of institutions whose institutes are named after them (…科学院…研究所, …大学…学院).
_PARENT_INSTITUTIONS = ("科学院", "大学", "工程院", "社会科学院")
#: `经X批复(同意),组建…`: the setting-up verb after it is approved by X, not done by X.
#: The last day of a span of days after its first (7月14日至15日, 3月30日—4月2日).
_UNTIL = re.compile(r"\s*(?:至|到|—|-|~)\s*(?:(\d{1,2})月)?(\d{1,2})日")
#: A date and the start of work or service (2019年9月正式开工, 于2018年10月正式运营).
_STARTED = re.compile(r"(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|(?:同年|当年|次年)(?:\d{1,2}月)?)"
                      r"(?:正式|起)?(?:开工|运营|投入运营|投入运行|投入使用|启用|投运|开园)")
_STARTS = frozenset({"ikg:MajorScienceFacility", "ikg:Platform", "ikg:ResearchOrganization",
                     "ikg:InnovationArea", "ikg:Venue"})
#: Between a topic and the body that approved it (X于2013年12月经Y批准, X经Y批复, X由Y…).
_TOPIC_GAP = re.compile(r"(?:于?(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?)?(?:经|由|获)")
_APPROVED_BEFORE = re.compile(r"经[^,;。]{2,20}?(?:批复|批准)(?:同意)?,?$")
_LAUNCH = re.compile(r"启动(?=[^,;。]{2,20}?(?:规划)?建设)")
_UPFRONT = re.compile(r"(?:由[^,;。]{2,20}?)?主要(?:承担|负责|出资)[^,;。]{0,30}?前期投入"
                      r"|前期投入主要由[^,;。]{2,20}?(?:承担|负责)")
_FUNDED = frozenset({"ikg:MajorScienceFacility", "ikg:Platform", "ikg:PriorityArea", "ikg:InnovationArea",
                     "ikg:BigScienceProgramme", "ikg:Fund"}) | _ORGS | _PLACES
#: Who pays up front (bodies, places through their governments) and for what (a laboratory too).
_PAYERS = (_ORGS - {"ikg:ResearchOrganization"}) | {"schema:AdministrativeArea"}
_FUNDED_THINGS = frozenset({"ikg:MajorScienceFacility", "ikg:Platform", "ikg:PriorityArea",
                            "ikg:InnovationArea", "ikg:BigScienceProgramme", "ikg:Fund",
                            "ikg:ResearchOrganization"})
_ADVANCES = re.compile(r"(?:加快)?(推进|推动)([^,;。、]{2,20}?)(?:的)?建设")
_VISITS = (("视察", "ikg:Inspection"), ("考察", "ikg:StudyVisit"), ("大调研", "ikg:Survey"))
#: Most characters between units listed after one body that they all belong to (…处, …处 and …处).
_SIBLING_DISTANCE = 80
#: Counted things that are major facilities (ikg:facilityCount); other counts are schema:numberOfItems.
_FACILITY_WORDS = ("大科学装置", "大科学设施", "重大科技基础设施", "科技基础设施", "大装置")


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _NUMERALS[text[1]]
    if "十" in text:
        tens, _, units = text.partition("十")
        return _NUMERALS[tens] * 10 + (_NUMERALS[units] if units else 0)
    return _NUMERALS[text]


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    for match in _SENTENCE.finditer(text):
        yield match.start(), match.end()


def _outermost(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions
            if not any(o.start <= m.start and m.end <= o.end and o != m for o in mentions)]


def _slug(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:8]  # noqa: S324 - a name, not a secret


def find_relations(text: str, mentions: list[Mention], keys: dict[Mention, str],
                   entities: dict[str, Entity], lists: Sequence[Enumeration] = ()) -> list[Fact]:
    """Facts of every sentence of `text` (normalised), between the entities of `keys`; `lists` are the
    enumerations found in it (kg.ingest.enumerations)."""
    facts: list[Fact] = []
    context = _Context(text, keys, entities, facts)
    for start, end in _sentences(text):
        inside = sorted(m for m in mentions if start <= m.start and m.end <= end)
        context.sentence(start, end, inside)
        for listed in (e for e in lists if start <= e.start < end):
            context.enumeration(listed, start, _outermost(inside))
    facts += _located(keys, entities)
    facts += _nested_places(keys)
    facts += _group_offices(keys)
    facts += _units(text, mentions, keys)
    return facts


class _Context:
    """The relation patterns, applied sentence by sentence; facts accumulate in `facts`."""

    def __init__(self, text: str, keys: dict[Mention, str], entities: dict[str, Entity],
                 facts: list[Fact]) -> None:
        self.text, self.keys, self.entities, self.facts = text, keys, entities, facts
        self.year: str | None = None
        #: The year of the last date that opened a sentence (同年 counts from it).
        self.lead_year: str | None = None
        #: (year, month, day) of the last date seen with a day (for 次日).
        self.day: tuple[int, int, int] | None = None
        #: (year, month) of the first date with both (the masthead's issue date).
        self.issued: tuple[int, int] | None = None
        self.reported = False

    def add(self, subject: str, predicate: str, obj: str | Value, start: int, end: int,
            confidence: float = 0.7) -> None:
        self.facts.append(Fact(subject, predicate, obj, start, end, confidence))

    def event(self, kind: str, label: str, start: int, end: int) -> str:
        key = f"{kind}|{label}"
        if key not in self.entities:
            self.entities[key] = Entity(label, kind)
            self.entities[key].mentions.append(Mention(start, end, label, kind))
        self.add(key, "rdf:type", Value(kind, "type"), start, end, 0.7)
        return key

    def sentence(self, start: int, end: int, mentions: list[Mention]) -> None:
        text = self.text[start:end]
        outer = _outermost(mentions)
        date = self._date(text, start)
        for trigger in ("批复", "批准"):
            at = text.find(trigger)
            if at != -1:
                dated = self._date_before(text, start, start + at, date)
                self._approval(start, end, start + at, outer, dated)
                break
        for found in re.finditer("成立|组建|设立|增设|新设", text):
            trigger, at = found.group(), found.start()
            if "建议" not in text[:at]:  # advice proposes (recommendations), it has not set up
                # 经X批复,组建Y: X approved it (an approval, below), it did not set Y up itself.
                approved = _APPROVED_BEFORE.search(text, 0, at) is not None
                made = self._pair("ikg:establishes", start, start + at, start + at + len(trigger), end, outer,
                                  objects=_ESTABLISHED, record=not approved)
                if made is not None:
                    self._establishment(trigger, made, [] if approved else made[0],
                                        self._date_before(text, start, start + at, date))
        self._launch(start, text, outer, date)
        self._agreement(start, text, outer, date)
        self._seated(start, text, outer)
        self._situated(start, text, outer)
        self._started(start, text, outer)
        self._sub_units(start, text, outer)
        self._on_behalf(start, text, outer)
        self._build_period(start, text, outer)
        self._abolished(start, text, outer, date)
        self._based_on(start, text, outer)
        self._built_by(start, text, outer)
        self._funders(start, text, outer)
        at = text.find("更名为")
        if at != -1:
            self._renaming(start, end, start + at, outer, self._date_before(text, start, at + start, date))
        at = text.find("重组")
        if at != -1:
            dated = self._date_before(text, start, start + at, date)
            self._reorganisation(start, end, start + at, outer, dated)
        if "牵头" in text:
            self._leads(start, end, start + text.find("牵头"), mentions)
        if "执行机构" in text:
            self._executive(start, start + text.find("执行机构"), outer)
        if "日常工作" in text:
            self._daily_work(start, end, outer)
        for trigger in ("落实", "贯彻"):
            at = text.find(trigger)
            if at != -1:
                self._pair("ikg:implements", start, start + at, start + at + len(trigger), end, outer,
                           objects=("ikg:Directive", "ikg:Plan", "ikg:Policy"))
        self._purpose(start, text, outer)
        self._visit(start, end, text, outer, date)
        self._head_of_group(start, text, outer)
        self._directives(start, end, mentions)
        self._meetings(start, text, outer)
        self._issued(start, text, outer, date)
        self._plan_years(outer)
        self._amounts(start, text, outer)
        self._counts(start, text, outer)
        self._numbered_meetings(start, text, outer, date)
        self._criteria(start, text, outer)
        self._upfront(start, text, outer)
        self._advances(start, text, outer)
        self._sited(start, text, outer)

    # -- lists --------------------------------------------------------------------------------------

    def _key(self, mention: Mention) -> str | None:
        """The entity of a list's item: its own mention's, or that of the name it spells."""
        if mention in self.keys:
            return self.keys[mention]
        return next((k for m, k in self.keys.items() if m.end == mention.end and m.start >= mention.start),
                    None)

    def enumeration(self, listed: Enumeration, start: int, outer: list[Mention]) -> None:
        """Facts of a list: the parts of a numbered group with their positions, and what the body or
        area the sentence is about does with the items (focusesOn, pursues, locatedIn)."""
        items = [(m, k) for m in listed.items if (k := self._key(m)) is not None]
        if listed.group is not None and listed.group in self.keys:
            group = self.keys[listed.group]
            self.add(group, "schema:numberOfItems", Value(str(listed.size), "xsd:integer"),
                     listed.group.start, listed.group.end, 0.8)
            for rank, (item, key) in enumerate(items, 1):
                self.add(key, "ikg:partOf", group, listed.start, listed.group.end, 0.7)
                self.add(key, "schema:position", Value(str(rank), "xsd:integer"), item.start, item.end, 0.7)
        subject = next((m for m in outer if m.end <= listed.start and m.kind in _ORGS | _PLACES), None)
        following = next((m for m in outer if 0 <= m.start - listed.end <= 2 and m.kind == "ikg:Plan"), None)
        fund = next((m for m in reversed(outer) if m.end <= listed.start and m.kind == "ikg:Fund"
                     and subject is not None and m.start > subject.start), None)
        if fund is not None and _FOCUS.search(self.text, fund.end, listed.start):
            subject = fund  # X…设立F基金,重点投向A、B等领域: what the fund invests in
        if listed.group is not None and subject is not None and listed.group in self.keys:
            self.add(self._actor(subject), "ikg:focusesOn", self.keys[listed.group], subject.start,
                     listed.group.end, 0.6)
        for item, key in items:
            holder = following or (subject if subject is not None and _FOCUS.search(
                self.text, subject.end, listed.start) else None)
            if item.kind == "ikg:Industry" and holder is not None:
                span = (min(holder.start, item.start), max(holder.end, item.end))
                self.add(self._actor(holder), "ikg:focusesOn", key, *span, 0.6)
            elif item.kind == "ikg:MajorScienceFacility" and subject is not None and subject.kind in _PLACES:
                self.add(key, "ikg:locatedIn", self.keys[subject], item.start, item.end, 0.6)
            elif item.kind == "ikg:BigScienceProgramme" and subject is not None:
                self.add(self._actor(subject), "ikg:pursues", key, subject.start, item.end, 0.6)

    def _actor(self, mention: Mention) -> str:
        """The entity that acts when a sentence names `mention`: a place acts through its government."""
        if mention.kind == "schema:AdministrativeArea":
            return self._government(mention)
        return self.keys[mention]

    # -- dates --------------------------------------------------------------------------------------

    def _date_before(self, text: str, offset: int, at: int,
                     first: tuple[Value, int, int] | None) -> tuple[Value, int, int] | None:
        """The date of the clause of a trigger at `at`: the last date before it in the sentence
        (2017年7月,…批复…;2018年5月,…重组: 2018-05 for 重组), else the sentence's first."""
        before = [m for m in _FULL_DATE.finditer(text) if m.start() < at - offset]
        if len(before) < 2:
            return first
        return self._date(text, offset, before[-1])

    def _date(self, text: str, offset: int,
              match: re.Match[str] | None = None) -> tuple[Value, int, int] | None:
        """The first date of the sentence (or the one `match` found), typed by its precision (a day
        without a year takes the year last seen)."""
        match = match or _FULL_DATE.search(text)
        if match is None:
            return None
        year, month, day = match.group(1), match.group(2), match.group(3)
        if year is not None and month and self.issued is None:
            self.issued = (int(year), int(month))
        if match.group(6) is not None:
            return self._relative(match, offset)
        if year is None:
            year, month, day = self.year, match.group(4), match.group(5)
            if year is None:
                return None
            if self.issued is not None and (int(year), int(month)) > self.issued:
                # A report tells what happened before it was issued: 12月16日 in a report of 2021年1月
                # is of 2020.
                year = str(min(int(year), self.issued[0]) - 1)
        self.year = year
        if not text[:match.start()].strip(" -—\n"):
            self.lead_year = year  # 2018年,…。…2019年实现…。同年12月: the year the narrative is in
        self.day = (int(year), int(month), int(day)) if day else None
        if day:
            value = Value(f"{year}-{int(month):02d}-{int(day):02d}", "xsd:date")
        elif month:
            value = Value(f"{year}-{int(month):02d}", "xsd:gYearMonth")
        else:
            value = Value(year, "xsd:gYear")
        return value, offset + match.start(), offset + match.end()

    def _relative(self, match: re.Match[str], offset: int) -> tuple[Value, int, int] | None:
        """同年8月, 次年, 次日…: a date counted from the last one seen (None when none was)."""
        word, month, day = match.group(6), match.group(7), match.group(8)
        span = (offset + match.start(), offset + match.end())
        if word == "次日":
            if self.day is None:
                return None
            following = datetime.date(*self.day) + datetime.timedelta(days=1)
            self.day, self.year = (following.year, following.month, following.day), str(following.year)
            return Value(following.isoformat(), "xsd:date"), *span
        if self.year is None:
            return None
        year = str(int(self.lead_year or self.year) + _RELATIVE_YEARS[word])
        self.year = year
        self.day = (int(year), int(month), int(day)) if month and day else None
        if month and day:
            return Value(f"{year}-{int(month):02d}-{int(day):02d}", "xsd:date"), *span
        if month:
            return Value(f"{year}-{int(month):02d}", "xsd:gYearMonth"), *span
        return Value(year, "xsd:gYear"), *span

    def _dated(self, event: str, date: tuple[Value, int, int] | None) -> None:
        if date is None:
            return
        value, start, end = date
        self.add(event, "dcterms:date", value, start, end, 0.8)
        padding = {"xsd:date": "", "xsd:gYearMonth": "-01", "xsd:gYear": "-01-01"}[value.datatype]
        first = value.lexical + padding
        self.add(event, "ikg:sortDate", Value(first, "xsd:date"), start, end, 0.8)

    # -- patterns -----------------------------------------------------------------------------------

    def _before(self, outer: list[Mention], start: int, at: int, kinds: frozenset[str]) -> list[Mention]:
        clause_start = max(self.text.rfind(",", start, at), self.text.rfind(";", start, at)) + 1
        return [m for m in outer if max(start, clause_start) <= m.start and m.end <= at and m.kind in kinds]

    def _approval(self, start: int, end: int, at: int, outer: list[Mention],
                  date: tuple[Value, int, int] | None) -> None:
        agents = self._before(outer, start, at, _ORGS)
        topic_first = next((i for i, m in enumerate(agents) if i and _TOPIC_GAP.fullmatch(
            self.text[agents[i - 1].end:m.start])), None)
        if topic_first is not None:
            # X于2013年12月经Y批准成立: X is what was approved, Y approved it
            agents, first = agents[topic_first:], agents[topic_first - 1]
            if re.match(r"(?:同意)?(?:成立|设立|组建)?(?=[,;。]|$)", self.text[at + 2:end]):
                self._approved(agents, first, date)
                return
        target = next((m for m in outer if m.start >= at and m.kind not in _ORGS | {"ikg:Industry"}), None)
        setting_up = re.match(r"[^,;。]{0,2}?,?(?:同意)?(?:组建|成立|设立)", self.text[at + 2:end])
        if setting_up is not None:  # 批复,组建X / 批复同意设立X: the body set up is what was approved
            made = at + 2 + setting_up.end()
            target = next((m for m in outer if 0 <= m.start - made <= 2), None)
        if agents and self.text[agents[0].start - 1:agents[0].start] in ("由", "经", "获") and (
                target is None or self.text[at + 2:target.start].strip("同意,") != ""):
            # X由/经/获Y批复: what is approved is named first (the topic), the approver after
            topic = next((m for m in reversed(outer) if m.end <= agents[0].start - 1
                          and agents[0].start - 1 - m.end <= 2 and m.kind not in {"ikg:Industry"}), None)
            target = topic or target
        if not agents or target is None:
            return
        self._approved(agents, target, date)

    def _approved(self, agents: list[Mention], target: Mention, date: tuple[Value, int, int] | None) -> None:
        """The approval by `agents` of `target`: an event (dated) and each agent's ikg:approves."""
        span = (min(agents[0].start, target.start), max(agents[-1].end, target.end))
        event = self.event("ikg:Approval", "批复" + target.label, *span)
        self._dated(event, date)
        self.add(event, "ikg:approvedThing", self.keys[target], *span)
        for agent in agents:
            self.add(self.keys[agent], "ikg:approves", self.keys[target], *span)
            self.add(event, "prov:wasAssociatedWith", self.keys[agent], *span)

    def _pair(self, predicate: str, start: int, at: int, after: int, end: int, outer: list[Mention],
              objects: tuple[str, ...] = ("ikg:LeadingGroup", "ikg:CoordinationOffice", "ikg:Council",
                                          "ikg:Fund", "ikg:WorkingGroup", "ikg:ManagementCommittee",
                                          "ikg:Platform", "ikg:ResearchOrganization"),
              *, record: bool = True) -> tuple[list[Mention], Mention] | None:
        """The bodies before the verb at `at` and the thing right after it, stated with `predicate`
        (unless `record` is false); None when either is missing."""
        agents = self._before(outer, start, at, _ORGS)
        if not agents:  # 北京市设立…基金: a place right before the verb acts through its government
            agents = [m for m in self._before(outer, start, at, _PLACES) if at - m.end <= 1
                      and m.kind == "schema:AdministrativeArea"]
        if not agents and self.text[at - 1:at] in ",;":
            # X…,设立…: a clause without a subject of its own has the sentence's.
            agents = [m for m in outer if start <= m.start and m.end <= at and m.kind in _ORGS][:1]
        clause = max(self.text.rfind(",", start, at), self.text.rfind(";", start, at))
        if agents and clause > start and self.text.startswith("与", clause + 1):
            # X出资…,与Y共同发起设立Z: X sets Z up with Y
            opened = max(self.text.rfind(",", start, clause), self.text.rfind(";", start, clause)) + 1
            agents = [m for m in outer if max(start, opened) <= m.start and m.end <= clause
                      and m.kind in _ORGS][:1] + agents
        sized = _SIZED.match(self.text, after)  # 设立规模50亿元的…基金
        if sized is not None:
            after = sized.end()
        target = next((m for m in outer if m.start >= after and m.start - after <= 2), None)
        if target is None or target.kind not in objects or re.search("[,;。]",
                                                                     self.text[after:target.start]):
            return None  # …批准成立,是省政府…: what follows the clause was not set up
        if not agents and not record:
            return [], target
        if not agents:
            return None
        for agent in agents if record else ():
            self.add(self._actor(agent), predicate, self.keys[target], agents[0].start, target.end)
        return agents, target

    def _establishment(self, trigger: str, made: tuple[list[Mention], Mention], agents: list[Mention],
                       date: tuple[Value, int, int] | None) -> None:
        """A dated setting-up is an event (ikg:Establishment): what was set up, by whom, when."""
        target = made[1]
        if date is None:
            return
        span = (min([target.start, *(a.start for a in agents)]), target.end)
        event = self.event("ikg:Establishment", trigger + self.entities[self.keys[target]].label, *span)
        self._dated(event, date)
        self.add(event, "ikg:establishedThing", self.keys[target], *span)
        for agent in agents:
            self.add(event, "prov:wasAssociatedWith", self._actor(agent), *span)

    def _sub_units(self, start: int, text: str, outer: list[Mention]) -> None:
        """`X…内设/下设A、B和C(等)N个处室`: the units are X's (org:unitOf) and X has N of them
        (schema:numberOfItems); X is what the sentence set up or renamed, else the body right before."""
        for match in _SUB_UNITS.finditer(text):
            at, closed = start + match.start(), start + match.end()
            made = [m for m in re.finditer(r"(?:组建|成立|设立|更名为)", text[:match.start()])]
            body = None
            if made:
                after = start + made[-1].end()
                body = next((m for m in outer if 0 <= m.start - after <= 2 and m.kind in _ORGS), None)
            body = body or next((m for m in reversed(outer) if 0 <= at - m.end <= 1 and m.kind in _ORGS),
                                None)
            if body is None:
                continue
            count = match.group("n")
            units = [m for m in outer if at < m.start and m.end <= closed and m.kind in _ORGS]
            for unit in units:
                self.add(self.keys[unit], "org:unitOf", self.keys[body], at, unit.end, 0.7)
            if count:
                self.add(self.keys[body], "schema:numberOfItems", Value(str(_number(count)), "xsd:integer"),
                         at, closed, 0.7)

    def _built_by(self, start: int, text: str, outer: list[Mention]) -> None:
        """`T…,由X负责建设(和运行)`: X runs the facility, platform or area T named before it."""
        for match in re.finditer(r"由([^,;。]{2,20}?)负责(?:建设|运行|运营|管理)", text):
            at = start + match.start()
            runners = [m for m in outer if at < m.start and m.end <= start + match.end(1) and m.kind in _ORGS]
            built = next((m for m in reversed(outer) if m.end <= at and m.kind in _RUN), None)
            if built is None:
                continue
            for runner in runners:
                self.add(self.keys[runner], "ikg:governs", self.keys[built], built.start, start + match.end(),
                         0.6)

    def _funders(self, start: int, text: str, outer: list[Mention]) -> None:
        """`X出资(N亿元)…设立F` / `由X出资,设立F`: X funds the fund F set up after it in the clause."""
        for match in re.finditer("出资", text):
            at = start + match.start()
            payers = self._before(outer, start, at, _PAYERS)
            payer = next((m for m in reversed(payers) if at - m.end <= 2), None)
            opened = self.text.rfind("由", start, at)
            topic = next((m for m in reversed(outer) if 0 <= opened - m.end <= 1
                          and m.kind in _RUN | {"ikg:ResearchOrganization", "ikg:Fund"}), None)
            paid_for = re.match(r"出资(?:建设|设立|组建|兴建|筹建|成立)?(?=[,;。]|$)", self.text[at:at + 6])
            if payer is not None and topic is not None and paid_for is not None \
                    and not re.search("[,;]", self.text[opened:at]):
                # X由A和B(共同)出资建设: A and B fund X
                for funder in (m for m in payers if m.start > opened):
                    self.add(self._actor(funder), "ikg:funds", self.keys[topic], topic.start, at + 2, 0.6)
                continue
            if payer is None:
                continue
            stop = min((i for i in (self.text.find(c, at) for c in "。;") if i != -1), default=len(self.text))
            fund = next((m for m in outer if at < m.start < stop and m.kind == "ikg:Fund"), None)
            if fund is not None:
                self.add(self._actor(payer), "ikg:funds", self.keys[fund], payer.start, fund.end, 0.6)

    def _build_period(self, start: int, text: str, outer: list[Mention]) -> None:
        """`X…,建设周期N年`: how long building the facility or platform named before takes."""
        for match in re.finditer(r"(?:建设|实施)(?:周期|期限|工期)(?:为|约)?(\d{1,2})年", text):
            at = start + match.start()
            built = next((m for m in reversed(outer) if m.end <= at and m.kind in _RUN), None)
            if built is not None:
                self.add(self.keys[built], "schema:duration", Value(f"P{match.group(1)}Y", "xsd:duration"),
                         built.start, start + match.end(), 0.6)

    def _on_behalf(self, start: int, text: str, outer: list[Mention]) -> None:
        """`X代管Y` / `Y由X代管`: X runs Y (ikg:governs); `Y为X(的)派出机构` / `X的派出机构Y`: Y is
        part of X (org:subOrganizationOf)."""
        for match in re.finditer("代管", text):
            at, after = start + match.start(), start + match.end()
            before = next((m for m in reversed(outer) if 0 <= at - m.end <= 1 and m.kind in _ORGS), None)
            following = next((m for m in outer if 0 <= m.start - after <= 1 and m.kind in _ORGS | _PLACES),
                             None)
            if before is not None and self.text[before.start - 1:before.start] == "由":
                # Y由X代管: X is the body right before 代管, Y the one before 由
                managed = next((m for m in reversed(outer) if m.end <= before.start - 1), None)
                if managed is not None:
                    self.add(self.keys[before], "ikg:governs", self.keys[managed], managed.start, after, 0.6)
            elif before is not None and following is not None:
                self.add(self.keys[before], "ikg:governs", self.keys[following], before.start, following.end,
                         0.6)
        for match in re.finditer("派出机构", text):
            at, after = start + match.start(), start + match.end()
            parent = next((m for m in reversed(outer) if 0 <= at - m.end <= 1 and m.kind in _ORGS), None)
            if parent is None:
                continue
            named = next((m for m in outer if 0 <= m.start - after <= 1 and m.kind in _ORGS), None)
            if named is None and self.text[parent.start - 1:parent.start] == "为":
                named = next((m for m in reversed(outer) if m.end <= parent.start - 1 and m.kind in _ORGS),
                             None)
            if named is not None and self.keys[named] != self.keys[parent]:
                self.add(self.keys[named], "org:subOrganizationOf", self.keys[parent],
                         min(named.start, parent.start), max(named.end, after), 0.6)

    def _abolished(self, start: int, text: str, outer: list[Mention],
                   date: tuple[Value, int, int] | None) -> None:
        """`撤销X`: X ends (an org:ChangeEvent with X as org:originalOrganization, dated)."""
        for match in re.finditer("撤销", text):
            at = start + match.end()
            ended = next((m for m in outer if 0 <= m.start - at <= 1 and m.kind in _ORGS), None)
            if ended is None:
                continue
            span = (start + match.start(), ended.end)
            event = self.event("org:ChangeEvent", "撤销" + self.keys[ended], *span)
            self._dated(event, self._date_before(text, start, start + match.start(), date))
            self.add(event, "org:originalOrganization", self.keys[ended], *span)
            self.add(self.keys[ended], "org:changedBy", event, *span)
            self._agents(event, start, span[0], outer)

    def _based_on(self, start: int, text: str, outer: list[Mention]) -> None:
        """`依托X建成/组建/设立Y(、Z等)`: X sets up what is built on it (ikg:establishes)."""
        for match in re.finditer(r"依托([^,;。]{2,24}?)(?:建成|组建|成立|设立|建立)", text):
            base = [m for m in outer if start + match.start(1) <= m.start and m.end <= start + match.end(1)
                    and m.kind in _ORGS]
            stop = min((i for i in (self.text.find(c, start + match.end()) for c in ",;。") if i != -1),
                       default=len(self.text))
            built = [m for m in outer if start + match.end() <= m.start < stop and m.kind in _BUILT_ON]
            for body in base[:1]:
                for thing in built:
                    self.add(self.keys[body], "ikg:establishes", self.keys[thing], body.start, thing.end, 0.6)

    def _seated(self, start: int, text: str, outer: list[Mention]) -> None:
        """`X(办公室)设在Y`: the office is part of the body that houses it (org:subOrganizationOf)."""
        for match in re.finditer("设在", text):
            at, after = start + match.start(), start + match.end()
            office = next((m for m in reversed(outer) if m.end <= at and m.kind in _ORGS), None)
            host = next((m for m in outer if 0 <= m.start - after <= 1 and m.kind in _ORGS), None)
            if re.search(r"其(?:办公室|办事机构|秘书处)$", self.text[start:at]):
                # X…,其办公室设在Y,承担(X)日常工作: Y does X's daily work (the office is no name here)
                daily = self.text.find("日常工作", host.end if host else at, start + len(text))
                if host is not None and daily != -1:
                    # whose office: the body named before 日常工作, else the sentence's subject
                    named = [m for m in outer if host.end < m.start and m.end <= daily and m.kind in _ORGS]
                    subject = next((m for m in outer if m.kind in _ORGS), None)
                    group = named[-1] if named else subject
                    if group is not None and self.keys[group] != self.keys[host]:
                        self.add(self.keys[host], "ikg:handlesDailyWorkOf", self.keys[group], host.start,
                                 daily + 4)
                continue
            if office is not None and host is not None and self.keys[office] != self.keys[host]:
                self.add(self.keys[office], "org:subOrganizationOf", self.keys[host], office.start, host.end)

    def _situated(self, start: int, text: str, outer: list[Mention]) -> None:
        """`X(总部)位于/坐落于/地处Y`: X is located in the most specific place named right after (a city
        followed by its district: the district)."""
        for match in re.finditer(r"(?:总部|本部)?(?:位于|坐落于|地处)", text):
            at, after = start + match.start(), start + match.end()
            thing = next((m for m in reversed(outer) if m.end <= at and at - m.end <= 1
                          and m.kind not in _PLACES - {"ikg:InnovationArea"}), None)
            place = next((m for m in outer if 0 <= m.start - after <= 1 and m.kind in _PLACES), None)
            while place is not None:
                inner = next((m for m in outer if m.start == place.end and m.kind in _PLACES), None)
                if inner is None:
                    break
                place = inner
            if thing is not None and place is not None and self.keys[thing] != self.keys[place]:
                self.add(self.keys[thing], "ikg:locatedIn", self.keys[place], thing.start, place.end)

    def _started(self, start: int, text: str, outer: list[Mention]) -> None:
        """`X(于)DATE(正式)开工/运营/启用/投入使用`: X started then (schema:startDate, ikg:sortDate); X is
        the facility, platform, institute, area or venue named last before it in the sentence."""
        for match in _STARTED.finditer(text):
            date = self._date(text, start, _FULL_DATE.search(match.group()) and
                              _FULL_DATE.search(text, match.start()))
            at = start + match.start()
            before = [m for m in outer if m.end <= at and m.kind in _STARTS
                      and self.text[m.start - 1:m.start] != "由"]  # 由X负责建设运行: X runs it
            # 该设施…开工: the thing the clause is about, else the last named
            thing = next((m for m in reversed(before) if self.text.startswith("该", m.start)),
                         before[-1] if before else None)
            if date is None or thing is None:
                continue
            value, first, _ = date
            self.add(self.keys[thing], "schema:startDate", value, first, start + match.end())
            padding = {"xsd:date": "", "xsd:gYearMonth": "-01", "xsd:gYear": "-01-01"}[value.datatype]
            self.add(self.keys[thing], "ikg:sortDate", Value(value.lexical + padding, "xsd:date"), first,
                     start + match.end())

    def _agreement(self, start: int, text: str, outer: list[Mention],
                   date: tuple[Value, int, int] | None) -> None:
        """`X与Y签署(…)协议`: an event (ikg:Event) of both parties, dated."""
        for match in re.finditer(r"签署|签订", text):
            at = start + match.start()
            signed = re.match(r"[^,;。]{0,12}?(?:协议|协定|备忘录|合同)", self.text[at + 2:])
            parties = self._before(outer, start, at, _ORGS | {"schema:AdministrativeArea"})
            if signed is None or len(parties) < 2 or "与" not in self.text[parties[0].end:parties[-1].start]:
                continue
            end = at + 2 + signed.end()
            label = self.text[parties[0].start:end]
            event = self.event("ikg:Event", label, parties[0].start, end)
            self._dated(event, self._date_before(text, start, at, date))
            for party in parties:
                self.add(event, "prov:wasAssociatedWith", self._actor(party), party.start, end, 0.6)

    def _launch(self, start: int, text: str, outer: list[Mention],
                date: tuple[Value, int, int] | None) -> None:
        """`X启动AREA(规划)建设`: the bodies set the area up (ikg:establishes, an ikg:Establishment)."""
        for match in _LAUNCH.finditer(text):
            at = start + match.start()
            area = next((m for m in outer if m.start == at + 2 and m.kind in _AREAS_ONLY), None)
            agents = self._before(outer, start, at, _ORGS)
            if area is None or not agents:
                continue
            for agent in agents:
                self.add(self._actor(agent), "ikg:establishes", self.keys[area], agents[0].start, area.end,
                         0.6)
            self._establishment("启动", (agents, area), agents, self._date_before(text, start, at, date))

    def _renaming(self, start: int, end: int, at: int, outer: list[Mention],
                  date: tuple[Value, int, int] | None) -> None:
        old = next((m for m in reversed(outer) if m.end == at and m.kind in _ORGS), None)
        new = next((m for m in outer if m.start == at + 3 and m.kind in _ORGS), None)
        if old is None or new is None:
            return
        span = (old.start, new.end)
        self.add(self.keys[old], "ikg:renamedTo", self.keys[new], *span, 0.8)
        event = self.event("ikg:Renaming", self.keys[old] + "更名为" + self.keys[new], *span)
        self._dated(event, date)
        self.add(event, "org:originalOrganization", self.keys[old], *span)
        self.add(event, "org:resultingOrganization", self.keys[new], *span)
        self.add(self.keys[old], "org:changedBy", event, *span)
        self.add(self.keys[new], "org:resultedFrom", event, *span)
        self._agents(event, start, old.start, outer)

    def _reorganisation(self, start: int, end: int, at: int, outer: list[Mention],
                        date: tuple[Value, int, int] | None) -> None:
        target = next((m for m in outer if m.start == at + 2 and m.kind in _ORGS), None)
        if target is None:
            return
        span = (at, target.end)
        event = self.event("ikg:Reorganisation", "重组" + self.keys[target], *span)
        self._dated(event, date)
        self.add(event, "org:originalOrganization", self.keys[target], *span)
        self.add(event, "org:resultingOrganization", self.keys[target], *span)
        self.add(self.keys[target], "org:changedBy", event, *span)
        self._agents(event, start, at, outer)

    def _agents(self, event: str, start: int, at: int, outer: list[Mention]) -> None:
        """Bodies that decided an event: government bodies before it in its sentence (…决定…)."""
        for agent in (m for m in outer
                      if start <= m.start and m.end <= at and m.kind == "ikg:GovernmentBody"):
            self.add(event, "prov:wasAssociatedWith", self.keys[agent], agent.start, agent.end, 0.6)

    def _leads(self, start: int, end: int, at: int, mentions: list[Mention]) -> None:
        group = next((m for m in mentions if m.start > at and m.kind == "ikg:LeadingGroup"), None)
        opened = self.text.rfind("由", start, at)
        if group is None:  # 成立…领导小组,由A和B共同牵头: the group named before
            group = next((m for m in reversed(mentions) if m.end <= opened and m.kind == "ikg:LeadingGroup"),
                         None)
            if group is None and opened >= 0:
                # 该中心由A和B共同牵头建设: the thing the sentence is about, named right before 由.
                group = next((m for m in reversed(mentions) if 0 <= opened - m.end <= 1
                              and m.kind in _RUN | {"ikg:Platform", "ikg:Fund", "ikg:ResearchOrganization"}),
                             None)
            if group is None or opened < 0:
                return
            start = opened
        clause = max(self.text.rfind(",", start, at), self.text.rfind(";", start, at)) + 1
        if clause > max(start, opened) and re.match(r"[\u4e00-\u9fff]", self.text[clause:clause + 1]):
            start = clause  # X由A出资建设,B牵头: B, the subject of its own clause, leads X
        before = [m for m in mentions if m.end <= at and m.start >= max(start, opened)]
        leaders = [m for m in _outermost(before)
                   if m.kind in _ORGS or m.kind in ("schema:AdministrativeArea", "org:Post")]
        # Posts that "共同任" the group's heads co-lead it too (国家发改委副主任、上海市长共同任领导小组).
        posts = [m for m in mentions if at < m.start < group.start and m.kind == "org:Post"]
        together = "共同" in self.text[start:max(group.start, at + 2)] or len(leaders) + len(posts) > 1
        predicate = "ikg:coLeads" if together else "ikg:leads"
        for leader in [*leaders, *posts]:
            key = self.keys[leader]
            if leader.kind == "schema:AdministrativeArea":
                key = self._government(leader)
            span = (min(leader.start, group.start), max(group.end, at + 2))
            self.add(key, predicate, self.keys[group], *span, 0.7)

    def _government(self, place: Mention) -> str:
        """The people's government of a place named as an actor (上海市 共同牵头: its government)."""
        label = full_place(place.label) + "人民政府" if place_key(place.label) != place.label else \
            place.label + "人民政府"
        if label not in self.entities:
            self.entities[label] = Entity(label, "ikg:GovernmentBody")
            self.entities[label].mentions.append(Mention(place.start, place.end, label, "ikg:GovernmentBody"))
            self.add(label, "rdf:type", Value("ikg:GovernmentBody", "type"), place.start, place.end, 0.5)
        return label

    def _executive(self, start: int, at: int, outer: list[Mention]) -> None:
        """`X为Y的执行机构` / `组建X,作为Y的执行机构`: X is Y's executive body (X: the body right
        before 作为/为 when the text says so, else the sentence's first)."""
        before = [m for m in outer if start <= m.start and m.end <= at and m.kind in _ORGS]
        if len(before) < 2:
            return
        subject = before[0]
        serving = self.text.rfind("作为", start, before[-1].start)
        if serving != -1:
            subject = next((m for m in reversed(before) if m.end <= serving and serving - m.end <= 2),
                           subject)
        if self.keys[subject] != self.keys[before[-1]]:
            self.add(self.keys[subject], "ikg:executiveBodyOf", self.keys[before[-1]], subject.start, at + 4,
                     0.8)

    def _daily_work(self, start: int, end: int, outer: list[Mention]) -> None:
        orgs = [m for m in outer if m.kind in _ORGS]
        if not orgs:
            return
        subject = orgs[0]
        for match in re.finditer(r"承担([^;。]*?)(?:的)?日常工作", self.text[start:end]):
            a, b = start + match.start(), start + match.end()
            groups = [m for m in orgs if a <= m.start and m.end <= b]
            if "下设" in match.group(1) and len(groups) >= 2:
                self.add(self.keys[groups[-1]], "org:unitOf", self.keys[groups[-2]], groups[-2].start,
                         groups[-1].end, 0.7)
                groups = groups[-1:]
            for group in (g for g in groups if self.keys[g] != self.keys[subject]):
                self.add(self.keys[subject], "ikg:handlesDailyWorkOf", self.keys[group], a, b, 0.8)

    def _visit(self, start: int, end: int, text: str, outer: list[Mention],
               date: tuple[Value, int, int] | None) -> None:
        for trigger, kind in _VISITS:
            at = text.find(trigger)
            if at == -1:
                continue
            if kind == "ikg:StudyVisit" and _LEADER_VISIT.search(text, 0, at + len(trigger)):
                kind = "ikg:Inspection"  # 总书记在安徽考察时: a leader's inspection, not a study visit
            years = _YEARS.search(text)
            if date is None and years is None:
                continue
            label = text[:at + len(trigger)].split(",")[-1].strip()
            event = self.event(kind, label or trigger, start, start + at + len(trigger))
            if years is not None:
                first, last = years.group(1), years.group(2)
                span = (start + years.start(), start + years.end())
                self.add(event, "schema:startDate", Value(first, "xsd:gYear"), *span, 0.8)
                self.add(event, "schema:endDate", Value(last, "xsd:gYear"), *span, 0.8)
                self.add(event, "ikg:sortDate", Value(f"{first}-01-01", "xsd:date"), *span, 0.8)
            elif date is not None and (until := _UNTIL.match(self.text, date[2])) is not None \
                    and date[0].datatype == "xsd:date":
                # 7月14日至15日: a visit of several days has a start and an end
                value, first, _ = date
                year, month, _day = value.lexical.split("-")
                last = f"{year}-{int(until.group(1) or month):02d}-{int(until.group(2)):02d}"
                span = (first, until.end())
                self.add(event, "schema:startDate", value, *span, 0.8)
                self.add(event, "schema:endDate", Value(last, "xsd:date"), *span, 0.8)
                self.add(event, "ikg:sortDate", value, *span, 0.8)
            else:
                self._dated(event, date)
            if kind == "ikg:StudyVisit":
                self._study_visit(event, start, end, text, outer)
            elif kind == "ikg:Survey":
                self._survey(event, start, start + at, text, outer)
            else:
                self._inspection(event, start, start + at, outer)
            break

    def _survey(self, event: str, start: int, at: int, text: str, outer: list[Mention]) -> None:
        """A survey: the body or place that ran it (its government) and how long it lasted (为期一年)."""
        for body in [m for m in outer if start <= m.start and m.end <= at
                     and m.kind in _ORGS | {"schema:AdministrativeArea"}][:1]:
            self.add(event, "prov:wasAssociatedWith", self._actor(body), body.start, at + 3, 0.6)
        for counted in (m for m in outer if m.start > at and m.kind == "ikg:RecommendationSet"):
            self.add(event, "ikg:resultedIn", self.keys[counted], at, counted.end, 0.6)
        lasted = re.search(r"为期(一|两|三|半|\d+)(年|个月)", text)
        if lasted is not None:
            count = {"一": "1", "两": "2", "三": "3", "半": "6"}.get(lasted.group(1), lasted.group(1))
            unit = "Y" if lasted.group(2) == "年" and lasted.group(1) != "半" else "M"
            self.add(event, "schema:duration", Value(f"P{count}{unit}", "xsd:duration"),
                     start + lasted.start(), start + lasted.end(), 0.7)

    def _people(self, start: int, end: int) -> list[tuple[str, Mention]]:
        """People named between `start` and `end` (found with their posts, kg.ingest.mentions)."""
        return [(key, m) for key, entity in self.entities.items() if entity.kind == "foaf:Person"
                for m in entity.mentions if start <= m.start and m.end <= end]

    def _inspection(self, event: str, start: int, at: int, outer: list[Mention]) -> None:
        """A leader's inspection: the place just before the trigger (在上海视察), the person before."""
        for place in (m for m in outer if at - 12 < m.start and m.end <= at and m.kind in _PLACES):
            self.add(event, "ikg:visited", self.keys[place], place.start, at + 2, 0.6)
        for key, person in self._people(start, at):
            self.add(event, "prov:wasAssociatedWith", key, person.start, at + 2, 0.6)

    def _study_visit(self, event: str, start: int, end: int, text: str, outer: list[Mention]) -> None:
        """A study visit: the body that went (before 组团/赴), where it went (after 赴), the body it
        met (after 与) and the people it met; the report reports on it."""
        went = text.find("组团") if "组团" in text else text.find("赴")
        goers = [m for m in outer if m.end <= start + went and m.kind in _ORGS]
        joined = re.search("会同|联合|和", text[:went])
        for body in goers if joined else goers[-1:]:  # A会同B组成考察组赴…: both went
            if joined and not (body.end <= start + joined.start() < body.end + 2 or body is goers[-1]):
                continue
            self.add(event, "prov:wasAssociatedWith", self.keys[body], body.start, start + went + 2, 0.6)
        for marker in re.finditer(r"(?:实地)?(?:(?:调研|参观|考察)(?=[^,;。]{2,40}?等)|走访|参观)", text):
            at = start + marker.end()
            # 实地调研A、B等: up to 等; 走访A、B以及C,与…: a visit's list runs to the clause's end
            stop = self.text.find("等", at) if not marker.group().endswith(("走访", "参观")) else min(
                (i for i in (self.text.find(c, at, end) for c in ",;。") if i != -1), default=end)
            seeable = _SEEN | ({"ikg:InnovationArea"} if marker.group().endswith(("走访", "参观")) else set())
            for seen in (m for m in outer if at <= m.start and m.end <= stop and m.kind in seeable):
                self.add(event, "ikg:visited", self.keys[seen], start + marker.start(), seen.end, 0.6)
        for marker in re.finditer(r"赴|与", text):
            at = start + marker.end()
            target = next((m for m in outer if 0 <= m.start - at <= 1), None)
            if target is not None and target.kind == "schema:AdministrativeArea":
                # 赴安徽省合肥市: the city, the most specific place named
                target = next((m for m in outer if m.start == target.end and m.kind == target.kind), target)
            wanted = _PLACES | _ORGS | {"ikg:Venue"} if marker.group() == "赴" else _ORGS
            if target is not None and target.kind in wanted and target.kind != "org:OrganizationalUnit":
                self.add(event, "ikg:visited", self.keys[target], start + marker.start(), target.end, 0.6)
        for key, person in self._people(start, end):
            self.add(event, "ikg:metWith", key, person.start, person.end, 0.6)
        if not self.reported:
            self.reported = True
            self.add(REPORT, "ikg:reportsOn", event, start, start + text.find("考察") + 2, 0.6)

    def _purpose(self, start: int, text: str, outer: list[Mention]) -> None:
        """`为(贯彻)落实D,成立/建立…G`: the body set up for it implements the directive or plan."""
        opened = re.match(r"为(?:全面|进一步)?(?:贯彻)?落实", text)
        if opened is None:
            return
        aims = [m for m in outer if m.kind in ("ikg:Directive", "ikg:Plan", "ikg:Policy")
                and m.start - start <= opened.end() + 1]
        made = re.search(r"成立|建立|组建|设立", text[opened.end():])
        acting = re.search(r"批复|批准|印发|出台|启动|部署", text[opened.end():])
        if aims and acting is not None and (made is None or acting.start() < made.start()):
            # 为贯彻落实D,X、Y联合批复…: the bodies that act on it implement it
            for body in self._before(outer, start, start + opened.end() + acting.start(), _ORGS):
                if body.start > aims[0].end:
                    self.add(self.keys[body], "ikg:implements", self.keys[aims[0]], aims[0].start, body.end,
                             0.6)
        if not aims or made is None:
            return
        at = start + opened.end() + made.end()
        group = next((m for m in outer if m.start >= aims[0].end and m.kind == "ikg:LeadingGroup"
                      and m.end > at - 2), None)
        if group is not None:
            self.add(self.keys[group], "ikg:implements", self.keys[aims[0]], aims[0].start, group.end, 0.6)

    def _directives(self, start: int, end: int, mentions: list[Mention]) -> None:
        """A person named in a directive's name issued it (习近平总书记讲话精神)."""
        for directive in (m for m in mentions if m.kind == "ikg:Directive"):
            for key, _ in self._people(directive.start, directive.end):
                self.add(key, "ikg:issues", self.keys[directive], directive.start, directive.end, 0.7)

    def _head_of_group(self, start: int, text: str, outer: list[Mention]) -> None:
        """`由X任组长`: X leads the leading group named before it in the sentence."""
        for match in re.finditer(r"由([^,。;]{2,20}?)(?:任|担任)(?:组长|主任|理事长)", text):
            groups = [m for m in outer if m.end <= start + match.start() and m.kind == "ikg:LeadingGroup"]
            heads = [m for m in outer if start + match.start(1) <= m.start and m.end <= start + match.end(1)
                     and m.kind in _ORGS | {"org:Post"}
                     # 由中国科大常务副校长赵某担任主任: the body of the post of the person named, not a head
                     and not any(is_cjk(c) for c in self.text[m.end:start + match.end(1)].split("、")[0])]
            if groups:
                for head in heads:
                    self.add(self.keys[head], "ikg:leads", self.keys[groups[-1]], head.start,
                             start + match.end(), 0.6)

    def _meetings(self, start: int, text: str, outer: list[Mention]) -> None:
        """`每月召开会议`: how often the body named before it meets (ikg:meetingFrequency)."""
        for match in re.finditer(r"每(月|季度|周|年|半年)(?:召开|举行)", text):
            period = {"月": "P1M", "季度": "P3M", "周": "P1W", "年": "P1Y", "半年": "P6M"}[match.group(1)]
            bodies = [m for m in outer if m.end <= start + match.start()
                      and m.kind in ("ikg:LeadingGroup", "ikg:Council", "ikg:WorkingGroup")]
            if bodies:
                self.add(self.keys[bodies[-1]], "ikg:meetingFrequency", Value(period, "xsd:duration"),
                         start + match.start(), start + match.end(), 0.7)

    def _issued(self, start: int, text: str, outer: list[Mention],
                date: tuple[Value, int, int] | None) -> None:
        """`(DATE,)X印发《…》`: the plan or policy is attributed to the bodies that issued it, and was
        issued on the date of its clause (dcterms:issued, ikg:sortDate)."""
        for match in re.finditer(r"印发|出台|发布|制定", text):
            at = start + match.start()
            titles = [m for m in outer
                      if 0 <= m.start - (at + 2) <= 1 and m.kind in ("ikg:Plan", "ikg:Policy")]
            issued = self._date_before(text, start, at, date) if titles else None
            if issued is not None and issued[1] >= self._before_clause(start, at):
                for title in titles:
                    value, first, _ = issued
                    self.add(self.keys[title], "dcterms:issued", value, first, title.end, 0.7)
                    padding = {"xsd:date": "", "xsd:gYearMonth": "-01", "xsd:gYear": "-01-01"}[value.datatype]
                    self.add(self.keys[title], "ikg:sortDate", Value(value.lexical + padding, "xsd:date"),
                             first, title.end, 0.7)
            for title in titles:
                for body in self._before(outer, start, at, _ORGS):
                    self.add(self.keys[title], "prov:wasAttributedTo", self.keys[body], body.start,
                             title.end + 1, 0.6)

    def _before_clause(self, start: int, at: int) -> int:
        """Where the clause before the one of `at` starts (a date leads its clause: 同年8月,X印发…)."""
        marks = [i for i in (self.text.rfind(c, start, at) for c in ",;") if i != -1]
        if not marks:
            return start
        return max(self.text.rfind(c, start, max(marks)) for c in ",;") + 1

    def _plan_years(self, outer: list[Mention]) -> None:
        """A plan whose name gives its years (…规划(2018—2035年)) runs from the first to the last."""
        for plan in (m for m in outer if m.kind in ("ikg:Plan", "ikg:Policy")):
            years = _YEARS.search(plan.label)
            if years is not None:
                self.add(self.keys[plan], "schema:startDate", Value(years.group(1), "xsd:gYear"), plan.start,
                         plan.end, 0.8)
                self.add(self.keys[plan], "schema:endDate", Value(years.group(2), "xsd:gYear"), plan.start,
                         plan.end, 0.8)

    def _amounts(self, start: int, text: str, outer: list[Mention]) -> None:
        """`X…N亿元` (the fund or platform before the amount) and `规模N亿元的X` / `总投资N亿元的X`
        (the thing after it, which the amount measures); `管理资产(规模)N亿元` is the assets a body
        manages (ikg:assetsUnderManagement), not its own size."""
        for match in _AMOUNT.finditer(text):
            unit = {"亿": 100_000_000, "万": 10_000, None: 1}[match.group(3)]
            value = round(float(match.group(1)) * unit)
            at, after = start + match.start(), start + match.end()
            managed = _MANAGED.search(text, max(0, match.start() - 10), match.start()) is not None
            following = None
            if text[match.end():match.end() + 1] == "的":
                following = next((m for m in outer if after + 1 <= m.start <= after + 2
                                  and m.kind in _MEASURED), None)
            # X…,(项目)总投资约42亿元: what is invested in is the facility or programme named before
            invested = re.search("总投资|投资总额|计划投资", text[max(0, match.start() - 8):match.start()])
            kinds = _MEASURED | _ORGS if managed else _MEASURED if invested else _HOLDERS
            holder = following or next((m for m in reversed(outer) if m.end <= at and m.kind in kinds), None)
            if text.endswith("出资", 0, match.start()) and following is None:
                continue  # X出资20亿元: what X puts in, not an amount X has
            if holder is None:
                continue
            span = (min(holder.start, at), max(holder.end, after))
            amount = f"ikg:MonetaryAmount|{value}|{self.keys[holder]}"
            if amount not in self.entities:
                self.entities[amount] = Entity(match.group(), "schema:MonetaryAmount")
                self.entities[amount].mentions.append(Mention(*span, match.group(), "schema:MonetaryAmount"))
            self.add(amount, "rdf:type", Value("schema:MonetaryAmount", "type"), *span)
            self.add(amount, "schema:value", Value(str(value), "xsd:decimal"), *span, 0.8)
            self.add(amount, "schema:currency", Value("CNY", "xsd:string"), *span, 0.8)
            self._bound(amount, text, start, match, span)
            predicate = "ikg:assetsUnderManagement" if managed and following is None else "ikg:amount"
            self.add(self.keys[holder], predicate, amount, *span)

    def _bound(self, amount: str, text: str, start: int, match: re.Match[str], span: tuple[int, int]) -> None:
        """不低于10亿元 / 50余亿元 is at least the figure (schema:minValue), 最高1亿元 at most
        (schema:maxValue), 约42亿元 about it (schema:description 约数)."""
        bound = _BOUND.search(text, max(0, match.start() - 4), match.start())
        word = bound.group() if bound is not None and bound.end() == match.start() else None
        first = start + bound.start() if bound is not None and word is not None else span[0]
        if word is None and re.search("余|多", match.group()):
            word = "余"
        if word is None:
            return
        if word in _ABOUT:
            self.add(amount, "schema:description", Value("约数", "@zh"), min(span[0], first), span[1], 0.7)
            return
        predicate = "schema:maxValue" if word in _AT_MOST else "schema:minValue"
        value = self._value_of(amount)
        self.add(amount, predicate, Value(value, "xsd:decimal"), min(span[0], first), span[1], 0.7)

    def _value_of(self, amount: str) -> str:
        """The schema:value stated last for an amount node."""
        return next(f.object.lexical for f in reversed(self.facts) if f.subject == amount
                    and f.predicate == "schema:value" and isinstance(f.object, Value))

    def _numbered_meetings(self, start: int, text: str, outer: list[Mention],
                           date: tuple[Value, int, int] | None) -> None:
        """`X第N次(全体)会议`: a meeting (ikg:Meeting) of the body named right before it, dated by
        the last date before it in the sentence."""
        for match in _NUMBERED_MEETING.finditer(text):
            at = start + match.start()
            body = next((m for m in reversed(outer) if 0 <= at - m.end <= 1 and m.kind in _ORGS), None)
            bare = next((h for h in _BARE_BODIES if self.text.endswith(h, 0, at)), None)
            if body is None and bare is not None:
                # 委员会第二次全体会议: the body of that kind named last before it.
                body = max((m for m in self.keys if m.end <= at - len(bare) and m.label.endswith(bare)
                            and m.label != bare and m.kind in _ORGS), key=lambda m: m.end, default=None)
                if body is not None:
                    body = Mention(at - len(bare), at, body.label, body.kind)
                    self.keys.setdefault(body, self.keys[next(m for m in self.keys if m.label == body.label)])
            if body is None:
                continue
            label = self.entities[self.keys[body]].label + match.group()
            meeting = self.event("ikg:Meeting", label, body.start, start + match.end())
            self.add(meeting, "prov:wasAssociatedWith", self.keys[body], body.start, start + match.end())
            self._dated(meeting, self._date_before(text, start, at, date))

    def _sited(self, start: int, text: str, outer: list[Mention]) -> None:
        """`AREA布局(建设)…X装置,以及Y设施`: the facilities an area builds are located in it."""
        for match in _SITING.finditer(text):
            at = start + match.start()
            area = next((m for m in reversed(outer) if m.end <= at and at - m.end <= 4
                         and m.kind in _AREAS_ONLY), None)
            if area is None:
                continue
            for facility in (m for m in outer if m.start >= at and m.kind in _SITED):
                self.add(self.keys[facility], "ikg:locatedIn", self.keys[area],
                         area.start, facility.end, 0.6)

    def _new(self, kind: str, label: str, start: int, end: int) -> str:
        """An entity the patterns name themselves (a criterion, a goal), typed with its span."""
        mention = Mention(start, end, label, kind)
        if label not in self.entities:
            self.entities[label] = Entity(label, kind)
        self.entities[label].mentions.append(mention)
        self.add(label, "rdf:type", Value(self.entities[label].kind, "type"), start, end, 0.6)
        return label

    def _criteria(self, start: int, text: str, outer: list[Mention]) -> None:
        """`(充分)考虑/考量A、B、C等`: policy criteria (ikg:PolicyCriterion) the body or policy named
        before the verb `ikg:considers`. `考量A、B等Y的C和D`: A and B are examples of Y, and the
        criteria are Y的C and Y的D."""
        for match in _CONSIDERS.finditer(text):
            at = start + match.start()
            holders = [m for m in outer if m.end <= at and m.kind in _ORGS | {"ikg:Policy", "ikg:Plan"}
                       | _PLACES]
            owner = _OWNED.match(text, match.end())
            if owner is not None:
                base = start + owner.start(2)
                parts = re.split("(和|、|及)", owner.group(2))
                items = [(owner.group(1) + "的" + part, base + sum(map(len, parts[:i])))
                         for i, part in enumerate(parts) if i % 2 == 0]
                spans = [(start + owner.start(), s + len(label) - len(owner.group(1)) - 1)
                         for label, s in items]
            else:
                position = start + match.start(1)
                items, spans = [], []
                for item in match.group(1).split("、"):
                    items.append((item, position))
                    spans.append((position, position + len(item)))
                    position += len(item) + 1
            for (item, _), (item_start, item_end) in zip(items, spans, strict=True):
                if not 3 <= len(item) <= 20 or not all(is_cjk(c) for c in item):
                    continue
                criterion = self._new("ikg:PolicyCriterion", item, item_start, item_end)
                if holders:
                    holder = holders[-1]
                    self.add(self._actor(holder), "ikg:considers", criterion, holder.start, item_end, 0.6)

    def _upfront(self, start: int, text: str, outer: list[Mention]) -> None:
        """`X主要承担Y的前期投入` / `由X主要承担前期投入` / `前期投入主要由X承担`: X
        `ikg:mainlyFundsUpfront` the facility or platform Y (named inside, else before, in the sentence)."""
        for match in _UPFRONT.finditer(text):
            at, end = start + match.start(), start + match.end()
            inside = [m for m in outer if at <= m.start and m.end <= end and m.kind in _FUNDED]
            payers = [m for m in inside if m.kind in _PAYERS]
            things = [m for m in inside if m.kind in _FUNDED_THINGS]
            if not payers:
                clause = max(self.text.rfind(",", start, at), self.text.rfind(";", start, at)) + 1
                payers = [m for m in outer if max(clause, start) <= m.start and m.end <= at
                          and m.kind in _PAYERS][-1:]
            slot = re.search("主要(?:承担|负责|出资)(.*?)前期投入", match.group())
            if not things and (slot is None or not slot.group(1).strip("的其")):
                # 推进X设施建设并主要承担前期投入: the thing named before; not when another is named
                # in the slot (主要承担Y的前期投入, Y not a name found).
                things = [m for m in outer if start <= m.start and m.end <= at and m.kind in _FUNDED_THINGS
                          and m not in payers][-1:]
            for payer in payers[-1:]:
                for thing in things:
                    self.add(self._actor(payer), "ikg:mainlyFundsUpfront", self.keys[thing],
                             min(payer.start, thing.start), end, 0.6)

    def _advances(self, start: int, text: str, outer: list[Mention]) -> None:
        """`X推进/推动Y(的)建设`: the body X `ikg:advances` Y, a named area, plan or facility, or a
        goal named by the words up to 建设 (a descriptive name without a head word)."""
        for match in _ADVANCES.finditer(text):
            at, after = start + match.start(), start + match.end(1)
            if any(m.start < at < m.end for m in outer):
                continue  # inside a name (…推进…建设领导小组)
            clause = max(self.text.rfind(",", start, at), self.text.rfind(";", start, at)) + 1
            actors = [m for m in outer if max(clause, start) <= m.start and m.end <= at
                      and m.kind in _ORGS | _PLACES]
            if not actors or at - actors[-1].end > 4:
                continue
            target = next((m for m in outer if after <= m.start <= after + 1 and m.kind not in _ORGS), None)
            if target is not None:
                goal = self.keys[target]
                end = target.end
            else:
                words = match.group(2)
                if not 4 <= len(words) <= 16 or not all(is_cjk(c) for c in words):
                    continue
                end = start + match.end(2)
                goal = self._new("ikg:Plan", words, start + match.start(2), end)
            joined = [actors[-1]]
            for previous in reversed(actors[:-1]):
                if self.text[previous.end:joined[-1].start] not in ("、", "和", "与"):
                    break
                joined.append(previous)
            for actor in joined:
                self.add(self._actor(actor), "ikg:advances", goal, actor.start, end, 0.6)

    def _counts(self, start: int, text: str, outer: list[Mention]) -> None:
        for counted in (m for m in outer if m.kind == "ikg:RecommendationSet"):
            size = set_size(counted.label)
            if size is not None:
                self.add(self.keys[counted], "schema:numberOfItems", Value(str(size), "xsd:integer"),
                         counted.start, counted.end, 0.8)
        for match in _COUNTED_AFTER.finditer(text):
            holder = next((m for m in reversed(outer)
                           if m.end <= start + match.start() and m.kind in _PLACES), None)
            if holder is not None:
                count = Value(str(_number(match.group(2))), "xsd:integer")
                self.add(self.keys[holder], "ikg:facilityCount", count, holder.start, start + match.end())
        for match in _COUNT.finditer(text):
            things = match.group(2)
            count = Value(str(_number(match.group(1))), "xsd:integer")
            span = (start + match.start(), start + match.end())
            if any(word in things for word in _FACILITY_WORDS) or things.endswith(("装置", "设施")):
                holder = next((m for m in reversed(outer) if m.end <= span[0] and m.kind in _PLACES), None)
                if holder is not None:
                    self.add(self.keys[holder], "ikg:facilityCount", count, holder.start, span[1])


#: Kinds of bodies that run the area their name starts with (上海张江国家自主创新示范区领导小组 governs it).
_GOVERNING = frozenset({"ikg:LeadingGroup", "ikg:Council", "ikg:ManagementCommittee"})
#: Kinds whose name, led by a place, says where they are (bodies made for a task do not: a leading
#: group or an office named after a place works for it, wherever it sits).
_LOCATED_BY_NAME = frozenset({"ikg:GovernmentBody", "ikg:ManagementCommittee", "ikg:InnovationArea",
                              "ikg:NationalScienceCenter", "schema:AdministrativeArea", "ikg:Venue",
                              "ikg:Enterprise"})
_GOVERNING_HEADS = ("领导小组", "理事会", "管委会", "管理委员会")


def _located(keys: dict[Mention, str], entities: dict[str, Entity]) -> list[Fact]:
    """An organisation or area whose name starts with the name of a place or area of the report is
    located in it (陕西省人民政府 in 陕西省, 张江科学城规划展示中心 in 张江科学城); a group, council or
    committee named by an area and its head alone governs it (…示范区领导小组, …科学中心理事会)."""
    places: dict[str, str] = {}
    for mention, key in keys.items():
        if mention.kind in _PLACES:
            places.setdefault(mention.label, key)
            if mention.kind == "schema:AdministrativeArea" and len(mention.label) >= 3 \
                    and mention.label.endswith(("省", "市")):
                # 武汉东湖科学城 is in 武汉市: a place's name without its level leads names too.
                places.setdefault(mention.label[:-1], key)
    facts = []
    for mention, key in keys.items():
        host, name = None, mention.label
        # 省政府 resolved to 湖北省人民政府: the full name, when the one written names no place.
        for name in dict.fromkeys((mention.label, entities[key].label if key in entities else mention.label)):
            host = max((p for p in places if name.startswith(p) and len(p) < len(name)
                        and places[p] != key), key=len, default=None)
            if host is not None:
                break
        if host is None or entities[places[host]].kind not in _PLACES:
            continue
        if _named_host(mention, keys) is not None:
            continue  # a unit named after its body is the body's (org:unitOf), not located by its name
        span = (mention.start, mention.start + min(len(host), len(mention.label)))
        rest = name[len(host):]
        in_area = entities[places[host]].kind != "schema:AdministrativeArea"
        if mention.kind in _GOVERNING and rest in _GOVERNING_HEADS and in_area:
            facts.append(Fact(key, "ikg:governs", places[host], mention.start, mention.end, 0.6))
        elif mention.kind in _LOCATED_BY_NAME and not (mention.kind == "ikg:ManagementCommittee" and in_area):
            facts.append(Fact(key, "ikg:locatedIn", places[host], *span, 0.6))
    return facts


_UNIT_HEADS = ("局", "处", "办公室")
_HOST_KINDS = frozenset({"ikg:ManagementCommittee", "ikg:GovernmentBody", "ikg:ResearchOrganization",
                         "ikg:Council", "ikg:Enterprise"})


def _named_host(mention: Mention, keys: dict[Mention, str]) -> Mention | None:
    """The body whose whole name leads the name of `mention`, a unit (…局, …办公室, …处), if any: the
    longest such body of the report other than a leading group (whose office _group_offices reads)."""
    if not mention.label.endswith(_UNIT_HEADS) or mention.kind not in _ORGS:
        return None
    hosts = [m for m in keys if m.kind in _HOST_KINDS and keys[m] != keys[mention]
             and len(mention.label) - len(m.label) >= 3 and mention.label.startswith(m.label)
             and not mention.label[len(m.label):].startswith(("党工委", "委员会", "管委会", "政府"))]
    return max(hosts, key=lambda m: len(m.label), default=None)


def _nested_places(keys: dict[Mention, str]) -> list[Fact]:
    """A place written right after another (安徽省合肥市, 南京市江宁区) is in it."""
    places = {m.end: m for m in keys if m.kind == "schema:AdministrativeArea"}
    facts = []
    for mention, key in keys.items():
        outer = places.get(mention.start)
        if mention.kind == "schema:AdministrativeArea" and outer is not None and keys[outer] != key:
            facts.append(Fact(key, "ikg:locatedIn", keys[outer], outer.start, mention.end, 0.6))
    return facts


def _group_offices(keys: dict[Mention, str]) -> list[Fact]:
    """The office of a leading group or another body (X领导小组办公室, X指挥部办公室) is a unit of X, when
    the report names X."""
    groups = {key for mention, key in keys.items() if mention.kind in _ORGS}
    facts = []
    for mention, key in keys.items():
        group = key.removesuffix("办公室")
        if mention.kind == "ikg:CoordinationOffice" and group != key and group in groups:
            facts.append(Fact(key, "org:unitOf", group, mention.start, mention.end, 0.6))
    return facts


def _units(text: str, mentions: list[Mention], keys: dict[Mention, str]) -> list[Fact]:
    """Units (…处, …室) of the body named just before them, or inside their own name."""
    facts = []
    parent: Mention | None = None
    orgs = [m for m in mentions if m.kind in _ORGS]
    for mention in sorted(orgs):
        is_unit = mention.kind == "org:OrganizationalUnit" or mention.label.endswith(("研究室", "办事机构"))
        # 中国科学院合肥物质科学研究院, 某大学先进技术研究院: an institute named after the academy or
        # university it belongs to.
        institute = mention.kind == "ikg:ResearchOrganization" and not mention.label.endswith("大学")
        is_unit = is_unit or (institute and any(
                m.start == mention.start and m.end < mention.end and m.label.endswith(_PARENT_INSTITUTIONS)
                for m in orgs))
        # 东湖高新区管委会科技创新局: a bureau named right after a committee, without a place of its own.
        bureau = (mention.kind == "ikg:GovernmentBody" and mention.label.endswith("局")
                  and any(m.kind == "ikg:ManagementCommittee" and 0 <= mention.start - m.end <= 2
                          and not re.search(r"[\u4e00-\u9fff]", text[m.end:mention.start]) for m in orgs)
                  and not _PLACE_LED.match(mention.label))
        host_named = _named_host(mention, keys)
        if host_named is not None:
            # 某新区管理委员会科技创新局, 某实验室综合办公室: a unit whose name starts with its body's name
            facts.append(Fact(keys[mention], "org:unitOf", keys[host_named], mention.start, mention.end, 0.7))
            continue
        if not (is_unit or bureau):
            continue
        inner = [m for m in orgs if m.start == mention.start and m.end < mention.end
                 and m.kind != "org:OrganizationalUnit"]
        if inner:
            host = max(inner, key=lambda m: m.end)
            facts.append(Fact(keys[mention], "org:unitOf", keys[host], host.start, mention.end, 0.7))
            continue
        before = [m for m in orgs if m.end <= mention.start and m.kind != "org:OrganizationalUnit"
                  and not re.search(r"[\u4e00-\u9fff]", re.sub(r"\([^)]*\)", "", text[m.end:mention.start]))]
        if before:
            parent = max(before, key=lambda m: m.end)
            facts.append(Fact(keys[mention], "org:unitOf", keys[parent], parent.start, mention.end, 0.7))
        elif (parent is not None and mention.kind == "org:OrganizationalUnit"
              and mention.start - parent.end < _SIBLING_DISTANCE):
            facts.append(Fact(keys[mention], "org:unitOf", keys[parent], mention.start, mention.end, 0.5))
    return facts


# -- the masthead and the recipients ----------------------------------------------------------------

_PLACE_LED = re.compile("|".join(PROVINCES))
_ISSUE = re.compile(r"第\s*(\d+)\s*期")
_CUMULATIVE = re.compile(r"总\s*第\s*(\d+)\s*期")
_SERIES = re.compile(r"^[-—–\s]*(.+?)\s*[((]([一二三四五六七八九十\d]+)[))]\s*$")
_PUBLISHER_HEADS = ("研究院", "研究所", "研究室", "研究中心", "办公室", "委员会", "政府")
_CREATOR_HEADS = ("组", "课题组", "调研组", "研究组", "工作组")
_RECIPIENT_TAIL = re.compile(r"(班子成员及部门|班子成员|各部门|及部门|领导|同志)$")


def masthead_facts(original: str, match: MatchText, sections: list[Section],
                   entities: EntityGroups) -> list[Fact]:
    """The report's own facts: issue numbers, date, title, series, publisher, authors, recipients."""
    facts: list[Fact] = []
    masthead = next((s for s in sections if s.number == "报头"), None)
    if masthead is not None:
        facts += _masthead(original, match, masthead, entities)
    recipients = next((s for s in sections if s.number == "报送"), None)
    if recipients is not None:
        facts += _recipients(original, match, recipients, entities)
    return facts


def _span(match: MatchText, start: int, end: int) -> tuple[int, int]:
    """The normalised span of the original span [start, end)."""
    a = match.index_of(start)
    b = match.index_of(end)
    return a, max(b, a + 1)


def _line_spans(original: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    offset = start
    for raw in original[start:end].split("\n"):
        stripped = raw.strip()
        if stripped:
            at = offset + raw.index(stripped[0])
            yield at, at + len(stripped), stripped
        offset += len(raw) + 1


def _masthead(original: str, match: MatchText, masthead: Section, entities: EntityGroups) -> list[Fact]:
    facts: list[Fact] = []
    lines = list(_line_spans(original, masthead.start, masthead.end))
    title_at = next((i for i, (_, _, t) in enumerate(lines) if t.startswith("关于") or t.endswith("报告")),
                    None)
    if title_at is None and lines:
        title_at = max(range(len(lines)), key=lambda i: len(lines[i][2]))

    def add(predicate: str, obj: str | Value, a: int, b: int, confidence: float = 0.9) -> None:
        facts.append(Fact(REPORT, predicate, obj, *_span(match, a, b), confidence))

    for index, (a, b, line) in enumerate(lines):
        issue, cumulative = _ISSUE.search(line), _CUMULATIVE.search(line)
        if cumulative:
            add("ikg:cumulativeIssueNumber", Value(cumulative.group(1), "xsd:integer"),
                a + cumulative.start(), a + cumulative.end())
        if issue and (not cumulative or issue.start() != cumulative.start() + 1):
            add("ikg:issueNumber", Value(issue.group(1), "xsd:integer"), a + issue.start(), a + issue.end())
        date = re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", line)
        if date:
            add("dcterms:issued", Value(f"{date.group(1)}-{int(date.group(2)):02d}-{int(date.group(3)):02d}",
                                        "xsd:date"), a, b)
        if index == title_at:
            add("dcterms:title", Value(line, "@zh"), a, b)
            add("skos:prefLabel", Value(line, "@zh"), a, b)
            add("skos:prefLabel", Value(romanise(line), "@en"), a, b, 0.5)
            add("rdf:type", Value("ikg:Report", "type"), a, b)
        elif title_at is not None and index < title_at and line.endswith(_PUBLISHER_HEADS):
            add("dcterms:publisher", _body(entities, match, line, a, b), a, b, 0.8)
        elif title_at is not None and index > title_at:
            series = _SERIES.match(line)
            if series and line.startswith(("—", "-", "–")):
                name = series.group(1).lstrip("—-– ")
                add("dcterms:alternative", Value(line.lstrip("—-– "), "@zh"), a, b)
                key = _thing(entities, match, name, "ikg:ReportSeries", a + line.index(name),
                             a + line.index(name) + len(name))
                add("dcterms:isPartOf", key, a, b, 0.8)
                add("schema:position", Value(str(_number(series.group(2))), "xsd:integer"), a, b, 0.8)
            elif line.endswith(_CREATOR_HEADS):
                add("dcterms:creator", _body(entities, match, line, a, b), a, b, 0.8)
    return facts


def _body(entities: EntityGroups, match: MatchText, line: str, a: int, b: int) -> str:
    """The entity a whole line names (a publisher, an author), added when not found yet."""
    key = entities.key_of(line)
    if key not in entities.by_key:
        from kg.ingest.lexicon import HEADS

        kind = next((HEADS[h] for h in sorted(HEADS, key=len, reverse=True) if line.endswith(h)),
                    "ikg:WorkingGroup")
        start, end = _span(match, a, b)
        entities.add(Mention(start, end, line, kind))
    return key


def _thing(entities: EntityGroups, match: MatchText, label: str, kind: str, a: int, b: int) -> str:
    start, end = _span(match, a, b)
    key = entities.add(Mention(start, end, label, kind))
    entities.by_key[key].kind = kind
    return key


def _recipients(original: str, match: MatchText, section: Section, entities: EntityGroups) -> list[Fact]:
    """送: (sent to) and 发: (distributed to) lists; each item an entity of the report."""
    facts: list[Fact] = []
    predicate = "ikg:sentTo"
    named: list[tuple[str, str, tuple[int, int]]] = []
    text = original[section.start:section.end]
    for item in re.finditer(r"[^、,，;；。\n:：]+|[:：]", text):
        word = item.group().strip()
        if word in (":", "："):
            head = text[:item.start()].rstrip()[-2:]
            predicate = "ikg:distributedTo" if head.endswith(("发", "分送", "抄送")) else "ikg:sentTo"
            continue
        if word in ("送", "发", "报", "抄送", "分送") or not word:
            continue
        name = _RECIPIENT_TAIL.sub("", word)
        if len(name) < 2:
            continue
        a = section.start + item.start() + item.group().index(word[0])
        key = _recipient(entities, match, name, a)
        if key is not None:
            facts.append(Fact(REPORT, predicate, key, *_span(match, a, a + len(word)), 0.8))
            named.append((name, key, _span(match, a, a + len(word))))
    return facts + _each_of(named, entities)


def _each_of(named: list[tuple[str, str, tuple[int, int]]], entities: EntityGroups) -> list[Fact]:
    """Recipients named `各X` (各新城管委会, 各街办) are the X of the area the other recipients of the list
    are named after (西咸管委会各部门, 西咸集团…: 西咸新区): located in it."""
    areas: dict[str, int] = {}
    for key, entity in entities.by_key.items():
        if entity.kind != "schema:AdministrativeArea":
            continue
        stems = {entity.label, entity.label.removesuffix("新区"), entity.label.removesuffix("市")}
        hits = sum(1 for name, _, _ in named if not name.startswith("各")
                   and any(len(stem) >= 2 and name.startswith(stem) and name != stem for stem in stems))
        if hits >= 2:
            areas[key] = hits
    if not areas:
        return []
    area = max(areas, key=lambda k: areas[k])
    return [Fact(key, "ikg:locatedIn", area, *span, 0.5) for name, key, span in named
            if name.startswith("各") and key != area]


def _recipient(entities: EntityGroups, match: MatchText, name: str, start: int) -> str | None:
    from kg.ingest.lexicon import HEADS, POST_TITLES

    if name.endswith(POST_TITLES):
        # A post needs the body it is in: only one the mention patterns found is a recipient.
        found = entities.key_of(name)
        return found if found in entities.by_key else None
    bare = re.sub(r"[((][^()()]*[))]$", "", name)  # 各街办(镇): the head is before the bracket
    kind = next((HEADS[h] for h in sorted(HEADS, key=len, reverse=True) if bare.endswith(h)), None)
    if kind is None:
        return None
    key = entities.key_of(name)
    if key not in entities.by_key:
        a, b = _span(match, start, start + len(name))
        entities.add(Mention(a, b, name, kind))
    return key


__all__ = ["find_relations", "masthead_facts"]
