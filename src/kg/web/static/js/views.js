// The page's views: home, entity, path finder, timeline, SPARQL. Each renders into the main element.
import { api } from "./api.js";
import { clear, h } from "./dom.js";
import { createGraph, loadGraphLibrary } from "./graph.js";
import { pick, t } from "./i18n.js";

const EXPORTS = [["graphml", "GraphML"], ["gexf", "GEXF"], ["cytoscape", "Cytoscape"], ["dot", "DOT"],
  ["svg", "SVG"], ["png", "PNG"], ["csv-nodes", "CSV nodes"], ["csv-edges", "CSV edges"],
  ["nodelink", "D3 JSON"], ["turtle", "Turtle"], ["jsonld", "JSON-LD"], ["trig", "TriG"]];
const START = ["shanghai-stc-office", "ndrc", "national-stc-leading-group", "zhangjiang-science-city"];

export const entityHref = (id) => `#/entity/${encodeURIComponent(id)}`;

/** Drop repeated citations of one evidence node. */
function distinct(citations = []) {
  const seen = new Set();
  return citations.filter((c) => !seen.has(c.evidence) && seen.add(c.evidence));
}

function citationList(citations) {
  const items = distinct(citations).map((c) => h("li", { class: "citation" },
    h("span", { class: "where", title: `${c.section_title || ""} [${c.start}, ${c.end})` },
      `§${c.section || "?"}`),
    " ", h("q", {}, c.text || `[${c.start}, ${c.end})`),
    // The curator's note: why the span is read this way (context the quote alone does not give).
    c.note ? h("span", { class: "note", "data-testid": "note" }, `${t("note")}: ${pick(c.note)}`) : null));
  return items.length ? h("ul", { class: "citations", "data-testid": "citations" }, items) : null;
}

/** A hop's doubt (a possible identity, or a reading its note explains), said out loud; the reason is
 * the citations' note, shown with them, so it is repeated here only when no citation carries one. */
function doubtView(hop) {
  const doubt = hop.doubt;
  if (!doubt) return null;
  const kind = t(doubt.kind === "possible_identity" ? "possibleIdentity" : "curatorReading");
  const noted = (hop.citations || []).some((c) => c.note);
  return h("p", { class: "doubt", "data-testid": "doubt", role: "note", title: pick(doubt.reason) },
    noted ? `⚠ ${kind}` : `⚠ ${kind}: ${pick(doubt.reason)}`);
}

function downloads(params, lang) {
  return h("div", { class: "downloads", "data-testid": "downloads" }, h("span", {}, `${t("downloads")}:`),
    EXPORTS.map(([format, title]) => h("a", { class: "download", href: api.exportUrl({ ...params, format, lang }),
      download: "", "data-format": format }, title)));
}

function failure(view, error) {
  clear(view).append(h("div", { class: "error", role: "alert" }, `${t("error")}: ${error.message}`));
}

function nodeLink(node) {
  return h("a", { href: entityHref(node.id), class: "chip", dataset: { category: node.category || "" } },
    pick(node.label, node.id));
}

// -- home ----------------------------------------------------------------------------------------

export async function home(view, { lang }) {
  clear(view).append(h("section", { class: "home" },
    h("p", { class: "intro" }, t("homeIntro")),
    h("h2", {}, t("tryThese")),
    h("div", { class: "chips", "data-testid": "start" }, START.map((id) => h("a", { class: "chip", href: entityHref(id) }, id))),
    h("h2", {}, t("exportAll")), downloads({ scope: "all" }, lang)));
  const chips = view.querySelectorAll("[data-testid=start] a");
  await Promise.all(START.map(async (id, i) => {
    const entity = await api.entity(id).catch(() => null);
    if (entity) chips[i].textContent = pick(entity.label, id);
  }));
}

// -- entity --------------------------------------------------------------------------------------

function factValue(value) {
  if (value.id || value.iri) return h("a", { href: entityHref(value.id || value.iri) }, pick(value.label, value.id || value.iri));
  const unit = value.currency ? ` ${value.currency}` : "";
  return h("span", { class: "literal" }, `${value.literal}${unit}`);
}

function factGroups(facts, heading, testid) {
  if (!facts?.length) return null;
  const groups = new Map();
  for (const fact of facts) {
    const key = fact.property.iri;
    if (!groups.has(key)) groups.set(key, { property: fact.property, facts: [] });
    groups.get(key).facts.push(fact);
  }
  return h("section", { class: "facts", "data-testid": testid }, h("h3", {}, heading),
    [...groups.values()].map((group) => h("div", { class: "fact-group" },
      h("h4", { title: group.property.curie }, pick(group.property.label, group.property.curie)),
      h("ul", {}, group.facts.map((fact) => h("li", { class: "fact" },
        factValue(fact.value), citationList(fact.citations)))))));
}

export async function entity(view, { lang, params, navigate }) {
  const id = params.id;
  clear(view).append(h("p", { class: "loading" }, t("loading")));
  let data;
  try { data = await api.entity(id); } catch (error) { return failure(view, error); }
  const aliases = (data.aliases || []).filter((a) => a.kind === "alt").map((a) => a.value);
  const graphBox = h("div", { class: "graph", id: "graph", "data-testid": "graph" });
  const side = h("aside", { class: "entity-side" },
    h("header", { class: "entity-head" },
      h("h1", { "data-testid": "entity-title" }, pick(data.label, id)),
      h("p", { class: "other-label" }, lang === "zh" ? data.label?.en : data.label?.zh),
      h("p", { class: "curie" }, data.curie || data.iri),
      h("p", { class: "types" }, (data.types || []).map((ty) => h("span", { class: "type" }, pick(ty.label, ty.curie)))),
      aliases.length ? h("p", { class: "aliases" }, `${t("aliases")}: `, aliases.join(" · ")) : null,
      citationList(data.citations)),
    factGroups(data.outgoing, t("outgoing"), "outgoing"),
    factGroups(data.incoming, t("incoming"), "incoming"),
    !data.outgoing?.length && !data.incoming?.length ? h("p", {}, t("noFacts")) : null);
  const main = h("section", { class: "entity-graph" },
    h("div", { class: "graph-bar" }, h("h2", {}, t("graph")), h("span", { class: "hint" }, t("graphHint"))),
    graphBox, downloads({ scope: "neighbourhood", entity: id, depth: 1 }, lang));
  clear(view).append(h("div", { class: "entity-page" }, side, main));
  if (!(await loadGraphLibrary())) { graphBox.append(h("p", { class: "error" }, t("vendorMissing"))); return; }
  try {
    const subgraph = await api.neighbourhood(id, 1);
    const graph = createGraph(graphBox, { onOpen: (other) => navigate(entityHref(other)) });
    graph.show(subgraph, subgraph.nodes.find((n) => n.id === id || n.iri === data.iri)?.id);
    if (subgraph.truncated) main.append(h("p", { class: "warn" }, t("truncated")));
    return () => graph.destroy();
  } catch (error) {
    graphBox.append(h("p", { class: "error" }, error.message));
  }
}

// -- paths ---------------------------------------------------------------------------------------

function hopView(hop, index) {
  const arrow = hop.direction === "backward" ? "←" : "→";
  return h("li", { class: "hop", "data-testid": "hop" },
    h("div", { class: "hop-line" }, h("span", { class: "hop-no" }, `${index + 1}`), nodeLink(hop.from),
      h("span", { class: "rel" }, `${arrow} ${pick(hop.property.label, hop.property.curie)} ${arrow}`), nodeLink(hop.to),
      hop.dates?.length ? h("span", { class: "dates" }, hop.dates.join(", ")) : null),
    doubtView(hop),
    citationList(hop.citations));
}

export async function paths(view, { lang, query, navigate }) {
  const source = h("input", { id: "path-source", value: query.source || "", placeholder: "ndrc / 国家发改委" });
  const target = h("input", { id: "path-target", value: query.target || "", placeholder: "shanghai-stc-office / 科创办" });
  const form = h("form", { class: "path-form", onsubmit: (event) => {
    event.preventDefault();
    navigate(`#/path?${new URLSearchParams({ source: source.value.trim(), target: target.value.trim() })}`);
  } }, h("label", {}, t("pathFrom"), source), h("label", {}, t("pathTo"), target),
  h("button", { type: "submit", id: "path-find" }, t("pathFind")));
  clear(view).append(h("section", { class: "paths" }, h("h1", {}, t("pathTitle")), form));
  if (!query.source || !query.target) return;
  const results = h("div", { class: "path-results", "data-testid": "path-results" }, t("loading"));
  const graphBox = h("div", { class: "graph path-graph", "data-testid": "graph" });
  view.querySelector(".paths").append(h("div", { class: "path-layout" }, results, graphBox));
  let answer;
  try { answer = await api.paths(query.source, query.target, 3); } catch (error) { return failure(results, error); }
  clear(results);
  if (!answer.paths.length) { results.append(h("p", { class: "empty" }, answer.reason || t("noPath"))); return; }
  results.append(h("p", { class: "summary" }, nodeLink(answer.source), " ⇢ ", nodeLink(answer.target),
    ` · ${answer.paths.length} ${t("paths")}`),
  ...answer.paths.map((path, i) => h("ol", { class: "path", "data-testid": "path" },
    h("h3", {}, `#${i + 1} · ${path.length} ${t("hop")}`), path.hops.map(hopView))),
  downloads({ scope: "path", source: answer.source.id, target: answer.target.id, k: 3 }, lang));
  if (!(await loadGraphLibrary())) return;
  const nodes = new Map(); const edges = new Map();
  for (const path of answer.paths) for (const hop of path.hops) {
    nodes.set(hop.from.id, hop.from); nodes.set(hop.to.id, hop.to);
    const [s, o] = hop.direction === "backward" ? [hop.to.id, hop.from.id] : [hop.from.id, hop.to.id];
    edges.set(`${s}|${hop.property.curie}|${o}`, { source: s, target: o, property: hop.property });
  }
  const graph = createGraph(graphBox, { onOpen: (id) => navigate(entityHref(id)) });
  graph.show({ nodes: [...nodes.values()], edges: [...edges.values()] });
  graph.mark([answer.source.id, answer.target.id], "focus");
  return () => graph.destroy();
}

// -- timeline ------------------------------------------------------------------------------------

export async function timeline(view, { query }) {
  clear(view).append(h("p", { class: "loading" }, t("loading")));
  let data;
  try { data = await api.timeline(query.entity); } catch (error) { return failure(view, error); }
  clear(view).append(h("section", { class: "timeline" }, h("h1", {}, t("timelineTitle")),
    h("ol", { class: "events", "data-testid": "events" }, data.events.map((event) => h("li", { class: "event" },
      h("time", { datetime: event.sort_date || "" }, event.date || event.sort_date || "?"),
      h("div", { class: "event-body" },
        h("a", { href: entityHref(event.id), class: "event-title" }, pick(event.label, event.id)),
        event.participants?.length ? h("p", { class: "participants" }, `${t("participants")}: `,
          event.participants.map(nodeLink)) : null,
        citationList(event.citations)))))));
}

// -- SPARQL --------------------------------------------------------------------------------------

const BUILT_IN = [
  { name: "leading-groups", title: { zh: "领导小组及其牵头单位", en: "Leading groups and who leads them" },
    query: `PREFIX ikg: <https://w3id.org/innokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?group ?groupLabel ?leader ?leaderLabel WHERE {
  ?group a ikg:LeadingGroup ; skos:prefLabel ?groupLabel .
  OPTIONAL { ?leader ikg:leads ?group ; skos:prefLabel ?leaderLabel . FILTER(lang(?leaderLabel) = "zh") }
  FILTER(lang(?groupLabel) = "zh")
} ORDER BY ?group` },
  { name: "classes", title: { zh: "各类实体的数量", en: "How many entities of each class" },
    query: `SELECT ?class (COUNT(?s) AS ?count) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?count) LIMIT 25` },
  { name: "renamings", title: { zh: "更名记录", en: "Renamings" },
    query: `PREFIX ikg: <https://w3id.org/innokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?old ?oldLabel ?new ?newLabel WHERE {
  ?old ikg:renamedTo ?new .
  OPTIONAL { ?old skos:prefLabel ?oldLabel FILTER(lang(?oldLabel) = "zh") }
  OPTIONAL { ?new skos:prefLabel ?newLabel FILTER(lang(?newLabel) = "zh") }
}` },
];

/** Example queries from /queries (whatever shape the catalogue has) plus the built-in ones. */
async function examples() {
  const catalogue = await api.queries().catch(() => null);
  const list = Array.isArray(catalogue) ? catalogue : catalogue?.queries || [];
  // Questions with parameters need their values bound by /queries/{name}: offer the others here.
  const served = list.filter((item) => typeof (item?.sparql ?? item?.query) === "string" && !item.parameters?.length)
    .map((item) => ({ name: item.name, title: item.title || item.label || { zh: item.name, en: item.name },
      query: item.query || item.sparql }));
  return [...served, ...BUILT_IN];
}

function cell(binding) {
  if (!binding) return h("td", {});
  if (binding.type === "uri") {
    const id = binding.value.startsWith("https://w3id.org/innokg/id/") ? binding.value.slice(27) : null;
    return h("td", {}, id && !id.includes("/") ? h("a", { href: entityHref(id) }, id) : binding.value);
  }
  return h("td", {}, binding.value, binding["xml:lang"] ? h("sub", {}, `@${binding["xml:lang"]}`) : null);
}

export async function sparql(view) {
  const text = h("textarea", { id: "sparql-query", rows: 10, spellcheck: "false" });
  const select = h("select", { id: "sparql-examples", "aria-label": t("examples") });
  const output = h("div", { class: "sparql-output", "data-testid": "sparql-output" });
  const run = async () => {
    clear(output).append(t("loading"));
    try {
      const answer = await api.sparql(text.value);
      clear(output);
      if (answer.boolean !== undefined) { output.append(h("p", { class: "boolean" }, String(answer.boolean))); return; }
      const vars = answer.head.vars;
      const rows = answer.results.bindings;
      output.append(h("p", { class: "summary" }, `${rows.length} ${t("rows")}`),
        rows.length ? h("table", { class: "results", "data-testid": "results" },
          h("thead", {}, h("tr", {}, vars.map((v) => h("th", {}, `?${v}`)))),
          h("tbody", {}, rows.map((row) => h("tr", {}, vars.map((v) => cell(row[v])))))) : h("p", {}, t("noRows")));
    } catch (error) { failure(output, error); }
  };
  clear(view).append(h("section", { class: "sparql" }, h("h1", {}, t("sparqlTitle")),
    h("div", { class: "sparql-bar" }, h("label", {}, `${t("examples")} `, select),
      h("button", { type: "button", id: "sparql-run", onclick: run }, t("run"))), text, output));
  const list = await examples();
  select.append(...list.map((item, i) => h("option", { value: String(i) }, pick(item.title, item.name))));
  const choose = () => { text.value = list[Number(select.value)]?.query || ""; };
  select.addEventListener("change", choose);
  choose();
}
