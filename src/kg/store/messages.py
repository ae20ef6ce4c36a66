"""The query worker's protocol: every message that crosses a worker's pipe, as a named type.

A conversation (the worker leaves the network first, and says Failure("sandbox", …) if it cannot):

    parent                                  worker
    (an in-memory store's N-Quads, bytes) →
                                          ← Ready()              or Failure("open", …)
    QueryRequest(...)                     →
                                          ← Answer(...)          or Failure("syntax" | …, detail)
                                          ← (the body, bytes)    only when Answer.body is None
    Stop()                                →                      the worker exits

One request and one answer cross the pipe per query, the answer's body inside the answer. A body
too big to read at once on an event loop (`INLINE_BODY`) follows as a message of its own, which
`QueryRunner.run_async` reads in a thread.

Cost (bench/bench_worker_messages.py: timeit, Python 3.11, this project's 2-core machine): pickling
and unpickling an `Answer` with a 1 KB body takes 3.4 µs, the same values as a plain tuple 0.7 µs; a
`QueryRequest` (a frozen dataclass) 4.5 µs, as a plain tuple 0.7 µs. Named messages thus add about
6.5 µs to a query's round trip, about 1 % of the cheapest query over HTTP (~0.5 ms): the names are
worth it, and the answer is still one message with its body inside.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

#: Answer bodies up to this size travel inside the `Answer`; bigger ones follow as their own message,
#: which `run_async` reads in a thread (reading megabytes would stall the event loop).
INLINE_BODY = 256 * 1024

#: Why a worker could not answer. The client's doing: "syntax" (the engine's message, useful to
#: the user), "nesting" (kg.store.untrusted's), "unwritable" (the asked-for format cannot hold the
#: answer). The server's: "engine" (any other engine error, "<class>: <text>", for the log; one
#: that names the network is the sandbox refusing SERVICE), "open" and "sandbox" (at start).
FailureKind = Literal["syntax", "nesting", "unwritable", "engine", "open", "sandbox"]


class Ready(NamedTuple):
    """The worker has its store open (or seeded) and waits for requests."""


class Answer(NamedTuple):
    """A serialised answer (see kg.store.engine.QueryAnswer); `body` None: it follows as bytes."""

    kind: str
    format: str
    truncated: bool
    rows: int | None  # QueryAnswer.count (a NamedTuple's `count` is tuple.count)
    body: bytes | None


class Failure(NamedTuple):
    """No answer, and why (`FailureKind`)."""

    kind: FailureKind
    detail: str


class Stop(NamedTuple):
    """The parent's goodbye: the worker exits."""


#: What a worker sends back.
Reply = Ready | Answer | Failure
