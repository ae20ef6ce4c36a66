"""Errors of the exports (KGError subclasses; the web layer maps them, the CLI prints them)."""

from __future__ import annotations

from kg.errors import BadRequestError, KGError


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
