"""Request body limit as a pure ASGI middleware, answering 413 in the project's error shape."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.api.errors import error_response
from kg.errors import PayloadTooLargeError


def _too_large(limit: int) -> str:
    return f"The request body is larger than {limit} bytes (KG_MAX_BODY_BYTES); send less at once."


class BodyLimitMiddleware:
    """Refuse bodies over `max_bytes`: by Content-Length up front, and while reading chunked bodies."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response = error_response(413, PayloadTooLargeError.code, _too_large(self.max_bytes))
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised inside the route's body read, so the app's error handler answers 413.
                    raise PayloadTooLargeError(_too_large(self.max_bytes))
            return message

        await self.app(scope, limited_receive, send)
