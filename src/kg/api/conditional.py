"""Conditional GET: `ETag` on read answers, `If-None-Match` answered 304 without doing the work.

An answer of `/sparql`, `/entities`, `/id/…` or `/export` is a function of the request and the
store's state, nothing else. So its entity tag is computed from those two before the route runs: a
hash of the method-independent request (path, query string, and the headers that negotiation reads)
and of `Services.state_tag()` (on the embedded on-disk store its state id, shared by every process and
kept across restarts; elsewhere this process's start, the store's generation and the TTL window). A
client that sends the tag back gets `304 Not Modified` at the cost of one hash, and after any write
the tag changes, so a stale answer is never confirmed.

Only 200 answers get a tag, and only for requests whose answer repeats: a query string that names a
volatile SPARQL function (RAND, NOW, UUID…; kg.sparql.cache) gets none. Tags are strong: the bytes of
one (request, state) pair are the same every time (the engines' output order is stable for a state).
`Cache-Control: no-cache` lets caches keep the answer but makes them ask before reusing it, and
`Vary` names the negotiated headers (RFC 9110 §13.1.2, §8.8.3, RFC 9111 §5.2.2.4).
"""

from __future__ import annotations

import hashlib
from urllib.parse import unquote_plus

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.services import Services
from kg.sparql.cache import is_deterministic

#: Paths whose GET answers carry an ETag (prefixes; `/entities` covers lookup and entity views).
TAGGED = ("/sparql", "/entities", "/id/", "/export")
#: Request headers that choose between representations of the same URL.
_NEGOTIATED = (b"accept", b"accept-language")
_VARY = "Accept, Accept-Language"


def _tagged(path: str) -> bool:
    return path == "/sparql" or any(path.startswith(prefix) for prefix in TAGGED[1:])


def entity_tag(state: str, scope: Scope) -> str:
    """The strong ETag of a GET/HEAD answer to `scope` at store state `state`."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (state.encode(), scope["path"].encode(), scope.get("query_string", b"")):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    headers = dict(scope["headers"])
    for name in _NEGOTIATED:
        value = headers.get(name, b"")
        digest.update(len(value).to_bytes(8, "big"))
        digest.update(value)
    return f'"{digest.hexdigest()}"'


def _matches(if_none_match: str, tag: str) -> bool:
    # RFC 9110 §13.1.2: weak comparison, "*" matches any current representation.
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


class ConditionalGetMiddleware:
    """ETag on the 200 answers of the TAGGED read routes; 304 when If-None-Match has the tag."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in ("GET", "HEAD")
                or not _tagged(scope["path"])
                or not is_deterministic(unquote_plus(scope.get("query_string", b"").decode("latin-1")))):
            await self.app(scope, receive, send)
            return
        tag = entity_tag(self.services.state_tag(), scope)
        sent = Headers(scope=scope).get("if-none-match")
        if sent is not None and _matches(sent, tag):
            await send({"type": "http.response.start", "status": 304, "headers": [
                (b"etag", tag.encode()), (b"cache-control", b"no-cache"), (b"vary", _VARY.encode())]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_tagged(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = MutableHeaders(scope=message)
                headers["ETag"] = tag
                headers.setdefault("Cache-Control", "no-cache")
                headers.setdefault("Vary", _VARY)
            await send(message)

        await self.app(scope, receive, send_tagged)
