"""The API documentation: Swagger UI at /docs, Redoc at /redoc, both working offline.

FastAPI's own pages load their scripts from a CDN and stay blank without the internet; these load
them from /static/vendor/ (scripts/setup-web copies them from the npm packages swagger-ui-dist and
redoc), and ask nothing of any other host: no Google fonts, no Swagger validator badge, and a
Content-Security-Policy keeps the browser from fetching what the bundles still name elsewhere (Redoc's
"API docs by Redocly" logo comes from its CDN; blocked, the bundle hides it).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from kg.api.routes.web import STATIC_DIR

router = APIRouter(include_in_schema=False)

#: Everything from this host only. Inline scripts and styles: FastAPI's page starts Swagger UI with an
#: inline script, and both bundles style their components inline; Redoc runs its search in a blob: worker.
POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' blob:; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'")

#: Where scripts/setup-web puts the assets, under STATIC_DIR and under the /static URL.
SWAGGER_UI = "vendor/swagger-ui"
REDOC = "vendor/redoc"
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
REDOC_FILES = ("redoc.standalone.js",)


def _missing(directory: str, files: tuple[str, ...]) -> list[str]:
    return [f"{directory}/{name}" for name in files if not (STATIC_DIR / directory / name).is_file()]


def _setup_needed(missing: list[str]) -> HTMLResponse:
    # Without npm the assets were never copied: say so, rather than serve a page that stays blank.
    return HTMLResponse(
        "<!doctype html><meta charset=utf-8><title>innokg API documentation</title>"
        "<p>The API documentation pages need their assets (" + ", ".join(missing) + "): run "
        "<code>scripts/setup-web</code> (npm). The OpenAPI description is at "
        "<a href=openapi.json>/openapi.json</a>.</p>", status_code=503)


def _urls(request: Request) -> tuple[str, str]:
    """The OpenAPI description's URL and the static files' base, behind a proxy's root path too."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return f"{root}{request.app.openapi_url}", f"{root}/static"


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over the OpenAPI description, with every asset served by this service."""
    missing = _missing(SWAGGER_UI, SWAGGER_FILES)
    if missing:
        return _setup_needed(missing)
    openapi, static = _urls(request)
    return _local_only(get_swagger_ui_html(
        openapi_url=openapi, title=f"{request.app.title} — API",
        swagger_js_url=f"{static}/{SWAGGER_UI}/swagger-ui-bundle.js",
        swagger_css_url=f"{static}/{SWAGGER_UI}/swagger-ui.css",
        swagger_favicon_url=f"{static}/{SWAGGER_UI}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},  # the badge would call validator.swagger.io
    ))


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """Redoc over the OpenAPI description, with every asset served by this service."""
    missing = _missing(REDOC, REDOC_FILES) + _missing(SWAGGER_UI, ("favicon-32x32.png",))
    if missing:
        return _setup_needed(missing)
    openapi, static = _urls(request)
    return _local_only(get_redoc_html(
        openapi_url=openapi, title=f"{request.app.title} — API",
        redoc_js_url=f"{static}/{REDOC}/redoc.standalone.js",
        redoc_favicon_url=f"{static}/{SWAGGER_UI}/favicon-32x32.png",
        with_google_fonts=False,
    ))


def _local_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = POLICY
    return page
