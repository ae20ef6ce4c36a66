"""The web page: `/` and `/ui/...` serve the single page; `/static/...` its JS, CSS and vendor files."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from starlette.staticfiles import StaticFiles

from kg.exports.palette import CATEGORY_COLOURS, DEFAULT_COLOUR

#: The page's files (src/kg/web/static); vendor/ is filled by scripts/setup-web.
STATIC_DIR = Path(__file__).resolve().parents[2] / "web" / "static"

router = APIRouter(include_in_schema=False)
router.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")


def _page() -> FileResponse:
    # no-cache: the page is tiny, and a stale copy after an upgrade would call old API shapes.
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})


@router.get("/")
def home() -> FileResponse:
    """The web page."""
    return _page()


@router.get("/ui")
def ui_root() -> RedirectResponse:
    """The page's alias without the trailing slash."""
    return RedirectResponse("/ui/")


@router.get("/ui/palette.json")
def palette() -> JSONResponse:
    """The category colours the exports use, so the page draws with the same palette."""
    return JSONResponse({"colours": CATEGORY_COLOURS, "default": DEFAULT_COLOUR})


@router.get("/ui/{path:path}")
def ui(path: str) -> FileResponse:
    """The web page under /ui/ (routing inside the page uses the URL fragment)."""
    return _page()
