"""Who may write: bearer tokens checked against the SHA-256 digests of Settings.write_tokens.

The service keeps digests, never tokens (`kg token` makes a token and its digest), so a leaked
configuration does not let anyone write. Writes also need Settings.allow_updates; that switch is
checked by the endpoints, before the token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KGError, UnauthorizedError

if TYPE_CHECKING:
    from kg.config import Settings

_DIGEST = re.compile(r"[0-9a-f]{64}")
#: The name a token's holder may be given in the configuration (`NAME=DIGEST`), recorded with review actions.
_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
# RFC 6750, section 3 (a challenge, not a secret):
_INVALID_TOKEN_CHALLENGE = 'Bearer realm="innokg", error="invalid_token"'  # noqa: S105


class ConfigError(KGError):
    """The write-token configuration (KG_WRITE_TOKENS, KG_WRITE_TOKENS_FILE) cannot be used."""

    code = "config_error"
    status = 500


def token_digest(token: str) -> str:
    """The SHA-256 hex digest of `token` (UTF-8): what KG_WRITE_TOKENS holds."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _named_digest(text: str, where: str) -> tuple[str, str | None]:
    """An entry `DIGEST` or `NAME=DIGEST` as (digest, name); raises ConfigError."""
    name, equals, rest = text.strip().partition("=")
    if not equals:
        return _to_digest(text, where), None
    if not _NAME.fullmatch(name.strip()):
        raise ConfigError(f"{where}: the name before '=' must be 1 to 64 of A-Z a-z 0-9 . _ @ -.")
    return _to_digest(rest, where), name.strip()


def _to_digest(text: str, where: str) -> str:
    """`text` as a lower-case hex digest; raises ConfigError (without echoing `text`, maybe a token)."""
    digest = text.strip().lower()
    if not _DIGEST.fullmatch(digest):
        raise ConfigError(
            f"{where} is not a SHA-256 hex digest (64 hex characters). Put the digest of a token "
            "there, not the token: `kg token --digest TOKEN` prints it."
        )
    return digest


def load_digests(path: Path) -> tuple[tuple[str, str | None], ...]:
    """The (digest, holder's name) of a tokens file (one `DIGEST` or `NAME=DIGEST` a line, '#'
    comments); raises ConfigError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError(f"KG_WRITE_TOKENS_FILE cannot be read ({reason}); fix the path or "
                          "its permissions.") from exc
    lines = (line.partition("#")[0].strip() for line in text.splitlines())
    return tuple(_named_digest(line, f"KG_WRITE_TOKENS_FILE line {number}")
                 for number, line in enumerate(lines, 1) if line)


def _bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (scheme in any case), else None."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


@dataclass(frozen=True)
class WriteTokens:
    """The digests of the tokens allowed to write, and the names their holders were given."""

    digests: tuple[str, ...] = ()
    names: tuple[tuple[str, str], ...] = ()  # (digest, name) of the named ones

    def name_of(self, digest: str) -> str | None:
        """The name configured for the token of this digest (`NAME=DIGEST`), if any."""
        return dict(self.names).get(digest)

    @classmethod
    def from_settings(cls, settings: Settings) -> WriteTokens:
        """KG_WRITE_TOKENS plus KG_WRITE_TOKENS_FILE; raises ConfigError on a bad file or digest."""
        entries = [entry for entry in settings.write_tokens.split(",") if entry.strip()]
        found = [_named_digest(entry, f"KG_WRITE_TOKENS entry {number}")
                 for number, entry in enumerate(entries, 1)]
        if settings.write_tokens_file is not None:
            found.extend(load_digests(settings.write_tokens_file))
        digests = tuple(dict.fromkeys(digest for digest, _ in found))
        return cls(digests, tuple((digest, name) for digest, name in found if name is not None))

    def check(self, authorization: str | None) -> None:
        """Return when `authorization` is `Bearer <token>` with an allowed token; raises UnauthorizedError."""
        if not self.digests:
            raise UnauthorizedError(
                "Writes are refused: this service has no write token configured. Its operator sets "
                "KG_WRITE_TOKENS to the digest of a token (`kg token` makes a token and its digest)."
            )
        token = _bearer_token(authorization)
        if token is None:
            raise UnauthorizedError(
                "This write needs a token: send the header 'Authorization: Bearer <token>'."
            )
        if not self._allows(token):
            error = UnauthorizedError("The bearer token is not one this service accepts for writes.")
            error.headers = {"WWW-Authenticate": _INVALID_TOKEN_CHALLENGE}
            raise error

    def _allows(self, token: str) -> bool:
        digest = token_digest(token)
        allowed = False
        for candidate in self.digests:
            # Every digest is compared, with no early exit: the time taken tells nothing of which
            # digest (or whether any) matched.
            allowed |= hmac.compare_digest(digest, candidate)
        return allowed
