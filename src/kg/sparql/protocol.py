"""The SPARQL 1.1 Protocol's request forms, parsed into one `ProtocolRequest`.

Query via GET `?query=`, POST `application/x-www-form-urlencoded` (`query=`) or POST
`application/sparql-query`; update via POST `application/sparql-update` or form `update=`.
Parameters keep their repetitions, because the protocol's error cases depend on them (two `query`
parameters are a 400) and because SPARQLWrapper repeats `format`/`output`/`results`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from kg.errors import BadRequestError, UnsupportedMediaTypeError

Params = Sequence[tuple[str, str]]

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
#: Parameters that name the answer's format (SPARQLWrapper sends all three; Fuseki reads `output`).
FORMAT_PARAMETERS = ("format", "output", "results")
#: RFC 3987's grammar of an absolute IRI, which the engine enforces on graph names and base IRIs
#: (a name it refuses would fail the query in the worker instead of answering 400 here).
_UCSCHAR = "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef" + "".join(
    f"{chr(plane << 16)}-{chr(plane << 16 | 0xFFFD)}" for plane in range(1, 14)) + "\U000e1000-\U000efffd"
_IPRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_PCT = "%[0-9A-Fa-f]{2}"
_UNRESERVED_SUB = f"A-Za-z0-9\\-._~{_UCSCHAR}!$&'()*+,;="
_PCHAR = f"(?:[{_UNRESERVED_SUB}:@]|{_PCT})"
_ABSOLUTE_IRI = re.compile(
    "[A-Za-z][A-Za-z0-9+.\\-]*:"  # scheme
    f"(?://(?:(?:[{_UNRESERVED_SUB}:]|{_PCT})*@)?"  # authority: user info,
    f"(?P<host>\\[[^\\]/]*\\]|(?:[{_UNRESERVED_SUB}]|{_PCT})*)(?::[0-9]*)?"  # host, port
    f"(?:/{_PCHAR}*)*|(?!//){_PCHAR}*(?:/{_PCHAR}*)*)"  # path
    f"(?:\\?(?:{_PCHAR}|[/?{_IPRIVATE}])*)?(?:#(?:{_PCHAR}|[/?])*)?"  # query, fragment
)
_IP_FUTURE = re.compile(r"[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+")


@dataclass(frozen=True)
class ProtocolRequest:
    """A parsed SPARQL Protocol request: a query or an update, its dataset and format overrides."""

    query: str | None = None
    update: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    using_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        """Whether the request names its own dataset (default-graph-uri / named-graph-uri)."""
        return bool(self.default_graphs or self.named_graphs)


def is_absolute_iri(text: str) -> bool:
    """Whether `text` is an absolute IRI (RFC 3987), one the engine takes as a graph name or base IRI."""
    match = _ABSOLUTE_IRI.fullmatch(text)
    if match is None:
        return False
    host = match.group("host") or ""
    if not host.startswith("["):
        return True
    if host[1:2] in ("v", "V"):
        return _IP_FUTURE.fullmatch(host[1:-1]) is not None
    try:
        ipaddress.IPv6Address(host[1:-1])
    except ValueError:
        return False
    return True


def _values(params: Params, name: str) -> tuple[str, ...]:
    return tuple(value for key, value in params if key == name)


def _graph_iris(params: Params, name: str) -> tuple[str, ...]:
    iris = _values(params, name)
    for iri in iris:
        if not is_absolute_iri(iri):
            raise BadRequestError(f"{name} {iri[:200]!r} is not an absolute IRI; name the graph by its "
                                  "full IRI, e.g. https://w3id.org/innokg/graph/ontology.")
    return iris


def _single(params: Params, name: str) -> str | None:
    values = _values(params, name)
    if len(values) > 1:
        raise BadRequestError(f"The request has {len(values)} '{name}' parameters; send exactly one.")
    return values[0] if values else None


def _build(params: Params, *, query: str | None = None, update: str | None = None) -> ProtocolRequest:
    query = query if query is not None else _single(params, "query")
    update = update if update is not None else _single(params, "update")
    if query is not None and update is not None:
        raise BadRequestError("The request has both a query and an update; send one of them.")
    return ProtocolRequest(
        query=query, update=update,
        default_graphs=_graph_iris(params, "default-graph-uri"),
        named_graphs=_graph_iris(params, "named-graph-uri"),
        using_graphs=_values(params, "using-graph-uri") + _values(params, "using-named-graph-uri"),
        formats=tuple(v for k, v in params if k in FORMAT_PARAMETERS),
    )


def parse_get(params: Params) -> ProtocolRequest:
    """A GET request (no `query`: the caller answers with the service description)."""
    request = _build(params)
    if request.update is not None:
        raise BadRequestError("SPARQL Update must be sent with POST, not GET.")
    return request


def media_type_of(content_type: str | None) -> tuple[str, str | None]:
    """The bare media type of a Content-Type header and its charset parameter, lower-cased."""
    media, *params = (p.strip() for p in (content_type or "").split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _decode(body: bytes, charset: str | None) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaTypeError(f"Charset {charset!r} is not supported; send UTF-8.")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequestError(f"The request body is not valid UTF-8 (byte {exc.start}).") from None


def parse_post(params: Params, content_type: str | None, body: bytes) -> ProtocolRequest:
    """A POST request (URL parameters plus the body); raises UnsupportedMediaTypeError, BadRequestError."""
    media, charset = media_type_of(content_type)
    if media == FORM:
        form = parse_qsl(_decode(body, charset), keep_blank_values=True)
        return _build([*params, *form])
    if media == QUERY_BODY:
        _refuse_in_url(params, "query")
        return _build(params, query=_decode(body, charset))
    if media == UPDATE_BODY:
        _refuse_in_url(params, "update")
        return _build(params, update=_decode(body, charset))
    shown = f"{media!r}" if media else "no Content-Type"
    raise UnsupportedMediaTypeError(
        f"POST /sparql takes {FORM}, {QUERY_BODY} or {UPDATE_BODY}, not {shown}."
    )


def _refuse_in_url(params: Params, name: str) -> None:
    if _values(params, name) or _values(params, "query" if name == "update" else "update"):
        raise BadRequestError(
            f"The body already holds the {name}; do not send query or update in the URL as well."
        )
