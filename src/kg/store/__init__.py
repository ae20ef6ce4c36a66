"""The engine boundary: the only package that imports pyoxigraph.

`GraphStore` is the embedded store (in memory or on disk) the whole service reads from. Everything it
returns is engine-neutral (`kg.terms.Term`), so another backend can be added behind the same methods.
Client text reaches the engine only in sandboxed, network-less processes (`kg.store.sandboxed`).
"""

from kg.store.embedded import GraphStore, WriteLimits, format_for_path
from kg.store.sandboxed import QUAD_FORMATS, RDF_FORMATS

__all__ = ["QUAD_FORMATS", "RDF_FORMATS", "GraphStore", "WriteLimits", "format_for_path"]
