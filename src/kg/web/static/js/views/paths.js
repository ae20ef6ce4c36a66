// The path finder with the API's options (k, max hops, relations to avoid, direction), autocomplete in
// both boxes, and every choice kept in the URL (#/path?source=…&target=…&k=…).
import { api } from "../api.js";
import { autocomplete, entityInput, relationSuggestions } from "../autocomplete.js";
import { clear, fill, h } from "../dom.js";
import { createGraph, loadGraphLibrary } from "../graph.js";
import { downloads } from "../graphpanel.js";
import { pick, t } from "../i18n.js";
import { citationList, doubtView, entityHref, failure, nodeLink } from "./common.js";

function hopView(hop, index) {
  const arrow = hop.direction === "backward" ? "←" : "→";
  return h("li", { class: "hop", "data-testid": "hop" },
    h("div", { class: "hop-line" }, h("span", { class: "hop-no" }, `${index + 1}`), nodeLink(hop.from),
      h("span", { class: "rel" }, `${arrow} ${pick(hop.property.label, hop.property.curie)} ${arrow}`), nodeLink(hop.to),
      hop.dates?.length ? h("span", { class: "dates" }, hop.dates.join(", ")) : null),
    doubtView(hop),
    citationList(hop.citations));
}

/** Chips of chosen relations with a box that suggests more; `values()` gives their CURIEs. */
function relationPicker(initial) {
  const chosen = new Map(initial.map((curie) => [curie, curie]));
  const chips = h("span", { class: "picked", "data-testid": "avoid-chips" });
  const input = h("input", { id: "path-avoid", type: "text", placeholder: t("pathAvoidHint") });
  const render = () => fill(chips, ...[...chosen].map(([curie, name]) => h("span", { class: "chip picked-chip", dataset: { curie } },
    name, h("button", { type: "button", class: "chip-remove", "aria-label": `${t("remove")} ${name}`,
      onclick: () => { chosen.delete(curie); render(); } }, "×"))));
  const element = h("div", { class: "combo avoid-box" }, chips, input);
  autocomplete(input, { ...relationSuggestions, choose: (prop) => {
    chosen.set(prop.id, `${prop.name} (${prop.id})`);
    input.value = "";
    render();
  } });
  render();
  return { element, values: () => [...chosen.keys()] };
}

function optionsFrom(query, search) {
  return {
    k: query.k || "3",
    max_hops: query.max_hops || "",
    avoid_property: search.getAll("avoid_property"),
    directed: query.directed === "true",
  };
}

export async function paths(view, { lang, query, search, navigate }) {
  const options = optionsFrom(query, search);
  const source = entityInput({ id: "path-source", placeholder: "ndrc / 国家发改委" }, query.source || "");
  const target = entityInput({ id: "path-target", placeholder: "shanghai-stc-office / 科创办" }, query.target || "");
  const k = h("input", { id: "path-k", type: "number", min: 1, step: 1, value: options.k, inputmode: "numeric" });
  const hops = h("input", { id: "path-max-hops", type: "number", min: 1, step: 1, value: options.max_hops, inputmode: "numeric" });
  const directed = h("input", { id: "path-directed", type: "checkbox", checked: options.directed });
  const avoid = relationPicker(options.avoid_property);
  const form = h("form", { class: "path-form", onsubmit: (event) => {
    event.preventDefault();
    const params = new URLSearchParams({ source: source.value(), target: target.value(), k: k.value || "3" });
    if (hops.value) params.set("max_hops", hops.value);
    if (directed.checked) params.set("directed", "true");
    avoid.values().forEach((curie) => params.append("avoid_property", curie));
    navigate(`#/path?${params}`);
  } },
  h("div", { class: "path-ends" },
    h("label", { for: "path-source" }, t("pathFrom")), source.wrap,
    h("label", { for: "path-target" }, t("pathTo")), target.wrap),
  h("fieldset", { class: "path-options" }, h("legend", {}, t("pathOptions")),
    h("label", {}, t("pathK"), k), h("label", {}, t("pathMaxHops"), hops),
    h("label", { class: "avoid-label", for: "path-avoid" }, t("pathAvoid")), avoid.element,
    h("label", { class: "check" }, directed, t("pathDirected"))),
  h("button", { type: "submit", id: "path-find" }, t("pathFind")));
  fill(view, h("section", { class: "paths" }, h("h1", {}, t("pathTitle")), form));
  if (!query.source || !query.target) return undefined;
  const results = h("div", { class: "path-results", "data-testid": "path-results" }, t("loading"));
  const graphBox = h("div", { class: "graph path-graph", "data-testid": "graph" });
  view.querySelector(".paths").append(h("div", { class: "path-layout" }, results, graphBox));
  const asked = { k: options.k, max_hops: options.max_hops, avoid_property: options.avoid_property,
    directed: options.directed ? "true" : "" };
  let answer;
  try { answer = await api.paths(query.source, query.target, asked); } catch (error) { return failure(results, error); }
  clear(results);
  if (!answer.paths.length) { results.append(h("p", { class: "empty" }, answer.reason || t("noPath"))); return undefined; }
  results.append(h("p", { class: "summary" }, nodeLink(answer.source), " ⇢ ", nodeLink(answer.target),
    ` · ${answer.paths.length} ${t("paths")}`),
  ...answer.paths.map((path, i) => h("ol", { class: "path", "data-testid": "path" },
    h("h3", {}, `#${i + 1} · ${path.length} ${t("hop")}`), path.hops.map(hopView))),
  downloads({ scope: "path", source: answer.source.id, target: answer.target.id, ...asked }, lang));
  if (!(await loadGraphLibrary())) return undefined;
  const nodes = new Map(); const edges = new Map();
  for (const path of answer.paths) for (const hop of path.hops) {
    nodes.set(hop.from.id, hop.from); nodes.set(hop.to.id, hop.to);
    const [s, o] = hop.direction === "backward" ? [hop.to.id, hop.from.id] : [hop.from.id, hop.to.id];
    edges.set(`${s}|${hop.property.curie}|${o}`, { source: s, target: o, property: hop.property });
  }
  const graph = createGraph(graphBox, { onOpen: (id) => navigate(entityHref(id)), sync: false });
  await graph.show({ nodes: [...nodes.values()], edges: [...edges.values()] });
  graph.mark([answer.source.id, answer.target.id], "focus");
  return { destroy: () => graph.destroy() };
}
