"""Apache Jena 4.5 (Debian's libapache-jena-java) against real `kg serve` processes: the `rsparql` and
`rupdate` commands, and RDFConnection (SPARQL query, update, Graph Store) from a small Java program.

Jena's HTTP client is Java's own, which asks for an HTTP/2 upgrade (`Connection: Upgrade,
HTTP2-Settings`, `Upgrade: h2c`) on every request with a body; a server that drops the bodies of such
requests answers a Graph Store PUT by emptying the graph. So every write here is read back, and a
recording relay between Jena and the server shows that the upgrade headers were really sent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from interop.conftest import GRAPH_PREFIX, WRITE_TOKEN, MakeRelay, RequestHead, served_graph
from live import LiveServer

SHARE = Path("/usr/share/java")
JAVA_SOURCES = Path(__file__).parent / "java"
#: Jena's dependencies as Debian installs them (jar names under /usr/share/java); docs/engine-notes.md §4.5.
DEPENDENCIES = (
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3",
    "dexx.collection", "gson", "guava", "httpclient", "httpcore", "jackson-annotations",
    "jackson-core", "jackson-databind", "jsonld-java", "jakarta.json-api", "protobuf", "thrift",
    "titanium-json-ld", "slf4j-api", "slf4j-simple",
)
#: Where jena-core.jar keeps xerces' message bundles; Debian's relocated xerces seeks them under
#: `xerces/impl/` instead, and every command dies in XSSimpleTypeDecl without them.
XERCES_BUNDLES = "org/apache/jena/ext/xerces/impl/"
JAVA_SECONDS = 90.0
SKOS = "http://www.w3.org/2004/02/skos/core#"
GRAPH = f"{GRAPH_PREFIX}jena:"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("java") is None or shutil.which("javac") is None,
                       reason="java or javac is not on PATH: install a JDK (Debian: default-jdk-headless)"),
    pytest.mark.skipif(not (SHARE / "jena-arq.jar").exists(),
                       reason="Apache Jena is not installed: run scripts/setup-debian as root "
                              "(apt-get install libapache-jena-java)"),
]


@dataclass(frozen=True)
class Jena:
    """Jena's jars, their dependencies and this suite's compiled programs, ready for `java -cp`."""

    classpath: str

    def run(self, main: str, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run `main` (a class name) with `args`; the token, if any, goes in $KG_TOKEN."""
        env = {key: value for key, value in os.environ.items() if key != "KG_TOKEN"}
        if token is not None:
            env["KG_TOKEN"] = token
        return subprocess.run(
            ["java", "-Dfile.encoding=UTF-8", "-cp", self.classpath, main, *args],
            capture_output=True, text=True, encoding="utf-8", env=env, timeout=JAVA_SECONDS, check=False,
        )


def _xerces_bundles(jena_core: Path, target: Path) -> Path:
    """Jena-core's xerces message bundles copied under `xerces/impl/`, where Debian's build seeks them."""
    with zipfile.ZipFile(jena_core) as jar:
        for name in jar.namelist():
            if name.startswith(XERCES_BUNDLES) and name.endswith(".properties"):
                path = target / "xerces" / "impl" / name.removeprefix(XERCES_BUNDLES)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(jar.read(name))
    return target


@pytest.fixture(scope="module")
def jena(tmp_path_factory: pytest.TempPathFactory) -> Jena:
    """The Jena classpath with tests/interop/java compiled into it; skips when a dependency is absent."""
    dependencies = [SHARE / f"{name}.jar" for name in DEPENDENCIES]
    absent = [path.name for path in dependencies if not path.exists()]
    if absent:
        pytest.skip(f"Jena's dependencies {', '.join(absent)} are missing from {SHARE}: "
                    "reinstall libapache-jena-java")
    workdir = tmp_path_factory.mktemp("jena")
    jars = [*sorted(SHARE.glob("jena-*.jar")), *dependencies,
            _xerces_bundles(SHARE / "jena-core.jar", workdir / "bundles")]
    classes = workdir / "classes"
    compiled = subprocess.run(
        ["javac", "-encoding", "UTF-8", "-d", str(classes), "-cp", os.pathsep.join(map(str, jars)),
         *map(str, sorted(JAVA_SOURCES.glob("*.java")))],
        capture_output=True, text=True, timeout=JAVA_SECONDS, check=False,
    )
    assert compiled.returncode == 0, compiled.stderr
    return Jena(os.pathsep.join(map(str, [*jars, classes])))


def _asks_for_h2c(head: RequestHead) -> bool:
    return (head.header("upgrade") or "").lower() == "h2c"


# -- rsparql -------------------------------------------------------------------------------------

NDRC_LABELS = (f"PREFIX skos: <{SKOS}>\n"
               "SELECT ?s ?label WHERE { ?s skos:altLabel \"国家发改委\"@zh ; skos:prefLabel ?label }")


def test_rsparql_get_select_as_json(readonly_server: LiveServer, jena: Jena, tmp_path: Path,
                                    relay: MakeRelay) -> None:
    wire = relay(readonly_server.url)
    query = tmp_path / "labels.rq"
    query.write_text(NDRC_LABELS, encoding="utf-8")
    result = jena.run("arq.rsparql", "--service", f"{wire.url}/sparql", "--query", str(query),
                      "--results=json")
    assert result.returncode == 0, result.stderr
    assert [head.method for head in wire.requests()] == ["GET"]
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert {row["s"]["value"] for row in bindings} == {"https://w3id.org/innokg/id/ndrc"}
    assert {(row["label"]["xml:lang"], row["label"]["value"]) for row in bindings} == {
        ("zh", "国家发展和改革委员会"), ("en", "National Development and Reform Commission")}


def test_rsparql_post_construct_as_ntriples(readonly_server: LiveServer, jena: Jena, tmp_path: Path,
                                            relay: MakeRelay) -> None:
    wire = relay(readonly_server.url)
    query = tmp_path / "aliases.rq"
    query.write_text(f"PREFIX skos: <{SKOS}>\nCONSTRUCT {{ ?s skos:altLabel ?alias }} WHERE "
                     "{ ?s skos:prefLabel \"国家发展和改革委员会\"@zh ; skos:altLabel ?alias }",
                     encoding="utf-8")
    result = jena.run("arq.rsparql", "--service", f"{wire.url}/sparql", "--query", str(query), "--post",
                      "--results=nt")
    assert result.returncode == 0, result.stderr
    aliases = set(re.findall(r'"([^"]+)"@(?:zh|en) \.', result.stdout))
    assert aliases == {"国家发改委", "国家发展改革委", "发改委", "发展改革委", "NDRC"}
    (post,) = wire.requests("POST")
    assert (post.header("content-type") or "").startswith("application/sparql-query")


# -- rupdate -------------------------------------------------------------------------------------

def test_rupdate_with_bearer_token_writes_and_drops(writable_server: LiveServer, jena: Jena,
                                                    tmp_path: Path, relay: MakeRelay) -> None:
    wire = relay(writable_server.url)
    graph = f"{GRAPH}rupdate"
    insert = tmp_path / "insert.ru"
    insert.write_text(f"PREFIX skos: <{SKOS}>\nINSERT DATA {{ GRAPH <{graph}> {{\n"
                      f"  <{graph}#office> skos:prefLabel \"上海科创办\"@zh ,\n"
                      "    \"Shanghai STC Office\"@en .\n} }", encoding="utf-8")
    result = jena.run("BearerRupdate", f"--service={wire.url}/sparql", f"--update={insert}",
                      token=WRITE_TOKEN)
    assert result.returncode == 0, result.stderr
    written = served_graph(writable_server, graph)
    assert written is not None and '"上海科创办"@zh' in written and '"Shanghai STC Office"@en' in written

    drop = tmp_path / "drop.ru"
    drop.write_text(f"DROP GRAPH <{graph}>", encoding="utf-8")
    result = jena.run("BearerRupdate", f"--service={wire.url}/sparql", f"--update={drop}", token=WRITE_TOKEN)
    assert result.returncode == 0, result.stderr
    assert served_graph(writable_server, graph) is None
    posts = wire.requests("POST")
    assert len(posts) == 2 and all(_asks_for_h2c(head) for head in posts)
    assert all(head.header("authorization") == f"Bearer {WRITE_TOKEN}" for head in posts)


def test_rupdate_without_token_is_refused(writable_server: LiveServer, jena: Jena, tmp_path: Path,
                                          relay: MakeRelay) -> None:
    wire = relay(writable_server.url)
    graph = f"{GRAPH}rupdate-anonymous"
    update = tmp_path / "insert.ru"
    update.write_text(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x-s> <urn:x-p> \"o\" }} }}", encoding="utf-8")
    result = jena.run("arq.rupdate", f"--service={wire.url}/sparql", f"--update={update}")
    # Jena 4.5 cannot read a Bearer challenge ("Bad authentication response") and fails with a
    # NullPointerException rather than an HTTP error; what matters here is the server's 401.
    assert result.returncode != 0
    assert wire.statuses() == [401]
    assert served_graph(writable_server, graph) is None


# -- RDFConnection ---------------------------------------------------------------------------------

def _observations(stdout: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in stdout.splitlines():
        key, _, value = line.partition("\t")
        found.setdefault(key, []).append(value)
    return found


def test_rdfconnection_query_update_and_graph_store(writable_server: LiveServer, jena: Jena,
                                                    relay: MakeRelay) -> None:
    wire = relay(writable_server.url)
    result = jena.run("RdfConnectionCheck", wire.url, GRAPH, token=WRITE_TOKEN)
    assert result.returncode == 0, result.stderr
    seen = _observations(result.stdout)
    ndrc = "https://w3id.org/innokg/id/ndrc"
    assert sorted(seen["select"]) == [f"{ndrc} National Development and Reform Commission@en",
                                      f"{ndrc} 国家发展和改革委员会@zh"]
    assert seen["update.readback"] == ["经 Jena RDFConnection 写入"]  # the update's body arrived
    assert seen["update.after_drop"] == ["false"]
    assert seen["gsp.put.size"] == ["3"] and seen["gsp.put.isomorphic"] == ["true"]
    assert seen["gsp.post.size"] == ["4"]  # POST added to the graph
    assert seen["gsp.reput.size"] == ["3"]  # PUT replaced it
    assert seen["gsp.after_delete"] == ["404"]
    # Without the token both writes fail (Jena 4.5 turns the Bearer 401 into an exception of its own).
    assert "accepted" not in seen["noauth.update"] + seen["noauth.put"]
    assert served_graph(writable_server, f"{GRAPH}refused") is None
    assert served_graph(writable_server, f"{GRAPH}gsp") is None
    assert wire.statuses().count(401) == 2

    puts, posts = wire.requests("PUT"), wire.requests("POST")
    assert len(puts) == 3 and len(posts) == 4  # 3 GSP PUTs; 3 updates and 1 GSP POST
    assert all(_asks_for_h2c(head) for head in puts + posts), "Java's HttpClient asks for h2c"
