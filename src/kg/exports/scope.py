"""What part of the graph an export covers: the whole graph, a neighbourhood, paths, a trace, a SPARQL
CONSTRUCT, or chosen nodes (what a page shows) and every relation among them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from kg.errors import ExportScopeError

SCOPES = ("all", "neighbourhood", "path", "trace", "construct", "nodes")
DIRECTIONS = ("down", "up")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ExportScope:
    """The scope of one export and its parameters (only those of its kind are used)."""

    kind: str = "all"
    entity: str | None = None
    depth: int = 1
    source: str | None = None
    target: str | None = None
    k: int = 3
    direction: str = "down"
    query: str | None = None
    nodes: tuple[str, ...] = ()  # scope=nodes: the chosen entities, in any form kg.naming reads

    def checked(self) -> ExportScope:
        """The scope itself when its kind is known and has what it needs; raises ExportScopeError."""
        if self.kind not in SCOPES:
            raise ExportScopeError(f"Unknown export scope {self.kind!r}; use one of {', '.join(SCOPES)}.")
        needs = {
            "neighbourhood": ("entity",), "trace": ("entity",), "path": ("source", "target"),
            "construct": ("query",), "nodes": ("nodes",),
        }.get(self.kind, ())
        missing = [_PARAMETERS.get(name, name) for name in needs if not getattr(self, name)]
        if missing:
            raise ExportScopeError(
                f"scope={self.kind} needs the parameter(s) {', '.join(missing)}; e.g. "
                f"{_EXAMPLES[self.kind]}."
            )
        if self.kind == "nodes" and not all(n.strip() for n in self.nodes):
            raise ExportScopeError("scope=nodes got an empty node= value; give an id, IRI, CURIE or "
                                   "name in each.")
        if self.kind == "trace" and self.direction not in DIRECTIONS:
            raise ExportScopeError(f"Unknown trace direction {self.direction!r}; use up or down.")
        if self.depth < 1 or self.k < 1:
            raise ExportScopeError("depth and k must be at least 1.")
        return self


_EXAMPLES = {
    "neighbourhood": "scope=neighbourhood&entity=shanghai-stc-office&depth=1",
    "trace": "scope=trace&entity=shanghai-stc-office&direction=up",
    "path": "scope=path&source=ndrc&target=shanghai-stc-office&k=3",
    "construct": "scope=construct&query=CONSTRUCT { ?s ?p ?o } WHERE { ... }",
    "nodes": "scope=nodes&node=ndrc&node=shanghai-stc-office",
}
#: The query parameter of a scope field, where the two names differ.
_PARAMETERS = {"nodes": "node"}
#: Most ids a download name lists; past it the name gives the count and a digest of them.
_NAMED_IDS = 3


def safe_name(text: str) -> str:
    """`text` reduced to characters that are safe in any file name."""
    return _UNSAFE.sub("_", text).strip("_.") or "x"


def file_stem(scope: ExportScope, *ids: str) -> str:
    """The download name without extension: innokg-<scope>[-<id>...] (ids of the resolved entities)."""
    if scope.kind == "construct":
        digest = hashlib.sha256((scope.query or "").encode("utf-8")).hexdigest()[:10]
        parts = ["construct", digest]
    elif scope.kind == "trace":
        parts = ["trace", scope.direction, *ids]
    elif scope.kind == "nodes" and len(ids) > _NAMED_IDS:
        digest = hashlib.sha256(" ".join(sorted(ids)).encode("utf-8")).hexdigest()[:10]
        parts = ["nodes", str(len(ids)), digest]
    else:
        parts = [scope.kind, *ids]
    return "innokg-" + "-".join(safe_name(p) for p in parts)
