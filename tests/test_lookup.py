"""The lookup index on hand-written entities: every match kind, the ranking order, filters and paging."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import BadRequestError
from kg.lookup import EntityRecord, LabelRecord, LookupIndex
from kg.lookup.index import FUZZY_FALLBACK, FUZZY_MIN_CJK, FUZZY_MIN_LATIN, _holding_one_edit
from kg.lookup.normalise import normalise, normalise_many, significant, strip_tones, word_prefixes
from kg.lookup.pinyin import segmentations
from kg.lookup.postings import JoinedTexts

ID = "https://w3id.org/innokg/id/"
OFFICE, NDRC, CITY, BANK, DIVISION = (ID + s for s in (
    "shanghai-stc-office", "ndrc", "zhangjiang-science-city", "bank-governor", "stc-finance-division"))


def _labels(*triples: tuple[str, str, str]) -> tuple[LabelRecord, ...]:
    return tuple(LabelRecord(value, lang, kind) for value, lang, kind in triples)


ENTITIES = [
    EntityRecord(OFFICE, _labels(
        ("上海推进科技创新中心建设办公室", "zh", "pref"), ("Shanghai STC Office", "en", "pref"),
        ("科创办", "zh", "alt"), ("上海 科创办", "zh", "hidden"),
    ), frozenset({"urn:x:Office"})),
    EntityRecord(NDRC, _labels(
        ("国家发展和改革委员会", "zh", "pref"), ("National Development and Reform Commission", "en", "pref"),
        ("国家发改委", "zh", "alt"),
    ), frozenset({"urn:x:Body"})),
    EntityRecord(CITY, _labels(("张江科学城", "zh", "pref"), ("Zhangjiang Science City", "en", "pref")),
                 frozenset({"urn:x:Area"})),
    EntityRecord(BANK, _labels(("银行行长", "zh", "pref"),), frozenset({"urn:x:Post"})),
    EntityRecord(DIVISION, _labels(
        ("科创办科技金融处", "zh", "pref"), ("STC Office Finance Division", "en", "pref"),
    ), frozenset({"urn:x:Office"})),
]


@pytest.fixture(scope="module")
def index() -> LookupIndex:
    return LookupIndex(ENTITIES)


def _top(index: LookupIndex, query: str, **options: object) -> tuple[str, str, str]:
    result = index.search(query, limit=5, **options)  # type: ignore[arg-type]
    assert result.hits, f"nothing found for {query!r}"
    hit = result.hits[0]
    return hit.entity.iri, hit.match, hit.matched


def test_normalise_folds_traditional_width_case_and_cjk_spaces() -> None:
    assert normalise("科創辦") == "科创办"
    assert normalise("上海 张江\n科学城") == "上海张江科学城"
    assert normalise("ＮＤＲＣ  Office") == "ndrc office"
    assert strip_tones("kē chuàng bàn") == "ke chuang ban"


def test_segmentations_offer_every_split_of_ambiguous_pinyin() -> None:
    assert ("xian",) in segmentations("xian") and ("xi", "an") in segmentations("xian")
    assert ("ke", "chuang", "b") in segmentations("kechuangb")
    assert segmentations("k3!") == []


def test_lookup_exact_alt_label_ranks_first(index: LookupIndex) -> None:
    assert _top(index, "科创办") == (OFFICE, "exact", "科创办")


def test_lookup_exact_beats_prefix_of_longer_label(index: LookupIndex) -> None:
    hits = index.search("科创办", limit=5).hits
    assert [(h.entity.iri, h.match) for h in hits] == [(OFFICE, "exact"), (DIVISION, "prefix")]


def test_lookup_substring_of_a_longer_name(index: LookupIndex) -> None:
    assert _top(index, "发改委") == (NDRC, "substring", "国家发改委")


def test_lookup_chinese_abbreviation_as_subsequence(index: LookupIndex) -> None:
    assert _top(index, "发改会")[:2] == (NDRC, "abbreviation")


def test_lookup_query_with_line_break_matches_hidden_spelling(index: LookupIndex) -> None:
    assert _top(index, "上海\n科创办") == (OFFICE, "exact", "上海 科创办")


def test_lookup_query_holding_a_whole_label_is_partial(index: LookupIndex) -> None:
    assert _top(index, "上海张江科学城") == (CITY, "partial", "张江科学城")


def test_lookup_traditional_characters_find_simplified_label(index: LookupIndex) -> None:
    assert _top(index, "國家發改委") == (NDRC, "exact", "国家发改委")


def test_lookup_english_words_in_any_case_and_order(index: LookupIndex) -> None:
    assert _top(index, "NATIONAL development")[:2] == (NDRC, "prefix")
    assert _top(index, "commission development")[:2] == (NDRC, "english")


def test_lookup_english_acronym_is_abbreviation(index: LookupIndex) -> None:
    assert _top(index, "ndrc")[:2] == (NDRC, "abbreviation")


@pytest.mark.parametrize("query", ["kechuangban", "ke chuang ban", "kē chuàng bàn", "ke1chuang4ban4"])
def test_lookup_pinyin_with_or_without_tones_and_spaces(index: LookupIndex, query: str) -> None:
    assert _top(index, query) == (OFFICE, "pinyin", "科创办")


def test_lookup_pinyin_polyphone_reads_both_ways(index: LookupIndex) -> None:
    assert _top(index, "yinhang")[:2] == (BANK, "pinyin")
    assert _top(index, "hangzhang")[:2] == (BANK, "pinyin")
    assert _top(index, "xingchang")[:2] == (BANK, "pinyin")


def test_lookup_pinyin_initials_finds_office(index: LookupIndex) -> None:
    assert _top(index, "kcb") == (OFFICE, "initials", "科创办")


def test_lookup_pinyin_typo_is_fuzzy(index: LookupIndex) -> None:
    assert _top(index, "kechuangbna")[:2] == (OFFICE, "fuzzy")


def test_lookup_english_typo_is_fuzzy(index: LookupIndex) -> None:
    assert _top(index, "comission")[:2] == (NDRC, "fuzzy")


def test_lookup_wrong_chinese_character_is_fuzzy(index: LookupIndex) -> None:
    assert _top(index, "张江科学成")[:2] == (CITY, "fuzzy")


def test_lookup_tiers_order_scores(index: LookupIndex) -> None:
    scores = [index.search(q, limit=1).hits[0].score
              for q in ("科创办", "张江科", "发改委", "kechuangban", "kcb", "kechuangbna")]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)


def test_lookup_pref_label_ranks_ahead_of_alt_label_of_same_kind() -> None:
    twins = LookupIndex([
        EntityRecord(ID + "a", _labels(("科学城", "zh", "alt"),)),
        EntityRecord(ID + "b", _labels(("科学城", "zh", "pref"),)),
    ])
    assert [h.entity.iri for h in twins.search("科学城", limit=5).hits] == [ID + "b", ID + "a"]


def test_lookup_ties_break_by_iri() -> None:
    twins = LookupIndex([EntityRecord(ID + s, _labels(("科学城", "zh", "pref"),)) for s in "zya"])
    assert [h.entity.iri for h in twins.search("科学城", limit=5).hits] == [ID + "a", ID + "y", ID + "z"]


def test_lookup_type_filter_keeps_only_given_classes(index: LookupIndex) -> None:
    result = index.search("科创办", limit=5, types=frozenset({"urn:x:Office"}))
    assert {h.entity.iri for h in result.hits} == {OFFICE, DIVISION}
    assert index.search("科创办", limit=5, types=frozenset({"urn:x:Area"})).total == 0


def test_lookup_lang_filter_matches_labels_of_that_language(index: LookupIndex) -> None:
    assert index.search("office", limit=5, lang="zh").total == 0
    assert {h.entity.iri for h in index.search("office", limit=5, lang="en").hits} == {OFFICE, DIVISION}
    assert index.search("kechuangban", limit=5, lang="en").total == 0


def test_lookup_pages_with_limit_offset_and_total(index: LookupIndex) -> None:
    first, second = (index.search("科创办", limit=1, offset=o) for o in (0, 1))
    assert first.total == second.total == 2
    assert [h.entity.iri for h in first.hits + second.hits] == [OFFICE, DIVISION]


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_lookup_empty_query_is_refused(index: LookupIndex, query: str) -> None:
    with pytest.raises(BadRequestError):
        index.search(query, limit=5)


def test_lookup_unrelated_query_finds_nothing(index: LookupIndex) -> None:
    assert index.search("量子计算", limit=5).total == 0


def test_normalise_many_agrees_with_normalise_one_by_one() -> None:
    texts = ["科創辦", " 上海 张江\n科学城 ", "ＮＤＲＣ  Office", "“张江” 实验室", "", "  ", "Ab\tC",
             "上海 Office 办"]
    assert normalise_many(texts) == [normalise(t) for t in texts]


def test_lookup_pinyin_unfinished_last_syllable_finds_office(index: LookupIndex) -> None:
    assert _top(index, "kechuangb")[:2] == (OFFICE, "pinyin")


def test_lookup_initials_use_every_reading_of_a_polyphone(index: LookupIndex) -> None:
    assert _top(index, "yhhz")[:2] == (BANK, "initials")
    assert _top(index, "yxxz")[:2] == (BANK, "initials")


def test_lookup_typo_swapping_letters_across_the_middle_is_fuzzy(index: LookupIndex) -> None:
    assert _top(index, "commsision")[:2] == (NDRC, "fuzzy")


def test_lookup_typo_with_an_extra_letter_is_fuzzy(index: LookupIndex) -> None:
    assert _top(index, "commissiion")[:2] == (NDRC, "fuzzy")


def test_lookup_typo_match_stays_inside_one_label() -> None:
    # Candidates are checked joined by newlines: "abcd" + newline + "efg" is one insertion away from
    # the query, and must not count.
    split = LookupIndex([EntityRecord(ID + "a", _labels(("xabcd", "en", "pref"),)),
                         EntityRecord(ID + "b", _labels(("efgx", "en", "pref"),))])
    assert split.search("abcdefg", limit=5).total == 0
    assert split.search("abcdx", limit=5).hits[0].match == "fuzzy"


def _within_one_edit(a: str, b: str) -> bool:
    """Optimal string alignment distance of a and b is at most 1 (the definition, by brute force)."""
    if a == b:
        return True
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                    and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short
                                                 for i in range(len(long_)))


def _holds_with_one_edit(key: str, text: str) -> bool:
    return any(_within_one_edit(key[i:j], text) for i in range(len(key) + 1)
               for j in range(i, min(len(key), i + len(text) + 1) + 1))


@settings(max_examples=300, deadline=None)
@given(keys=st.lists(st.text(alphabet="abc", max_size=9), min_size=1, max_size=8),
       text=st.text(alphabet="abc", min_size=3, max_size=7))
def test_one_edit_check_agrees_with_edit_distance(keys: list[str], text: str) -> None:
    # The numpy check of typo candidates against the definition: some stretch of the key is at most
    # one substitution, insertion, deletion or swap of neighbours away from the query. (ASCII texts:
    # one byte a character; the other alphabets below take the wider types.)
    found = _holding_one_edit(JoinedTexts(keys), np.arange(len(keys), dtype=np.int32), text)
    assert found.tolist() == [i for i, key in enumerate(keys) if _holds_with_one_edit(key, text)]


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(st.text(alphabet="ab张江𠀾", max_size=8), min_size=1, max_size=8),
       text=st.text(alphabet="ab张江𠀾", min_size=1, max_size=4))
def test_joined_texts_holding_agrees_with_in(keys: list[str], text: str) -> None:
    ids = np.arange(len(keys), dtype=np.int32)
    assert JoinedTexts(keys).holding(ids, text).tolist() == [i for i, k in enumerate(keys) if text in k]


def _numbered_offices(count: int) -> list[EntityRecord]:
    offices = [EntityRecord(f"{ID}office-{n:03d}", _labels((f"Innovation Office {n:03d}", "en", "pref"),),
                            frozenset({"urn:x:Office"})) for n in range(count)]
    return [*offices, EntityRecord(ID + "typo", _labels(("Inovation Bureau", "en", "pref"),),
                                   frozenset({"urn:x:Bureau"}))]


def test_lookup_typos_are_sought_only_when_few_labels_match() -> None:
    few = LookupIndex(_numbered_offices(FUZZY_FALLBACK - 1)).search("innovation", limit=50)
    assert few.total == FUZZY_FALLBACK and few.hits[-1].match == "fuzzy"
    many = LookupIndex(_numbered_offices(FUZZY_FALLBACK)).search("innovation", limit=50)
    assert many.total == FUZZY_FALLBACK and {h.match for h in many.hits} == {"prefix"}


def test_lookup_typo_fallback_counts_only_labels_that_pass_the_filters() -> None:
    index = LookupIndex(_numbered_offices(FUZZY_FALLBACK))
    bureaus = index.search("innovation", limit=5, types=frozenset({"urn:x:Bureau"}))
    assert [(h.entity.iri, h.match) for h in bureaus.hits] == [(ID + "typo", "fuzzy")]


def test_lookup_english_words_with_punctuation_in_the_query(index: LookupIndex) -> None:
    assert _top(index, "Commission, National.")[:2] == (NDRC, "english")


@settings(max_examples=300, deadline=None)
@given(keys=st.lists(st.text(alphabet="abcd", min_size=1, max_size=10), min_size=1, max_size=10),
       text=st.text(alphabet="abcd", min_size=FUZZY_MIN_LATIN, max_size=8))
def test_typo_candidates_include_every_key_within_one_edit(keys: list[str], text: str) -> None:
    _assert_typo_candidates_complete(keys, text, "en")


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(st.text(alphabet="科技创新中", min_size=1, max_size=8), min_size=1, max_size=10),
       text=st.text(alphabet="科技创新中", min_size=FUZZY_MIN_CJK, max_size=6))
def test_chinese_typo_candidates_include_every_key_within_one_edit(keys: list[str], text: str) -> None:
    _assert_typo_candidates_complete(keys, text, "zh")


def _assert_typo_candidates_complete(keys: list[str], text: str, lang: str) -> None:
    # The grams only narrow the search: no key that holds the query with one edit may be left out.
    index = LookupIndex([EntityRecord(f"{ID}k{n}", _labels((key, lang, "pref"),))
                         for n, key in enumerate(keys)])
    candidates = set(index._fuzzy_candidates(text, index._text).tolist())
    assert {i for i, key in enumerate(index.keys) if _holds_with_one_edit(key, text)} <= candidates


def _in_order(key: str, text: str) -> bool:
    rest = iter(key)
    return all(char in rest for char in text)


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(st.text(alphabet="ab张江", max_size=8), min_size=1, max_size=8),
       text=st.text(alphabet="ab张江", min_size=1, max_size=4))
def test_joined_texts_holding_in_order_agrees_with_subsequence(keys: list[str], text: str) -> None:
    ids = np.arange(len(keys), dtype=np.int32)
    found = JoinedTexts(keys).holding_in_order(ids, text)
    assert found.tolist() == [i for i, key in enumerate(keys) if _in_order(key, text)]


# -- English names written with other or extra common words ("most_words") --------------------------

PARTY, XIAN_OFFICE, GOVERNMENT, FINANCE, ADMIN, CENTRE, PLAN = (ID + s for s in (
    "shanghai-party-committee", "xian-party-policy-research-office", "shanghai-government",
    "shanghai-finance-bureau", "xixian-admin-committee", "national-science-centre", "science-city-plan"))

BODIES = LookupIndex([
    EntityRecord(PARTY, _labels(("中共上海市委员会", "zh", "pref"),
                                ("CPC Shanghai Municipal Committee", "en", "pref"),
                                ("Shanghai Party Committee", "en", "alt"))),
    EntityRecord(XIAN_OFFICE, _labels(
        ("Policy Research Office of the CPC Xi'an Municipal Committee", "en", "pref"),)),
    EntityRecord(GOVERNMENT, _labels(("Shanghai Municipal People's Government", "en", "pref"),)),
    EntityRecord(FINANCE, _labels(("Shanghai Municipal Finance Bureau", "en", "pref"),)),
    EntityRecord(ADMIN, _labels(("Xixian New Area Administrative Committee", "en", "pref"),)),
    EntityRecord(CENTRE, _labels(("Zhangjiang Comprehensive National Science Centre", "en", "pref"),)),
    EntityRecord(PLAN, _labels(("Zhangjiang Science City Construction Plan", "en", "pref"),)),
    *(EntityRecord(f"{ID}shanghai-{n}", _labels((f"Shanghai {word} Office", "en", "pref"),))
      for n, word in enumerate(("Science", "Planning", "Finance", "Policy", "Trade", "Tourism"))),
])


def _found(index: LookupIndex, query: str) -> list[tuple[str, str]]:
    return [(h.entity.iri, h.match) for h in index.search(query, limit=10).hits]


def test_lookup_english_name_with_other_common_words_finds_the_body() -> None:
    # The graph says "CPC Shanghai Municipal Committee" and "Shanghai Party Committee"; researchers
    # write "Shanghai Municipal Party Committee". Neither label holds every word.
    assert _found(BODIES, "Shanghai Municipal Party Committee")[0] == (PARTY, "most_words")


def test_lookup_most_words_rank_below_every_word_and_exact_matches() -> None:
    hits = BODIES.search("CPC Shanghai Committee", limit=10).hits
    assert (hits[0].entity.iri, hits[0].match) == (PARTY, "english")
    assert [(h.entity.iri, h.match) for h in hits[1:]] == [(XIAN_OFFICE, "most_words")]
    assert max(h.score for h in hits[1:]) < hits[0].score
    assert _found(BODIES, "Shanghai Party Committee")[0] == (PARTY, "exact")


def test_lookup_rare_words_weigh_more_than_common_ones() -> None:
    # Both bodies hold two of the three words; only the one holding the rare word ("xixian", in one
    # label, against "shanghai", in most) holds most of the query's weight.
    found = dict(_found(BODIES, "Xixian Shanghai Committee"))
    assert found.get(ADMIN) == "most_words" and PARTY not in found


def test_lookup_one_shared_word_is_not_enough() -> None:
    assert BODIES.search("Xixian Tourism", limit=10).total == 0


def test_lookup_stopwords_need_not_be_in_the_label() -> None:
    assert _found(BODIES, "Shanghai Municipal Committee of the CPC")[0] == (PARTY, "english")
    assert _found(BODIES, "Shanghai Municipal Bureau of Finance")[0] == (FINANCE, "english")


@pytest.mark.parametrize(("query", "iri"), [
    ("Xixian New Area Administration Committee", ADMIN),  # the stem: administrati-on / -ve
    ("Zhangjiang Comprehensive National Science Center", CENTRE),  # American spelling
    ("Zhangjiang Science City Construction Planning", PLAN),  # "plan" starts "planning"
])
def test_lookup_english_words_tolerate_stems_and_spellings(query: str, iri: str) -> None:
    assert _found(BODIES, query)[0] == (iri, "english")


def test_lookup_most_words_keeps_chinese_and_pinyin_answers() -> None:
    assert _found(BODIES, "中共上海市委员会")[0] == (PARTY, "exact")
    assert _top(LookupIndex(ENTITIES), "ke chuang ban") == (OFFICE, "pinyin", "科创办")


def test_normalise_word_prefixes_cover_stems_and_spellings() -> None:
    assert {"administrat", "centre", "program", "policies"} <= (
        word_prefixes("administration") | word_prefixes("center") | word_prefixes("programme")
        | word_prefixes("policy"))
    assert word_prefixes("party") == {"party", "parties"}
    assert significant(["bureau", "of", "finance", "bureau"]) == ["bureau", "finance"]
    assert significant(["xi", "an"]) == ["xi", "an"]  # fewer than two left: keep them all


def test_lookup_over_no_entities_finds_nothing() -> None:
    empty = LookupIndex([])
    assert all(empty.search(q, limit=5).total == 0 for q in ("科创办", "kcb", "Shanghai Party Committee"))


# -- singular and plural ----------------------------------------------------------------------------

LABS, FUND, CENTRES = (ID + s for s in ("national-laboratories", "sme-fund", "innovation-centres"))
NUMBERED = [
    EntityRecord(LABS, _labels(("国家实验室", "zh", "pref"), ("national laboratories", "en", "pref"))),
    EntityRecord(FUND, _labels(("中小企业担保基金", "zh", "pref"), ("SME Guarantee Fund", "en", "pref"))),
    EntityRecord(CENTRES, _labels(("创新中心", "zh", "pref"), ("Innovation Centres", "en", "pref"))),
]


@pytest.mark.parametrize("word,singular_form", [
    ("laboratories", "laboratory"), ("funds", "fund"), ("centres", "centre"), ("branches", "branch"),
    ("classes", "class"), ("boxes", "box"), ("ties", "tie"), ("fund", "fund"), ("status", "status"),
    ("process", "process"), ("analysis", "analysis"), ("series", "series"), ("economics", "economics"),
    ("gas", "gas"),
])
def test_singular_of_english_words(word: str, singular_form: str) -> None:
    from kg.lookup.normalise import singular

    assert singular(word) == singular_form


def test_lookup_the_singular_finds_the_plural_label_as_an_exact_match() -> None:
    index = LookupIndex(NUMBERED)
    [hit] = index.search("national laboratory", limit=5).hits
    assert (hit.entity.iri, hit.match) == (LABS, "exact")
    # Below the label as typed: the plural itself is the better match.
    assert hit.score < index.search("national laboratories", limit=5).hits[0].score
    assert _top(index, "Innovation Centre") == (CENTRES, "exact", "Innovation Centres")
    assert _top(index, "sme guarantee funds") == (FUND, "exact", "SME Guarantee Fund")


def test_lookup_one_word_finds_labels_holding_it_in_the_other_number() -> None:
    index = LookupIndex(NUMBERED)
    assert _top(index, "laboratory") == (LABS, "english", "national laboratories")
    assert _top(index, "funds") == (FUND, "english", "SME Guarantee Fund")
    assert _top(index, "centre") == (CENTRES, "substring", "Innovation Centres")  # as typed: better


def test_lookup_national_laboratory_finds_the_bundled_priority_area(client: TestClient) -> None:
    body = client.get("/entities", params={"q": "national laboratory", "limit": 3}).json()
    top = body["results"][0]
    assert top["id"] == "priority-national-laboratories"
    assert top["match"] == "exact"
