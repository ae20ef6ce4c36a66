// What surrounds a graph on the page: view controls (fit, reset, zoom), the legend of colours that is
// also the filter by type, the filter by relation, and downloads of exactly the nodes on screen
// (GET /export?scope=nodes&node=…, hidden relations left out with avoid_property=…).
import { api } from "./api.js";
import { fill, h } from "./dom.js";
import { pick, t } from "./i18n.js";
import { categoryName, colourOf } from "./vocabulary.js";

export const EXPORTS = [["graphml", "GraphML"], ["gexf", "GEXF"], ["cytoscape", "Cytoscape"], ["dot", "DOT"],
  ["svg", "SVG"], ["png", "PNG"], ["csv-nodes", "CSV nodes"], ["csv-edges", "CSV edges"],
  ["nodelink", "D3 JSON"], ["turtle", "Turtle"], ["jsonld", "JSON-LD"], ["trig", "TriG"]];
// The formats a layout can give positions to (GET /export/formats says which; this is its answer today).
let positioned = new Set(["cytoscape", "dot", "gexf", "graphml", "nodelink", "png", "svg"]);
let formatsRead = null;

/** Download links for `params` (a scope and what it needs) in every export format. */
export function downloads(params, lang) {
  return h("div", { class: "downloads", "data-testid": "downloads" }, h("span", {}, `${t("downloads")}:`),
    EXPORTS.map(([format, title]) => h("a", { class: "download", href: api.exportUrl({ ...params, format, lang }),
      download: "", "data-format": format }, title)));
}

function toolButton(key, glyph, onclick, id) {
  return h("button", { type: "button", class: "tool", id, "aria-label": t(key), title: t(key), onclick }, glyph);
}

/** The panel around `graph`: `{ toolbar, status, expand, legend, filters, downloads, refresh }`; call
 * `refresh()` after the graph changed and after the language changed. */
export function graphPanel(graph, { idPrefix = "graph" } = {}) {
  const toolbar = h("div", { class: "graph-tools", role: "toolbar", "aria-label": t("graphControls") });
  const status = h("span", { class: "graph-status", "data-testid": "graph-status" });
  const legend = h("section", { class: "legend", "data-testid": "legend" });
  const filters = h("details", { class: "graph-filters", "data-testid": "relation-filters" });
  const layoutChoice = h("select", { id: `${idPrefix}-layout`, class: "layout-choice" });
  const links = h("span", { class: "download-links" });
  const downloadBox = h("div", { class: "downloads", "data-testid": "downloads" });
  layoutChoice.addEventListener("change", () => refreshDownloads());
  formatsRead ||= api.exportFormats().then((answer) => { positioned = new Set(answer.positioned_formats || []); })
    .catch(() => {});
  formatsRead.then(() => refreshDownloads());

  // Expanding from the keyboard: the canvas takes clicks only, so a list offers the same.
  const expandChoice = h("select", { id: `${idPrefix}-expand-choice`, class: "expand-choice" });
  const expandForm = h("form", { class: "expand-form", onsubmit: (event) => {
    event.preventDefault();
    if (expandChoice.value) graph.expand(expandChoice.value);
  } });

  function refreshToolbar() {
    fill(toolbar,
      toolButton("fit", "⤢", () => graph.fit(), `${idPrefix}-fit`),
      toolButton("zoomIn", "+", () => graph.zoom(1.25), `${idPrefix}-zoom-in`),
      toolButton("zoomOut", "−", () => graph.zoom(0.8), `${idPrefix}-zoom-out`),
      toolButton("reset", "↺", () => graph.reset(), `${idPrefix}-reset`));
    toolbar.setAttribute("aria-label", t("graphControls"));
    fill(expandChoice, graph.expandable().map((n) => h("option", { value: n.id }, n.label)));
    fill(expandForm, h("label", { for: expandChoice.id }, t("expandNode")), expandChoice,
      h("button", { type: "submit", class: "secondary", id: `${idPrefix}-expand` }, t("expand")));
  }

  function refreshStatus() {
    const nodes = graph.cy.nodes().length;
    const hidden = nodes - graph.visibleIds().length;
    status.textContent = t("graphCount", { nodes, edges: graph.cy.edges().not(".hidden").length })
      + (hidden ? t("hiddenCount", { hidden }) : "");
  }

  function refreshLegend() {
    const items = graph.categories().map(({ category, count }) => h("li", {},
      h("label", { class: "legend-item", dataset: { category } },
        h("input", { type: "checkbox", checked: !graph.isHidden("category", category), dataset: { category },
          onchange: (event) => graph.setHidden("category", category, !event.target.checked) }),
        h("span", { class: "swatch", style: `background:${colourOf(category)}`, "aria-hidden": "true" }),
        h("span", { class: "legend-name" }, categoryName(category)),
        h("span", { class: "count" }, `(${count})`))));
    fill(legend, h("h3", {}, `${t("legend")} · ${t("filterTypes")}`), h("ul", { class: "legend-list" }, items));
  }

  function refreshFilters() {
    const open = filters.open;
    const relations = graph.relations();
    fill(filters, h("summary", {}, `${t("filterRelations")} (${relations.length})`),
      h("ul", { class: "relation-list" }, relations.map(({ curie, labels, count }) => h("li", {},
        h("label", { dataset: { relation: curie } },
          h("input", { type: "checkbox", checked: !graph.isHidden("relation", curie), dataset: { relation: curie },
            onchange: (event) => graph.setHidden("relation", curie, !event.target.checked) }),
          h("span", {}, pick(labels, curie)), h("span", { class: "count" }, `(${count})`))))),
      h("button", { type: "button", class: "secondary", id: `${idPrefix}-show-all`, onclick: () => graph.showAll() }, t("showAll")));
    filters.open = open;
  }

  function refreshDownloads() {
    const ids = graph.visibleIds();
    const layout = layoutChoice.value;
    const hidden = graph.hiddenRelations();
    fill(links, ...EXPORTS.map(([format, title]) => h("a", { class: "download", download: "",
      "data-format": format,
      href: api.exportUrl({ scope: "nodes", node: ids, avoid_property: hidden, format,
        layout: positioned.has(format) ? layout : "" }) }, title)));
  }

  function refreshDownloadBox() {
    const chosen = layoutChoice.value;
    fill(layoutChoice, h("option", { value: "" }, t("layoutNone")),
      h("option", { value: "dot" }, t("layoutDot")), h("option", { value: "spring" }, t("layoutSpring")));
    layoutChoice.value = chosen;
    fill(downloadBox, h("span", { class: "downloads-title" }, `${t("downloadsShown", { nodes: graph.visibleIds().length })}:`),
      links, h("label", { class: "layout-label" }, `${t("positions")} `, layoutChoice));
    refreshDownloads();
  }

  function refresh() {
    refreshToolbar();
    refreshStatus();
    refreshLegend();
    refreshFilters();
    refreshDownloadBox();
  }

  return { toolbar, status, expand: expandForm, legend, filters, downloads: downloadBox, refresh };
}
