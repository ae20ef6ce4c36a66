// The interactive graph: Cytoscape.js (from static/vendor, copied by scripts/setup-web), coloured by
// category with the exports' palette, labels in the chosen language, nodes expandable on click.
// The fCoSE layout (static/vendor too) spreads nodes with their labels apart; plain CoSE is the fallback.
// After every change the view fits what is shown, so no node is left outside the canvas.
import { api } from "./api.js";
import { lang } from "./i18n.js";
import { colourOf, loadVocabulary, textColour } from "./vocabulary.js";

let cytoscape = null;
let fcose = false;
let loading = null;

function classicScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(script);
  });
}

async function loadLibraries() {
  try {
    cytoscape = (await import("/static/vendor/cytoscape.esm.min.mjs")).default;
  } catch {
    return false;
  }
  try {  // UMD builds: each defines a global the next one needs
    for (const name of ["layout-base", "cose-base", "cytoscape-fcose"]) await classicScript(`/static/vendor/${name}.js`);
    cytoscape.use(window.cytoscapeFcose);
    fcose = true;
  } catch {
    fcose = false;
  }
  await loadVocabulary();
  return true;
}

/** Load Cytoscape.js, the layout and the palette once; false when the vendor files are missing. */
export function loadGraphLibrary() {
  loading ||= loadLibraries();
  return loading;
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
            curie: e.property.curie, labels: e.property.label, label: nodeLabel(e.property.label, e.property.curie) },
  }));
  return [...nodes, ...edges];
}

/** Elements of a Cytoscape.js JSON export (the server's own description of some nodes). */
function exportedEdges(json) {
  return (json?.elements?.edges || []).map(({ data }) => ({
    source: data.source, target: data.target,
    property: { curie: data.property, label: { zh: data.label_zh || "", en: data.label_en || "" } },
  }));
}

// Chinese labels have no spaces to wrap at; English ones wrap between words.
const wrapFor = () => (lang() === "zh" ? "anywhere" : "whitespace");

const STYLE = () => [
  { selector: "node", style: {
    "background-color": "data(colour)", label: "data(label)", color: "#1b1f23", "font-size": 11,
    "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "wrap", "text-max-width": 110,
    "text-overflow-wrap": wrapFor(), "text-background-color": "#fbfcfd", "text-background-opacity": 0.75,
    "text-background-padding": 1,
    "font-family": "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif",
    width: 22, height: 22, "border-width": 1, "border-color": "#fff" } },
  { selector: "node.focus", style: { width: 34, height: 34, "border-width": 3, "border-color": "#111", "font-weight": "bold" } },
  { selector: "node.expanded", style: { "border-color": "#444", "border-width": 2 } },
  { selector: "node.on-path", style: { "border-color": "#111", "border-width": 3 } },
  { selector: "edge", style: {
    width: 1.4, "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1", "target-arrow-shape": "triangle",
    "curve-style": "bezier", label: "data(label)", "font-size": 9, color: "#52606d",
    "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.8,
    "text-background-padding": 1, "min-zoomed-font-size": 7 } },
  { selector: ".hidden", style: { display: "none" } },
];

const PADDING = 24;

function layoutOptions() {
  if (fcose) {
    return { name: "fcose", quality: "proof", randomize: false, animate: false, fit: false,
      nodeDimensionsIncludeLabels: true, nodeRepulsion: () => 12000, idealEdgeLength: () => 95,
      edgeElasticity: () => 0.4, nodeSeparation: 90, gravity: 0.25, gravityRange: 3.8, numIter: 2500,
      packComponents: true, tile: true };
  }
  return { name: "cose", animate: false, fit: false, randomize: false, nodeDimensionsIncludeLabels: true,
    nodeRepulsion: () => 80000, idealEdgeLength: () => 100, nodeOverlap: 40, componentSpacing: 80 };
}

/**
 * A graph in `container`. `onOpen(id)` runs on double-click; `onChange()` after anything changes what is
 * shown (expansion, filters, reset); with `sync` (the default) the edges are the server's statements
 * among the nodes shown (see syncEdges; a path view shows its paths' edges only). Returns a controller;
 * `container.cy` is the Cytoscape instance (the browser tests read node positions from it).
 */
export function createGraph(container, { onOpen, onChange, sync = true } = {}) {
  const cy = cytoscape({ container, style: STYLE(), minZoom: 0.05, maxZoom: 3 });
  const expanded = new Set();
  const hiddenCategories = new Set();
  const hiddenRelations = new Set();
  let start = { subgraph: { nodes: [], edges: [] }, focusId: null };
  container.cy = cy;

  const shown = () => cy.elements().not(".hidden");
  const publish = () => {
    container.dataset.nodes = String(cy.nodes().length);
    container.dataset.edges = String(cy.edges().length);
    container.dataset.visible = String(cy.nodes().not(".hidden").length);
  };
  const changed = () => { publish(); onChange?.(); };

  function fit() {
    const eles = shown();
    if (eles.nonempty()) cy.fit(eles, PADDING);
  }

  /** A wide drawing in a tall canvas (a phone) is turned a quarter, so it fills the canvas at a
   * readable zoom instead of a strip across its middle; and the other way round. */
  function matchAspect(eles) {
    const bb = eles.nodes().boundingBox({ includeLabels: false });
    const tallCanvas = cy.height() > cy.width() * 1.2;
    const wideCanvas = cy.width() > cy.height() * 1.2;
    if ((tallCanvas && bb.w > bb.h * 1.3) || (wideCanvas && bb.h > bb.w * 1.3)) {
      eles.nodes().positions((n) => ({ x: n.position("y"), y: n.position("x") }));
      return true;
    }
    return false;
  }

  /** Push apart the nodes whose boxes (node and label) still overlap after the layout, along the axis
   * where they overlap least, half each way; a few passes settle what one push disturbs. */
  function separate(nodes) {
    const GAP = 4;
    for (let pass = 0; pass < 25; pass += 1) {
      const boxes = nodes.map((n) => ({ n, b: n.boundingBox({ includeLabels: true, includeOverlays: false }) }));
      let moved = false;
      for (let i = 0; i < boxes.length; i += 1) {
        for (let j = i + 1; j < boxes.length; j += 1) {
          const a = boxes[i].b; const b = boxes[j].b;
          const dx = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
          const dy = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
          if (dx <= 0 || dy <= 0) continue;
          const [first, second] = [boxes[i].n, boxes[j].n];
          const horizontal = dx < dy;
          const sign = horizontal ? Math.sign(b.x1 + b.x2 - a.x1 - a.x2) || 1 : Math.sign(b.y1 + b.y2 - a.y1 - a.y2) || 1;
          const step = ((horizontal ? dx : dy) + GAP) / 2;
          const axis = horizontal ? "x" : "y";
          first.position(axis, first.position(axis) - sign * step);
          second.position(axis, second.position(axis) + sign * step);
          moved = true;
        }
      }
      if (!moved) return;
    }
  }

  function layout() {
    const eles = shown();
    if (eles.nodes().length > 1) {
      eles.layout(layoutOptions()).run();
      // Labels sit below their nodes, so a turned drawing is spread once more from where it lies.
      if (matchAspect(eles)) eles.layout(layoutOptions()).run();
      separate(eles.nodes());
    }
    fit();
  }

  function applyFilters() {
    cy.nodes().forEach((n) => { n.toggleClass("hidden", hiddenCategories.has(n.data("category"))); });
    cy.edges().forEach((e) => { e.toggleClass("hidden", hiddenRelations.has(e.data("curie"))); });
  }

  /** Add what is not on screen yet; the new nodes as a collection. */
  function add(subgraph) {
    const fresh = toElements(subgraph).filter((el) => cy.getElementById(el.data.id).empty());
    return cy.add(fresh).nodes();
  }

  /** New nodes start on a ring around the node they came from, so the layout refines from there. */
  function place(nodes, aroundId) {
    const centre = cy.getElementById(aroundId).position() || { x: 0, y: 0 };
    const radius = 70 + 6 * nodes.length;
    nodes.forEach((node, i) => {
      const angle = (2 * Math.PI * i) / Math.max(nodes.length, 1);
      node.position({ x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) });
    });
  }

  /** Make the edges on screen the server's own statements among the nodes on screen (an export of
   * these nodes: every relation among them, one direction of each inverse pair), so the screen holds
   * exactly what a download of it holds. Without the export the neighbourhoods' edges stay. */
  async function syncEdges() {
    const ids = cy.nodes().map((n) => n.id());
    if (!ids.length) return;
    const response = await fetch(api.exportUrl({ scope: "nodes", node: ids, format: "cytoscape" })).catch(() => null);
    const json = response?.ok ? await response.json().catch(() => null) : null;
    if (!json?.elements) return;
    const edges = exportedEdges(json);
    const wanted = new Set(edges.map((e) => `${e.source}|${e.property.curie}|${e.target}`));
    cy.edges().filter((e) => !wanted.has(e.id())).remove();
    add({ nodes: [], edges });
  }

  async function expand(id) {
    if (expanded.has(id)) return 0;
    expanded.add(id);
    container.dataset.busy = "1";
    try {
      const fresh = add(await api.neighbourhood(id, 1));
      place(fresh, id);
      cy.getElementById(id).addClass("expanded");
      if (fresh.length && sync) await syncEdges();
      applyFilters();
      layout();
      return fresh.length;
    } finally {
      delete container.dataset.busy;
      changed();
    }
  }

  async function show(subgraph, focusId = null) {
    start = { subgraph, focusId };
    cy.elements().remove();
    expanded.clear();
    add(subgraph);
    if (focusId) { cy.getElementById(focusId).addClass("focus"); expanded.add(focusId); }
    if (sync) await syncEdges();
    // Rings around the focus give the force layout a calm, repeatable start.
    cy.layout(focusId ? { name: "concentric", fit: false, minNodeSpacing: 60, animate: false,
      concentric: (n) => (n.id() === focusId ? 2 : 1), levelWidth: () => 1 }
      : { name: "circle", fit: false, animate: false }).run();
    applyFilters();
    layout();
    changed();
  }

  cy.on("tap", "node", (event) => { expand(event.target.id()); });
  cy.on("dbltap", "node", (event) => onOpen?.(event.target.id()));

  return {
    cy,
    show,
    expand,
    fit,
    /** Back to the first view: its nodes, no expansions, no filters. */
    reset() {
      hiddenCategories.clear();
      hiddenRelations.clear();
      return show(start.subgraph, start.focusId);
    },
    /** Zoom by `factor` around the canvas centre. */
    zoom(factor) {
      cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    },
    mark(ids, cls) { ids.forEach((id) => cy.getElementById(id).addClass(cls)); },
    /** Show or hide the nodes of a category (`kind` "category") or the edges of a relation ("relation"). */
    setHidden(kind, key, hidden) {
      const set = kind === "category" ? hiddenCategories : hiddenRelations;
      if (hidden) set.add(key); else set.delete(key);
      applyFilters();
      fit();
      changed();
    },
    showAll() {
      hiddenCategories.clear();
      hiddenRelations.clear();
      applyFilters();
      fit();
      changed();
    },
    /** Shown nodes not expanded yet, [{id, label}] by label: what the keyboard's expand list offers. */
    expandable: () => cy.nodes().not(".hidden").filter((n) => !expanded.has(n.id()))
      .map((n) => ({ id: n.id(), label: n.data("label") })).sort((a, b) => a.label.localeCompare(b.label)),
    isHidden: (kind, key) => (kind === "category" ? hiddenCategories : hiddenRelations).has(key),
    hiddenRelations: () => [...hiddenRelations].sort(),
    /** Ids of the nodes on screen (filters applied), sorted. */
    visibleIds: () => cy.nodes().not(".hidden").map((n) => n.id()).sort(),
    /** Categories on the graph: [{category, count}] by count, then name. */
    categories() {
      const counts = new Map();
      cy.nodes().forEach((n) => counts.set(n.data("category"), (counts.get(n.data("category")) || 0) + 1));
      return [...counts].map(([category, count]) => ({ category, count }))
        .sort((a, b) => b.count - a.count || String(a.category).localeCompare(String(b.category)));
    },
    /** Relations on the graph: [{curie, labels, count}] by count, then CURIE. */
    relations() {
      const found = new Map();
      cy.edges().forEach((e) => {
        const item = found.get(e.data("curie")) || { curie: e.data("curie"), labels: e.data("labels"), count: 0 };
        item.count += 1;
        found.set(item.curie, item);
      });
      return [...found.values()].sort((a, b) => b.count - a.count || a.curie.localeCompare(b.curie));
    },
    /** Labels in the chosen language, in place: expansions, filters and positions stay. */
    relabel() {
      cy.batch(() => {
        cy.nodes().forEach((n) => n.data("label", nodeLabel(n.data("labels"), n.id())));
        cy.edges().forEach((e) => e.data("label", nodeLabel(e.data("labels"), e.data("curie"))));
      });
      cy.style().selector("node").style("text-overflow-wrap", wrapFor()).update();
      layout();  // the other language's labels have other sizes: spread them again, from where they are
    },
    destroy() { cy.destroy(); },
  };
}
