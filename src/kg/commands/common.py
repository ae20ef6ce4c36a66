"""Helpers shared by the subcommands: the store options, and the services they work with."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.config import Settings
from kg.services import Services


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


def services_from(args: argparse.Namespace) -> Services:
    """The services over the store the command works on (kg.services: the one composition root);
    use it as a context manager, so that query workers stop and the store is flushed at the end."""
    return Services.open(settings_from(args))
