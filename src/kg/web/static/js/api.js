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

const blank = (v) => v === undefined || v === null || v === "" || v === false;

/** A query string of `params`; array values repeat the parameter (node=a&node=b), blanks are left out. */
export function queryString(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) if (!blank(item)) search.append(name, String(item));
  }
  return search.toString();
}

const q = queryString;
const enc = encodeURIComponent;
const SPARQL_JSON = { Accept: "application/sparql-results+json" };

export const api = {
  search: (text, limit = 8) => getJson(`/entities?${q({ q: text, limit })}`),
  entity: (id) => getJson(`/entities/${enc(id)}`),
  neighbourhood: (id, depth = 1) => getJson(`/entities/${enc(id)}/neighbourhood?${q({ depth })}`),
  /** Paths with the API's options: k, max_hops, avoid_property (list), directed. */
  paths: (source, target, options = {}) => getJson(`/paths?${q({ source, target, ...options })}`),
  timeline: (filters = {}) => getJson(`/timeline?${q(filters)}`),
  browse: (filters = {}) => getJson(`/browse?${q(filters)}`),
  /** A citation read in context; document strings and the citation in `lang`. */
  evidence: (id, lang) => getJson(`/evidence/${enc(id)}?${q({ lang })}`),
  centrality: (measure, limit = 20) => getJson(`/analytics/centrality?${q({ measure, limit })}`),
  communities: (limit = 12, members = 40) => getJson(`/analytics/communities?${q({ limit, members })}`),
  properties: (prefix, limit = 8) => getJson(`/reconcile/suggest/property?${q({ prefix, limit })}`),
  queries: () => getJson("/queries"),
  /** Run a catalogue question with parameter values (else its defaults). */
  runQuestion: (name, values = {}) => getJson(`/queries/${enc(name)}?${q(values)}`, SPARQL_JSON),
  questionUrl: (name, values = {}, format) => `/queries/${enc(name)}?${q({ ...values, format })}`,
  palette: () => getJson("/ui/palette.json"),
  sparql: (query) => getJson(`/sparql?${q({ query })}`, SPARQL_JSON),
  sparqlUrl: (query, format) => `/sparql?${q({ query, format })}`,
  exportFormats: () => getJson("/export/formats"),
  exportUrl: (params) => `/export?${q(params)}`,
};
