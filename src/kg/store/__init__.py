"""The engine boundary: the only package that imports pyoxigraph.

`GraphStore` is the embedded store (in memory or on disk) the whole service reads from. Everything it
returns is engine-neutral (`kg.terms.Term`), so another backend can be added behind the same methods.
"""

from kg.store.embedded import RDF_FORMATS, GraphStore, format_for_path

__all__ = ["RDF_FORMATS", "GraphStore", "format_for_path"]
