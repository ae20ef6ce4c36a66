"""Write tokens (kg.auth) without HTTP: digests, their configuration, the Authorization header; `kg token`."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from kg import auth
from kg.auth import ConfigError, WriteTokens, load_digests, token_digest
from kg.cli import main
from kg.config import Settings
from kg.errors import UnauthorizedError

TOKEN = "right-token"
OTHER = "other-token"
ABC_DIGEST = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # SHA-256("abc")


def _tokens(*tokens: str) -> WriteTokens:
    return WriteTokens(tuple(token_digest(token) for token in tokens))


def _refusal(tokens: WriteTokens, authorization: str | None) -> UnauthorizedError:
    with pytest.raises(UnauthorizedError) as refused:
        tokens.check(authorization)
    assert refused.value.status == 401 and refused.value.code == "unauthorized"
    assert refused.value.headers["WWW-Authenticate"].startswith('Bearer realm="innokg"')
    return refused.value


# -- digests and their configuration ---------------------------------------------------------

def test_token_digest_is_the_sha256_hex_of_the_utf8_token() -> None:
    assert token_digest("abc") == ABC_DIGEST
    assert token_digest("令牌") == hashlib.sha256("令牌".encode()).hexdigest()


def test_settings_digests_are_read_trimmed_lower_cased_and_without_empty_entries() -> None:
    settings = Settings(write_tokens=f" {ABC_DIGEST.upper()} ,, {token_digest(TOKEN)},")
    assert WriteTokens.from_settings(settings).digests == (ABC_DIGEST, token_digest(TOKEN))


def test_no_configured_digest_is_an_empty_set() -> None:
    assert WriteTokens.from_settings(Settings()).digests == ()


def test_tokens_file_skips_comments_and_blank_lines_and_adds_to_the_variable(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text(f"# writers of the curation team\n\n{ABC_DIGEST}  # alice\n   \n"
                    f"{token_digest(OTHER)}\n", encoding="utf-8")
    assert load_digests(path) == ((ABC_DIGEST, None), (token_digest(OTHER), None))
    settings = Settings(write_tokens=token_digest(TOKEN), write_tokens_file=path)
    assert WriteTokens.from_settings(settings).digests == (
        token_digest(TOKEN), ABC_DIGEST, token_digest(OTHER))


def test_a_malformed_digest_is_a_config_error_that_does_not_echo_it() -> None:
    # A raw token pasted where its digest belongs must not end up in a log.
    with pytest.raises(ConfigError) as error:
        WriteTokens.from_settings(Settings(write_tokens=f"{ABC_DIGEST},{TOKEN}"))
    assert "KG_WRITE_TOKENS entry 2" in error.value.detail and "kg token --digest" in error.value.detail
    assert TOKEN not in error.value.detail


def test_a_malformed_line_of_the_tokens_file_is_named_by_its_number(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text(f"# header\n{ABC_DIGEST}\n{ABC_DIGEST[:-1]}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="KG_WRITE_TOKENS_FILE line 3"):
        WriteTokens.from_settings(Settings(write_tokens_file=path))


@pytest.mark.parametrize("content", [None, b"\xff\xfe not text"])
def test_an_unreadable_tokens_file_is_a_config_error(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "tokens"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError, match="KG_WRITE_TOKENS_FILE cannot be read") as error:
        WriteTokens.from_settings(Settings(write_tokens_file=path))
    assert error.value.status == 500 and str(tmp_path) not in error.value.detail


# -- the Authorization header ----------------------------------------------------------------

@pytest.mark.parametrize("authorization", [f"Bearer {TOKEN}", f"bearer {TOKEN}", f"BEARER  {TOKEN} "])
def test_the_right_token_is_accepted_whatever_the_scheme_case(authorization: str) -> None:
    _tokens(OTHER, TOKEN).check(authorization)


@pytest.mark.parametrize("authorization", [None, "", f"Basic {TOKEN}", "Bearer", "Bearer   ", TOKEN])
def test_a_missing_or_non_bearer_header_is_refused_asking_for_one(authorization: str | None) -> None:
    error = _refusal(_tokens(TOKEN), authorization)
    assert "Authorization: Bearer <token>" in error.detail


def test_a_wrong_token_is_refused_as_invalid_without_echoing_it() -> None:
    error = _refusal(_tokens(TOKEN), "Bearer not-the-token")
    assert error.headers["WWW-Authenticate"] == 'Bearer realm="innokg", error="invalid_token"'
    assert "not-the-token" not in error.detail
    assert "invalid_token" not in UnauthorizedError.headers["WWW-Authenticate"]  # class default kept


def test_without_configured_digests_every_write_is_refused_saying_how_to_configure() -> None:
    error = _refusal(WriteTokens(), f"Bearer {TOKEN}")
    assert "KG_WRITE_TOKENS" in error.detail and "kg token" in error.detail


@pytest.mark.parametrize("token", [TOKEN, OTHER, "wrong"])
def test_every_digest_is_compared_whichever_matches(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    compared: list[str] = []
    real = auth.hmac.compare_digest

    def counting(a: str, b: str) -> bool:
        compared.append(b)
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", counting)
    tokens = _tokens(TOKEN, OTHER, "third")
    try:
        tokens.check(f"Bearer {token}")
    except UnauthorizedError:
        assert token == "wrong"
    assert compared == list(tokens.digests)


# -- kg token ----------------------------------------------------------------------------------

def test_kg_token_prints_a_new_token_and_the_digest_that_accepts_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token"]) == 0
    lines = capsys.readouterr().out.splitlines()
    token = lines[0].removeprefix("token:").strip()
    digest = lines[1].removeprefix("digest:").strip()
    assert len(token) >= 43 and digest == token_digest(token)
    assert "KG_WRITE_TOKENS" in lines[2]
    WriteTokens.from_settings(Settings(write_tokens=digest)).check(f"Bearer {token}")
    assert main(["token"]) == 0
    assert capsys.readouterr().out.splitlines()[0] != lines[0]


def test_kg_token_digest_prints_the_digest_of_a_given_token(capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["token", "--digest", "abc"]) == 0
    assert capsys.readouterr().out == ABC_DIGEST + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("abc\n"))
    assert main(["token", "--digest", "-"]) == 0
    assert capsys.readouterr().out == ABC_DIGEST + "\n"


def test_a_token_may_be_named_and_the_name_is_kept_with_its_digest(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text(f"curator.li={token_digest(OTHER)}\n", encoding="utf-8")
    tokens = WriteTokens.from_settings(Settings(write_tokens=f"alice@lab={ABC_DIGEST},{token_digest(TOKEN)}",
                                                write_tokens_file=path))
    assert tokens.digests == (ABC_DIGEST, token_digest(TOKEN), token_digest(OTHER))
    assert tokens.name_of(ABC_DIGEST) == "alice@lab" and tokens.name_of(token_digest(OTHER)) == "curator.li"
    assert tokens.name_of(token_digest(TOKEN)) is None


def test_a_bad_token_name_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="name before '='"):
        WriteTokens.from_settings(Settings(write_tokens=f"two words={ABC_DIGEST}"))
