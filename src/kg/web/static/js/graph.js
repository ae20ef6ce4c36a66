// The interactive graph: Cytoscape.js (from static/vendor, copied by scripts/setup-web), coloured by
// category with the exports' palette, labels in the chosen language, nodes expandable on click.
import { api } from "./api.js";
import { lang } from "./i18n.js";

let cytoscape = null;
let palette = { colours: {}, default: "#7f8c8d" };

/** Load Cytoscape.js and the palette once; false when the vendor file is missing. */
export async function loadGraphLibrary() {
  if (cytoscape) return true;
  try {
    cytoscape = (await import("/static/vendor/cytoscape.esm.min.mjs")).default;
  } catch {
    return false;
  }
  palette = await api.palette().catch(() => palette);
  return true;
}

const colourOf = (category) => palette.colours[category] || palette.default;

function textColour(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 > 0.55 ? "#000" : "#fff";
}

function nodeLabel(label, id) {
  const other = lang() === "zh" ? "en" : "zh";
  return (label && (label[lang()] || label[other])) || id;
}

/** Cytoscape elements of a contract subgraph ({nodes, edges}); edge ids are stable per statement. */
export function toElements(subgraph) {
  const nodes = subgraph.nodes.map((n) => ({
    group: "nodes",
    data: { id: n.id, labels: n.label, label: nodeLabel(n.label, n.id), category: n.category,
            colour: colourOf(n.category), text: textColour(colourOf(n.category)) },
  }));
  const edges = subgraph.edges.map((e) => ({
    group: "edges",
    data: { id: `${e.source}|${e.property.curie}|${e.target}`, source: e.source, target: e.target,
            labels: e.property.label, label: nodeLabel(e.property.label, e.property.curie) },
  }));
  return [...nodes, ...edges];
}

const STYLE = [
  { selector: "node", style: {
    "background-color": "data(colour)", label: "data(label)", color: "#1b1f23", "font-size": 11,
    "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap", "text-max-width": 120,
    "font-family": "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif",
    width: 22, height: 22, "border-width": 1, "border-color": "#fff" } },
  { selector: "node.focus", style: { width: 34, height: 34, "border-width": 3, "border-color": "#111", "font-weight": "bold" } },
  { selector: "node.expanded", style: { "border-color": "#444", "border-width": 2 } },
  { selector: "node.on-path", style: { "border-color": "#111", "border-width": 3 } },
  { selector: "edge", style: {
    width: 1.4, "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1", "target-arrow-shape": "triangle",
    "curve-style": "bezier", label: "data(label)", "font-size": 9, color: "#52606d",
    "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.8,
    "text-background-padding": 1 } },
];

/** A graph in `container`; `onOpen(id)` is called on double-click. Returns a small controller. */
export function createGraph(container, { onOpen } = {}) {
  const cy = cytoscape({ container, style: STYLE, minZoom: 0.2, maxZoom: 3 });
  const expanded = new Set();
  container.cy = cy;  // for the browser tests, which click nodes at their rendered positions
  const publish = () => {
    container.dataset.nodes = String(cy.nodes().length);
    container.dataset.edges = String(cy.edges().length);
  };
  const layout = (fit = true) => cy.layout({ name: "cose", animate: false, fit, padding: 30,
    nodeRepulsion: () => 9000, idealEdgeLength: () => 90, randomize: false }).run();

  function add(subgraph) {
    const fresh = toElements(subgraph).filter((el) => cy.getElementById(el.data.id).empty());
    cy.add(fresh);
    publish();
    return fresh.length;
  }

  async function expand(id) {
    if (expanded.has(id)) return 0;
    expanded.add(id);
    container.dataset.busy = "1";
    try {
      const added = add(await api.neighbourhood(id, 1));
      cy.getElementById(id).addClass("expanded");
      if (added) layout(false);
      return added;
    } finally {
      delete container.dataset.busy;
      publish();
    }
  }

  cy.on("tap", "node", (event) => { expand(event.target.id()); });
  cy.on("dbltap", "node", (event) => onOpen?.(event.target.id()));

  return {
    cy,
    show(subgraph, focusId) {
      cy.elements().remove();
      expanded.clear();
      add(subgraph);
      if (focusId) { cy.getElementById(focusId).addClass("focus"); expanded.add(focusId); }
      // Rings around the focus read better than a force layout for a fresh neighbourhood.
      cy.layout(focusId ? { name: "concentric", fit: true, padding: 40, minNodeSpacing: 45,
        concentric: (n) => (n.id() === focusId ? 2 : 1), levelWidth: () => 1, animate: false }
        : { name: "cose", animate: false, fit: true, padding: 30, randomize: false }).run();
    },
    mark(ids, cls) { ids.forEach((id) => cy.getElementById(id).addClass(cls)); },
    relabel() {
      cy.nodes().forEach((n) => n.data("label", nodeLabel(n.data("labels"), n.id())));
      cy.edges().forEach((e) => e.data("label", nodeLabel(e.data("labels"), "")));
    },
    expand,
    destroy() { cy.destroy(); },
  };
}
