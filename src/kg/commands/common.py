"""Helpers shared by the subcommands: opening the configured store."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg import bundle
from kg.config import Settings
from kg.store import GraphStore


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """--data-dir and --memory, overriding KG_DATA_DIR / KG_IN_MEMORY."""
    parser.add_argument("--data-dir", type=Path, help="store directory (default: KG_DATA_DIR)")
    parser.add_argument("--memory", action="store_true",
                        help="use an in-memory store with the bundled graph (nothing persists)")


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, overridden by the store options."""
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    if getattr(args, "memory", False):
        overrides["in_memory"] = True
    return Settings(**overrides)  # type: ignore[arg-type]


def open_store(args: argparse.Namespace) -> GraphStore:
    """The store the command works on."""
    return bundle.open_store(settings_from(args))
