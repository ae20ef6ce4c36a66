// What the page needs to name and colour entity types: the exports' palette (/ui/palette.json) and the
// ontology's class labels (read once through the SPARQL endpoint), keyed by category, the local name of
// the class (as the API's `category` gives it).
import { api } from "./api.js";
import { pick } from "./i18n.js";

let palette = { colours: {}, default: "#7f8c8d" };
const classLabels = new Map();
let loading = null;

const CLASS_LABELS = `PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?c ?l WHERE { GRAPH <https://w3id.org/innokg/graph/ontology> { ?c rdfs:label ?l } }`;

/** The local name of an IRI or CURIE (after #, / or :). */
export const localName = (name) => String(name || "").split(/[#/:]/).pop();

async function readClassLabels() {
  const answer = await api.sparql(CLASS_LABELS).catch(() => null);
  for (const row of answer?.results?.bindings || []) {
    const name = localName(row.c.value);
    const language = row.l["xml:lang"];
    if (!/^[A-Z]/.test(name) || (language !== "zh" && language !== "en")) continue;  // classes only
    const labels = classLabels.get(name) || {};
    labels[language] ||= row.l.value;
    classLabels.set(name, labels);
  }
}

/** Load the palette and the class labels once (later calls share the first). */
export function loadVocabulary() {
  loading ||= Promise.all([
    api.palette().then((p) => { palette = p; }).catch(() => {}),
    readClassLabels(),
  ]);
  return loading;
}

/** Whether the palette gives a category a colour of its own. */
export const hasColour = (category) => Object.hasOwn(palette.colours, localName(category));

/** The colour of a category (the palette's; its default for one it does not know). */
export const colourOf = (category) => palette.colours[category] || palette.default;

/** Black or white, whichever reads better on `hex`. */
export function textColour(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 > 0.55 ? "#000" : "#fff";
}

/** The {zh, en} label of a category from the ontology, or null. */
export const categoryLabels = (category) => classLabels.get(localName(category)) || null;

/** A category's name in the chosen language ("CoordinationOffice" when the ontology has no label). */
export const categoryName = (category) => pick(categoryLabels(category), localName(category) || "?");
