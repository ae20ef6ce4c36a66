"""HEAD on every GET route, as a pure ASGI middleware: the GET answer's status and headers, no body.

FastAPI routes answer only the methods they declare, so HEAD got 405 everywhere but on the routes
that declare it (/rdf-graphs), while link checkers and crawlers send HEAD, and RFC 9110 (§9.1) has
every general-purpose server support it. The router itself says which routes lack HEAD: it answers
405 before any handler or dependency runs, so nothing has happened yet, and the request is sent again
as GET. Routes with their own HEAD are left alone. Either way the body is dropped and the headers,
Content-Length included, are those the route sent.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadMiddleware:
    """Answer HEAD as GET without the body, on routes that do not answer HEAD themselves."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        refused = False

        async def unless_refused(message: Message) -> None:
            nonlocal refused
            if message["type"] == "http.response.start" and message["status"] == 405:
                refused = True
            if not refused:
                await _send_headers_only(send, message)

        await self.app(scope, receive, unless_refused)
        if refused:
            async def headers_only(message: Message) -> None:
                await _send_headers_only(send, message)

            await self.app({**scope, "method": "GET"}, receive, headers_only)


async def _send_headers_only(send: Send, message: Message) -> None:
    """Pass the response start on; replace the body by one empty last chunk."""
    if message["type"] != "http.response.body":
        await send(message)
    elif not message.get("more_body", False):
        await send({"type": "http.response.body", "body": b"", "more_body": False})
