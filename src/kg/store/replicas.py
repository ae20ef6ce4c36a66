"""Several server processes over one on-disk store: a leader writes, replicas read its checkpoints.

RocksDB lets one process hold a store for writing. `kg serve --workers N` over the embedded store
therefore runs one leader, which opens the store as always and takes every write, and N-1 replicas,
which answer reads from the store as the leader last published it:

- After start and after every write, the leader makes a checkpoint of the store (hard links to the
  files of one moment, in milliseconds; nobody writes or compacts it, docs/engine-notes.md §4.3) and
  publishes it by replacing a small JSON file atomically (`Publisher`).
- Before each request, a replica looks at that file (one `stat`); when it changed, the replica opens
  the new checkpoint read-only and swaps it in as a write would (`GraphStore.switch_to`): its
  generation moves, so its caches and query workers follow. A write through any process is thus seen
  by every process from its next request on.
- An old checkpoint is removed once a newer one has been published for `grace` seconds (longer than a
  query may run), so a replica never loses the files under a read in flight.

The web layer sends a write that reaches a replica on to the leader (kg.api.replica).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KGError

if TYPE_CHECKING:
    from kg.store.embedded import GraphStore

log = logging.getLogger(__name__)

#: The published file's name, in the replicas directory.
CURRENT = "current.json"


def replicas_dir(data_dir: Path) -> Path:
    """Where the leader of the store at `data_dir` keeps its published checkpoints."""
    return data_dir.parent / f".{data_dir.name}.replicas"


@dataclass(frozen=True)
class Published:
    """One published state: its serial (strictly growing) and the checkpoint directory holding it."""

    serial: int
    path: Path
    state_id: str | None = None  # the leader's `GraphStore.state_id` of this state


def read_published(root: Path) -> Published | None:
    """The state last published under `root`, or None when none is (yet)."""
    try:
        found = json.loads((root / CURRENT).read_text(encoding="utf-8"))
        state = found.get("state")
        return Published(int(found["serial"]), Path(found["path"]), state if isinstance(state, str) else None)
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Publisher:
    """The leader's side: a checkpoint published after start and after every write."""

    def __init__(self, store: GraphStore, root: Path, *, grace: float) -> None:
        self._store = store
        self.root = root
        self.grace = grace
        self._lock = threading.Lock()
        self._older: list[tuple[float, Path]] = []  # replaced checkpoints and when they were replaced
        shutil.rmtree(root, ignore_errors=True)  # a previous run's checkpoints
        root.mkdir(parents=True)
        self.publish()
        store.on_change(self._after_write)

    def _after_write(self) -> None:
        try:
            self.publish()
        except KGError:
            # The write itself is committed; the replicas go on answering from the previous state
            # until the next write publishes one.
            log.exception("cannot publish the store's state to the replicas")

    def publish(self) -> Published:
        """Checkpoint the store now and make it the published state; remove stale checkpoints."""
        with self._lock:
            serial = time.time_ns()
            path = self.root / f"state-{serial}"
            self._store.checkpoint(path)
            temporary = self.root / f".{CURRENT}.{os.getpid()}"
            state = self._store.state_id
            temporary.write_text(json.dumps({"serial": serial, "path": str(path), "state": state}),
                                 encoding="utf-8")
            previous = read_published(self.root)
            os.replace(temporary, self.root / CURRENT)  # atomic: readers see the old file or the new
            now = time.monotonic()
            if previous is not None:
                self._older.append((now, previous.path))
            kept = []
            for replaced_at, old in self._older:
                if now - replaced_at > self.grace:
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    kept.append((replaced_at, old))
            self._older = kept
            return Published(serial, path, state)


class Follower:
    """A replica's side: notices a newly published state and switches its store to it."""

    def __init__(self, store: GraphStore, root: Path, current: Published) -> None:
        self._store = store
        self._file = root / CURRENT
        self._root = root
        self._serial = current.serial
        self._seen = self._stamp()
        self._lock = threading.Lock()

    @property
    def serial(self) -> int:
        """The serial of the state this replica answers from."""
        return self._serial

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = self._file.stat()
        except OSError:
            return None
        return (info.st_ino, info.st_mtime_ns)

    def stale(self) -> bool:
        """Whether the published file changed since we last looked (one `stat`)."""
        return self._stamp() != self._seen

    def refresh(self) -> bool:
        """Switch to the published state if it is newer than ours (one `stat` when it is not);
        whether it switched. A failure to open the new state is logged and the old one kept."""
        stamp = self._stamp()
        if stamp == self._seen:
            return False
        with self._lock:
            if stamp == self._seen:
                return False
            published = read_published(self._root)
            if published is None or published.serial <= self._serial:
                self._seen = stamp
                return False
            try:
                self._store.switch_to(published.path, published.state_id)
            except KGError:
                log.exception("cannot open the published state %s; answering from the previous one",
                              published.path)
                return False
            self._serial, self._seen = published.serial, stamp
            return True


def wait_for_published(root: Path, *, timeout: float) -> Published:
    """The first published state under `root`, waiting up to `timeout` seconds for the leader's start
    (which may load the bundled graph first); raises KGError when it does not come."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = read_published(root)
        if found is not None and found.path.is_dir():
            return found
        time.sleep(0.1)
    raise LeaderNotReadyError(f"The leader process published no store state in {timeout:g} s; see its "
                              "log lines above.")


class LeaderNotReadyError(KGError):
    """A replica waited in vain for the leader's first published state."""

    code = "leader_not_ready"
    status = 503
