"""The network sandbox: after `deny_network()`, this process cannot reach any network address.

Every process that hands client-controlled text or bytes to the engine (SPARQL queries and updates,
uploaded RDF, CONSTRUCT exports, catalogue queries) calls it before it opens the store, and `kg serve`
applies it to the web process itself before any thread starts. The engine executes `SERVICE` and
`LOAD` and has no switch to turn them off; a text guard cannot predict its grammar
(docs/engine-notes.md §3.3), so the kernel is what makes the dangerous thing impossible, whatever a
query says.

How: the calling thread moves into a new, empty network namespace (`unshare(CLONE_NEWNET)`); as an
unprivileged user it first enters a new user namespace that maps its own uid and gid, which grants the right
to do so (docs/engine-notes.md §4.1). The new namespace has only a loopback interface, and that is down:
`connect()` to any address, 127.0.0.1 included, fails with "Network is unreachable", and name lookups fail.
Sockets and pipes made before the call keep working (the query workers' pipes to the parent, the web server's
listening socket). Namespaces belong to threads: threads started afterwards inherit the new one, threads that
already ran stay outside, so the call comes before any other thread starts.

`deny_network()` then checks its own result by trying to connect to 127.0.0.1 over IPv4 and IPv6;
if either succeeds, or the kernel refuses the namespaces, it raises SandboxError, and the service
refuses to start unless `KG_UNSAFE_NETWORK=true` (then it logs a warning and goes on).
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import socket

from kg.errors import SandboxError

log = logging.getLogger(__name__)

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
#: Errors a connect() from inside the empty namespace may give: the only interface (lo) is down.
_BLOCKED = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.EACCES,
                      errno.EPERM, errno.EAFNOSUPPORT})
_applied = False


def deny_network() -> None:
    """Move this thread (and every thread and process it starts) out of every network; raises
    SandboxError when the kernel refuses or the check finds a way out."""
    global _applied
    if _applied:
        return
    _unshare_network()
    failure = network_reachable()
    if failure:
        raise SandboxError(f"The network sandbox was applied but {failure}; refusing to go on.")
    _applied = True


def is_applied() -> bool:
    """Whether `deny_network` succeeded in this process."""
    return _applied


def _unshare_network() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNET) == 0:
        return  # root, or already in a user namespace of our own
    first = ctypes.get_errno()
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        raise SandboxError(
            "Cannot apply the network sandbox: the kernel refused a network namespace "
            f"({os.strerror(first)}) and a user namespace ({os.strerror(code)}). Allow unprivileged "
            "user namespaces (sysctl kernel.unprivileged_userns_clone=1) or, behind an egress "
            "firewall only, set KG_UNSAFE_NETWORK=true."
        )
    # Map our own ids into the new user namespace, so files keep their owner as seen from here.
    try:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    except OSError as exc:
        raise SandboxError(f"Cannot map ids in the sandbox's user namespace: {exc.strerror}.") from exc


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(text)


def network_reachable() -> str | None:
    """What this process can still reach ("127.0.0.1:9 over IPv4 is reachable"), or None."""
    for family, address in ((socket.AF_INET, ("127.0.0.1", 9)), (socket.AF_INET6, ("::1", 9))):
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError:
            continue  # the family is not there at all: nothing to reach through it
        with sock:
            sock.settimeout(1.0)
            try:
                sock.connect(address)
            except ConnectionRefusedError:
                return f"{address[0]} answered (connection refused means the address is reachable)"
            except OSError as exc:
                if exc.errno in _BLOCKED:
                    continue
                return f"connecting to {address[0]} failed with an unexpected error ({exc})"
            return f"{address[0]}:{address[1]} accepted a connection"
    return None


def apply_or_warn(*, unsafe: bool) -> None:
    """`deny_network()`, or with `unsafe` (KG_UNSAFE_NETWORK) a logged warning when it fails."""
    try:
        deny_network()
    except SandboxError as exc:
        if not unsafe:
            if "KG_UNSAFE_NETWORK" in exc.detail:
                raise
            raise SandboxError(f"{exc.detail} The service does not start without the sandbox; "
                               "KG_UNSAFE_NETWORK=true starts it anyway (behind an egress firewall "
                               "only).") from exc
        log.warning("KG_UNSAFE_NETWORK=true: running WITHOUT the network sandbox (%s)", exc.detail)
