"""Opening the configured store the way every entry point does: the bundled graph loaded on first
start, and the quotes of its evidence cut from the report texts when they are at hand.

The API (`kg.api.app.create_app`) and the commands open the store here, so they agree on what a
freshly opened store holds. Quoting is idempotent: evidence already quoted is left alone, and a store
whose texts were quoted before writes nothing at start.
"""

from __future__ import annotations

import logging

from kg.config import Settings
from kg.quotes import add_quotes
from kg.store import GraphStore

log = logging.getLogger(__name__)


def open_store(settings: Settings) -> GraphStore:
    """The configured store, with the bundled graph and its quotes; raises the store's KGErrors."""
    store = GraphStore.open(settings)
    added = add_quotes(store, settings.sources_dir)
    if added:
        log.info("quoted %d evidence spans from the report texts in %s", added, settings.sources_dir)
    return store
