"""The web layer (FastAPI). Only this package imports FastAPI/Starlette; it never imports pyoxigraph."""
