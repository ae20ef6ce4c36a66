"""Write authorisation in the web layer: the app's WriteTokens and the check of a request's token."""

from __future__ import annotations

import logging

from fastapi import Request

from kg.api.state import AppState
from kg.auth import WriteTokens

log = logging.getLogger(__name__)


def write_tokens_of(state: AppState) -> WriteTokens:
    """The app's write tokens, read once from its settings; raises ConfigError when they are unusable."""

    def build() -> WriteTokens:
        tokens = WriteTokens.from_settings(state.settings)
        if state.settings.allow_updates and not tokens.digests:
            log.warning("KG_ALLOW_UPDATES is on but KG_WRITE_TOKENS is empty: every write is refused")
        return tokens

    return state.singleton("write_tokens", build)


def require_write_token(request: Request, state: AppState) -> None:
    """Return when the request carries an allowed bearer token; raises UnauthorizedError."""
    write_tokens_of(state).check(request.headers.get("authorization"))
