"""A deterministic generator of synthetic innovation-governance graphs, for benchmarks and scale tests.

The output follows the project's data model (ontology/innokg.ttl): government bodies under a few
national ministries, leading groups co-led by several bodies, offices with nested divisions, people
holding posts, facilities, programmes, plans and policies that bodies approve and implement, funds
with amounts, dated events (approvals, establishments, renamings), places, bilingual labels with
variants and typos, and evidence nodes for a share of the statements. Everything lands in one named
graph, SYNTH_GRAPH, as N-Quads or TriG text streamed to a file: no RDF library is involved, so a
million triples take seconds. The same entity count and seed always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kg.errors import BadRequestError
from kg.namespaces import DCTERMS, EV, FOAF, GRAPH, ID, IKG, OA, ORG, PROV, RDF, SDO, SKOS, XSD

#: The named graph that holds all synthetic data (kept apart from the curated report graphs).
SYNTH_GRAPH = str(GRAPH["synth"])
#: Share of entity->entity statements (and rdf:type statements) that get an evidence node.
EVIDENCE_SHARE = 0.12
#: Share of approvals recorded as a dated Approval event (the rest are bare ikg:approves triples).
APPROVAL_EVENT_SHARE = 0.3
#: Share of hub approvals: plans and policies approved by one of the national ministries, which
#: makes each ministry a hub with thousands of neighbours at a million triples.
HUB_APPROVAL_SHARE = 0.6
#: Measured average (see tests/test_synth.py): quads written per requested entity.
TRIPLES_PER_ENTITY = 8.9
#: Span of the synthetic event dates.
FIRST_DATE = dt.date(2008, 1, 1)
LAST_DATE = dt.date(2024, 12, 31)
#: Length of the (imaginary) synthetic source text that evidence offsets point into.
SOURCE_LENGTH = 500_000
OUTPUT_FORMATS = {".nq": "nquads", ".trig": "trig"}

# -- the name vocabulary: (zh, en) pairs, written for this generator -------------------------------

#: Syllables of place names with their pinyin (English names are the capitalised pinyin).
_FIRST_SYLLABLES = (
    ("江", "jiang"), ("河", "he"), ("湖", "hu"), ("山", "shan"), ("海", "hai"), ("云", "yun"),
    ("金", "jin"), ("青", "qing"), ("长", "chang"), ("新", "xin"), ("嘉", "jia"), ("松", "song"),
    ("桐", "tong"), ("宁", "ning"), ("安", "an"), ("丰", "feng"), ("华", "hua"), ("锦", "jin"),
    ("秀", "xiu"), ("龙", "long"), ("临", "lin"), ("滨", "bin"), ("天", "tian"), ("玉", "yu"),
)
_SECOND_SYLLABLES = (
    ("北", "bei"), ("南", "nan"), ("东", "dong"), ("西", "xi"), ("阳", "yang"), ("州", "zhou"),
    ("川", "chuan"), ("源", "yuan"), ("门", "men"), ("口", "kou"), ("台", "tai"), ("城", "cheng"),
    ("田", "tian"), ("港", "gang"), ("浦", "pu"), ("桥", "qiao"), ("湾", "wan"), ("坪", "ping"),
    ("溪", "xi"), ("林", "lin"),
)
#: Fields: (zh, en, zh short form used in abbreviations, en acronym).
_FIELDS = (
    ("人工智能", "Artificial Intelligence", "人智", "AI"),
    ("集成电路", "Integrated Circuits", "集成", "IC"),
    ("生物医药", "Biomedicine", "生医", "BM"),
    ("量子信息", "Quantum Information", "量子", "QI"),
    ("新能源", "New Energy", "能源", "NE"),
    ("新材料", "Advanced Materials", "材料", "AM"),
    ("脑科学", "Brain Science", "脑科", "BS"),
    ("海洋科技", "Marine Technology", "海洋", "MT"),
    ("数字经济", "Digital Economy", "数经", "DE"),
    ("先进制造", "Advanced Manufacturing", "制造", "AMF"),
    ("航空航天", "Aerospace", "航天", "AS"),
    ("信息技术", "Information Technology", "信息", "IT"),
    ("智能网联汽车", "Intelligent Connected Vehicles", "智车", "ICV"),
    ("光子科学", "Photon Science", "光子", "PS"),
    ("生命科学", "Life Sciences", "生命", "LS"),
    ("节能环保", "Energy Conservation", "环保", "EC"),
    ("现代农业", "Modern Agriculture", "农业", "MA"),
    ("金融科技", "Financial Technology", "金科", "FT"),
    ("大数据", "Big Data", "数据", "BD"),
    ("区块链", "Blockchain", "链", "BC"),
    ("机器人", "Robotics", "机器人", "RB"),
    ("高端装备", "High-end Equipment", "装备", "HE"),
    ("软件", "Software", "软件", "SW"),
    ("医疗器械", "Medical Devices", "器械", "MD"),
    ("氢能", "Hydrogen Energy", "氢能", "HY"),
    ("储能", "Energy Storage", "储能", "ES"),
    ("卫星互联网", "Satellite Internet", "卫星", "SI"),
    ("工业互联网", "Industrial Internet", "工互", "II"),
    ("合成生物", "Synthetic Biology", "合生", "SB"),
    ("科技服务", "Science and Technology Services", "科服", "STS"),
)
#: Government body types: (zh, en, zh abbreviation).
_BODY_TYPES = (
    ("科学技术委员会", "Science and Technology Commission", "科委"),
    ("发展和改革委员会", "Development and Reform Commission", "发改委"),
    ("经济和信息化委员会", "Commission of Economy and Informatization", "经信委"),
    ("财政局", "Finance Bureau", "财政局"),
    ("科学技术局", "Science and Technology Bureau", "科技局"),
    ("人民政府", "People's Government", "政府"),
)
#: The national ministries: the hubs. (slug, zh, en, zh abbreviation, en abbreviation)
_MINISTRIES = (
    ("syn-ministry-1", "国家科技创新部", "National Ministry of Science and Technology Innovation",
     "科创部", "NMSTI"),
    ("syn-ministry-2", "国家产业发展委员会", "National Industrial Development Commission",
     "产发委", "NIDC"),
    ("syn-ministry-3", "国家财政与投资部", "National Ministry of Finance and Investment",
     "财投部", "NMFI"),
)
_PLACE_LEVELS = (("省", "Province"), ("市", "City"), ("区", "District"))
_DIVISION_TYPES = (
    ("综合处", "General Affairs Division"), ("规划处", "Planning Division"),
    ("科学平台处", "Science Platform Division"), ("产业发展处", "Industry Development Division"),
    ("政策法规处", "Policy and Regulations Division"), ("财务处", "Finance Division"),
    ("人事处", "Personnel Division"), ("合作交流处", "Cooperation and Exchange Division"),
    ("成果转化处", "Technology Transfer Division"),
)
_SECTION_NUMBERS = (("一科", "First Section"), ("二科", "Second Section"), ("三科", "Third Section"))
_AREA_TYPES = (
    ("科学城", "Science City"), ("高新技术产业开发区", "High-tech Industrial Development Zone"),
    ("自主创新示范区", "Independent Innovation Demonstration Zone"),
)
_FACILITY_TYPES = (
    ("硬X射线自由电子激光装置", "Hard X-ray Free Electron Laser Facility"),
    ("同步辐射光源", "Synchrotron Radiation Light Source"),
    ("超强超短激光装置", "Super-intense Ultra-short Laser Facility"),
    ("蛋白质科学设施", "Protein Science Facility"),
    ("转化医学设施", "Translational Medicine Facility"),
    ("燃气轮机试验装置", "Gas Turbine Test Facility"),
    ("活细胞成像平台", "Live Cell Imaging Platform"),
    ("散裂中子源", "Spallation Neutron Source"),
    ("强磁场装置", "High Magnetic Field Facility"),
)
_PROGRAMME_TYPES = (
    ("国际大科学计划", "International Big Science Programme"),
    ("重大科技专项", "Major Science and Technology Project"),
    ("前沿研究计划", "Frontier Research Programme"),
)
_PLAN_TYPES = (
    ("产业发展三年行动计划", "Industry Development Three-Year Action Plan"),
    ("创新发展五年规划", "Innovation Development Five-Year Plan"),
    ("中长期发展规划", "Medium- and Long-term Development Plan"),
    ("专项实施方案", "Special Implementation Scheme"),
)
_POLICY_TYPES = (
    ("关于促进{region}{field}发展的若干政策", "Policies on Promoting {field} in {region}"),
    ("{region}{field}专项扶持办法", "Special Support Measures for {field} in {region}"),
    ("{region}{field}人才引进实施细则", "Implementation Rules for {field} Talent in {region}"),
)
_SURNAMES = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
    ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("高", "Gao"),
    ("林", "Lin"), ("罗", "Luo"),
)
_GIVEN_SYLLABLES = (
    ("建", "jian"), ("国", "guo"), ("志", "zhi"), ("明", "ming"), ("伟", "wei"), ("华", "hua"),
    ("文", "wen"), ("军", "jun"), ("海", "hai"), ("平", "ping"), ("丽", "li"), ("静", "jing"),
    ("晓", "xiao"), ("东", "dong"), ("红", "hong"), ("永", "yong"), ("德", "de"), ("宏", "hong"),
    ("立", "li"), ("新", "xin"), ("光", "guang"), ("春", "chun"), ("庆", "qing"), ("瑞", "rui"),
)
_POST_TITLES = (("主任", "Director"), ("副主任", "Deputy Director"), ("处长", "Division Chief"),
                ("组长", "Leader"), ("副组长", "Deputy Leader"))
#: Look- or sound-alike characters for the typo variants (skos:hiddenLabel).
_TYPO_CHARS = {"室": "事", "会": "汇", "委": "萎", "局": "居", "展": "屏", "科": "料",
               "创": "仓", "新": "薪", "技": "枝", "划": "画", "策": "册", "院": "完"}

# -- entity counts per requested entity -------------------------------------------------------------

#: Share of the requested entities given to each kind (the rest of the graph hangs off these).
_SHARES = {
    "place": 0.03, "body": 0.05, "group": 0.02, "office": 0.03, "committee": 0.01,
    "division": 0.08, "research": 0.03, "enterprise": 0.04, "area": 0.015, "person": 0.10,
    "facility": 0.03, "programme": 0.03, "fund": 0.03, "directive": 0.01, "plan": 0.18,
    "policy": 0.10, "establishment": 0.03, "renaming": 0.01,
}


@dataclass(frozen=True)
class SynthSummary:
    """What one generator run wrote."""

    entities: int          # typed, labelled entities (evidence, amounts, posts, sections excluded)
    quads: int
    seed: int
    hubs: tuple[str, ...]  # IRIs of the national ministries


@dataclass
class _Entity:
    """An entity already written, as later layers refer to it."""

    iri: str
    zh: str
    en: str
    region: tuple[str, str] = ("", "")  # place stem (zh, en), for names of things placed in it


def entities_for_triples(triples: int) -> int:
    """The entity count that yields roughly `triples` quads."""
    return max(50, round(triples / TRIPLES_PER_ENTITY))


def output_format(path: Path) -> str:
    """The output format of `path` from its extension; raises BadRequestError for others."""
    fmt = OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BadRequestError(
            f"Cannot write synthetic data to {path.name!r}: use a .nq (N-Quads) or .trig file."
        )
    return fmt


def write_file(path: Path, *, entities: int, seed: int) -> SynthSummary:
    """Generate a graph into `path` (.nq or .trig); raises BadRequestError for bad arguments."""
    fmt = output_format(path)
    check_entities(entities)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        return generate(out, entities=entities, seed=seed, fmt=fmt)


def check_entities(entities: int) -> None:
    """Raise BadRequestError unless `entities` is a usable size (at least 50)."""
    if entities < 50:
        raise BadRequestError(f"--entities {entities} is too small: ask for at least 50.")


def generate(out: TextIO, *, entities: int, seed: int, fmt: str = "nquads") -> SynthSummary:
    """Write a synthetic graph of about `entities` entities to `out` as N-Quads or TriG."""
    check_entities(entities)
    # Seeded generators make the same graph from the same seed: reproducible data, not secrets.
    writer = _Writer(out, fmt, random.Random(f"evidence-{seed}"))  # noqa: S311
    builder = _Builder(writer, random.Random(seed), entities)  # noqa: S311
    builder.build()
    writer.close()
    return SynthSummary(
        entities=builder.entity_count, quads=writer.quads, seed=seed,
        hubs=tuple(m.iri for m in builder.ministries),
    )


# -- writing lines ------------------------------------------------------------------------------------

def _literal(value: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


_RDF_TYPE = str(RDF.type)
_PREF = str(SKOS.prefLabel)
_ALT = str(SKOS.altLabel)
_HIDDEN = str(SKOS.hiddenLabel)
_XSD_DATE = str(XSD.date)
_REPORT = str(ID["syn-report"])
_SECTIONS = tuple(str(ID[f"syn-report-section-{n}"]) for n in range(1, 9))


class _Writer:
    """Writes statements as N-Quads lines (or TriG triples in one graph block) and counts them."""

    def __init__(self, out: TextIO, fmt: str, rng: random.Random) -> None:
        self._out = out
        self._rng = rng
        self.quads = 0
        self._evidence = 0
        if fmt == "trig":
            out.write(f"<{SYNTH_GRAPH}> {{\n")
            self._tail = " .\n"
        else:
            self._tail = f" <{SYNTH_GRAPH}> .\n"
        self._trig = fmt == "trig"

    def close(self) -> None:
        """End the graph block (TriG)."""
        if self._trig:
            self._out.write("}\n")

    def raw(self, s: str, p: str, o: str) -> None:
        """One statement whose object is already in N-Triples syntax."""
        self._out.write(f"<{s}> <{p}> {o}{self._tail}")
        self.quads += 1

    def text(self, s: str, p: str, value: str, lang: str | None = None) -> None:
        """A string literal statement (language-tagged when `lang` is given)."""
        self.raw(s, p, _literal(value, lang=lang))

    def typed(self, s: str, p: str, value: str, datatype: str) -> None:
        """A typed literal statement."""
        self.raw(s, p, _literal(value, datatype=datatype))

    def link(self, s: str, p: str, o: str, *, via: str | None = None) -> None:
        """An IRI-valued statement; a share of them get an evidence node."""
        self.raw(s, p, f"<{o}>")
        if self._rng.random() < EVIDENCE_SHARE:
            self._cite(s, p, o, via)

    def _cite(self, s: str, p: str, o: str, via: str | None) -> None:
        self._evidence += 1
        ev = str(EV[f"syn-{self._evidence}"])
        start = self._rng.randrange(SOURCE_LENGTH - 200)
        self.raw(ev, _RDF_TYPE, f"<{IKG.Evidence}>")
        self.raw(ev, str(RDF.subject), f"<{s}>")
        self.raw(ev, str(RDF.predicate), f"<{p}>")
        self.raw(ev, str(RDF.object), f"<{o}>")
        self.raw(ev, str(PROV.wasDerivedFrom), f"<{_REPORT}>")
        self.raw(ev, str(IKG.inSection), f"<{self._rng.choice(_SECTIONS)}>")
        self.typed(ev, str(OA.start), str(start), str(XSD.integer))
        self.typed(ev, str(OA.end), str(start + self._rng.randrange(4, 120)), str(XSD.integer))
        if via:
            self.raw(ev, str(IKG.derivedVia), f"<{via}>")


# -- building the graph layer by layer ----------------------------------------------------------------

@dataclass
class _Pools:
    """Entities written so far, by role, for later layers to link to."""

    places: list[_Entity] = field(default_factory=list)
    cities: list[_Entity] = field(default_factory=list)
    industries: list[_Entity] = field(default_factory=list)
    bodies: list[_Entity] = field(default_factory=list)
    groups: list[_Entity] = field(default_factory=list)
    offices: list[_Entity] = field(default_factory=list)  # coordination offices and committees
    coordination: list[_Entity] = field(default_factory=list)  # coordination offices only
    units: list[_Entity] = field(default_factory=list)
    performers: list[_Entity] = field(default_factory=list)  # research orgs and enterprises
    areas: list[_Entity] = field(default_factory=list)
    facilities: list[_Entity] = field(default_factory=list)
    programmes: list[_Entity] = field(default_factory=list)
    directives: list[_Entity] = field(default_factory=list)
    plans: list[_Entity] = field(default_factory=list)


class _Builder:
    """Writes the layers in a fixed order; every random choice comes from one seeded Random."""

    def __init__(self, writer: _Writer, rng: random.Random, entities: int) -> None:
        self.w = writer
        self.rng = rng
        self.counts = {kind: max(3, round(entities * share)) for kind, share in _SHARES.items()}
        self.pools = _Pools()
        self.ministries: list[_Entity] = []
        self.entity_count = 0
        self._names: dict[str, int] = {}
        self._serial: dict[str, int] = {}

    # -- helpers ---------------------------------------------------------------------------------

    def _iri(self, kind: str) -> str:
        self._serial[kind] = self._serial.get(kind, 0) + 1
        return str(ID[f"syn-{kind}-{self._serial[kind]}"])

    def _unique(self, zh: str, en: str) -> tuple[str, str]:
        # Names repeat when the vocabulary runs out; real registers number them, and so do we.
        seen = self._names.get(zh, 0)
        self._names[zh] = seen + 1
        if seen == 0:
            return zh, en
        return f"{zh}（{seen + 1}）", f"{en} ({seen + 1})"

    def _entity(self, kind: str, cls: str, zh: str, en: str,
                region: tuple[str, str] = ("", "")) -> _Entity:
        """Write type and both preferred labels of a new entity."""
        zh, en = self._unique(zh, en)
        entity = _Entity(self._iri(kind), zh, en, region)
        self.w.link(entity.iri, _RDF_TYPE, cls)
        self.w.text(entity.iri, _PREF, zh, "zh")
        self.w.text(entity.iri, _PREF, en, "en")
        self.entity_count += 1
        return entity

    def _variants(self, entity: _Entity, zh_abbr: str | None, en_abbr: str | None) -> None:
        """Abbreviations as altLabels; for some entities a typo or a spaced spelling as hiddenLabel."""
        if zh_abbr:
            self.w.text(entity.iri, _ALT, zh_abbr, "zh")
        if en_abbr:
            self.w.text(entity.iri, _ALT, en_abbr, "en")
        roll = self.rng.random()
        if roll < 0.05:
            self.w.text(entity.iri, _HIDDEN, _typo(entity.zh, self.rng), "zh")
        elif roll < 0.08 and len(entity.zh) > 4:
            cut = self.rng.randrange(2, len(entity.zh) - 1)
            self.w.text(entity.iri, _HIDDEN, f"{entity.zh[:cut]} {entity.zh[cut:]}", "zh")

    def _date(self, subject: str) -> None:
        """A dcterms:date of day, month or year precision and the derived ikg:sortDate."""
        day = FIRST_DATE + dt.timedelta(days=self.rng.randrange((LAST_DATE - FIRST_DATE).days))
        roll = self.rng.random()
        if roll < 0.7:
            self.w.typed(subject, str(DCTERMS.date), day.isoformat(), _XSD_DATE)
        elif roll < 0.9:
            day = day.replace(day=1)
            self.w.typed(subject, str(DCTERMS.date), day.strftime("%Y-%m"), str(XSD.gYearMonth))
        else:
            day = day.replace(month=1, day=1)
            self.w.typed(subject, str(DCTERMS.date), str(day.year), str(XSD.gYear))
        self.w.typed(subject, str(IKG.sortDate), day.isoformat(), _XSD_DATE)

    def _field(self) -> tuple[str, str, str, str]:
        return self.rng.choice(_FIELDS)

    def _pick(self, pool: Sequence[_Entity]) -> _Entity:
        return self.rng.choice(pool)

    # -- layers ----------------------------------------------------------------------------------

    def build(self) -> None:
        """Write every layer, each linking only to the layers before it."""
        layers: tuple[Callable[[], None], ...] = (
            self.report, self.places, self.industries, self.ministries_, self.bodies,
            self.groups, self.offices, self.committees, self.divisions, self.performers,
            self.areas, self.people, self.facilities, self.programmes, self.funds,
            self.directives, self.plans, self.policies, self.establishments, self.renamings,
        )
        for layer in layers:
            layer()

    def report(self) -> None:
        """The synthetic source report and its sections, which evidence nodes point to."""
        self.w.raw(_REPORT, _RDF_TYPE, f"<{IKG.Report}>")
        self.w.text(_REPORT, str(DCTERMS.title), "合成创新治理图谱测试报告", "zh")
        self.w.text(_REPORT, str(DCTERMS.title), "Synthetic innovation-governance test report", "en")
        self.w.text(_REPORT, str(IKG.sourceFile), "synthetic.txt")
        for n, section in enumerate(_SECTIONS, start=1):
            self.w.raw(section, _RDF_TYPE, f"<{IKG.Section}>")
            self.w.text(section, str(IKG.sectionNumber), f"{n}")
            self.w.text(section, str(DCTERMS.title), f"第{n}部分", "zh")
            self.w.raw(section, str(DCTERMS.isPartOf), f"<{_REPORT}>")

    def places(self) -> None:
        """Provinces, cities and districts (schema:AdministrativeArea), nested by ikg:locatedIn."""
        stems = _place_stems(self.rng, self.counts["place"])
        provinces = max(1, len(stems) // 10)
        cities = max(1, len(stems) * 3 // 10)
        for index, (zh, en) in enumerate(stems):
            level = 0 if index < provinces else 1 if index < provinces + cities else 2
            suffix_zh, suffix_en = _PLACE_LEVELS[level]
            place = self._entity("place", str(SDO.AdministrativeArea), zh + suffix_zh,
                                 f"{en} {suffix_en}", (zh, en))
            if level > 0:
                parent = self._pick(self.pools.places[:provinces] if level == 1 else self.pools.cities)
                self.w.link(place.iri, str(IKG.locatedIn), parent.iri)
            if level == 1:
                self.pools.cities.append(place)
            self.pools.places.append(place)

    def industries(self) -> None:
        """One ikg:Industry per field (small hubs: many things focus on them)."""
        for zh, en, _, acronym in _FIELDS:
            industry = self._entity("industry", str(IKG.Industry), f"{zh}产业", f"{en} Industry")
            self.w.text(industry.iri, _ALT, zh, "zh")
            self.w.text(industry.iri, _ALT, acronym, "en")
            self.pools.industries.append(industry)

    def ministries_(self) -> None:
        """The national ministries: the hubs of the graph."""
        for slug, zh, en, zh_abbr, en_abbr in _MINISTRIES:
            ministry = _Entity(str(ID[slug]), zh, en)
            self._names[zh] = 1
            self.w.link(ministry.iri, _RDF_TYPE, str(IKG.GovernmentBody))
            self.w.text(ministry.iri, _PREF, zh, "zh")
            self.w.text(ministry.iri, _PREF, en, "en")
            self._variants(ministry, zh_abbr, en_abbr)
            self.entity_count += 1
            self.ministries.append(ministry)

    def bodies(self) -> None:
        """Local government bodies, each under a body of the level above (or a ministry)."""
        for _ in range(self.counts["body"]):
            place = self._pick(self.pools.places)
            zh_type, en_type, abbr = self.rng.choice(_BODY_TYPES)
            body = self._entity("body", str(IKG.GovernmentBody), place.zh + zh_type,
                                f"{place.en} {en_type}", place.region)
            self._variants(body, place.region[0] + abbr, None)
            parent = self._pick(self.pools.bodies) if self.pools.bodies and self.rng.random() < 0.7 \
                else self._pick(self.ministries)
            self.w.link(body.iri, str(ORG.subOrganizationOf), parent.iri)
            self.w.link(body.iri, str(IKG.locatedIn), place.iri)
            self.pools.bodies.append(body)

    def _regional(self, kind: str, cls: str, zh_tail: str,
                  en_tail: str) -> tuple[_Entity, tuple[str, str, str, str]]:
        """A new entity named region + field + type, e.g. 江北人工智能创新发展办公室."""
        place = self._pick(self.pools.places)
        fld = self._field()
        entity = self._entity(kind, cls, f"{place.region[0]}{fld[0]}{zh_tail}",
                              f"{place.region[1]} {fld[1]} {en_tail}", place.region)
        self.w.link(entity.iri, str(IKG.locatedIn), place.iri)
        return entity, fld

    def groups(self) -> None:
        """Leading groups co-led by two to four bodies (ministries among them for some)."""
        for _ in range(self.counts["group"]):
            group, fld = self._regional("group", str(IKG.LeadingGroup), "创新发展领导小组",
                                        "Innovation Development Leading Group")
            self._variants(group, f"{group.region[0]}{fld[2]}领导小组", None)
            leaders = self.rng.sample(self.pools.bodies, min(len(self.pools.bodies),
                                                             self.rng.randint(2, 4)))
            if self.rng.random() < 0.2:
                leaders.append(self._pick(self.ministries))
            for leader in leaders:
                self.w.link(leader.iri, str(IKG.coLeads), group.iri)
            self.w.link(group.iri, str(IKG.focusesOn), self._industry(fld).iri)
            self.pools.groups.append(group)

    def _industry(self, fld: tuple[str, str, str, str]) -> _Entity:
        return self.pools.industries[_FIELDS.index(fld)]

    def offices(self) -> None:
        """Coordination offices: under a body, handling the daily work of a leading group."""
        for _ in range(self.counts["office"]):
            office, fld = self._regional("office", str(IKG.CoordinationOffice), "创新发展办公室",
                                         "Innovation Development Office")
            self._variants(office, f"{office.region[0]}{fld[2]}办",
                           f"{_initials(office.region[1])}{fld[3]}O")
            self.w.link(office.iri, str(ORG.subOrganizationOf), self._pick(self.pools.bodies).iri)
            self.w.link(office.iri, str(IKG.handlesDailyWorkOf), self._pick(self.pools.groups).iri)
            self.pools.offices.append(office)
            self.pools.coordination.append(office)

    def committees(self) -> None:
        """Management committees of industrial parks, under a body."""
        for _ in range(self.counts["committee"]):
            committee, fld = self._regional(
                "committee", str(IKG.ManagementCommittee), "产业园管理委员会",
                "Industrial Park Management Committee")
            self._variants(committee, f"{committee.region[0]}{fld[2]}园区管委会", None)
            self.w.link(committee.iri, str(ORG.subOrganizationOf), self._pick(self.pools.bodies).iri)
            self.pools.offices.append(committee)

    def divisions(self) -> None:
        """Divisions (处) of offices and bodies, some with sections (科) nested under them."""
        children: dict[str, int] = {}
        for _ in range(self.counts["division"]):
            nested = self.pools.units and self.rng.random() < 0.25
            parent = self._pick(self.pools.units if nested else self.pools.offices + self.pools.bodies)
            k = children.get(parent.iri, 0)
            children[parent.iri] = k + 1
            names = _SECTION_NUMBERS if nested else _DIVISION_TYPES
            zh, en = names[k % len(names)]
            unit = self._entity("division", str(ORG.OrganizationalUnit), parent.zh + zh,
                                f"{en}, {parent.en}", parent.region)
            self.w.link(parent.iri, str(ORG.hasUnit), unit.iri)
            self.w.link(unit.iri, str(ORG.unitOf), parent.iri)
            if not nested:
                self.pools.units.append(unit)

    def performers(self) -> None:
        """Research organisations and enterprises (they lead programmes and run facilities)."""
        for _ in range(self.counts["research"]):
            org, fld = self._regional("research", str(IKG.ResearchOrganization), "研究院",
                                      "Research Institute")
            self._variants(org, f"{org.region[0]}{fld[2]}院", None)
            self.pools.performers.append(org)
        for _ in range(self.counts["enterprise"]):
            org, fld = self._regional("enterprise", str(IKG.Enterprise), "科技有限公司",
                                      "Technology Co., Ltd.")
            self.w.link(org.iri, str(IKG.focusesOn), self._industry(fld).iri)
            self.pools.performers.append(org)

    def areas(self) -> None:
        """Innovation areas (science cities, high-tech zones), managed by a committee or body."""
        for _ in range(self.counts["area"]):
            place = self._pick(self.pools.cities or self.pools.places)
            zh, en = self.rng.choice(_AREA_TYPES)
            area = self._entity("area", str(IKG.InnovationArea), place.region[0] + zh,
                                f"{place.region[1]} {en}", place.region)
            self.w.link(area.iri, str(IKG.locatedIn), place.iri)
            self.w.typed(area.iri, str(IKG.facilityCount), str(self.rng.randint(1, 30)),
                         str(XSD.integer))
            self.pools.areas.append(area)

    def people(self) -> None:
        """People holding one or two posts in bodies, groups, offices or divisions."""
        employers = self.pools.bodies + self.pools.groups + self.pools.offices + self.pools.units
        for _ in range(self.counts["person"]):
            (s_zh, s_en), given = self.rng.choice(_SURNAMES), self.rng.sample(_GIVEN_SYLLABLES, 2)
            zh = s_zh + given[0][0] + given[1][0]
            en = f"{s_en} {(given[0][1] + given[1][1]).capitalize()}"
            person = self._entity("person", str(FOAF.Person), zh, en)
            for _ in range(1 if self.rng.random() < 0.8 else 2):
                self._post(person, self._pick(employers))

    def _post(self, person: _Entity, employer: _Entity) -> None:
        """An org:Post in `employer` held by `person` (posts are structural nodes)."""
        post = self._iri("post")
        zh_title, en_title = self.rng.choice(_POST_TITLES)
        self.w.raw(post, _RDF_TYPE, f"<{ORG.Post}>")
        self.w.text(post, _PREF, employer.zh + zh_title, "zh")
        self.w.text(post, _PREF, f"{en_title}, {employer.en}", "en")
        self.w.link(person.iri, str(ORG.holds), post)
        self.w.link(post, str(ORG.postIn), employer.iri)

    def facilities(self) -> None:
        """Major science facilities in innovation areas, run by research organisations."""
        for _ in range(self.counts["facility"]):
            area = self._pick(self.pools.areas)
            zh, en = self.rng.choice(_FACILITY_TYPES)
            facility = self._entity("facility", str(IKG.MajorScienceFacility), area.region[0] + zh,
                                    f"{area.region[1]} {en}", area.region)
            self.w.link(facility.iri, str(IKG.locatedIn), area.iri)
            self.w.link(self._pick(self.pools.performers).iri, str(IKG.leads), facility.iri)
            self.pools.facilities.append(facility)

    def programmes(self) -> None:
        """Big science programmes led by research organisations, focused on an industry."""
        for _ in range(self.counts["programme"]):
            place = self._pick(self.pools.places)
            fld = self._field()
            zh, en = self.rng.choice(_PROGRAMME_TYPES)
            programme = self._entity("programme", str(IKG.BigScienceProgramme),
                                     f"{place.region[0]}{fld[0]}{zh}",
                                     f"{place.region[1]} {fld[1]} {en}", place.region)
            self.w.link(self._pick(self.pools.performers).iri, str(IKG.leads), programme.iri)
            self.w.link(programme.iri, str(IKG.focusesOn), self._industry(fld).iri)
            self.pools.programmes.append(programme)

    def funds(self) -> None:
        """Funds with a CNY amount (schema:MonetaryAmount), funding programmes or facilities."""
        for _ in range(self.counts["fund"]):
            fund, _ = self._regional("fund", str(IKG.Fund), "产业投资基金", "Industry Investment Fund")
            amount = self._iri("amount")
            self.w.raw(fund.iri, str(IKG.amount), f"<{amount}>")
            self.w.raw(amount, _RDF_TYPE, f"<{SDO.MonetaryAmount}>")
            value = self.rng.randint(1, 5000) * 1_000_000
            self.w.typed(amount, str(SDO.value), str(value), str(XSD.decimal))
            self.w.text(amount, str(SDO.currency), "CNY")
            target = self._pick(self.pools.programmes + self.pools.facilities)
            self.w.link(fund.iri, str(IKG.funds), target.iri)

    def directives(self) -> None:
        """National directives issued by a ministry and addressed to leading groups."""
        for n in range(self.counts["directive"]):
            fld = self._field()
            ministry = self.ministries[n % len(self.ministries)]
            year = self.rng.randint(2008, 2024)
            directive = self._entity(
                "directive", str(IKG.Directive), f"关于加快{fld[0]}创新发展的指导意见（{year}年）",
                f"Guiding Opinions on Accelerating Innovation in {fld[1]} ({year})")
            self.w.link(ministry.iri, str(IKG.issues), directive.iri)
            self.w.link(directive.iri, str(IKG.addressedTo), self._pick(self.pools.groups).iri)
            self.w.link(self._pick(self.pools.groups).iri, str(IKG.implements), directive.iri)
            self.pools.directives.append(directive)

    def _approve(self, thing: _Entity) -> None:
        """A hub ministry or a local body approves `thing`; some approvals are dated events."""
        approver = self._pick(self.ministries if self.rng.random() < HUB_APPROVAL_SHARE
                              else self.pools.bodies)
        via = None
        if self.rng.random() < APPROVAL_EVENT_SHARE:
            via = self._iri("approval")
            self.w.link(via, _RDF_TYPE, str(IKG.Approval))
            self.w.text(via, _PREF, f"{approver.zh}批复《{thing.zh}》", "zh")
            self.w.text(via, _PREF, f"Approval of {thing.en} by {approver.en}", "en")
            self._date(via)
            self.w.link(via, str(PROV.wasAssociatedWith), approver.iri)
            self.w.link(via, str(IKG.approvedThing), thing.iri)
            self.entity_count += 1
        self.w.link(approver.iri, str(IKG.approves), thing.iri, via=via)

    def plans(self) -> None:
        """Plans approved by a ministry or body, implemented by offices, focused on an industry."""
        for _ in range(self.counts["plan"]):
            place = self._pick(self.pools.places)
            fld = self._field()
            zh, en = self.rng.choice(_PLAN_TYPES)
            year = self.rng.randint(2008, 2024)
            plan = self._entity(
                "plan", str(IKG.Plan), f"{place.region[0]}{fld[0]}{zh}（{year}年）",
                f"{place.region[1]} {fld[1]} {en} ({year})", place.region)
            self._approve(plan)
            self.w.link(self._pick(self.pools.offices).iri, str(IKG.implements), plan.iri)
            self.w.link(plan.iri, str(IKG.focusesOn), self._industry(fld).iri)
            if self.pools.directives and self.rng.random() < 0.3:
                self.w.link(plan.iri, str(IKG.implements), self._pick(self.pools.directives).iri)
            self.pools.plans.append(plan)

    def policies(self) -> None:
        """Policies approved like plans and implemented by bodies or offices."""
        for _ in range(self.counts["policy"]):
            place = self._pick(self.pools.places)
            fld = self._field()
            zh, en = self.rng.choice(_POLICY_TYPES)
            policy = self._entity(
                "policy", str(IKG.Policy), zh.format(region=place.region[0], field=fld[0]),
                en.format(region=place.region[1], field=fld[1]), place.region)
            self._approve(policy)
            implementer = self._pick(self.pools.offices + self.pools.bodies)
            self.w.link(implementer.iri, str(IKG.implements), policy.iri)

    def establishments(self) -> None:
        """Dated Establishment events: a body establishes an office, group or facility."""
        targets = self.pools.offices + self.pools.groups + self.pools.facilities
        # Each thing is founded once: the same pair twice would repeat an ikg:establishes triple.
        for founded in self.rng.sample(targets, min(len(targets), self.counts["establishment"])):
            founder = self._pick(self.pools.bodies)
            event = self._entity("establishment", str(IKG.Establishment), f"成立{founded.zh}",
                                 f"Establishment of {founded.en}")
            self._date(event.iri)
            self.w.link(event.iri, str(PROV.wasAssociatedWith), founder.iri)
            self.w.link(event.iri, str(IKG.participant), founded.iri)
            self.w.link(founder.iri, str(IKG.establishes), founded.iri, via=event.iri)

    def renamings(self) -> None:
        """Renaming events (org:ChangeEvent): an office becomes a new one with another name."""
        olds = self.rng.sample(self.pools.coordination, min(len(self.pools.coordination),
                                                             self.counts["renaming"]))
        for old in olds:
            new = self._entity("office", str(IKG.CoordinationOffice),
                               f"{old.region[0]}科技创新{old.zh[len(old.region[0]):]}",
                               f"{old.region[1]} Science and Technology Innovation "
                               f"{old.en[len(old.region[1]) + 1:]}", old.region)
            event = self._entity("renaming", str(IKG.Renaming), f"{old.zh}更名为{new.zh}",
                                 f"Renaming of {old.en} to {new.en}")
            self._date(event.iri)
            self.w.link(event.iri, str(ORG.originalOrganization), old.iri)
            self.w.link(event.iri, str(ORG.resultingOrganization), new.iri)
            self.w.link(old.iri, str(ORG.changedBy), event.iri)
            self.w.link(new.iri, str(ORG.changedBy), event.iri)
            self.w.link(old.iri, str(IKG.renamedTo), new.iri, via=event.iri)


def _place_stems(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` distinct place stems (zh, en): two syllables first, then three."""
    two = [(a + b, (pa + pb).capitalize()) for a, pa in _FIRST_SYLLABLES
           for b, pb in _SECOND_SYLLABLES if a != b]
    rng.shuffle(two)
    if count <= len(two):
        return two[:count]
    three = [(a + b + c, (pa + pb + pc).capitalize()) for a, pa in _FIRST_SYLLABLES
             for b, pb in _SECOND_SYLLABLES for c, pc in _SECOND_SYLLABLES if b != c]
    rng.shuffle(three)
    return (two + three)[:count]


def _typo(zh: str, rng: random.Random) -> str:
    """`zh` with one character swapped for a look- or sound-alike (or two swapped when none fits)."""
    spots = [i for i, ch in enumerate(zh) if ch in _TYPO_CHARS]
    if spots:
        i = rng.choice(spots)
        return zh[:i] + _TYPO_CHARS[zh[i]] + zh[i + 1:]
    i = rng.randrange(len(zh) - 1)
    return zh[:i] + zh[i + 1] + zh[i] + zh[i + 2:]


def _initials(name: str) -> str:
    """Upper-case initials of the words of an English name."""
    return "".join(word[0].upper() for word in name.split() if word)
