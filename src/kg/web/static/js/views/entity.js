// An entity page: names, types, every relation with its cited text, and the graph around it, which
// grows a neighbourhood per click and keeps its expansions when the language changes.
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { createGraph, loadGraphLibrary } from "../graph.js";
import { graphPanel } from "../graphpanel.js";
import { lang, other, pick, t } from "../i18n.js";
import { citationList, entityHref, failure, loadingView } from "./common.js";

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

function sidePanel(side, data, id) {
  const aliases = (data.aliases || []).filter((a) => a.kind === "alt").map((a) => a.value);
  fill(side,
    h("header", { class: "entity-head" },
      h("h1", { "data-testid": "entity-title" }, pick(data.label, id)),
      h("p", { class: "other-label" }, other(data.label)),
      h("p", { class: "curie" }, data.curie || data.iri),
      h("p", { class: "types" }, (data.types || []).map((ty) => h("span", { class: "type" }, pick(ty.label, ty.curie)))),
      aliases.length ? h("p", { class: "aliases" }, `${t("aliases")}: `, aliases.join(" · ")) : null,
      citationList(data.citations)),
    factGroups(data.outgoing, t("outgoing"), "outgoing"),
    factGroups(data.incoming, t("incoming"), "incoming"),
    !data.outgoing?.length && !data.incoming?.length ? h("p", {}, t("noFacts")) : null);
}

export async function entity(view, { params, navigate }) {
  const id = params.id;
  loadingView(view);
  let data;
  try { data = await api.entity(id); } catch (error) { return failure(view, error); }
  const side = h("aside", { class: "entity-side" });
  const graphBox = h("div", { class: "graph", id: "graph", "data-testid": "graph" });
  const heading = h("div", { class: "graph-bar" });
  const main = h("section", { class: "entity-graph" }, heading, graphBox);
  const headings = () => fill(heading, h("h2", {}, t("graph")), h("span", { class: "hint" }, t("graphHint")));
  sidePanel(side, data, id);
  headings();
  fill(view, h("div", { class: "entity-page" }, side, main));
  const relabelText = () => { sidePanel(side, data, id); headings(); };
  if (!(await loadGraphLibrary())) {
    graphBox.append(h("p", { class: "error" }, t("vendorMissing")));
    return { relabel: relabelText };
  }
  let subgraph;
  try { subgraph = await api.neighbourhood(id, 1); } catch (error) {
    graphBox.append(h("p", { class: "error" }, error.message));
    return { relabel: relabelText };
  }
  let panel = null;
  const graph = createGraph(graphBox, { onOpen: (target) => navigate(entityHref(target)), onChange: () => panel?.refresh() });
  panel = graphPanel(graph);
  heading.after(h("div", { class: "graph-head" }, panel.toolbar, panel.status));
  graphBox.after(h("div", { class: "graph-side" }, panel.expand, panel.legend, panel.filters), panel.downloads);
  await graph.show(subgraph, subgraph.nodes.find((n) => n.id === id || n.iri === data.iri)?.id);
  if (subgraph.truncated) main.append(h("p", { class: "warn" }, t("truncated")));
  graphBox.dataset.lang = lang();
  return {
    destroy: () => graph.destroy(),
    relabel() {
      relabelText();
      graph.relabel();
      panel.refresh();
      graphBox.dataset.lang = lang();
    },
  };
}
