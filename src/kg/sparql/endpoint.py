"""SparqlEndpoint: one protocol request in, one answer out (guard, negotiation, runner, update).

The web route and the `kg query` command both go through it, so the safety guard, the row cap and
the time limit apply the same way everywhere.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from kg.config import Settings
from kg.errors import ForbiddenError, QueryRefusedError
from kg.sparql import guard
from kg.sparql.negotiation import (
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    choose_graph_format,
    choose_solution_format,
)
from kg.sparql.protocol import ProtocolRequest
from kg.sparql.service_description import render_description
from kg.store import GraphStore
from kg.store.runner import QueryAnswer, QueryRequest, QueryRunner


@dataclass(frozen=True)
class SparqlAnswer:
    """What to send back: HTTP status, media type, body, and whether the row cap cut it."""

    status: int
    media_type: str | None
    body: bytes
    truncated: bool | None = None  # None when a cap does not apply (ASK, service description)


class SparqlEndpoint:
    """The SPARQL 1.1 endpoint over one store, running user queries through a QueryRunner."""

    def __init__(self, store: GraphStore, settings: Settings, runner: QueryRunner) -> None:
        self._store = store
        self._settings = settings
        self._runner = runner
        self._graphs: tuple[int, frozenset[str]] | None = None

    def graphs(self) -> frozenset[str]:
        """IRIs of the store's named graphs (cached until the next write)."""
        generation = self._store.generation
        if self._graphs is None or self._graphs[0] != generation:
            self._graphs = (generation, frozenset(self._store.named_graphs()))
        return self._graphs[1]

    def answer(self, request: ProtocolRequest, *, accept: str | None,
               endpoint_url: str) -> SparqlAnswer:
        """Answer a protocol request; raises the KGError of every protocol error case."""
        if request.update is not None:
            return self.update(request)
        if request.query is None:
            return self.describe(accept, request.formats, endpoint_url)
        return self.query(request, accept=accept)

    def query(self, request: ProtocolRequest, *, accept: str | None) -> SparqlAnswer:
        """Run a query in a worker; raises QueryRefused/QuerySyntax/QueryTimeout/NotAcceptableError."""
        return _to_answer(self._runner.run(self._prepare(request, accept)))

    async def query_async(self, request: ProtocolRequest, *, accept: str | None) -> SparqlAnswer:
        """Like `query`, awaiting the worker on the event loop (no thread held while it runs)."""
        assert request.query is not None
        if len(request.query) > guard.MEMO_CHARS:
            # The guard's lexer is linear in the text (~0.2 µs a character), and this one would be
            # lexed twice: long texts take the blocking path in a thread, off the event loop.
            return await asyncio.to_thread(self.query, request, accept=accept)
        return _to_answer(await self._runner.run_async(self._prepare(request, accept)))

    def _prepare(self, request: ProtocolRequest, accept: str | None) -> QueryRequest:
        """The runner's request: the query checked by the guard and the answer's formats chosen."""
        assert request.query is not None
        graphs = self.graphs()
        form = guard.check_query(request.query, graphs, refuse=self._settings.sparql_guard)
        guard.check_graphs(request.default_graphs, graphs, what="default-graph-uri")
        guard.check_graphs(request.named_graphs, graphs, what="named-graph-uri")
        if form in ("SELECT", "ASK"):
            solutions, graph = choose_solution_format(accept, request.formats).name, "turtle"
        else:
            solutions, graph = "json", choose_graph_format(accept, request.formats).name
        return QueryRequest(
            request.query, solutions, graph,
            request.default_graphs if request.has_dataset else None,
            request.named_graphs if request.has_dataset else None,
        )

    def update(self, request: ProtocolRequest) -> SparqlAnswer:
        """Run a SPARQL Update when enabled; raises ForbiddenError, QueryRefusedError, QuerySyntaxError."""
        assert request.update is not None
        if not self._settings.allow_updates:
            raise ForbiddenError(
                "SPARQL Update is switched off on this service (set KG_ALLOW_UPDATES=true to allow it)."
            )
        if request.using_graphs:
            raise QueryRefusedError(
                "using-graph-uri and using-named-graph-uri are not supported; put USING in the update."
            )
        guard.check_update(request.update, self.graphs(), refuse=self._settings.sparql_guard)
        self._store.update(request.update)
        return SparqlAnswer(204, None, b"")

    def describe(self, accept: str | None, formats: tuple[str, ...],
                 endpoint_url: str) -> SparqlAnswer:
        """The service description; raises NotAcceptableError."""
        fmt = choose_graph_format(accept, formats)
        body = render_description(
            endpoint_url, tuple(sorted(self.graphs())), fmt.name,
            updates=self._settings.allow_updates, query_timeout=self._settings.query_timeout,
            max_rows=self._settings.max_rows,
        )
        return SparqlAnswer(200, fmt.media_type, body)


def _to_answer(answer: QueryAnswer) -> SparqlAnswer:
    formats = GRAPH_FORMATS if answer.kind == "graph" else SOLUTION_FORMATS
    truncated = None if answer.kind == "boolean" else answer.truncated
    return SparqlAnswer(200, formats[answer.format].media_type, answer.body, truncated)
