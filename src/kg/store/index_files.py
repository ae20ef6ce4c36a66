"""Indexes built from one state of the store, kept beside it, so a restart loads instead of rebuilding.

The lookup index, the evidence index and the relation graph take most of a minute to build at a million
triples and seconds to load from a file (docs/engine-notes.md §4.6). Each is saved, after it was built,
under the store's `state_id` (which every write changes and which survives restarts,
kg.store.embedded) and this code's version, and loaded at the next start when both are the same. A
file that does not match them, cannot be read or holds something else is ignored (and the index
rebuilt); only the latest state's files are kept.

The files are pickles written by this service into its own data directory, next to the store files:
whoever can write there can change the store itself, so reading them trusts nothing more than the store
already does. Pickle is the format because the indexes are plain Python structures, and its load of the
largest (150 MB at 1M triples) is a few seconds.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import os
import pickle
import shutil
import threading
from pathlib import Path
from typing import TypeVar

from kg.store.engine import Engine

log = logging.getLogger(__name__)
T = TypeVar("T")


#: Index names, as their files are named.
NAMES = ("lookup", "evidence", "relations")
#: Indexes loaded by `kg serve --workers`'s parent before it forks its server processes
#: (kg.api.cluster): each process takes its copy from here instead of the file, and its pages stay
#: shared with the others until one of them writes to them (copy on write).
_PRELOADED: dict[tuple[str, str, str], object] = {}


@functools.cache
def code_version() -> str:
    """A digest of the package's source: the pickled indexes are instances of its classes, so files
    written by other code (an upgrade between two starts of an unchanged store) are never loaded."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def state_dir(root: Path, state: str) -> Path:
    """Where the indexes of store state `state` are kept, for this code."""
    return root / f"{state}.{code_version()}"


def index_dir(data_dir: Path) -> Path:
    """Where the indexes of the store at `data_dir` are kept."""
    return data_dir.parent / f".{data_dir.name}.indexes"


def _read(path: Path) -> object:
    # The cyclic collector would walk the growing heap again and again while millions of objects
    # are made (a load of seconds took several times longer with it on): off for the load.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as file:
            return pickle.load(file)  # noqa: S301 - our own file, beside our own store (docstring)
    finally:
        if collecting:
            gc.enable()


def preload(root: Path, state: str) -> int:
    """Load the index files of `state` under `root` into this process, for the processes it forks
    next; how many were found (a missing or unreadable file is simply not preloaded)."""
    found = 0
    for name in NAMES:
        try:
            _PRELOADED[(str(root), state, name)] = _read(state_dir(root, state) / f"{name}.pickle")
            found += 1
        except Exception as exc:  # the process that needs it reads it again, or rebuilds it
            log.info("not preloading the %s index (%s)", name, exc)
    return found


class IndexFiles:
    """Index files of `store` under `root/<state id>/<name>.pickle`."""

    def __init__(self, root: Path, store: Engine) -> None:
        self.root = root
        self._store = store
        self._lock = threading.Lock()

    def state(self) -> str | None:
        """The state an index built now would belong to (read it before building)."""
        return self._store.state_id

    def load(self, name: str, kind: type[T]) -> T | None:
        """The index `name` of the store's current state, if a file holds one of type `kind`."""
        state = self._store.state_id
        if state is None:
            return None
        path = state_dir(self.root, state) / f"{name}.pickle"
        found = _PRELOADED.pop((str(self.root), state, name), None)  # once: later states rebuild
        if found is None:
            try:
                found = _read(path)
            except FileNotFoundError:
                return None
            except Exception:  # a file cut short or of another version: rebuild rather than fail
                log.warning("ignoring the index file %s (unreadable); rebuilding it", path, exc_info=True)
                return None
        if not isinstance(found, kind) or self._store.state_id != state:
            return None
        return found

    def save(self, name: str, index: object, state: str | None) -> None:
        """Keep `index`, built from state `state`, unless the store has moved on since; drop the files
        of other states. A failure (full disk) is logged: the index is only not kept."""
        if state is None or self._store.state_id != state:
            return
        with self._lock:
            directory = state_dir(self.root, state)
            temporary = directory / f".{name}.{os.getpid()}.tmp"
            try:
                directory.mkdir(parents=True, exist_ok=True)
                with temporary.open("wb") as file:
                    pickle.dump(index, file, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, directory / f"{name}.pickle")
            except (OSError, pickle.PicklingError, TypeError, AttributeError):
                log.warning("could not keep the %s index on disk", name, exc_info=True)
                temporary.unlink(missing_ok=True)
                return
            for other in self.root.iterdir():
                if other != directory and other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)
