"""`kg serve --workers N`: N server processes on one listening socket, and a parent that watches them.

The parent binds the socket and leaves the network (kg.store.sandbox) before it forks, so every
child inherits both; it opens no store and starts no thread, so forking is safe. The kernel hands each
new connection to one of the children accepting on the shared socket.

How the children share the store depends on where it lives:

- **Embedded, on disk, writable**: child 0 is the leader (it opens the store, takes every write and
  publishes each state); the others are replicas that read the published states and forward writes to
  the leader over a Unix socket (kg.store.replicas, kg.api.replica).
- **Embedded, read-only (`KG_READ_ONLY`)** or **a remote engine (`KG_BACKEND=sparql`)**: every child is
  the same; a remote engine shares its generation through the engine itself.
- **In memory**: refused; each process would hold its own copy, and a write would reach one of them.

A child that dies is started again (after a pause that grows while they keep dying); Ctrl-C or SIGTERM
stops them all.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from kg.config import Settings
from kg.errors import KGError
from kg.store.replicas import replicas_dir

log = logging.getLogger(__name__)

#: Seconds a replica waits for the leader's first published state (the leader may load the bundled
#: graph first: about 4 s per million triples, docs/engine-notes.md §1).
LEADER_START_TIMEOUT = 600.0
_RESTART_PAUSE = 0.5
_RESTART_PAUSE_MAX = 30.0


class WorkersRefusedError(KGError):
    """`--workers N` cannot be honoured with this store."""

    code = "workers_refused"


@dataclass(frozen=True)
class Plan:
    """How N processes share the configured store: with a leader (embedded, writable) or as peers."""

    workers: int
    leader: bool

    @classmethod
    def of(cls, settings: Settings, workers: int) -> Plan:
        """The plan for `settings`; raises WorkersRefusedError for an in-memory store."""
        remote = getattr(settings, "backend", "embedded") != "embedded"
        if settings.in_memory and not remote:
            raise WorkersRefusedError(
                "--workers needs an on-disk store or a remote engine: in memory, each process would hold "
                "its own copy of the graph; drop --memory / KG_IN_MEMORY, or use --workers 1.")
        return cls(workers, leader=not remote and not settings.read_only)


def serve_workers(settings: Settings, sock: socket.socket, workers: int) -> int:
    """Run `workers` server processes on `sock` until interrupted; the exit status."""
    plan = Plan.of(settings, workers)
    if plan.leader:
        # A previous run's published state must not be taken for the new leader's by a replica.
        shutil.rmtree(replicas_dir(settings.data_dir), ignore_errors=True)
        _preload_indexes(settings)
    private = Path(tempfile.mkdtemp(prefix="kg-serve-"))  # the leader's Unix socket: ours alone
    os.chmod(private, 0o700)
    leader_socket = private / "leader.sock"
    children: dict[int, int] = {}  # pid → worker index
    stopping = False

    def stop(signum: int, _: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            _signal(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pauses = [_RESTART_PAUSE] * workers
    try:
        for index in range(workers):
            children[_fork(index, plan, settings, sock, leader_socket)] = index
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            if pid not in children or stopping:
                children.pop(pid, None)
                continue
            index = children.pop(pid)
            log.error("server process %d (pid %d) ended with status %d; starting it again in %.1f s",
                      index, pid, os.waitstatus_to_exitcode(status), pauses[index])
            time.sleep(pauses[index])
            pauses[index] = min(pauses[index] * 2, _RESTART_PAUSE_MAX)
            if not stopping:
                children[_fork(index, plan, settings, sock, leader_socket)] = index
    finally:
        for pid in children:
            _signal(pid, signal.SIGTERM)
        shutil.rmtree(private, ignore_errors=True)
        if plan.leader:
            shutil.rmtree(replicas_dir(settings.data_dir), ignore_errors=True)
    return 0


def _preload_indexes(settings: Settings) -> None:
    """Load the kept indexes of the store's recorded state here, before forking: the processes then
    share their pages (copy on write) instead of each holding a copy; frozen, so that the collector
    of no process writes to them. The store itself is not opened (RocksDB does not survive a fork)."""
    from kg.store.embedded import stored_state_id
    from kg.store.index_files import index_dir, preload

    state = stored_state_id(settings.data_dir)
    if state is None or not settings.persist_indexes:
        return
    found = preload(index_dir(settings.data_dir), state)
    gc.freeze()
    log.info("preloaded %d kept index(es) for the server processes to share", found)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
        os.kill(pid, signum)


def _fork(index: int, plan: Plan, settings: Settings, sock: socket.socket, leader_socket: Path) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _run_child(index, plan, settings, sock, leader_socket)
        status = 0
    except KeyboardInterrupt:
        status = 0
    except KGError as exc:
        print(f"kg serve: process {index}: error: {exc.detail}", file=sys.stderr, flush=True)
    except BaseException:
        log.exception("server process %d failed", index)
    finally:
        os._exit(status)


def _run_child(index: int, plan: Plan, settings: Settings, sock: socket.socket, leader_socket: Path) -> None:
    from kg.api.app import create_app
    from kg.api.replica import LeaderRole, ReplicaRole
    from kg.api.server import run_server

    sockets = [sock]
    if not plan.leader:
        app = create_app(settings)
    elif index == 0:
        grace = max(30.0, 3 * settings.query_timeout)
        app = create_app(settings, role=LeaderRole(replicas_dir(settings.data_dir), grace))
        leader_socket.unlink(missing_ok=True)
        private = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        private.bind(str(leader_socket))
        private.listen(256)
        sockets.append(private)
    else:
        from kg.store import GraphStore
        from kg.store.replicas import Follower, wait_for_published

        root = replicas_dir(settings.data_dir)
        current = wait_for_published(root, timeout=LEADER_START_TIMEOUT)
        store = GraphStore.open_replica(settings, current.path, current.state_id)
        app = create_app(settings, role=ReplicaRole(store, Follower(store, root, current), leader_socket))
    run_server(app, settings, sockets=sockets)
