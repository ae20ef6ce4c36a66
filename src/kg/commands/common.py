"""Helpers shared by the subcommands: the store options, and the services they work with."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from pydantic import ValidationError

from kg.config import Settings
from kg.errors import KGError
from kg.services import Services
from kg.store.sandboxed import StoreInUseError

log = logging.getLogger(__name__)


class SettingError(KGError):
    """A KG_* environment variable (or a command-line override of one) has a value Settings refuses."""

    code = "bad_setting"


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """--data-dir and --memory, overriding KG_DATA_DIR / KG_IN_MEMORY."""
    parser.add_argument("--data-dir", type=Path, help="store directory (default: KG_DATA_DIR)")
    parser.add_argument("--memory", action="store_true",
                        help="use an in-memory store with the bundled graph (nothing persists)")


def settings_from(args: argparse.Namespace, **overrides: object) -> Settings:
    """Settings from the environment, overridden by the store options and `overrides` (a command's
    own options, e.g. query_timeout); raises SettingError."""
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    if getattr(args, "memory", False):
        overrides["in_memory"] = True
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingError(describe_invalid_settings(exc)) from exc
    if not settings.in_memory and settings.data_dir.exists() and not settings.data_dir.is_dir():
        raise SettingError(f"The store directory {settings.data_dir} is a file; give a directory with "
                           "--data-dir or KG_DATA_DIR.")
    return settings


def describe_invalid_settings(error: ValidationError) -> str:
    """One sentence naming each refused variable, its value and why (pydantic's reason)."""
    problems = []
    for problem in error.errors():
        name = "KG_" + "_".join(str(part) for part in problem["loc"]).upper()
        value = problem.get("input")
        shown = f"={value!r}" if isinstance(value, str | int | float) else ""
        reason = str(problem["msg"]).removeprefix("Value error, ")
        problems.append(f"{name}{shown}: {reason}" if problem["loc"] else reason)
    noun = "setting" if len(problems) == 1 else "settings"
    return f"Bad {noun} {'; '.join(problems)}. Fix or unset it (the README's Configuration lists them)."


def services_from(args: argparse.Namespace, *, writes: bool = False, **overrides: object) -> Services:
    """The services over the store the command works on (kg.services: the one composition root);
    use it as a context manager, so that query workers stop and the store is flushed at the end.

    A command that only reads (`writes=False`) still works while another process (a running
    `kg serve`) holds the on-disk store: it then opens the store read-only, as it was at that moment.
    Raises SettingError and the store's KGErrors.
    """
    settings = settings_from(args, **overrides)
    try:
        return Services.open(settings)
    except StoreInUseError:
        if writes or settings.in_memory:
            raise
    log.info("the store at %s is held by another process: reading it read-only", settings.data_dir)
    return Services.open(settings.model_copy(update={"read_only": True}))
