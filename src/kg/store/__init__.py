"""The engine boundary: the only package that imports pyoxigraph.

`Engine` (kg.store.engine) is the interface the rest of the project reaches the engine through, and
`GraphStore` the embedded implementation (in memory or on disk). Everything it returns is
engine-neutral (`kg.terms.Term`, bytes of standard formats). Client text reaches the engine only
through `Engine.run` (queries: guard, sandboxed worker, serialisation, row cap) and `Engine.update`
(guard, sandboxed process), never in the calling process.

Modules: engine (the interface, QueryRequest, QueryAnswer), embedded (GraphStore), guard (the
SPARQL text check), pool (the query worker pool), worker (a query worker process), messages (the
worker protocol), results (answers as bytes, the row cap), sandboxed (parser and update processes),
sandbox (leaving the network), untrusted (checks on client input before any parser).
"""

from kg.store.embedded import GraphStore, WriteLimits, format_for_path
from kg.store.engine import Engine, QueryAnswer, QueryRequest
from kg.store.sandboxed import ENGINE_FORMATS, QUAD_FORMATS

__all__ = ["ENGINE_FORMATS", "QUAD_FORMATS", "Engine", "GraphStore", "QueryAnswer", "QueryRequest",
           "WriteLimits", "format_for_path"]
