"""jieba's dictionary as the judge of words: where a character that often stands between names (经,
同, 和) is the second half of a word (经济, 同步, 共和) and so no boundary of a name. Its dictionary
ships inside the package: nothing is downloaded."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

#: Least frequency (in jieba's dictionary) of a two-character word that holds a boundary character
#: inside a name (经济 48718, 同步 1056, 自由 8558; 在建 444 and rarer pairs stay boundaries).
WORD_FREQUENCY = 500


@cache
def tokenizer() -> Any:
    """jieba's tokenizer, built once per process."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def is_word(text: str) -> bool:
    """Whether `text` is a common word of jieba's dictionary."""
    return int(tokenizer().FREQ.get(text) or 0) >= WORD_FREQUENCY
