"""ResultCache: answers of client queries kept for their repetition, exactly.

Researchers' tools repeat themselves: a notebook re-run, a dashboard refreshing, a query UI's paging,
the catalogue's questions asked by every visitor. An answer is the bytes the engine wrote, and it
depends on nothing but the store's content and the request, so it can be kept and sent again, as
long as three things hold:

- **The key is the whole request**: the query text as sent, its dataset (protocol parameters), the
  two negotiated formats and the base IRI (a `kg.store.QueryRequest`), and the store's generation.
  The text is not rewritten to "normalise" it (only surrounding white space is dropped): two texts that
  differ inside a string literal or an IRI are different queries, and no lexer here can be trusted to
  tell where those are (docs/engine-notes.md §3.3).
- **A write empties it**: every write through the service bumps the generation and calls the cache's
  `clear` (the store's change listener), so no answer outlives the state it was read from. On a remote
  engine someone may write past the service, so entries also expire after `Settings.cache_ttl`.
- **Only deterministic answers are kept**: a query that calls RAND, NOW, UUID, STRUUID or BNODE
  answers differently each time it runs, so it never is. The test is a search for those names anywhere
  in the text, word boundary or not: it may keep out a query that merely mentions one in a string,
  never let one in.

Sizes are counted in bytes of answers (`Settings.cache_bytes`); the least recently used go first.
An answer larger than an eighth of the budget is not kept, so one export-sized answer cannot flush
everything else.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

from kg.store import QueryAnswer, QueryRequest

#: Functions whose value differs from one evaluation to the next (SPARQL 1.1 §17.4).
_VOLATILE = re.compile(r"(?:RAND|NOW|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
#: Bytes an entry costs beyond its body (key, tuple, dict slot), so that tiny answers count too.
_OVERHEAD = 256


#: What an answer is kept under: the request (text stripped) and the store generation it was asked at.
CacheKey = tuple[QueryRequest, int]


def is_deterministic(text: str) -> bool:
    """Whether answers to `text` can be repeated: it names no volatile function, anywhere."""
    return _VOLATILE.search(text) is None


@dataclass(frozen=True)
class _Entry:
    answer: QueryAnswer
    size: int
    stored_at: float


@dataclass(frozen=True)
class CacheStats:
    """Counters for /health and the benchmark."""

    entries: int
    bytes: int
    hits: int
    misses: int


class ResultCache:
    """A thread-safe LRU of query answers keyed by (request, generation), bounded in bytes."""

    def __init__(self, max_bytes: int, ttl: float | None) -> None:
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._entries: OrderedDict[CacheKey, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    @property
    def enabled(self) -> bool:
        """False when KG_CACHE_BYTES is 0."""
        return self.max_bytes > 0

    @staticmethod
    def key(request: QueryRequest, generation: int) -> CacheKey | None:
        """The cache key of `request` at `generation`, or None when its answer must not be kept."""
        if not is_deterministic(request.query):
            return None
        stripped = request.query.strip()
        if stripped != request.query:
            request = replace(request, query=stripped)
        return (request, generation)

    def get(self, key: CacheKey) -> QueryAnswer | None:
        """The kept answer for `key`, or None (missing, or older than the TTL)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and self.ttl is not None and time.monotonic() - entry.stored_at > self.ttl:
                self._drop(key)
                entry = None
            if entry is None:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return entry.answer

    def put(self, key: CacheKey, answer: QueryAnswer, *, generation: int) -> None:
        """Keep `answer` unless the store moved on while it was computed, or it is too large."""
        size = len(answer.body) + len(key[0].query) + _OVERHEAD
        if generation != key[1] or size > self.max_bytes // 8:
            return  # a write happened meanwhile: the answer may be of either state
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = _Entry(answer, size, time.monotonic())
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: CacheKey) -> None:
        self._bytes -= self._entries.pop(key).size

    def clear(self) -> None:
        """Forget every answer (after a write)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def stats(self) -> CacheStats:
        """Entries, bytes, hits and misses so far."""
        with self._lock:
            return CacheStats(len(self._entries), self._bytes, self._hits, self._misses)
