"""Request ids, as a pure ASGI middleware: every response carries `X-Request-ID`, every 5xx log line too.

A client (or a proxy in front) may send its own `X-Request-ID`; it is echoed when it is a sane token
(1 to 128 of [A-Za-z0-9._-]), so one id follows a request through every hop. Anything else (a newline,
a kilobyte, an empty value) is replaced by a fresh id: a header value from the client must not be
able to forge log lines or bloat them. The id is kept in the request's state (`request.state
.request_id`), where the error handlers read it for the log line and the 500 body.

Pure ASGI rather than BaseHTTPMiddleware, so streamed bodies pass through untouched and the app's
other pure-ASGI middlewares (body limit, deadlines, HEAD) see the same messages they always did.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import MutableMapping
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The request and response header carrying the id.
HEADER = "X-Request-ID"
#: What a client-sent id must look like to be echoed.
_SANE = re.compile(r"[A-Za-z0-9._-]{1,128}")


def new_request_id() -> str:
    """A fresh request id: 32 hex digits (a random UUID)."""
    return uuid.uuid4().hex


def to_request_id(sent: str | None) -> str:
    """`sent` when it is a sane token (≤ 128 of [A-Za-z0-9._-]), else a fresh id."""
    if sent is not None and _SANE.fullmatch(sent):
        return sent
    return new_request_id()


def find_request_id(scope: MutableMapping[str, Any]) -> str | None:
    """The id RequestIdMiddleware gave this request, or None outside it."""
    state = scope.get("state")
    found = state.get("request_id") if isinstance(state, MutableMapping) else None
    return found if isinstance(found, str) else None


class RequestIdMiddleware:
    """Give each HTTP request an id (the client's, when sane) and send it back as `X-Request-ID`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = to_request_id(Headers(scope=scope).get(HEADER))
        # In place, not on a copy: Starlette's outermost ServerErrorMiddleware (which answers a 500)
        # holds this very scope and reads the id from it.
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)
