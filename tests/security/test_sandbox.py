"""The network sandbox holds by itself: with the text guard switched off, nothing a client sends makes
the service connect anywhere.

- `deny_network()` in a fresh process (as root, and as uid 65534 on copies of the module): the canary
  listeners (TCP and UDP) hear nothing, `network_reachable()` is None, the pipe to the parent works.
  Each probe first runs WITHOUT the sandbox as a control, so a sandbox that does nothing would fail.
- A real `kg serve` with `KG_SPARQL_GUARD=false` gets SERVICE, LOAD, remote JSON-LD contexts and
  CONSTRUCT exports aimed at the canary: 0 connections, an error in the JSON shape (or, for the
  SILENT forms the standard defines as never failing, an empty answer and no change), and /health
  still answers. The default server (guard on) refuses the same with 400 query_refused.
- The web process of `kg serve` and every process it starts live in a network namespace of their own
  that holds nothing but a loopback interface.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from kg.auth import token_digest
from kg.config import PROJECT_ROOT
from live import LiveServer, serve_live
from security.conftest import Canary, auth_headers
from security.http_checks import assert_error_shape, assert_healthy, graph_content, triple_count

pytestmark = pytest.mark.e2e  # real server processes

TIMEOUT = 30.0
TOKEN = "sandbox-test-token"
EX = "http://example.org/sandbox/"
UPDATE = "application/sparql-update"

#: Runs in a fresh interpreter: optionally deny the network, then try the canaries. Prints JSON.
PROBE = textwrap.dedent("""
    import json, os, socket, sys
    from kg.store.sandbox import deny_network, is_applied, network_reachable
    tcp_port, udp_port, sandbox = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
    out = {"ns_before": os.readlink("/proc/self/ns/net"), "uid": os.getuid()}
    if sandbox:
        deny_network()
    out["ns_after"] = os.readlink("/proc/self/ns/net")
    out["applied"] = is_applied()
    out["reachable"] = network_reachable()
    try:
        socket.create_connection(("127.0.0.1", tcp_port), timeout=2).close()
        out["tcp"] = "connected"
    except OSError as exc:
        out["tcp"] = exc.errno
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(b"ping", ("127.0.0.1", udp_port))
        out["udp"] = "sent"
    except OSError as exc:
        out["udp"] = exc.errno
    print(json.dumps(out), flush=True)
""")


# -- helpers -----------------------------------------------------------------------------------

def _graph_absent(url: str, graph: str) -> bool:
    return graph_content(url, graph) is None


class UdpCanary:
    """A UDP socket on 127.0.0.1 that reports whether any datagram reached it."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])

    def received(self, wait: float = 0.3) -> bool:
        self.sock.settimeout(wait)
        try:
            self.sock.recv(64)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def udp_canary() -> Iterator[UdpCanary]:
    listener = UdpCanary()
    try:
        yield listener
    finally:
        listener.close()


def run_probe(python: str, tcp: Canary, udp: UdpCanary, *, sandbox: bool, cwd: Path,
              env: dict[str, str], user: int | None = None) -> dict[str, object]:
    extra = {} if user is None else {"user": user, "group": user, "extra_groups": []}
    done = subprocess.run([python, "-c", PROBE, str(tcp.port), str(udp.port), "1" if sandbox else "0"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False,
                          **extra)  # type: ignore[call-overload]
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def check_probe_pair(python: str, tcp: Canary, udp: UdpCanary, *, cwd: Path, env: dict[str, str],
                     user: int | None = None) -> None:
    own_ns = os.readlink("/proc/self/ns/net")
    # The control: without the sandbox the very same probe reaches both canaries.
    control = run_probe(python, tcp, udp, sandbox=False, cwd=cwd, env=env, user=user)
    assert control["tcp"] == "connected" and control["udp"] == "sent", control
    assert control["reachable"] is not None, control
    assert tcp.hits == 1 and udp.received(), "the control run should have reached the canaries"

    result = run_probe(python, tcp, udp, sandbox=True, cwd=cwd, env=env, user=user)
    if user is not None:
        assert result["uid"] == user, result
    assert result["applied"] is True, result
    assert result["reachable"] is None, result
    assert result["tcp"] != "connected" and result["udp"] != "sent", result
    assert result["ns_before"] == own_ns and result["ns_after"] != own_ns, result
    assert tcp.hits == 1, "the sandboxed probe reached the TCP canary"
    assert not udp.received(), "the sandboxed probe reached the UDP canary"


# -- deny_network() in a fresh process ---------------------------------------------------------

def test_deny_network_cuts_a_fresh_process_off(canary: Canary, udp_canary: UdpCanary) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src")}
    check_probe_pair(sys.executable, canary, udp_canary, cwd=PROJECT_ROOT, env=env)


def test_deny_network_cuts_off_an_unprivileged_user(canary: Canary, udp_canary: UdpCanary) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to run the probe as uid 65534 (nobody)")
    system_python = "/usr/bin/python3"
    if not os.access(system_python, os.X_OK):
        pytest.skip("no /usr/bin/python3 that nobody can run (the venv lives under /root)")
    # nobody cannot read the checkout under /root: copies of the two modules the sandbox needs, as a
    # tiny package in a world-readable directory.
    root = Path(tempfile.mkdtemp(prefix="kg-sandbox-nobody-"))
    try:
        package = root / "kg"
        (package / "store").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "store" / "__init__.py").write_text("")
        shutil.copy(PROJECT_ROOT / "src" / "kg" / "errors.py", package / "errors.py")
        shutil.copy(PROJECT_ROOT / "src" / "kg" / "store" / "sandbox.py", package / "store" / "sandbox.py")
        for path in (root, *root.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "HOME": "/nonexistent",
               "PYTHONDONTWRITEBYTECODE": "1"}
        check_probe_pair(system_python, canary, udp_canary, cwd=root, env=env, user=65534)
    finally:
        shutil.rmtree(root, ignore_errors=True)


# -- a real server without the text guard ------------------------------------------------------

@pytest.fixture(scope="module")
def unguarded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`kg serve` over an on-disk store, KG_SPARQL_GUARD=false, updates on with one token."""
    workdir = tmp_path_factory.mktemp("unguarded")
    env = {"KG_SPARQL_GUARD": "false", "KG_ALLOW_UPDATES": "true",
           "KG_WRITE_TOKENS": token_digest(TOKEN), "KG_WARM_UP": "false"}
    with serve_live(workdir, env=env, data_dir=workdir / "store") as server:
        yield server


def _token() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


#: Queries aimed at the canary ("C"). "error": the answer must be an error; "empty": SERVICE SILENT,
#: which SPARQL 1.1 defines as never failing (one empty solution), so an empty answer is right too.
#: The engine also swallows a failed SERVICE inside (NOT) EXISTS (pyoxigraph 0.5.13 treats the error
#: as "exists"), so those may answer 200 too; no remote binding can appear in any of them.
QUERIES: dict[str, tuple[str, str]] = {
    "plain": ("SELECT * WHERE { SERVICE <C> { ?s ?p ?o } }", "error"),
    "optional": ("SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE <C> { ?s ?p ?o } } } LIMIT 3", "error"),
    "exists": ("SELECT * WHERE { ?x ?y ?z FILTER EXISTS { SERVICE <C> { ?s ?p ?o } } } LIMIT 3", "empty"),
    "not_exists": ("ASK { ?x ?y ?z FILTER NOT EXISTS { SERVICE <C> { ?s ?p ?o } } }", "empty"),
    "subquery": ("SELECT * WHERE { { SELECT * WHERE { SERVICE <C> { ?s ?p ?o } } } }", "error"),
    # No LIMIT, and a one-row first branch: the engine must evaluate the SERVICE branch to answer.
    "union": ("SELECT * WHERE { { VALUES ?s { <http://example.org/x> } } UNION "
              "{ SERVICE <C> { ?s ?p ?o } } }",
              "error"),
    "construct": ("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <C> { ?s ?p ?o } }", "error"),
    "variable_endpoint": ("SELECT * WHERE { VALUES ?svc { <C> } SERVICE ?svc { ?s ?p ?o } }", "error"),
    "silent": ("SELECT * WHERE { SERVICE SILENT <C> { ?s ?p ?o } }", "empty"),
    "silent_in_optional": ("SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE SILENT <C> { ?s ?p ?o } } } "
                           "LIMIT 3", "empty"),
}


def _send_query(url: str, query: str, method: str) -> httpx.Response:
    if method == "GET":
        return httpx.get(f"{url}/sparql", params={"query": query}, timeout=TIMEOUT)
    if method == "POST-form":
        return httpx.post(f"{url}/sparql", data={"query": query}, timeout=TIMEOUT)
    return httpx.post(f"{url}/sparql", content=query.encode(),
                      headers={"content-type": "application/sparql-query"}, timeout=TIMEOUT)


def _no_remote_bindings(response: httpx.Response) -> None:
    """A successful SERVICE SILENT answer: solutions in which nothing came from the remote pattern."""
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    if "boolean" in body:
        return
    for row in body["results"]["bindings"]:
        assert not {"s", "p", "o"} & set(row), row


@pytest.mark.parametrize("method", ["GET", "POST-form", "POST-direct"])
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_service_never_reaches_the_canary_without_the_guard(unguarded_server: LiveServer, canary: Canary,
                                                            name: str, method: str) -> None:
    text, expected = QUERIES[name]
    response = _send_query(unguarded_server.url, text.replace("<C>", f"<{canary.url}>"), method)
    if expected == "error" or response.status_code >= 400:
        assert_error_shape(response)
    else:
        _no_remote_bindings(response)
    assert_healthy(unguarded_server.url)
    assert canary.hits == 0


#: Updates aimed at the canary; "G" is a graph of this test. SILENT forms must not fail (SPARQL 1.1),
#: so for them an acknowledged update that changed nothing is right too.
UPDATES: dict[str, tuple[str, str]] = {
    "load": ("LOAD <C>", "error"),
    "load_into": ("LOAD <C> INTO GRAPH <G>", "error"),
    "load_silent": ("LOAD SILENT <C> INTO GRAPH <G>", "no_change"),
    "insert_where_service": ("INSERT { GRAPH <G> { ?s ?p ?o } } WHERE { SERVICE <C> { ?s ?p ?o } }",
                             "error"),
    "delete_insert_service": ("DELETE { GRAPH <G> { ?s ?p ?o } } INSERT { GRAPH <G> { ?s ?p 'x' } } "
                              "WHERE { SERVICE <C> { ?s ?p ?o } }", "error"),
    "insert_where_service_silent": ("INSERT { GRAPH <G> { ?s ?p ?o } } WHERE { SERVICE SILENT <C> "
                                    "{ ?s ?p ?o } }", "no_change"),
    "second_operation": (f"INSERT DATA {{ GRAPH <G> {{ <{EX}s> <{EX}p> 'first' }} }} ; LOAD <C> INTO "
                         "GRAPH <G>", "error"),
}


@pytest.mark.parametrize("how", ["direct", "form"])
@pytest.mark.parametrize("name", sorted(UPDATES))
def test_updates_never_reach_the_canary_without_the_guard(unguarded_server: LiveServer, canary: Canary,
                                                          name: str, how: str) -> None:
    url, graph = unguarded_server.url, f"{EX}update/{name}/{how}"
    text, expected = UPDATES[name]
    text = text.replace("<C>", f"<{canary.url}>").replace("<G>", f"<{graph}>")
    before = triple_count(url)
    if how == "direct":
        response = httpx.post(f"{url}/sparql", content=text.encode(),
                              headers={"content-type": UPDATE, **_token()}, timeout=TIMEOUT)
    else:
        response = httpx.post(f"{url}/sparql", data={"update": text}, headers=_token(), timeout=TIMEOUT)
    if expected == "error" or response.status_code >= 400:
        assert_error_shape(response)
    else:
        assert response.status_code == 204, response.text[:300]
    assert _graph_absent(url, graph), f"{name}: the update changed the store"
    assert triple_count(url) == before
    assert_healthy(url)
    assert canary.hits == 0


@pytest.mark.parametrize("method", ["PUT", "POST"])
@pytest.mark.parametrize("shape", ["string", "array", "nested_scoped", "import"])
def test_jsonld_remote_context_is_never_fetched(unguarded_server: LiveServer, canary: Canary,
                                                shape: str, method: str) -> None:
    url, graph = unguarded_server.url, f"{EX}jsonld/{shape}/{method}"
    contexts: dict[str, object] = {
        "string": canary.url,
        "array": [canary.url, {"name": "http://schema.org/name"}],
        "nested_scoped": {"knows": {"@id": "http://xmlns.com/foaf/0.1/knows", "@context": canary.url}},
        "import": {"@import": canary.url, "name": "http://schema.org/name"},
    }
    document = {"@context": contexts[shape], "@id": f"{EX}x", "name": "y",
                "knows": {"@id": f"{EX}z", "name": "w"}}
    response = httpx.request(method, f"{url}/rdf-graphs", params={"graph": graph},
                             content=json.dumps(document).encode(),
                             headers={"content-type": "application/ld+json", **_token()}, timeout=TIMEOUT)
    assert_error_shape(response)
    assert _graph_absent(url, graph)
    assert_healthy(url)
    assert canary.hits == 0


def test_construct_export_never_reaches_the_canary(unguarded_server: LiveServer, canary: Canary) -> None:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"
    for fmt in ("turtle", "graphml", "csv"):
        response = httpx.get(f"{unguarded_server.url}/export",
                             params={"format": fmt, "scope": "construct", "query": query}, timeout=TIMEOUT)
        assert_error_shape(response)
    assert_healthy(unguarded_server.url)
    assert canary.hits == 0


def test_construct_export_reaches_the_sandboxed_engine_when_the_guard_is_off(
        unguarded_server: LiveServer, canary: Canary) -> None:
    # KG_SPARQL_GUARD=false exists to prove that the sandbox alone holds; /sparql honours it (the
    # refusal comes from the engine, which has no network). The construct export must too, or the
    # sandbox under it is never exercised: its refusal must be the engine's, which names the network.
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"
    sparql = assert_error_shape(_send_query(unguarded_server.url, query, "GET"))
    assert "network" in str(sparql["detail"]), sparql
    export = assert_error_shape(httpx.get(f"{unguarded_server.url}/export", params={
        "format": "turtle", "scope": "construct", "query": query}, timeout=TIMEOUT))
    assert "network" in str(export["detail"]), (
        f"/export answered with the text guard's refusal although KG_SPARQL_GUARD=false: {export}")
    assert canary.hits == 0


# -- the default server (guard on) -------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST-form"])
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_default_server_refuses_service_with_query_refused(live_server: str, canary: Canary,
                                                           name: str, method: str) -> None:
    text, _ = QUERIES[name]
    response = _send_query(live_server, text.replace("<C>", f"<{canary.url}>"), method)
    assert_error_shape(response, 400, "query_refused")
    assert canary.hits == 0


@pytest.mark.parametrize("name", sorted(UPDATES))
def test_default_writable_server_refuses_load_and_service_updates(writable_server: LiveServer,
                                                                  canary: Canary, name: str) -> None:
    url, graph = writable_server.url, f"{EX}guarded/{name}"
    text = UPDATES[name][0].replace("<C>", f"<{canary.url}>").replace("<G>", f"<{graph}>")
    response = httpx.post(f"{url}/sparql", content=text.encode(),
                          headers={"content-type": UPDATE, **auth_headers()}, timeout=TIMEOUT)
    assert_error_shape(response, 400, "query_refused")
    assert _graph_absent(url, graph)
    assert canary.hits == 0


# -- the processes of `kg serve` ---------------------------------------------------------------

def _interfaces(pid: int) -> set[str]:
    lines = Path(f"/proc/{pid}/net/dev").read_text().splitlines()[2:]
    return {line.split(":", 1)[0].strip() for line in lines}


def _check_server_processes(server: LiveServer, *, expect_parser: bool) -> None:
    own_ns = os.readlink("/proc/self/ns/net")
    web = psutil.Process(server.pid)
    web_ns = os.readlink(f"/proc/{server.pid}/ns/net")
    assert web_ns != own_ns, "the web process of kg serve shares the test's network namespace"
    assert _interfaces(server.pid) == {"lo"}, _interfaces(server.pid)
    children = web.children(recursive=True)
    names = []
    for child in children:
        try:
            ns = os.readlink(f"/proc/{child.pid}/ns/net")
            interfaces = _interfaces(child.pid)
            names.append(" ".join(child.cmdline())[:120])
        except (FileNotFoundError, ProcessLookupError, psutil.NoSuchProcess):
            continue  # a worker replaced meanwhile
        assert ns != own_ns, f"process {child.pid} ({child.cmdline()}) is on the host's network"
        assert interfaces == {"lo"}, (child.pid, interfaces)
    # The forkserver plus at least the query workers (and the parser when an upload started it).
    assert len(children) >= 1 + 2 + (1 if expect_parser else 0), names


def test_web_process_and_workers_have_no_network(unguarded_server: LiveServer) -> None:
    url = unguarded_server.url
    # Make sure the query workers and the upload parser are running.
    assert httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=TIMEOUT).status_code == 200
    put = httpx.put(f"{url}/rdf-graphs", params={"graph": f"{EX}ns"},
                    content=f"<{EX}s> <{EX}p> 'o' .".encode(),
                    headers={"content-type": "text/turtle", **_token()}, timeout=TIMEOUT)
    assert put.status_code in (201, 204), put.text
    assert httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=TIMEOUT).status_code == 200
    _check_server_processes(unguarded_server, expect_parser=True)


def test_default_server_processes_have_no_network(live_server_process: LiveServer) -> None:
    assert httpx.get(f"{live_server_process.url}/sparql", params={"query": "ASK {}"},
                     timeout=TIMEOUT).status_code == 200
    _check_server_processes(live_server_process, expect_parser=False)
