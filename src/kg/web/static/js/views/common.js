// Pieces every view uses: links to entities and to the report in context, citation lists, errors.
import { fill, h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { displayQuote, distinctCitations } from "../quotes.js";
import { colourOf } from "../vocabulary.js";

export const entityHref = (id) => `#/entity/${encodeURIComponent(id)}`;

/** The id of an evidence node in /evidence/{id}: the last segment of its IRI. */
export const evidenceId = (iri) => String(iri || "").split("/").pop();
export const evidenceHref = (iri) => `#/evidence/${encodeURIComponent(evidenceId(iri))}`;

/** A list of citations: where (§section), the quote as shown (stray spaces dropped), the curator's note,
 * and a link to read the quote in its paragraph. `nested` also drops spans inside another shown one. */
export function citationList(citations, { nested = false } = {}) {
  const items = distinctCitations(citations, { nested }).map((c) => h("li", { class: "citation" },
    h("span", { class: "where", title: `${c.section_title || ""} [${c.start}, ${c.end})` },
      `§${c.section || "?"}`),
    " ", h("q", { title: c.text || "" }, c.text ? displayQuote(c.text) : `[${c.start}, ${c.end})`),
    c.evidence ? h("a", { class: "in-context", href: evidenceHref(c.evidence), "data-testid": "in-context",
      title: t("readInContext"), "aria-label": `${t("readInContext")}: §${c.section || "?"}` }, "↗") : null,
    // The curator's note: why the span is read this way (context the quote alone does not give).
    c.note ? h("span", { class: "note", "data-testid": "note" }, `${t("note")}: ${pick(c.note)}`) : null));
  return items.length ? h("ul", { class: "citations", "data-testid": "citations" }, items) : null;
}

/** A hop's doubt (a possible identity, or a reading its note explains), said out loud; the reason is
 * the citations' note, shown with them, so it is repeated here only when no citation carries one. */
export function doubtView(hop) {
  const doubt = hop.doubt;
  if (!doubt) return null;
  const kind = t(doubt.kind === "possible_identity" ? "possibleIdentity" : "curatorReading");
  const noted = (hop.citations || []).some((c) => c.note);
  return h("p", { class: "doubt", "data-testid": "doubt", role: "note", title: pick(doubt.reason) },
    noted ? `⚠ ${kind}` : `⚠ ${kind}: ${pick(doubt.reason)}`);
}

export function failure(view, error) {
  fill(view, h("div", { class: "error", role: "alert" }, `${t("error")}: ${error.message}`));
}

/** A chip linking to an entity page, with the colour of its category. */
export function nodeLink(node) {
  return h("a", { href: entityHref(node.id), class: "chip", dataset: { category: node.category || "" } },
    node.category ? h("span", { class: "dot", style: `background:${colourOf(node.category)}`, "aria-hidden": "true" }) : null,
    pick(node.label, node.id));
}

export const loadingView = (view) => fill(view, h("p", { class: "loading" }, t("loading")));
