"""Configuration as one typed object (environment variables with the KG_ prefix)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The repository root when running from a checkout (src/kg/config.py -> ../../..).
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_sources_dir() -> Path:
    """The shared source reports next to a checkout, where the report texts live."""
    return PROJECT_ROOT.parent / "shared" / "seeds"


class Settings(BaseSettings):
    """Every setting of the service; read from KG_* environment variables. Nothing is built at import."""

    model_config = SettingsConfigDict(env_prefix="KG_", frozen=True)

    data_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "store",
        description="Directory of the persistent store; created and loaded with the bundled graph "
        "on first start.",
    )
    in_memory: bool = Field(
        default=False, description="Keep the store in memory (tests); nothing is written to disk."
    )
    read_only: bool = Field(
        default=False, description="Open the on-disk store read-only, as it is at start: writes are "
        "refused. Read commands of the CLI open it so by themselves while a running server holds it."
    )
    ontology_dir: Path = Field(
        default=PROJECT_ROOT / "ontology", description="Bundled ontology (Turtle) loaded on first start."
    )
    bundled_data_dir: Path = Field(
        default=PROJECT_ROOT / "data", description="Bundled curated data (TriG) loaded on first start."
    )
    sources_dir: Path = Field(
        default_factory=_default_sources_dir,
        description="Directory holding the source report texts; when present, answers quote the "
        "cited spans.",
    )
    persist_indexes: bool = Field(
        default=True, description="Keep the lookup index, the evidence index and the relation graph of "
        "the on-disk store beside it, so that a restart loads them (seconds) instead of rebuilding them "
        "(most of a minute at a million triples); they are keyed by the store's state, which every write "
        "changes."
    )
    warm_up: bool = Field(
        default=True, description="At start, build the lookup index, the evidence index and the graph "
        "projection in the background, so that first requests do not wait for them."
    )
    host: str = Field(default="127.0.0.1", description="Interface the HTTP service binds to.")
    port: int = Field(default=8000, description="Port the HTTP service listens on.")
    base_url: str | None = Field(
        default=None, description="Public base URL of the service, if it differs from the request's."
    )
    query_timeout: float = Field(
        default=10.0, gt=0, description="Hard time limit of one SPARQL query, in seconds; the "
        "worker running it is killed at the deadline."
    )
    max_rows: int = Field(
        default=10_000, gt=0, description="Most solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) "
        "a query returns; answers say truncated when the cap is hit."
    )
    query_workers: int = Field(
        default=2, ge=1, description="Worker processes that run SPARQL queries."
    )
    max_body_bytes: int = Field(
        default=10 * 1024 * 1024, gt=0, description="Largest request body accepted (HTTP 413 past it)."
    )
    allow_updates: bool = Field(
        default=False, description="Accept SPARQL Update and Graph Store writes (read-only by default)."
    )
    max_hops: int = Field(default=6, ge=1, le=12, description="Most hops a path search follows.")
    max_paths: int = Field(default=10, ge=1, le=100, description="Most paths one path request returns.")
    path_time_budget: float = Field(
        default=2.0, gt=0, description="Time budget of one path or trace search, in seconds."
    )
    path_hub_degree: int = Field(
        default=5000, ge=1, description="Neighbours above which path search does not pass through a "
        "node (it may still start or end there); answers say truncated when that may hide a path."
    )
    max_chains: int = Field(
        default=100, ge=1, description="Most implementation chains one trace returns (reported when hit)."
    )
    max_neighbourhood_nodes: int = Field(
        default=500, ge=1, description="Most nodes a neighbourhood (GET /entities/{id}/neighbourhood) "
        "holds."
    )
    max_export_nodes: int = Field(
        default=5000, ge=1, description="Most nodes one export holds (GET /export, kg export), and the "
        "largest max_nodes a request may ask for; a cut export says so (KG-Truncated: true, and in the "
        "file where the format has room)."
    )
    lookup_limit: int = Field(default=100, ge=1, description="Largest page size of entity lookup.")
    lookup_cache: int = Field(
        default=1024, ge=0, description="Lookup answers kept for repeated queries (type-ahead, "
        "reconciling a column with repeated values); emptied by every write. 0 switches it off."
    )
    cache_bytes: int = Field(
        default=64 * 1024 * 1024, ge=0, description="Bytes of SPARQL answers kept for repeated queries "
        "(keyed by the exact request and the store's generation; emptied by every write). 0 switches "
        "the cache off."
    )
    cache_ttl: float = Field(
        default=60.0, gt=0, description="Seconds a kept SPARQL answer, and an ETag, stay valid at most: "
        "the bound on staleness when a remote engine is written past this service."
    )
    queries_dir: Path = Field(
        default=PROJECT_ROOT / "queries", description="Directory of the question catalogue (*.rq)."
    )
    max_ingest_bytes: int = Field(
        default=20 * 1024 * 1024, gt=0, description="Largest report file `kg ingest` reads (text, PDF or "
        "DOCX), in bytes; a larger file is refused before it is read."
    )
    # -- safety (README "Security model") ------------------------------------------------------
    unsafe_network: bool = Field(
        default=False, description="Serve even when the network sandbox cannot be applied (the "
        "processes that evaluate client text could then reach the network). Logs a warning; for "
        "machines whose kernel forbids namespaces, behind an egress firewall only."
    )
    sparql_guard: bool = Field(
        default=True, description="Read every SPARQL text before the engine does and refuse SERVICE, "
        "LOAD with a clear 400 query_refused. The network sandbox stops "
        "them either way; false only changes the answer to an engine error (for testing the sandbox). "
        "Cannot be false together with KG_UNSAFE_NETWORK=true."
    )
    max_nesting: int = Field(
        default=256, ge=8, le=10_000, description="Deepest nesting of brackets ({, (, [) or JSON / XML "
        "levels accepted in a query, an update or an uploaded RDF document; checked before any parser "
        "runs (deeper input is a 400)."
    )
    write_tokens: str = Field(
        default="", description="Comma-separated SHA-256 hex digests of the bearer tokens allowed to "
        "write (SPARQL Update, Graph Store PUT/POST/DELETE): `kg token` makes a token and its digest. "
        "Writes also need KG_ALLOW_UPDATES=true."
    )
    write_tokens_file: Path | None = Field(
        default=None, description="A file of token digests, one per line ('#' comments), read at "
        "start in addition to KG_WRITE_TOKENS."
    )
    cors_origins: str = Field(
        default="*", description="Comma-separated origins allowed to read through CORS (GET, HEAD, "
        "POST of queries); '*' for any. Write methods are never allowed cross-origin with '*'."
    )
    query_queue_wait: float = Field(
        default=0.5, gt=0, description="Longest a query waits for a free worker before the answer is "
        "503 service_busy with Retry-After (backpressure: a flood of slow queries is refused fast)."
    )
    rate_limit: float = Field(
        default=0.0, ge=0, description="Requests per second one client (IP address) may make on "
        "average; past it, 429 with Retry-After. 0 switches the limit off (behind a reverse proxy, "
        "limit there, where the client's address is known)."
    )
    rate_burst: int = Field(
        default=200, ge=1, description="Requests one client may make at once above KG_RATE_LIMIT's "
        "average (the token bucket's size)."
    )
    keepalive_timeout: float = Field(
        default=5.0, gt=0, description="Seconds an idle HTTP connection stays open between requests."
    )
    request_timeout: float = Field(
        default=30.0, gt=0, description="Seconds a client may take to send a request's headers and "
        "body; slower connections are closed (slow-body uploads hold no worker forever)."
    )
    max_connections: int = Field(
        default=1000, ge=1, description="Open HTTP connections served at once; past it, new ones get "
        "503 at once."
    )

    # -- the store's engine (README "A remote SPARQL engine") ----------------------------------
    backend: Literal["embedded", "sparql"] = Field(
        default="embedded", description="Where the store lives: `embedded` (pyoxigraph in this "
        "process, KG_DATA_DIR or KG_IN_MEMORY) or `sparql` (an existing SPARQL engine reached over "
        "HTTP at KG_SPARQL_QUERY_URL and KG_SPARQL_UPDATE_URL)."
    )
    sparql_query_url: str | None = Field(
        default=None, description="KG_BACKEND=sparql: the engine's SPARQL 1.1 query endpoint, e.g. "
        "http://127.0.0.1:7878/query (oxigraph serve) or http://127.0.0.1:8890/sparql (Virtuoso)."
    )
    sparql_update_url: str | None = Field(
        default=None, description="KG_BACKEND=sparql: the engine's SPARQL 1.1 Update endpoint; "
        "without it the store is read-only (writes answer 403)."
    )
    sparql_gsp_url: str | None = Field(
        default=None, description="KG_BACKEND=sparql: the engine's Graph Store Protocol endpoint "
        "(optional; without it graph reads and writes go through queries and updates)."
    )
    sparql_user: str | None = Field(
        default=None, description="KG_BACKEND=sparql: the user name sent to the engine (with "
        "KG_SPARQL_PASSWORD)."
    )
    sparql_password: SecretStr | None = Field(
        default=None, description="KG_BACKEND=sparql: the password sent to the engine (with "
        "KG_SPARQL_USER); never logged."
    )
    sparql_auth: Literal["basic", "digest"] = Field(
        default="basic", description="KG_BACKEND=sparql: how the credentials are sent: HTTP `basic` "
        "or `digest` authentication (Virtuoso's /sparql-auth takes digest)."
    )

    @model_validator(mode="after")
    def _guarded_somehow(self) -> Settings:
        if self.unsafe_network and not self.sparql_guard:
            raise ValueError("KG_SPARQL_GUARD=false needs the network sandbox: it cannot be combined "
                             "with KG_UNSAFE_NETWORK=true")
        return self

    @model_validator(mode="after")
    def _engine_reachable(self) -> Settings:
        urls = {"KG_SPARQL_QUERY_URL": self.sparql_query_url,
                "KG_SPARQL_UPDATE_URL": self.sparql_update_url, "KG_SPARQL_GSP_URL": self.sparql_gsp_url}
        given = [name for name, url in urls.items() if url]
        if self.backend == "embedded" and given:
            raise ValueError(f"{given[0]} is set but KG_BACKEND=embedded; set KG_BACKEND=sparql to "
                             "use the engine, or unset it")
        if self.backend == "sparql" and not self.sparql_query_url:
            raise ValueError("KG_BACKEND=sparql needs KG_SPARQL_QUERY_URL (and KG_SPARQL_UPDATE_URL "
                             "for writes)")
        for name, url in urls.items():
            if url and not url.startswith(("http://", "https://")):
                raise ValueError(f"{name}={url!r} is not an http:// or https:// URL")
        if (self.sparql_user is None) != (self.sparql_password is None):
            raise ValueError("KG_SPARQL_USER and KG_SPARQL_PASSWORD go together: set both or neither")
        return self
