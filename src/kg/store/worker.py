"""The query worker process: it leaves the network, opens its own copy of the store, then answers one
client query at a time, serialised to bytes, until the parent says Stop (kg.store.messages).

Neither pyoxigraph nor rdflib can cancel a query from Python; the only hard stop is killing the
process that runs it (docs/engine-notes.md §3.2), so client queries run here and the web process only waits
(kg.store.pool). A worker holds its own copy of the store: a checkpoint of the on-disk store opened
read-only, or, for an in-memory store, a copy seeded from `GraphStore.snapshot_nquads()`. It runs the
query AND serialises the answer in its own thread (pyoxigraph results are bound to the thread that
made them), stopping at the row cap (kg.store.results).

Workers are forked from a forkserver preloaded with this module (kg.store.sandboxed.forkserver), so a
replacement starts in milliseconds rather than paying a fresh interpreter and the pyoxigraph import.
"""

from __future__ import annotations

from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, NestingTooDeepError, NotAcceptableError
from kg.store.engine import QueryAnswer, QueryRequest
from kg.store.messages import INLINE_BODY, Answer, Failure, Ready, Stop
from kg.store.results import star_order, write_answer
from kg.store.sandboxed import enter_sandbox, open_store
from kg.store.untrusted import check_text_nesting


def worker_main(conn: Connection, location: str | None, max_rows: int, max_nesting: int,
                unsafe: bool) -> None:
    """Worker loop: leave the network, open the store, say Ready, then answer one request at a
    time until Stop."""
    # The parent owns the lifecycle (Ctrl-C in a terminal must not kill workers mid-answer); the
    # sandbox comes before the store is opened, while this process has a single thread.
    if not enter_sandbox(conn, unsafe=unsafe):
        return
    try:
        store = _open(location, conn)
        conn.send(Ready())
    except (EOFError, BrokenPipeError):
        return  # the parent went away while this worker started (shutdown): nothing to report
    except KGError as exc:
        conn.send(Failure("open", exc.detail))
        return
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return  # the parent closed the pipe without a goodbye (it exited): stop quietly
        if isinstance(message, Stop):
            return
        reply = _answer(store, message, max_rows, max_nesting)
        if isinstance(reply, Failure):
            conn.send(reply)
        else:
            _send_answer(conn, reply)


def _open(location: str | None, conn: Connection) -> ox.Store:
    if location is not None:
        # Retried: a read-only open can race the primary's compaction right after a write.
        return open_store(location, read_only=True)
    store = ox.Store()
    store.bulk_load(conn.recv_bytes(), format=ox.RdfFormat.N_QUADS)
    return store


def _answer(store: ox.Store, request: QueryRequest, max_rows: int,
            max_nesting: int) -> QueryAnswer | Failure:
    """The serialised answer to `request`, or the Failure that tells the parent why there is none."""
    try:
        check_text_nesting(request.query, max_nesting)
        result = store.query(request.query, base_iri=request.base_iri, **_dataset_options(request))
        order = star_order(request.query) if isinstance(result, ox.QuerySolutions) else None
        return write_answer(result, solutions_format=request.solutions_format,
                            graph_format=request.graph_format, limit=request.limit, max_rows=max_rows,
                            order=order)
    except NestingTooDeepError as exc:
        return Failure("nesting", exc.detail)
    except NotAcceptableError as exc:
        return Failure("unwritable", exc.detail)
    except SyntaxError as exc:
        return Failure("syntax", str(exc))
    except (OSError, ValueError, RuntimeError) as exc:
        return Failure("engine", f"{type(exc).__name__}: {exc}")


def _dataset_options(request: QueryRequest) -> dict[str, Any]:
    if request.default_graphs is None and request.named_graphs is None:
        # pyoxigraph lets use_default_graph_as_union override the query's own FROM clauses.
        if request.query_dataset:
            return {}
        if request.union_graphs is not None:  # every named graph stays reachable by GRAPH
            return {"default_graph": [ox.NamedNode(g) for g in request.union_graphs]}
        return {"use_default_graph_as_union": True}
    return {
        "default_graph": [ox.NamedNode(g) for g in request.default_graphs or ()],
        "named_graphs": [ox.NamedNode(g) for g in request.named_graphs or ()],
    }


def _send_answer(conn: Connection, answer: QueryAnswer) -> None:
    """One message, or two when the body is too big to read at once on an event loop."""
    body = answer.body
    inline = len(body) <= INLINE_BODY
    conn.send(Answer(answer.kind, answer.format, answer.truncated, answer.count, body if inline else None))
    if not inline:
        conn.send_bytes(body)
