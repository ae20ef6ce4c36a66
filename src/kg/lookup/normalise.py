"""Text normalisation shared by the index and the queries: one form for every spelling of a label.

The same function runs on labels when the index is built and on the query when it is searched, so that
"科創辦", "上海 科创办" (a line break from the PDF extraction) and "ＮＤＲＣ" meet their labels.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

import opencc

#: Marks that wrap titles and quotations; they never decide a match ("《张江科学城建设规划》").
_QUOTES = str.maketrans("", "", "《》〈〉「」『』“”‘’\"'`")
_SPACES = re.compile(r"\s+")
_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_CJK = re.compile(f"[{_CJK_CLASS}]")
# A space next to a CJK character is an extraction artifact ("上海 张江科学城"), not a word boundary.
_SPACE_BY_CJK = re.compile(f"(?<=[{_CJK_CLASS}]) | (?=[{_CJK_CLASS}])")
_SEPARATOR = "\n"
_LINE_SPACES = re.compile(r"[^\S\n]+")
_LINE_EDGE_SPACE = re.compile(r"^ | $", re.MULTILINE)
_WORD = re.compile(r"[^\W_]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_TONE_DIGITS = re.compile(r"(?<=[a-zü])[1-5]")
#: Words left out of English acronyms ("National Development and Reform Commission" -> NDRC), and
#: left out of English word matching ("Bureau of Finance" finds "Finance Bureau").
STOPWORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"})
#: Endings spelt one way in British and the other in American English ("centre" ~ "center"), or in
#: the singular and the plural ("policy" ~ "policies"); each stands for the other.
_SPELLINGS = (("tre", "ter"), ("tres", "ters"), ("isation", "ization"), ("ise", "ize"), ("ised", "ized"),
              ("ising", "izing"), ("yse", "yze"), ("programme", "program"), ("y", "ies"))
#: Words ending in s that are no plurals, or whose plural is the same word.
_NOT_PLURAL = frozenset({"news", "series", "species", "means", "whereas", "always", "perhaps", "towards",
                         "afterwards", "overseas", "mathematics", "physics", "economics", "politics",
                         "statistics", "logistics", "electronics", "robotics", "genomics"})
#: A query word this long or longer also stands for the indexed words sharing its stem, its first
#: letters short of the last three but at least STEM_LETTERS ("administration" ~ "administrative").
STEM_FROM, STEM_LETTERS = 7, 6


@cache
def _t2s() -> opencc.OpenCC:
    # Building the converter reads its dictionaries (~5 ms): once per process, on first use.
    return opencc.OpenCC("t2s")


def is_cjk(char: str) -> bool:
    """Whether `char` is a CJK ideograph."""
    # Range tests, not the regex: this runs for every character of every label at index build.
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x2FFFF)


def has_cjk(text: str) -> bool:
    """Whether `text` contains at least one CJK ideograph."""
    return _CJK.search(text) is not None


def normalise(text: str) -> str:
    """The matching form of a label or query: NFKC, simplified characters, case-folded, spaces tidied."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _t2s().convert(text).casefold()
    text = _SPACES.sub(" ", text).strip()
    return _SPACE_BY_CJK.sub("", text)


def normalise_many(texts: Sequence[str]) -> list[str]:
    """`normalise` of every text, converted as one joined text (one opencc call instead of thousands)."""
    joined = _SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts)
    joined = unicodedata.normalize("NFKC", joined).translate(_QUOTES)
    joined = _t2s().convert(joined).casefold()
    joined = _LINE_EDGE_SPACE.sub("", _LINE_SPACES.sub(" ", joined))
    parts = _SPACE_BY_CJK.sub("", joined).split(_SEPARATOR)
    if len(parts) != len(texts):  # a conversion that made or ate a separator: go one by one
        return [normalise(t) for t in texts]
    return parts


def words(text: str) -> list[str]:
    """The latin words (letters and digits) of normalised text, in order."""
    return _LATIN_WORD.findall(text)


def significant(query_words: Sequence[str]) -> list[str]:
    """The distinct words of a query that are not STOPWORDS, in order; all of them when fewer than two
    are left ("of the" and "xi an" keep theirs: without them there is nothing to match)."""
    distinct = list(dict.fromkeys(query_words))
    kept = [w for w in distinct if w not in STOPWORDS]
    return kept if len(kept) >= 2 else distinct


def word_prefixes(word: str) -> set[str]:
    """Prefixes of the indexed words that a query word stands for when words need not match exactly:
    the word, its stem (see STEM_FROM) and its other spellings (see _SPELLINGS)."""
    found = {word}
    if len(word) >= STEM_FROM:
        found.add(word[:max(STEM_LETTERS, len(word) - 3)])
    for british, american in _SPELLINGS:
        for ending, other in ((british, american), (american, british)):
            if word.endswith(ending):
                found.add(word[:-len(ending)] + other)
    return found


def singular(word: str) -> str:
    """The singular of an English word in the matching form ("laboratories" -> "laboratory", "funds" ->
    "fund", "centres" -> "centre", "branches" -> "branch"); other words unchanged. A rule, not a
    dictionary: labels and queries go through the same one, so a plural meets its singular even
    where the rule spells the singular wrong."""
    if (len(word) <= 3 or not word.endswith("s") or word in _NOT_PLURAL
            or word.endswith(("ss", "us", "is"))):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zzes")):
        return word[:-2]
    return word[:-1]


def number_form(text: str) -> str:
    """Normalised text with each latin word in the singular (`singular`): "national laboratory" and
    "national laboratories" have one number form."""
    return _LATIN_WORD.sub(lambda m: singular(m.group()), text)


def acronyms(text: str) -> set[str]:
    """Acronyms of a multi-word latin label: initials of all words, and of the words past stopwords."""
    tokens = [t for t in _WORD.findall(text) if not has_cjk(t)]
    if len(tokens) < 2:
        return set()
    found = {"".join(t[0] for t in tokens)}
    content = [t for t in tokens if t not in STOPWORDS]
    if len(content) >= 2:
        found.add("".join(t[0] for t in content))
    return found


def strip_tones(text: str) -> str:
    """Latin text without tone marks or tone digits; ü becomes v ("kē chuàng bàn" -> "ke chuang ban")."""
    text = text.replace("ü", "v").replace("u:", "v")
    decomposed = unicodedata.normalize("NFD", text)
    toneless = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _TONE_DIGITS.sub("", toneless)


def is_latin_query(text: str) -> bool:
    """Whether normalised text is latin letters, digits, spaces and apostrophes only (pinyin-able)."""
    return bool(text) and all(c.isascii() and (c.isalnum() or c in " '-") for c in text)
