"""The domain services the routers share, one accessor each, built once per app on first use.

Every router asks here, so two routers never build two indexes of the same store (and a path
request resolves names through the lookup whichever router built the path finder first).
"""

from __future__ import annotations

import gc
import logging
import threading
import time

from kg.api.state import AppState
from kg.catalogue import Catalogue
from kg.entities import EntityViews
from kg.graphview import GraphView
from kg.lookup.service import EntityLookup
from kg.paths import PathFinder
from kg.provenance import Provenance
from kg.store.runner import QueryRunner

log = logging.getLogger(__name__)


def provenance_of(state: AppState) -> Provenance:
    """The evidence index of the store, quoting the source texts when they are available."""
    return state.singleton("provenance", lambda: Provenance(state.store, state.settings.sources_dir))


def lookup_of(state: AppState) -> EntityLookup:
    """The entity lookup index (names, abbreviations, pinyin, typos)."""
    return state.singleton("lookup", lambda: EntityLookup(state.store,
                                                          cache_size=state.settings.lookup_cache))


def entity_views_of(state: AppState) -> EntityViews:
    """The builder of entity views (facts in both directions with citations)."""
    return state.singleton("entity_views", lambda: EntityViews(state.store, provenance_of(state)))


def graph_view_of(state: AppState) -> GraphView:
    """The networkx projection of entity-to-entity relations."""
    return state.singleton("graph_view", lambda: GraphView(state.store, provenance_of(state)))


def path_finder_of(state: AppState) -> PathFinder:
    """The path finder, resolving names through the lookup index."""
    return state.singleton("path_finder", lambda: PathFinder(graph_view_of(state), state.settings,
                                                             lookup=lookup_of(state)))


def catalogue_of(state: AppState) -> Catalogue:
    """The question catalogue (queries/*.rq)."""
    return state.singleton("catalogue", lambda: Catalogue(state.settings.queries_dir))


def query_runner_of(state: AppState) -> QueryRunner:
    """The SPARQL worker pool (started on first use, closed at shutdown)."""

    def start() -> QueryRunner:
        runner = QueryRunner(state.store, state.settings)
        state.on_close(runner.close)
        return runner

    return state.singleton("query_runner", start)


def warm_up(state: AppState) -> threading.Thread:
    """Build the indexes every first request would otherwise wait for, in a background thread."""

    def build() -> None:
        started = time.perf_counter()
        try:
            len(state.store)  # the triple count /health reports
            lookup_of(state).index()
            provenance_of(state).statements()
            graph_view_of(state).projection()
            query_runner_of(state)  # worker processes started, each with the store open
        except Exception:  # a failed warm-up only costs speed: the request that needs it retries
            log.exception("warm-up failed; indexes will be built on first use")
        else:
            log.info("warm-up done in %.1f s", time.perf_counter() - started)
        # The indexes are millions of long-lived objects: leave them out of the cyclic garbage
        # collector's full passes, which otherwise slow every request that follows (2.5 to 4.4 ms
        # for a two-hop SPARQL query at 1M triples, measured).
        gc.freeze()
        state.ready.set()

    thread = threading.Thread(target=build, name="kg-warm-up", daemon=True)
    thread.start()
    return thread
