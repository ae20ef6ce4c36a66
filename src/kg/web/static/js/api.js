// The service's JSON APIs (their schemas: /openapi.json); every call rejects with an Error carrying the API's detail.
async function getJson(path, headers = {}) {
  const response = await fetch(path, { headers: { Accept: "application/json", ...headers } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(body?.detail || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

const q = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "")).toString();
const enc = encodeURIComponent;

export const api = {
  search: (text, limit = 8) => getJson(`/entities?${q({ q: text, limit })}`),
  entity: (id) => getJson(`/entities/${enc(id)}`),
  neighbourhood: (id, depth = 1) => getJson(`/entities/${enc(id)}/neighbourhood?${q({ depth })}`),
  paths: (source, target, k = 3) => getJson(`/paths?${q({ source, target, k })}`),
  timeline: (entity) => getJson(`/timeline?${q({ entity })}`),
  queries: () => getJson("/queries"),
  palette: () => getJson("/ui/palette.json"),
  sparql: (query) => getJson(`/sparql?${q({ query })}`, { Accept: "application/sparql-results+json" }),
  exportFormats: () => getJson("/export/formats"),
  exportUrl: (params) => `/export?${q(params)}`,
};
