// Review: the candidates `kg ingest --load` put into the store (GET /review), each with its type, labels,
// link and every statement with its quoted evidence, and the curator's decisions on them (POST
// /review/accept|reject|edit|merge, docs/ingestion.md §Review). The write token is typed on the page and
// kept in sessionStorage only: it lasts as long as the tab, and never reaches the URL or localStorage,
// which outlive it and which other pages of the origin read. The filters live in the URL
// (#/review?status=pending&report=KEY&type=ikg:GovernmentBody).
import { api, queryString } from "../api.js";
import { entityInput } from "../autocomplete.js";
import { clear, fill, h } from "../dom.js";
import { lang, pick, t } from "../i18n.js";
import { displayQuote } from "../quotes.js";
import { categoryLabels, categoryName, colourOf, localName } from "../vocabulary.js";
import { entityHref, failure } from "./common.js";

const TOKEN_KEY = "innokg.writeToken";
const STATUSES = ["pending", "accepted", "rejected", "merged"];
const CANDIDATE_GRAPHS = "https://w3id.org/innokg/graph/candidates/";
const PREFIXES = {
  ikg: "https://w3id.org/innokg/ontology#", org: "http://www.w3.org/ns/org#", schema: "https://schema.org/",
  prov: "http://www.w3.org/ns/prov#", skos: "http://www.w3.org/2004/02/skos/core#", dcterms: "http://purl.org/dc/terms/",
  foaf: "http://xmlns.com/foaf/0.1/", rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  rdfs: "http://www.w3.org/2000/01/rdf-schema#", owl: "http://www.w3.org/2002/07/owl#", oa: "http://www.w3.org/ns/oa#",
};
// The ontology's classes (for the type filter and the edit form) and property labels, read once.
const TERMS = `PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?kind ?label WHERE { GRAPH <https://w3id.org/innokg/graph/ontology> {
  ?term a ?kind ; rdfs:label ?label
  FILTER(?kind IN (owl:Class, rdfs:Class, owl:ObjectProperty, owl:DatatypeProperty)) } }`;
// The reports with a candidate graph and their titles (read on each visit: loads add reports).
const REPORTS = `PREFIX ikg: <https://w3id.org/innokg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?g (SAMPLE(?title) AS ?t) WHERE { GRAPH ?g { ?report a ikg:Report OPTIONAL { ?report dcterms:title ?title } }
  FILTER(STRSTARTS(STR(?g), "${CANDIDATE_GRAPHS}")) } GROUP BY ?g ORDER BY ?g`;

let terms = null;
let counter = 0;

/** A CURIE for `iri` with the prefixes the API uses, else the IRI. */
function toCurie(iri) {
  for (const [prefix, base] of Object.entries(PREFIXES)) if (iri.startsWith(base)) return `${prefix}:${iri.slice(base.length)}`;
  return iri;
}

function loadTerms() {
  terms ||= api.sparql(TERMS).then((answer) => {
    const classes = new Map();
    const properties = new Map();
    for (const row of answer.results.bindings) {
      const curie = toCurie(row.term.value);
      const language = row.label["xml:lang"];
      const into = row.kind.value.endsWith("Class") ? classes : properties;
      const labels = into.get(curie) || {};
      if (language === "zh" || language === "en") labels[language] ||= row.label.value;
      into.set(curie, labels);
    }
    return { classes, properties };
  }).catch(() => ({ classes: new Map(), properties: new Map() }));
  return terms;
}

async function loadReports() {
  const answer = await api.sparql(REPORTS).catch(() => null);
  return (answer?.results?.bindings || []).map((row) => ({ key: row.g.value.slice(CANDIDATE_GRAPHS.length), title: row.t?.value || "" }));
}

// -- the token ------------------------------------------------------------------------------------

function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch { return ""; }
}

function keepToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage refused (private mode): the field still holds it for this visit */ }
}

function tokenPanel() {
  const input = h("input", { id: "review-token", type: "password", autocomplete: "off", spellcheck: "false",
    placeholder: t("reviewTokenPlaceholder"), value: storedToken() });
  const state = h("span", { class: "token-state", role: "status", "data-testid": "token-state" });
  const show = () => { state.textContent = storedToken() ? t("reviewTokenKept") : t("reviewTokenNone"); };
  input.addEventListener("input", () => { keepToken(input.value.trim()); show(); });
  const forget = h("button", { type: "button", class: "secondary", id: "review-token-forget",
    onclick: () => { input.value = ""; keepToken(""); show(); input.focus(); } }, t("reviewTokenForget"));
  show();
  return h("form", { class: "review-token", "data-testid": "token-form", onsubmit: (event) => event.preventDefault() },
    h("label", { for: "review-token" }, t("reviewToken")), input, forget, state,
    h("p", { class: "hint" }, t("reviewTokenHint")));
}

// -- talking to /review ------------------------------------------------------------------------------

/** GET or POST a /review path; rejects with an Error carrying the API's status, code and detail. */
async function call(path, body) {
  const headers = { Accept: "application/json" };
  if (body) {
    headers["Content-Type"] = "application/json";
    const token = storedToken();
    if (token) headers.Authorization = `Bearer ${token}`;
  }
  let response;
  try {
    response = await fetch(path, { method: body ? "POST" : "GET", headers, body: body ? JSON.stringify(body) : undefined });
  } catch {
    throw Object.assign(new Error(t("reviewOffline")), { status: 0, code: "" });
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    throw Object.assign(new Error(answer?.detail || `${response.status} ${response.statusText}`),
      { status: answer?.status || response.status, code: answer?.code || "" });
  }
  return answer;
}

const HINTS = { 401: "reviewHint401", 403: "reviewHint403", 404: "reviewHint404", 409: "reviewHint409" };

/** An API error as the curator reads it: status and code, the service's own message, what to do. */
function errorView(error) {
  return h("div", { class: "error review-error", role: "alert", "data-testid": "review-error",
    dataset: { status: String(error.status || ""), code: error.code || "" } },
  h("strong", {}, [error.status || "", error.code || t("error")].filter(Boolean).join(" ")), ": ", error.message,
  HINTS[error.status] ? h("p", { class: "hint" }, t(HINTS[error.status])) : null);
}

// -- one candidate --------------------------------------------------------------------------------

const labelOf = (c) => ({ zh: c.label_zh, en: c.label_en });
const swatch = (curie) => h("span", { class: "swatch", style: `background:${colourOf(localName(curie))}`, "aria-hidden": "true" });

function linkText(link) {
  if (!link) return t("reviewNew");
  const by = link.by ? (t(`linkBy_${link.by}`) === `linkBy_${link.by}` ? link.by : t(`linkBy_${link.by}`)) : "?";
  return t("reviewLink", { by, confidence: link.confidence ?? "?" });
}

function termView(term, candidate) {
  if (term.iri) {
    // A class (the object of rdf:type) is named in the page's language from the ontology's labels.
    const name = term.id === candidate.id ? pick(labelOf(candidate), term.id)
      : (term.id.includes(":") && categoryLabels(term.id) ? categoryName(term.id) : term.label || term.id);
    return h("span", { class: "term", title: term.id }, name);
  }
  const tag = term.lang ? `@${term.lang}` : term.datatype ? ` (${localName(term.datatype)})` : "";
  return h("span", { class: "literal" }, `"${term.literal}"`, h("sub", {}, tag));
}

function statementView(s, candidate, properties) {
  const where = `§${s.section || "?"}${s.section_title && s.section_title !== s.section ? ` ${s.section_title}` : ""}`;
  return h("li", { class: "statement", "data-testid": "statement", dataset: { evidence: s.evidence, curated: String(s.curated) } },
    h("div", { class: "triple" }, termView(s.subject, candidate),
      h("span", { class: "rel", title: s.predicate }, `→ ${pick(properties.get(s.predicate), s.predicate)} →`),
      termView(s.object, candidate),
      s.curated ? h("span", { class: "curated-tag" }, t("reviewCurated")) : null),
    h("div", { class: "citation" },
      h("span", { class: "where", title: `[${s.start}, ${s.end})` }, where), " ",
      s.quote ? h("q", { title: s.quote, "data-testid": "quote" }, displayQuote(s.quote)) : `[${s.start}, ${s.end})`,
      s.confidence !== null && s.confidence !== undefined ? h("span", { class: "confidence" }, ` · ${t("reviewConfidence")} ${s.confidence}`) : null));
}

function statusNote(c, names) {
  if (c.status === "accepted") {
    return h("p", { class: "status-note" }, h("a", { href: entityHref(c.id), "data-testid": "entity-link" }, `${t("reviewOpenEntity")} →`));
  }
  if (c.status === "merged" && c.replaced_by) {
    return h("p", { class: "status-note" }, `${t("reviewMergedInto")} `,
      h("a", { href: entityHref(c.replaced_by), "data-testid": "entity-link", title: c.replaced_by }, names.get(c.replaced_by) || c.replaced_by));
  }
  return null;
}

function classSelect(classes, attrs, first) {
  const options = [...classes.keys()].map((curie) => ({ curie, name: pick(classes.get(curie), categoryName(curie)) }))
    .sort((a, b) => a.name.localeCompare(b.name, lang()));
  return h("select", attrs, h("option", { value: "" }, first),
    options.map((o) => h("option", { value: o.curie }, `${o.name} · ${o.curie}`)));
}

/** Whether a curator can still decide on the candidate (accept, reject, edit, merge, select it). */
const decidable = (c) => c.status !== "accepted" && c.status !== "merged";

/** The actions open to a candidate: accept and reject, and forms to edit it and to merge it. */
function actionsView(c, classes, act) {
  if (!decidable(c)) return null;
  const n = ++counter;
  const body = { report: c.report };
  const label = h("input", { type: "text", id: `review-label-${n}`, name: "label", placeholder: pick(labelOf(c), "") });
  const language = h("select", { id: `review-lang-${n}`, name: "lang" }, h("option", { value: "zh" }, "中文 zh"), h("option", { value: "en" }, "English en"));
  language.value = lang();
  const type = classSelect(classes, { id: `review-type-${n}`, name: "type" }, t("reviewTypeUnchanged"));
  const edit = h("form", { class: "review-form", onsubmit: (event) => {
    event.preventDefault();
    act("edit", { ...body, candidate: c.id, label: label.value.trim() || null, lang: language.value, type: type.value || null });
  } },
  h("label", { for: label.id }, t("reviewNewLabel"), label), h("label", { for: language.id }, t("reviewLabelLang"), language),
  h("label", { for: type.id }, t("reviewNewType"), type),
  h("button", { type: "submit", "data-action": "edit" }, t("reviewSave")));
  const into = entityInput({ id: `review-into-${n}`, name: "into", placeholder: t("reviewMergePlaceholder") });
  const merge = h("form", { class: "review-form", onsubmit: (event) => {
    event.preventDefault();
    act("merge", { ...body, candidate: c.id, into: into.value() }, { into: into.input.value.trim() });
  } },
  h("label", { for: into.input.id }, t("reviewMergeInto"), into.wrap),
  h("button", { type: "submit", "data-action": "merge" }, t("reviewMergeButton")));
  return h("div", { class: "review-actions" },
    h("button", { type: "button", "data-action": "accept", onclick: () => act("accept", { ...body, candidates: [c.id] }) }, t("reviewAccept")),
    c.status === "rejected" ? null
      : h("button", { type: "button", class: "reject", "data-action": "reject", onclick: () => act("reject", { ...body, candidates: [c.id] }) }, t("reviewReject")),
    h("details", { class: "review-edit" }, h("summary", {}, t("reviewEdit")), edit),
    h("details", { class: "review-merge" }, h("summary", {}, t("reviewMerge")), merge));
}

function candidateCard(c, { classes, properties }, names, act) {
  const name = pick(labelOf(c), c.id);
  const second = lang() === "zh" ? c.label_en : c.label_zh;
  const message = h("div", { class: "candidate-message", "data-testid": "candidate-message" });
  return h("article", { class: `candidate status-${c.status}`, "data-testid": "candidate", tabindex: "-1",
    dataset: { id: c.id, status: c.status, report: c.report } },
  h("header", { class: "candidate-head" },
    decidable(c) ? h("input", { type: "checkbox", class: "candidate-select", "data-testid": "select",
      value: c.id, "aria-label": t("reviewSelect", { name }) }) : null,
    h("h2", { "data-testid": "candidate-title" }, name),
    second && second !== name ? h("span", { class: "alt" }, second) : null,
    h("span", { class: `status-badge status-${c.status}`, "data-testid": "status" }, t(`status_${c.status}`))),
  h("p", { class: "candidate-meta" },
    h("code", { class: "candidate-id" }, c.id),
    (c.types || []).map((curie) => h("span", { class: "type-tag", "data-testid": "type", dataset: { curie } }, swatch(curie), categoryName(curie))),
    h("span", { class: "link-info", "data-testid": "link" }, linkText(c.link)),
    c.confidence !== null && c.confidence !== undefined ? h("span", {}, `${t("reviewConfidence")} ${c.confidence}`) : null,
    h("span", { class: "report-key", title: c.graph }, `${t("reviewReport")} ${c.report}`)),
  c.alt_labels?.length ? h("p", { class: "aliases" }, `${t("aliases")}: ${c.alt_labels.join(" · ")}`) : null,
  statusNote(c, names),
  h("ul", { class: "statements-list", "aria-label": t("reviewStatements") }, c.statements.map((s) => statementView(s, c, properties))),
  actionsView(c, classes, (action, body, said) => act(action, body, message, said)),
  message);
}

// -- several at once -------------------------------------------------------------------------------

/** The bar that decides the ticked candidates in one call: "select all shown", how many are ticked,
 * "accept selected" and "reject selected" (POST /review/accept|reject takes a list). */
function bulkBar(cards, decide) {
  const boxes = () => [...cards.querySelectorAll("input[data-testid=select]")];
  const all = h("input", { type: "checkbox", id: "review-select-all", "data-testid": "select-all" });
  const count = h("span", { class: "selected-count", "data-testid": "selected-count" });
  const message = h("div", { class: "bulk-message", "data-testid": "bulk-message" });
  const show = () => {
    const ticked = boxes().filter((b) => b.checked).length;
    count.textContent = t("reviewSelected", { count: ticked });
    all.checked = ticked > 0 && ticked === boxes().length;
    all.indeterminate = ticked > 0 && ticked < boxes().length;
  };
  all.addEventListener("change", () => { boxes().forEach((b) => { b.checked = all.checked; }); show(); });
  cards.addEventListener("change", (event) => { if (event.target?.dataset?.testid === "select") show(); });
  const button = (action, label, extra) => h("button", { type: "button", class: extra, "data-action": `${action}-selected`,
    onclick: () => decide(action, boxes().filter((b) => b.checked).map((b) => b.value), message) }, label);
  const bar = h("div", { class: "review-bulk", "data-testid": "review-bulk" },
    h("label", { for: all.id, class: "select-all" }, all, t("reviewSelectAll")), count,
    button("accept", t("reviewAcceptSelected"), ""), button("reject", t("reviewRejectSelected"), "reject"), message);
  return { bar, show };
}

// -- the page -------------------------------------------------------------------------------------

function filterForm(query, reports, classes, navigate) {
  const status = h("select", { id: "review-status" }, h("option", { value: "" }, t("reviewAllStatuses")),
    STATUSES.map((s) => h("option", { value: s }, t(`status_${s}`))));
  status.value = query.status || "";
  const known = reports.some((r) => r.key === query.report);
  const report = h("select", { id: "review-report" }, h("option", { value: "" }, t("reviewAllReports")),
    reports.map((r) => h("option", { value: r.key }, r.title ? `${r.title} · ${r.key}` : r.key)),
    query.report && !known ? h("option", { value: query.report }, query.report) : null);
  report.value = query.report || "";
  const type = classSelect(classes, { id: "review-type" }, t("allTypes"));
  if (query.type && !classes.has(query.type)) type.append(h("option", { value: query.type }, query.type));
  type.value = query.type || "";
  return h("form", { class: "filters review-filters", "data-testid": "review-filters", onsubmit: (event) => {
    event.preventDefault();
    navigate(`#/review?${queryString({ status: status.value, report: report.value, type: type.value })}`);
  } },
  h("label", {}, t("reviewStatus"), status), h("label", {}, t("reviewReport"), report), h("label", {}, t("type"), type),
  h("button", { type: "submit", id: "review-apply" }, t("apply")),
  h("a", { href: "#/review", class: "clear" }, t("clearFilters")));
}

function doneText(action, result, names, into) {
  if (!result.changed.length) return t("reviewNothing");
  const named = result.changed.map((id) => names.get(id) || id).join(lang() === "zh" ? "、" : ", ");
  return t(`reviewDone_${action}`, { names: named, moved: result.moved, into });
}

export async function review(view, { query, navigate }) {
  const filters = { status: query.status || "", report: query.report || "", type: query.type || "" };
  const notice = h("div", { class: "review-notice", role: "status", "aria-live": "polite", "data-testid": "review-notice" });
  const list = h("div", { class: "review-list", "data-testid": "review-list" }, h("p", { class: "loading" }, t("loading")));
  const filterSlot = h("div");
  const section = h("section", { class: "review", "data-testid": "review", dataset: { done: "0" } },
    h("h1", {}, t("reviewTitle")), h("p", { class: "intro" }, t("reviewIntro")), tokenPanel(), filterSlot, notice, list);
  fill(view, section);
  const [vocabulary, reports] = await Promise.all([loadTerms(), loadReports()]);
  fill(filterSlot, filterForm(filters, reports, vocabulary.classes, navigate));
  let names = new Map();
  let reportOf = new Map();

  async function refresh() {
    const answer = await call(`/review?${queryString(filters)}`);
    names = new Map(answer.candidates.map((c) => [c.id, pick(labelOf(c), c.id)]));
    reportOf = new Map(answer.candidates.map((c) => [c.id, c.report]));
    const cards = h("div", { class: "candidates" }, answer.candidates.map((c) => candidateCard(c, vocabulary, names, act)));
    const bulk = answer.candidates.some(decidable) ? bulkBar(cards, decideSelected) : null;
    fill(list,
      h("p", { class: "summary", "data-testid": "review-total" }, t("reviewTotal", { total: answer.total })),
      bulk?.bar, answer.candidates.length ? cards : h("p", { class: "empty" }, t("reviewEmpty")));
    bulk?.show();
  }

  /** Accept or reject every ticked candidate in one call; the result (how many changed) is said above
   * the list, an error under the bar, as for one candidate. */
  async function decideSelected(action, ids, message) {
    clear(message);
    clear(notice);
    const bar = message.closest("[data-testid=review-bulk]");
    try {
      const refused = !storedToken() ? t("reviewNoToken") : !ids.length ? t("reviewSelectNone") : "";
      if (refused) {
        message.append(errorView(Object.assign(new Error(refused), { status: 0, code: "" })));
        if (!storedToken()) section.querySelector("#review-token")?.focus();
        return;
      }
      const reports = new Set(ids.map((id) => reportOf.get(id)));
      const body = { candidates: ids, ...(reports.size === 1 ? { report: [...reports][0] } : {}) };
      bar?.querySelectorAll("button").forEach((button) => { button.disabled = true; });
      let result;
      try { result = await call(`/review/${action}`, body); } catch (error) {
        message.append(errorView(error));
        bar?.querySelectorAll("button").forEach((button) => { button.disabled = false; });
        return;
      }
      const said = [result.changed.length ? t(`reviewBulkDone_${action}`, { changed: result.changed.length, moved: result.moved })
        : t("reviewNothing"), result.changed.length && result.unchanged.length
        ? t("reviewBulkUnchanged", { unchanged: result.unchanged.length }) : ""].filter(Boolean).join(" ");
      try { await refresh(); } catch (error) { failure(list, error); }
      fill(notice, h("span", { "data-testid": "bulk-result", dataset: { changed: String(result.changed.length) } }, said));
    } finally {
      section.dataset.done = String(Number(section.dataset.done) + 1);  // browser tests wait for this
    }
  }

  /** Send one decision; on success the list is read again (an accept can settle other candidates'
   * statements too) and the result said above it, on failure the error shown in the card. */
  async function act(action, body, message, { into = "" } = {}) {
    const card = message.closest("[data-testid=candidate]");
    const id = card?.dataset.id;
    clear(message);
    clear(notice);
    try {
      if (!storedToken()) {
        message.append(errorView(Object.assign(new Error(t("reviewNoToken")), { status: 0, code: "" })));
        section.querySelector("#review-token")?.focus();
        return;
      }
      if (action === "merge" && !body.into) {
        message.append(errorView(Object.assign(new Error(t("reviewMergeEmpty")), { status: 0, code: "" })));
        return;
      }
      card?.querySelectorAll("button").forEach((button) => { button.disabled = true; });
      let result;
      try { result = await call(`/review/${action}`, body); } catch (error) {
        message.append(errorView(error));
        card?.querySelectorAll("button").forEach((button) => { button.disabled = false; });
        return;
      }
      const said = doneText(action, result, names, into || body.into);
      try { await refresh(); } catch (error) { failure(list, error); }
      fill(notice, said,
        action === "accept" && result.changed.length ? [" ", h("a", { href: entityHref(result.changed[0]) }, `${t("reviewOpenEntity")} →`)] : null);
      list.querySelector(`[data-testid=candidate][data-id="${CSS.escape(id || "")}"]`)?.focus({ preventScroll: true });
    } finally {
      section.dataset.done = String(Number(section.dataset.done) + 1);  // browser tests wait for this
    }
  }

  try { await refresh(); } catch (error) { failure(list, error); }
  return undefined;
}
