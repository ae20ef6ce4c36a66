"""SparqlEndpoint: one protocol request in, one answer out (negotiation, then the store's pipeline).

The web routes (/sparql, /queries/{name}) and the `kg query` command all go through it, and it hands
every query to `Engine.run` (guard, sandboxed worker, serialisation, row cap) and every update to
`Engine.update` (guard, sandboxed process), so the safety guard, the row cap and the time limit apply
the same way everywhere, and `SparqlAnswer.truncated` is the one way an answer says a cap cut it.

Datasets (SPARQL 1.1 Protocol §2.1.4): `default-graph-uri` / `named-graph-uri`, and FROM / FROM NAMED
in the text, may name any absolute IRI, of any scheme. pyoxigraph never fetches or reads a dataset
graph: an IRI is only the name of a graph of its own store, and a name the store does not hold is an
empty graph. So `file:` or `http:` names reach nothing, and refusing them would only break clients
(and names the store may hold, such as `file:` graphs loaded from local files). The protocol's
parameters override FROM / FROM NAMED.

Relative IRIs in a query or update resolve against the endpoint's own URL (KG_BASE_URL + path when
set), which the protocol allows as the base IRI.

`using-graph-uri` / `using-named-graph-uri` are refused (400): the protocol asks that they act as a
USING / USING NAMED clause of every operation of the update, but pyoxigraph 0.5.13's `Store.update`
takes no dataset, and this service does not rewrite client text to add the clauses. Write USING in
the update instead. (With USING, USING NAMED or WITH in the update, the parameters are an error in
any case, Protocol §2.2.3.)
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass

from kg.config import Settings
from kg.errors import BadRequestError, ForbiddenError, QueryRefusedError
from kg.formats import RDF_FORMATS, RDF_OFFERS, RESULT_FORMATS, RESULT_OFFERS, negotiate
from kg.sparql.cache import CacheKey, ResultCache
from kg.sparql.protocol import ProtocolRequest, is_absolute_iri
from kg.sparql.service_description import render_description
from kg.store import Engine, QueryAnswer, QueryRequest, guard


@dataclass(frozen=True)
class SparqlAnswer:
    """What to send back: HTTP status, media type, body, and whether the row cap cut it."""

    status: int
    media_type: str | None
    body: bytes
    truncated: bool | None = None  # None when a cap does not apply (ASK, service description)


class SparqlEndpoint:
    """The SPARQL 1.1 endpoint over one store, running client queries through `Engine.run`."""

    def __init__(self, store: Engine, settings: Settings) -> None:
        self._store = store
        self._settings = settings
        self._graphs: tuple[int, frozenset[str]] | None = None
        #: Answers kept for repeated queries, exactly (kg.sparql.cache); emptied by every write.
        self.cache = ResultCache(settings.cache_bytes, settings.cache_ttl)
        if self.cache.enabled:
            store.on_change(self.cache.clear)

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
            return self.update(request, base_iri=endpoint_url)
        if request.query is None:
            return self.describe(accept, request.formats, endpoint_url)
        return self.query(request, accept=accept, base_iri=endpoint_url)

    def query(self, request: ProtocolRequest, *, accept: str | None,
              base_iri: str | None = None) -> SparqlAnswer:
        """Run a query in a worker, relative IRIs resolved against `base_iri` (the endpoint's URL);
        raises QueryRefused/QuerySyntax/QueryTimeout/NotAcceptableError."""
        prepared = self._prepare(request, accept, base_iri)
        key, found = self._recall(prepared)
        return _to_answer(found or self._keep(key, self._store.run(prepared)))

    async def query_async(self, request: ProtocolRequest, *, accept: str | None,
                          base_iri: str | None = None) -> SparqlAnswer:
        """Like `query`, awaiting the worker on the event loop (no thread held while it runs)."""
        if len(_query_text(request)) > guard.MEMO_CHARS:
            # The guard's lexer is linear in the text (~0.2 µs a character), and this one would be
            # lexed twice: long texts take the blocking path in a thread, off the event loop.
            return await asyncio.to_thread(self.query, request, accept=accept, base_iri=base_iri)
        prepared = self._prepare(request, accept, base_iri)
        key, found = self._recall(prepared)
        return _to_answer(found or self._keep(key, await self._store.run_async(prepared)))

    def _recall(self, prepared: QueryRequest) -> tuple[CacheKey | None, QueryAnswer | None]:
        """The cache key of a prepared request (None: not to be kept) and its kept answer, if any."""
        if not self.cache.enabled:
            return None, None
        key = self.cache.key(prepared, self._store.generation)
        return key, (self.cache.get(key) if key is not None else None)

    def _keep(self, key: CacheKey | None, answer: QueryAnswer) -> QueryAnswer:
        if key is not None:
            self.cache.put(key, answer, generation=self._store.generation)
        return answer

    def _prepare(self, request: ProtocolRequest, accept: str | None,
                 base_iri: str | None) -> QueryRequest:
        """The store's request: the query's form read by the guard and the answer's formats chosen."""
        text = _query_text(request)
        # FROM may name any graph: the engine only looks names up in its own store (module docstring).
        form = guard.check_query(text, None, refuse=self._settings.sparql_guard)
        if form in ("SELECT", "ASK"):
            solutions, graph = negotiate(accept, request.formats, RESULT_OFFERS).name, "turtle"
        else:
            solutions, graph = "json", negotiate(accept, request.formats, RDF_OFFERS).name
        return QueryRequest(
            text, solutions, graph,
            request.default_graphs if request.has_dataset else None,
            request.named_graphs if request.has_dataset else None,
            base_iri=_base(base_iri),
        )

    def update(self, request: ProtocolRequest, *, base_iri: str | None = None) -> SparqlAnswer:
        """Run a SPARQL Update when enabled, relative IRIs resolved against `base_iri`; raises
        ForbiddenError, QueryRefusedError, QuerySyntaxError."""
        if request.update is None:
            raise BadRequestError("No update: send one as update= (or a body of "
                                  "application/sparql-update).")
        if not self._settings.allow_updates:
            raise ForbiddenError(
                "SPARQL Update is switched off on this service (set KG_ALLOW_UPDATES=true to allow it)."
            )
        if request.using_graphs:
            raise QueryRefusedError(
                "using-graph-uri and using-named-graph-uri are not supported: this service's engine "
                "(pyoxigraph 0.5.13) cannot set the dataset of an update, and the service does not "
                "rewrite update text. Write USING <graph> or USING NAMED <graph> in the update itself "
                "(an update that has USING or WITH may not be sent with these parameters anyway)."
            )
        self._store.update(request.update, base_iri=_base(base_iri))  # the store applies the guard
        return SparqlAnswer(204, None, b"")

    def describe(self, accept: str | None, formats: tuple[str, ...],
                 endpoint_url: str) -> SparqlAnswer:
        """The service description; raises NotAcceptableError."""
        fmt = negotiate(accept, formats, RDF_OFFERS)
        body = render_description(
            endpoint_url, tuple(sorted(self.graphs())), fmt.name,
            updates=self._settings.allow_updates, query_timeout=self._settings.query_timeout,
            max_rows=self._settings.max_rows,
        )
        return SparqlAnswer(200, fmt.media_type, body)


@functools.lru_cache(maxsize=64)
def _base(endpoint_url: str | None) -> str | None:
    # The URL is built from the request's Host header, which the engine may not accept as an IRI
    # (`Host: a:b`): then relative IRIs stay unresolved (a syntax error) rather than failing the worker.
    return endpoint_url if endpoint_url is not None and is_absolute_iri(endpoint_url) else None


def _query_text(request: ProtocolRequest) -> str:
    if request.query is None:
        raise BadRequestError("No query: send one as query= (or a body of application/sparql-query).")
    return request.query


def _to_answer(answer: QueryAnswer) -> SparqlAnswer:
    formats = RDF_FORMATS if answer.kind == "graph" else RESULT_FORMATS
    truncated = None if answer.kind == "boolean" else answer.truncated
    return SparqlAnswer(200, formats[answer.format].media_type, answer.body, truncated)
