"""The composition root: every service of the project, built in one place from settings and a store.

The web app (`kg.api.app`, through one dependency) and every command (`kg.commands`) ask a `Services`
for what they need, so the two never assemble the same service two ways: a name resolves through the
same lookup index whether it came by `/paths`, `/export` or `kg trace`. Services are built on first
use, once, under one lock (the warm-up thread and the first requests may ask at the same moment), and
they depend on each other only through this object. Nothing here imports the web framework.

Layers (docs/architecture.md): this module sits above the use cases and below `kg.api` and
`kg.commands`, and is the only place that calls their constructors. Each builder imports its module
when first called, so a command pays only for what it uses (`kg load` never imports networkx).
"""

from __future__ import annotations

import gc
import logging
import secrets
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Generic, Self, TypeVar, cast, overload

from kg.config import Settings
from kg.quotes import add_quotes, add_source_texts
from kg.store import Engine, GraphStore

if TYPE_CHECKING:
    from kg.analytics import Analytics
    from kg.auth import WriteTokens
    from kg.browsing import EntityBrowser
    from kg.catalogue import Catalogue
    from kg.deployments import Deployments
    from kg.entities import EntityViews
    from kg.exports.exporter import Exporter
    from kg.graph_store import GraphStoreService
    from kg.graphview import GraphView
    from kg.ingest.linking import StoreLinker
    from kg.linked_data import LinkedData
    from kg.lookup.service import EntityLookup
    from kg.naming import EntityResolver
    from kg.paths import PathFinder
    from kg.provenance import Provenance
    from kg.reading import EvidenceReader
    from kg.reconcile import Reconciler
    from kg.review import Review
    from kg.sparql.endpoint import SparqlEndpoint
    from kg.store.index_files import IndexFiles

log = logging.getLogger(__name__)
T = TypeVar("T")
_MISSING = object()


class _Service(Generic[T]):
    """A service of `Services`, built by the decorated method on first use, then kept.

    A thread-safe, typed `functools.cached_property`: the build runs under the container's lock (so
    two threads never build two lookup indexes), and the value then sits in the instance's __dict__,
    where later reads find it without the lock.
    """

    def __init__(self, build: Callable[[Services], T]) -> None:
        self._build = build
        self.__doc__ = build.__doc__
        self._name = build.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, services: None, owner: type) -> _Service[T]: ...

    @overload
    def __get__(self, services: Services, owner: type) -> T: ...

    def __get__(self, services: Services | None, owner: type) -> _Service[T] | T:
        if services is None:
            return self
        with services._lock:
            found = services.__dict__.get(self._name, _MISSING)
            if found is _MISSING:
                found = services.__dict__[self._name] = self._build(services)
        return cast(T, found)


def service(build: Callable[[Services], T]) -> _Service[T]:
    """Decorator: the method builds one service of `Services`, once (see _Service)."""
    return _Service(build)


def open_store(settings: Settings) -> Engine:
    """The configured store, with the bundled graph loaded on first start and the quotes of its
    evidence cut from the report texts when they are at hand (idempotent: quoted evidence is left
    alone, so a store quoted before writes nothing at start). Raises the store's KGErrors."""
    store: Engine
    if settings.backend == "sparql":
        from kg.store.remote import RemoteStore

        store = RemoteStore.open(settings)
    else:
        store = GraphStore.open(settings)
    if settings.read_only or (settings.backend == "sparql" and not settings.sparql_update_url):
        return store  # read-only: quoted by whoever writes it, if at all
    # The report texts go into the store (graph:sources) first, so that quotes and reading in context
    # no longer need the directory once loaded (issue 15, part 3); idempotent like the quotes.
    kept = add_source_texts(store, settings.sources_dir)
    if kept:
        log.info("kept the text of %d report(s) from %s in the store", kept, settings.sources_dir)
    added = add_quotes(store, settings.sources_dir)
    if added:
        log.info("quoted %d evidence spans from the report texts in %s", added, settings.sources_dir)
    return store


class Services:
    """Settings, one store, and every service over them."""

    def __init__(self, settings: Settings, store: Engine, *, owns_store: bool = False) -> None:
        self.settings = settings
        self.store = store
        #: Whether closing these services closes the store too (they opened it), or only stops
        #: their query workers (the store was handed in, e.g. shared by tests).
        self._owns_store = owns_store
        self._lock = threading.RLock()  # reentrant: a service's build asks for the ones it needs
        #: Set when the warm-up has built the indexes (or at once when there is none): readiness.
        self.ready = threading.Event()
        #: Tells these services' answers apart from another process's or an earlier start's, whose
        #: store generations count from their own start (see `state_tag`).
        self._instance = secrets.token_hex(8)

    def state_tag(self) -> str:
        """A token that changes whenever an answer of these services may change.

        On the embedded on-disk store it is the store's state id (every write changes it, restarts
        keep it, every process of `kg serve --workers` shares it) with a digest of this code. Otherwise
        (in memory, on a remote engine, during a write) it names this process's start and the store's
        generation, and changes every `Settings.cache_ttl` seconds too, which bounds how long a write
        made past the service (on a remote engine) can go unseen.
        """
        state = self.store.state_id
        if state is not None:
            from kg.store.index_files import code_version

            return f"{code_version()}.{state}"  # another build may write other bytes for one state
        window = int(time.time() // self.settings.cache_ttl)
        return f"{self._instance}.{self.store.generation}.{window}"

    @classmethod
    def open(cls, settings: Settings | None = None) -> Self:
        """The services over the configured store (KG_* settings when omitted); raises KGError."""
        settings = settings or Settings()
        return cls(settings, open_store(settings), owns_store=True)

    # -- the model ---------------------------------------------------------------------------------

    @service
    def index_files(self) -> IndexFiles | None:
        """Where the indexes of the on-disk store's state are kept for the next start (None: in
        memory, on a remote engine, or KG_PERSIST_INDEXES=false)."""
        from kg.store.index_files import IndexFiles, index_dir

        settings = self.settings
        if settings.in_memory or settings.backend != "embedded" or not settings.persist_indexes:
            return None
        return IndexFiles(index_dir(settings.data_dir), self.store)

    @service
    def provenance(self) -> Provenance:
        """The evidence index, quoting the source texts when they are at hand."""
        from kg.provenance import Provenance

        return Provenance(self.store, self.settings.sources_dir, files=self.index_files)

    @service
    def lookup(self) -> EntityLookup:
        """The entity lookup index (names, abbreviations, pinyin, typos)."""
        from kg.lookup.service import EntityLookup

        return EntityLookup(self.store, cache_size=self.settings.lookup_cache, files=self.index_files)

    @service
    def resolver(self) -> EntityResolver:
        """Resolves ids, CURIEs, IRIs and names to entities: every entity parameter goes through it."""
        from kg.naming import EntityResolver

        return EntityResolver(self.store, self.lookup)

    @service
    def graph_view(self) -> GraphView:
        """The networkx projection of entity-to-entity relations."""
        from kg.graphview import GraphView

        return GraphView(self.store, self.provenance, files=self.index_files)

    @service
    def entity_views(self) -> EntityViews:
        """Entity views: facts in both directions with their citations."""
        from kg.entities import EntityViews

        return EntityViews(self.store, self.provenance, self.resolver)

    @service
    def path_finder(self) -> PathFinder:
        """Explained paths, neighbourhoods and the resolution of names to nodes of the relation graph."""
        from kg.paths import PathFinder

        return PathFinder(self.graph_view, self.settings, self.resolver)

    @service
    def catalogue(self) -> Catalogue:
        """The question catalogue (queries/*.rq)."""
        from kg.catalogue import Catalogue

        return Catalogue(self.settings.queries_dir)

    # -- the use cases -----------------------------------------------------------------------------

    @service
    def sparql(self) -> SparqlEndpoint:
        """The SPARQL 1.1 endpoint: every client query and update passes through it."""
        from kg.sparql.endpoint import SparqlEndpoint

        return SparqlEndpoint(self.store, self.settings)

    @service
    def exporter(self) -> Exporter:
        """Exports of scopes (all, neighbourhood, paths, trace, construct, nodes) in every format."""
        from kg.exports.exporter import Exporter

        return Exporter(self.store, self.graph_view, self.provenance, finder=self.path_finder,
                        max_nodes=self.settings.max_export_nodes)

    @service
    def browser(self) -> EntityBrowser:
        """Lists of entities by type, date and section, with facets (the browse view)."""
        from kg.browsing import EntityBrowser

        return EntityBrowser(self.store, self.graph_view, self.provenance,
                             max_limit=self.settings.max_rows)

    @service
    def reader(self) -> EvidenceReader:
        """Evidence read in context: the report, the paragraph around the span, how to cite it."""
        from kg.reading import EvidenceReader

        return EvidenceReader(self.store, self.provenance)

    @service
    def linker(self) -> StoreLinker:
        """Links names of an ingested report to the store's entities, through the shared lookup index."""
        from kg.ingest.linking import StoreLinker

        return StoreLinker(self.store, self.lookup)

    @service
    def reconciler(self) -> Reconciler:
        """The Reconciliation Service API (OpenRefine), over the shared lookup index."""
        from kg.reconcile import Reconciler

        return Reconciler(self.store, self.lookup, limit_cap=self.settings.lookup_limit)

    @service
    def linked_data(self) -> LinkedData:
        """Dereferenceable entity IRIs, the ontology document and the VoID description."""
        from kg.linked_data import LinkedData

        return LinkedData(self.store, self.entity_views)

    @service
    def graph_store(self) -> GraphStoreService:
        """The SPARQL 1.1 Graph Store HTTP Protocol over the store."""
        from kg.graph_store import GraphStoreService

        return GraphStoreService(self.store, allow_updates=self.settings.allow_updates)

    @service
    def analytics(self) -> Analytics:
        """Centrality, communities and components of the relation graph."""
        from kg.analytics import Analytics

        return Analytics(self.graph_view)

    @service
    def deployments(self) -> Deployments:
        """Which body implements which national deployment, through which leading group."""
        from kg.deployments import Deployments

        return Deployments(self.path_finder)

    @service
    def review(self) -> Review:
        """The review of ingested candidates: list, accept, reject, edit, merge (kg.review)."""
        from kg.review import Review

        return Review(self.store)

    @service
    def write_tokens(self) -> WriteTokens:
        """The bearer tokens writes need, read once from the settings; raises ConfigError."""
        from kg.auth import WriteTokens

        tokens = WriteTokens.from_settings(self.settings)
        if self.settings.allow_updates and not tokens.digests:
            log.warning("KG_ALLOW_UPDATES is on but KG_WRITE_TOKENS is empty: every write is refused")
        return tokens

    # -- life cycle --------------------------------------------------------------------------------

    def built(self) -> frozenset[str]:
        """Names of the services built so far (for /health and tests)."""
        return frozenset(name for name, value in vars(type(self)).items()
                         if isinstance(value, _Service) and name in self.__dict__)

    def warm_up(self) -> threading.Thread:
        """Build, in a background thread, the indexes every first request would otherwise wait for;
        `ready` is set when done (a failed warm-up only costs speed: the first request retries)."""
        thread = threading.Thread(target=self._warm_up, name="kg-warm-up", daemon=True)
        thread.start()
        return thread

    def _warm_up(self) -> None:
        started = time.perf_counter()
        # The query workers start in their own processes (SPARQL needs no index), so in a thread of
        # their own while this one builds or loads the indexes: the two overlap on two cores.
        engine = threading.Thread(target=self._start_engine, name="kg-warm-up-engine", daemon=True)
        engine.start()
        try:
            self.lookup.index()
            self.provenance.statements()
            self.graph_view.projection()
        except Exception:
            log.exception("warm-up failed; indexes will be built on first use")
        else:
            log.info("indexes ready in %.1f s", time.perf_counter() - started)
        engine.join()
        # The indexes are millions of long-lived objects: leave them out of the cyclic garbage
        # collector's full passes, which otherwise slow every request that follows (2.5 to 4.4 ms
        # for a two-hop SPARQL query at 1M triples, measured).
        gc.freeze()
        self.ready.set()

    def _start_engine(self) -> None:
        try:
            self.store.start_workers()
            len(self.store)  # the triple count /health reports
        except Exception:
            log.exception("the query workers did not start; the first query starts them")

    def close(self) -> None:
        """Stop the query workers and flush the store (closed too when these services opened it)."""
        if self._owns_store:
            self.store.close()
        else:
            self.store.stop_workers()
            self.store.flush()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
