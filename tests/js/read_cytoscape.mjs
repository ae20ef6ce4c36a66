// Reads a Cytoscape.js export with the real cytoscape package (headless) and prints what it loaded:
//   node tests/js/read_cytoscape.mjs FILE  ->  {"nodes": N, "edges": M, "dangling_edges": 0, ...}
// An edge whose source or target is not a node makes cytoscape throw, so a bad export fails here.
import { readFileSync } from "node:fs";
import cytoscape from "cytoscape";

const document = JSON.parse(readFileSync(process.argv[2], "utf8"));
const cy = cytoscape({ headless: true, styleEnabled: false, elements: document.elements });
const colours = {};
cy.nodes().forEach((node) => { colours[node.id()] = node.data("colour"); });
const dangling = cy.edges().filter((edge) => edge.source().empty() || edge.target().empty());
const labelled = cy.elements().filter((element) => !element.data("label"));
console.log(JSON.stringify({
  nodes: cy.nodes().length,
  edges: cy.edges().length,
  dangling_edges: dangling.length,
  unlabelled: labelled.length,
  colours,
}));
