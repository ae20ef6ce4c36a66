"""The error hierarchy of the project.

Every error the domain raises is a `KGError`. Each class carries a stable snake_case `code` (what
clients match on) and the HTTP `status` the web layer answers with; the message names the bad value
and the fix. Foreign exceptions (pyoxigraph, rdflib, pyshacl...) are translated into these at the
boundary that calls the foreign library, and nowhere else.
"""

from __future__ import annotations


class KGError(Exception):
    """Base of every error this project raises on purpose."""

    code = "kg_error"
    status = 500
    #: Extra response headers this error asks for (Allow, Retry-After, WWW-Authenticate).
    headers: dict[str, str] = {}  # noqa: RUF012 - read-only class default, replaced per instance

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequestError(KGError):
    """The request or input is malformed."""

    code = "bad_request"
    status = 400


class NotFoundError(KGError):
    """Something named by the caller does not exist."""

    code = "not_found"
    status = 404


class EntityNotFoundError(NotFoundError):
    """No entity has the given IRI, CURIE or name."""

    code = "entity_not_found"


class EvidenceNotFoundError(NotFoundError):
    """No evidence node has the given id or IRI."""

    code = "evidence_not_found"


class GraphNotFoundError(NotFoundError):
    """No named graph has the given IRI."""

    code = "graph_not_found"


class QueryNotFoundError(NotFoundError):
    """No catalogue query has the given name."""

    code = "query_not_found"


class QuestionUnsupportedError(KGError):
    """A catalogue question the store's engine is known to answer wrongly (an incomplete answer is
    refused rather than given silently)."""

    code = "unsupported_by_engine"
    status = 501


class DefaultGraphReadOnlyError(KGError):
    """A write named the default graph, which is the read-only union of every graph."""

    code = "method_not_allowed"
    status = 405
    allow = "GET, HEAD"  # a 405 names the methods the resource does take (the Allow header)


class QuerySyntaxError(BadRequestError):
    """A SPARQL query or update does not parse."""

    code = "query_syntax_error"


class QueryRefusedError(BadRequestError):
    """A query uses a feature this endpoint refuses (SERVICE, LOAD, remote FROM, updates...)."""

    code = "query_refused"


class UpdateFailedError(BadRequestError):
    """The store refused a SPARQL Update (e.g. DROP of a graph that does not exist); nothing changed."""

    code = "update_failed"


class NestingTooDeepError(BadRequestError):
    """A query, update or RDF body nests deeper than Settings.max_nesting (checked before parsing)."""

    code = "nesting_too_deep"


class QueryTimeoutError(KGError):
    """A query ran past its time limit and was stopped."""

    code = "query_timeout"
    status = 503


class ServiceBusyError(KGError):
    """Every query worker stayed busy past the wait limit."""

    code = "service_busy"
    status = 503

    def __init__(self, detail: str, *, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class TooManyRequestsError(KGError):
    """The client passed its request rate (Settings.rate_limit)."""

    code = "too_many_requests"
    status = 429

    def __init__(self, detail: str, *, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class UnauthorizedError(KGError):
    """A write without a valid bearer token (Settings.write_tokens)."""

    code = "unauthorized"
    status = 401
    headers = {"WWW-Authenticate": 'Bearer realm="innokg"'}  # noqa: RUF012 - read-only


class InsufficientStorageError(KGError):
    """The disk is full: the write was refused and nothing acknowledged was lost."""

    code = "insufficient_storage"
    status = 507


class SandboxError(KGError):
    """The network sandbox of the processes that evaluate client text could not be applied."""

    code = "sandbox_unavailable"
    status = 500


class QueryFailedError(KGError):
    """The worker running a query failed (crashed, ran out of memory, or the store failed)."""

    code = "query_failed"
    status = 500


class NotAcceptableError(KGError):
    """No representation matches the client's Accept header."""

    code = "not_acceptable"
    status = 406


class UnsupportedMediaTypeError(KGError):
    """The request body has a media type the endpoint does not take."""

    code = "unsupported_media_type"
    status = 415


class PayloadTooLargeError(KGError):
    """The request body is larger than the configured limit."""

    code = "payload_too_large"
    status = 413


class ForbiddenError(KGError):
    """The operation is switched off by configuration (e.g. updates on a read-only service)."""

    code = "forbidden"
    status = 403


class LoadError(BadRequestError):
    """An RDF file could not be loaded; nothing was changed."""

    code = "load_error"

    def __init__(self, detail: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(detail)
        self.file = file
        self.line = line
        self.column = column


class ValidationFailedError(KGError):
    """The data does not conform to the SHACL shapes."""

    code = "validation_failed"
    status = 422


class UnknownExportFormatError(BadRequestError):
    """The export format is not one the service writes."""

    code = "unknown_export_format"


class ExportScopeError(BadRequestError):
    """The export scope is unknown or lacks a parameter it needs."""

    code = "bad_export_scope"


class RendererMissingError(KGError):
    """An image export needs Graphviz's `dot`, which is not installed."""

    code = "renderer_missing"
    status = 501


class RenderFailedError(KGError):
    """Graphviz failed or ran past its time limit while drawing an image."""

    code = "render_failed"
    status = 503
