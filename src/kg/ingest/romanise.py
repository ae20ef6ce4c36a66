"""English labels of new candidates: the Chinese name in pinyin, word by word, until a curator
translates it (the shapes ask every entity for a label in @en)."""

from __future__ import annotations

from kg.ingest.segmentation import tokenizer


def romanise(label: str) -> str:
    """A pinyin rendering of a Chinese name, words capitalised (jieba's words): the English label a
    candidate carries until a curator translates it."""
    from pypinyin import lazy_pinyin

    words = []
    for word in tokenizer().cut(label):
        if word.strip():
            syllables = "".join(lazy_pinyin(word))
            words.append(syllables[:1].upper() + syllables[1:])
    return " ".join(words) or label
