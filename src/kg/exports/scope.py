"""What part of the graph an export covers: the whole graph, a neighbourhood, paths, a trace, a SPARQL
CONSTRUCT, or chosen nodes (what a page shows) and every relation among them.

Paths are searched with the options of GET /paths (k, max_hops, directed, the relation and type filters),
so a download of a path view holds the paths the page shows. The relation filter also thins what the
whole graph, a neighbourhood and chosen nodes draw (a relation hidden on screen stays out of the
download of the screen); an option a scope cannot use is refused, never silently ignored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from kg.errors import ExportScopeError
from kg.graphview import PropertyFilter, TypeFilter

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
    max_hops: int | None = None  # path: longest path (None: as GET /paths)
    directed: bool = False  # path: follow statements only from subject to object
    relations: PropertyFilter = field(default_factory=PropertyFilter)  # property= / avoid_property=
    types: TypeFilter = field(default_factory=TypeFilter)  # path, neighbourhood: type= / avoid_type=

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
        for option in self._options():
            if self.kind not in _TAKES[option]:
                raise ExportScopeError(f"{option} does not apply to scope={self.kind}; it applies to scope="
                                       f"{' or '.join(_TAKES[option])}.")
        return self

    def _options(self) -> list[str]:
        """The walk options given (by parameter name), whichever scope they apply to."""
        given = {"max_hops": self.max_hops is not None, "directed": self.directed,
                 "property": bool(self.relations.follow), "avoid_property": bool(self.relations.avoid),
                 "type": bool(self.types.through), "avoid_type": bool(self.types.avoid)}
        return [option for option, set_ in given.items() if set_]


_EXAMPLES = {
    "neighbourhood": "scope=neighbourhood&entity=shanghai-stc-office&depth=1",
    "trace": "scope=trace&entity=shanghai-stc-office&direction=up",
    "path": "scope=path&source=ndrc&target=shanghai-stc-office&k=3",
    "construct": "scope=construct&query=CONSTRUCT { ?s ?p ?o } WHERE { ... }",
    "nodes": "scope=nodes&node=ndrc&node=shanghai-stc-office",
}
#: The scopes each walk option applies to.
_TAKES = {
    "max_hops": ("path",), "directed": ("path",),
    "property": ("all", "neighbourhood", "path", "nodes"),
    "avoid_property": ("all", "neighbourhood", "path", "nodes"),
    "type": ("neighbourhood", "path"), "avoid_type": ("neighbourhood", "path"),
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
